/**
 * Dashboard webview benchmark in real headless Chromium (Debian's chromium, the test harness, the
 * production-minified bundle under the real CSP). For runs of 10,000 and 100,000 steps (per-step
 * series: train loss, gradient norm, learning rate, each drawn raw + smoothed) it reports medians of:
 *
 * - apply: handling one live batch (`run/didProgress` with 50 steps and one epoch, what the host
 *   sends at most ~20 times a second), the message handler alone;
 * - redraw after a batch: the render that follows (smoothing of the new tail, downsampling,
 *   Chart.js update and draw of the four curve charts, the calibration and the flags);
 * - full redraw: the same after a smoothing change, which re-smooths every point;
 * - JS heap after garbage collection, with the run loaded.
 *
 * No assertions: these are figures to read against the 16 ms frame budget. Times come from
 * performance.now() inside the page (coarsened by Chromium to 5 us without cross-origin isolation).
 */
import { postBigRun } from '../test/webview/fixtures';
import { startHarness, type PageGlobals } from '../test/webview/harness';

const SIZES = [10_000, 100_000];
const STEPS_PER_EPOCH = 500;
const BATCHES = 40;
const REDRAWS = 20;

interface PageTimes {
  apply: number[];
  redraw: number[];
  full: number[];
  parts: Record<string, number>[];
}

/** Runs inside the page: live batches after the loaded run, then full redraws. Self-contained. */
function measureInPage(args: { runId: string; firstStep: number; stepsPerEpoch: number; batches: number; redraws: number }): PageTimes {
  const g = globalThis as unknown as PageGlobals & { dispatchEvent(e: unknown): void; MessageEvent: new (type: string, init: { data: unknown }) => unknown; performance: { now(): number } };
  const dispatch = (data: unknown): void => g.dispatchEvent(new g.MessageEvent('message', { data }));
  const times: PageTimes = { apply: [], redraw: [], full: [], parts: [] };
  let step = args.firstStep;
  for (let b = 0; b < args.batches; b++) {
    const steps = [];
    for (let i = 0; i < 50; i++, step++) {
      const epoch = Math.ceil(step / args.stepsPerEpoch);
      steps.push({ step, epoch, batch: (step - 1) % args.stepsPerEpoch, loss: 0.3 + 0.05 * Math.sin(step), gradNorm: 1, layerGradNorms: [], deadFractions: [], learningRate: 1e-3, timeMs: 1 });
    }
    const epoch = Math.ceil((step - 1) / args.stepsPerEpoch);
    const epochs = [{ epoch, trainLoss: 0.3, valLoss: 0.5, trainAccuracy: 0.9, valAccuracy: 0.8, learningRate: 1e-3, gradNorm: 1, timeMs: 50 }];
    const message = { type: 'run/didProgress', runId: args.runId, steps, epochs };
    const t0 = g.performance.now();
    dispatch(message);
    const t1 = g.performance.now();
    g.__lossLensDebug.flush();
    const t2 = g.performance.now();
    times.apply.push(t1 - t0);
    times.redraw.push(t2 - t1);
    times.parts.push(g.__lossLensDebug.timings());
  }
  for (let r = 0; r < args.redraws; r++) {
    const t0 = g.performance.now();
    dispatch({ type: 'settings/didChange', smoothing: r % 2 ? 0.6 : 0.7 });
    g.__lossLensDebug.flush();
    times.full.push(g.performance.now() - t0);
  }
  return times;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number): string => `${x.toFixed(2)} ms`;

