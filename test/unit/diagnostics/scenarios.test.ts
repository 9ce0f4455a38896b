/**
 * The scenario suite (test/scenarios/scenarios.ts) as assertions: real bundled datasets, the real
 * loader and engine. Each scenario first proves from its own metrics that the phenomenon happened,
 * then the flag must be there with the right onset, direction and a bounded delay; healthy runs must
 * raise no warning or error; label-noise runs must find the flipped rows.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../scenarios/runScenario';
import { SCENARIOS } from '../../scenarios/scenarios';

describe('diagnostics scenario suite (real datasets, real engine)', () => {
  for (const sc of SCENARIOS.filter((x) => !x.benchOnly)) {
    test(sc.name, async () => {
      const run = await runScenario(sc.setup);
      const why = sc.confirm?.(run) ?? null;
      assert.equal(why, null, `the scenario did not produce its phenomenon: ${why}`);
      const flags = run.report.flags;
      const summary = flags.map((f) => `${f.kind}/${f.severity}@${f.epoch}`).join(', ');

      if (sc.expect === 'healthy') {
        const loud = flags.filter((f) => f.severity !== 'info');
        assert.deepEqual(loud.map((f) => `${f.kind}: ${f.message}`), [], 'a healthy run raised a warning');
        return;
      }
      if (sc.expect === 'mislabeled') {
        const flipped = new Set(run.flipped);
        const suspects = run.report.suspectedMislabeled;
        assert.ok(suspects.length > 0, 'no suspects');
        const hits = suspects.filter((s) => flipped.has(s.row)).length;
        const precision = hits / suspects.length;
        const recall = hits / flipped.size;
        assert.ok(precision >= sc.minPrecision!, `precision ${precision.toFixed(2)} < ${sc.minPrecision}`);
        assert.ok(recall >= sc.minRecall!, `recall ${recall.toFixed(2)} < ${sc.minRecall}`);
        for (let i = 1; i < suspects.length; i++) assert.ok(suspects[i - 1]!.score >= suspects[i]!.score, 'most suspicious first');
        for (const s of suspects) {
          assert.ok(s.row >= 0 && s.row < run.data.train.rows);
          assert.equal(s.label, run.data.classes[run.data.train.y[s.row]!], 'label is the (flipped) training label');
          assert.ok(run.data.classes.includes(s.suggested) && s.suggested !== s.label);
        }
        assert.ok(flags.some((f) => f.kind === 'mislabeled-rows'));
        return;
      }
      const flag = flags.find((f) => f.kind === sc.expect);
      assert.ok(flag, `no ${sc.expect} flag; raised: ${summary || 'none'}`);
      assert.ok(flag.message.length > 40, 'a message written for a person');
      if (sc.expect !== 'miscalibration' && sc.expect !== 'class-imbalance') assert.ok((flag.fix ?? []).length > 0, 'offers a fix');
      if (sc.severity) assert.ok(sc.severity.includes(flag.severity), `severity ${flag.severity}`);
      else assert.notEqual(flag.severity, 'info', 'expected at least a warning');
      if (sc.direction) assert.equal(flag.evidence['direction'], sc.direction);
      if (sc.onset) assert.equal(flag.evidence['onsetEpoch'], sc.onset(run), 'onset epoch');
      const onset = flag.evidence['onsetEpoch'];
      assert.equal(typeof onset, 'number');
      assert.ok(flag.epoch >= (onset as number), `raised at ${flag.epoch} before its onset ${String(onset)}`);
      if (sc.maxDelay !== undefined) assert.ok(flag.epoch - (onset as number) <= sc.maxDelay, `delay ${flag.epoch - (onset as number)} > ${sc.maxDelay}`);
    });
  }
});
