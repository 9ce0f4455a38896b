/**
 * `npm run bench:diagnostics`: figures over the scenario suite, no assertions. For each seed, every
 * scenario runs; printed: detection delay in epochs per detector (raise epoch - onset epoch, on runs
 * whose metrics confirm the phenomenon), false positives (warnings/errors) on healthy runs, flags
 * beyond the expected one on the other runs, and the precision/recall (and precision@k, k = rows
 * flipped) of mislabeled-row suspects.
 */
import { runScenario } from './runScenario';
import { SCENARIOS } from './scenarios';

const seeds = (process.env.LOSSLENS_BENCH_SEEDS ?? '0,1,2').split(',').map(Number);
/** LOSSLENS_BENCH_ONLY=mislabeled keeps the scenarios whose name holds it. */
const only = process.env.LOSSLENS_BENCH_ONLY ?? '';
/** LOSSLENS_BENCH_DIAGNOSTICS='{"mislabeled-rows":{"stablePrefix":1}}' overrides thresholds in every run (A/B on the same runs). */
const diagnostics = process.env.LOSSLENS_BENCH_DIAGNOSTICS ? (JSON.parse(process.env.LOSSLENS_BENCH_DIAGNOSTICS) as Record<string, unknown>) : undefined;

function summary(values: number[]): string {
  if (values.length === 0) return '-';
  const s = [...values].sort((a, b) => a - b);
  const med = s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${med}, max ${s[s.length - 1]}, n ${s.length}`;
}

async function main(): Promise<void> {
  const delays = new Map<string, number[]>();
  const missed = new Map<string, number>();
  const unconfirmed: string[] = [];
  let healthyRuns = 0;
  const falsePositives: string[] = [];
  const infoOnHealthy: string[] = [];
  const extra: string[] = [];
  const mislabeled: { name: string; seed: number; precision: number; recall: number; atK: number; suspects: number; flipped: number; agreement: unknown }[] = [];
  const started = Date.now();

  for (const seed of seeds) {
    for (const sc of SCENARIOS.filter((x) => x.name.includes(only))) {
      const setup = { ...sc.setup, config: { ...sc.setup.config, seed, ...(diagnostics ? { diagnostics } : {}) } };
      const t0 = Date.now();
      const run = await runScenario(setup);
      const ms = Date.now() - t0;
      const flags = run.report.flags;
      const line = flags.map((f) => `${f.kind}/${f.severity}@${f.epoch}(onset ${String(f.evidence['onsetEpoch'])})`).join(' ') || 'no flags';
      console.log(`seed ${seed}  ${sc.name.padEnd(72)} ${String(ms).padStart(6)} ms  ${line}`);
      const why = sc.confirm?.(run) ?? null;
      if (why !== null) {
        unconfirmed.push(`seed ${seed} ${sc.name}: ${why}`);
        continue;
      }
      if (sc.expect === 'healthy') {
        healthyRuns++;
        for (const f of flags) (f.severity === 'info' ? infoOnHealthy : falsePositives).push(`seed ${seed} ${sc.name}: ${f.kind}/${f.severity}`);
        continue;
      }
      if (sc.expect === 'mislabeled') {
        const flipped = new Set(run.flipped);
        const s = run.report.suspectedMislabeled;
        const hits = s.filter((x) => flipped.has(x.row)).length;
        // precision@k: of the k most suspicious rows (k = rows flipped), the share that were flipped.
        const atK = s.slice(0, flipped.size).filter((x) => flipped.has(x.row)).length / flipped.size;
        const agreement = run.report.flags.find((f) => f.kind === 'mislabeled-rows')?.evidence['rankingStability'];
        mislabeled.push({ name: sc.name, seed, precision: s.length ? hits / s.length : 0, recall: hits / flipped.size, atK, suspects: s.length, flipped: flipped.size, agreement });
        continue;
      }
      const flag = flags.find((f) => f.kind === sc.expect);
      if (!flag) {
        missed.set(sc.expect, (missed.get(sc.expect) ?? 0) + 1);
      } else {
        const onset = sc.onset ? sc.onset(run) : (flag.evidence['onsetEpoch'] as number);
        const list = delays.get(sc.expect) ?? [];
        list.push(flag.epoch - onset);
        delays.set(sc.expect, list);
      }
      for (const f of flags) if (f.kind !== sc.expect && f.severity !== 'info') extra.push(`seed ${seed} ${sc.name}: also ${f.kind}/${f.severity}`);
    }
  }

  console.log(`\nDiagnostics bench: ${SCENARIOS.length} scenarios × seeds ${seeds.join(',')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  console.log('Detection delay (raise epoch - onset epoch, epochs):');
  const kinds = new Set([...delays.keys(), ...missed.keys()]);
  for (const k of kinds) console.log(`  ${k.padEnd(18)} ${summary(delays.get(k) ?? [])}${missed.get(k) ? `; missed ${missed.get(k)}` : ''}`);
  console.log(`\nFalse positives on healthy runs: ${falsePositives.length} warnings/errors over ${healthyRuns} runs (${infoOnHealthy.length} info)`);
  for (const fp of falsePositives) console.log(`  ${fp}`);
  for (const i of infoOnHealthy) console.log(`  (info) ${i}`);
  console.log(`\nOther warnings/errors on phenomenon runs (not counted as false positives): ${extra.length}`);
  for (const e of extra) console.log(`  ${e}`);
  console.log('\nSuspected mislabeled rows (flipped labels):');
  for (const m of mislabeled) {
    const agree = typeof m.agreement === 'number' ? `, stability ${m.agreement.toFixed(2)}` : '';
    console.log(`  seed ${m.seed} ${m.name.padEnd(44)} flipped ${m.flipped}, suspects ${m.suspects}, precision ${m.precision.toFixed(2)}, recall ${m.recall.toFixed(2)}, precision@k ${m.atK.toFixed(2)}${agree}`);
  }
  if (mislabeled.length) {
    const p = mislabeled.reduce((a, m) => a + m.precision, 0) / mislabeled.length;
    const r = mislabeled.reduce((a, m) => a + m.recall, 0) / mislabeled.length;
    console.log(`  mean precision ${p.toFixed(2)}, mean recall ${r.toFixed(2)}`);
  }
  if (unconfirmed.length) {
    console.log('\nRuns whose metrics did not show the phenomenon (left out of the figures):');
    for (const u of unconfirmed) console.log(`  ${u}`);
  }
}

void main();