async function main(): Promise<void> {
  const harness = await startHarness({ bundleDir: 'out/bench/webview' });
  const rows: string[][] = [];
  try {
    for (const size of SIZES) {
      const page = await harness.open({ theme: 'dark', viewport: { width: 1400, height: 1000 } });
      const cdp = await harness.context.newCDPSession(page.page);
      await cdp.send('HeapProfiler.collectGarbage');
      const empty = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      const before = await page.debug((d) => d.renders());
      const loadStart = Date.now();
      await page.page.evaluate(postBigRun, { steps: size, stepsPerEpoch: STEPS_PER_EPOCH, spikeAt: Math.floor(size / 2), nanAt: Math.floor(size * 0.7), runId: 'bench' });
      await page.page.waitForFunction((b) => (globalThis as unknown as PageGlobals).__lossLensDebug.renders() > b, before);
      const loadMs = Date.now() - loadStart;
      await cdp.send('HeapProfiler.collectGarbage');
      const loaded = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      if (process.env.LOSSLENS_PROFILE) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      // CPU time of the renderer's main thread (thread ticks), immune to other processes on the machine.
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' } as never);
      const cpu = async (): Promise<number> => ((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.find((m) => m.name === 'TaskDuration')!.value * 1000;
      const cpu0 = await cpu();
      const batchTimes = await page.page.evaluate(measureInPage, { runId: 'bench', firstStep: size + 1, stepsPerEpoch: STEPS_PER_EPOCH, batches: BATCHES, redraws: 0 });
      const cpu1 = await cpu();
      const redrawTimes = await page.page.evaluate(measureInPage, { runId: 'bench', firstStep: size + 1 + BATCHES * 50, stepsPerEpoch: STEPS_PER_EPOCH, batches: 0, redraws: REDRAWS });
      const cpu2 = await cpu();
      const times: PageTimes = { ...batchTimes, full: redrawTimes.full };
      if (process.env.LOSSLENS_PROFILE) {
        // Self time per function over the measured batches, to see where a redraw goes.
        const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
        const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
        const self = new Map<string, number>();
        profile.samples.forEach((id, i) => {
          const f = byNode.get(id)!.callFrame;
          const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
          self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
        });
        const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
        for (const [name, t] of top) console.log(`  ${t.toFixed(1).padStart(8)} ms  ${name}`);
        // Inclusive time per function name (each sample counted once per distinct name on its stack).
        const full = profile as unknown as { nodes: { id: number; callFrame: { functionName: string }; children?: number[] }[] };
        const parent = new Map<number, number>();
        for (const n of full.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
        const inclusive = new Map<string, number>();
        profile.samples.forEach((id, i) => {
          const seen = new Set<string>();
          for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(byNode.get(at)!.callFrame.functionName || '(anonymous)');
          for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
        });
        const interesting = ['renderNow', 'update', 'draw', 'render', '_updateLayout', '_updateDatasets', 'buildOrUpdateControllers', 'updateElements', 'points', 'smoothed', 'setState', 'afterUpdate', 'beforeUpdate', 'afterDraw', 'beforeDraw', 'afterDatasetsDraw', 'fit', 'buildTicks', '_computeLabelSizes', 'describe', 'fillText', 'stroke'];
        console.log('  inclusive: ' + interesting.filter((n) => inclusive.has(n)).map((n) => `${n} ${inclusive.get(n)!.toFixed(0)}`).join(', '));
      }
      const parts = Object.keys(times.parts[0] ?? {}).map((k) => `${k} ${median(times.parts.map((p) => p[k]!)).toFixed(2)}`).join(', ');
      console.log(`${size.toLocaleString('en')} steps: redraw after batch, median ms by part: ${parts}`);
      const drawn = await page.debug((d) => d.charts().find((c) => c.id === 'loss')!.datasets.find((x) => x.kind === 'raw')!.data.length);
      const violations = await page.cspViolations();
      rows.push([
        size.toLocaleString('en'),
        ms(median(times.apply)),
        ms(median(times.redraw)),
        ms(median(times.apply.map((a, i) => a + times.redraw[i]!))),
        ms(median(times.full)),
        ms((cpu1 - cpu0) / BATCHES),
        ms((cpu2 - cpu1) / REDRAWS),
        String(drawn),
        `${(empty.usedSize / 2 ** 20).toFixed(1)} MB`,
        `${(loaded.usedSize / 2 ** 20).toFixed(1)} MB`,
        `${((loaded.backingStorageSize ?? 0) / 2 ** 20).toFixed(1)} MB`,
        `${loadMs} ms`,
      ]);
      if (violations.length) console.warn(`CSP violations: ${violations.join('; ')}`);
      await cdp.detach();
      await page.page.close();
    }
  } finally {
    await harness.close();
  }
  const head = ['steps per series', 'apply batch', 'redraw after batch', 'batch total', 'full redraw', 'CPU per batch', 'CPU per full redraw', 'points drawn (train loss)', 'JS heap empty', 'JS heap loaded', 'array buffers loaded', 'first load (incl. transfer)'];
  console.log(`Dashboard webview, Chromium headless (software canvas), ${BATCHES} batches of 50 steps and ${REDRAWS} full redraws; 4 curve charts, 3 per-step series each raw + smoothed.`);
  console.log('Wall times are medians of performance.now() in the page (they include waiting for a CPU on a busy machine);');
  console.log('CPU times are the renderer main thread\'s thread time per batch / per redraw (means), which other processes do not inflate.');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
