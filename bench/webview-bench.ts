/**
 * Dashboard webview benchmark in real headless Chromium (Debian's chromium, the test harness, the
 * production-minified bundle under the real CSP). For runs of 10,000, 100,000 and 1,000,000 steps (per-step
 * series: train loss, gradient norm, learning rate, each drawn raw + smoothed) it reports:
 *
 * - apply: handling one live batch (`run/didProgress` with 50 steps and one epoch, what the host
 *   sends at most ~20 times a second), the message handler alone;
 * - the animation frames that draw the batch (the dashboard budgets chart work per frame): how
 *   many, the longest, and their sum (smoothing of the new tail, downsampling, Chart.js updates);
 * - full redraw: everything drawn synchronously after a smoothing change, which re-smooths every point,
 *   and the same change as the slider makes it, drawn in the dashboard's budgeted frames (longest frame);
 * - CPU: the renderer main thread's task time in thread ticks, which a busy machine does not inflate;
 * - JS heap and array-buffer memory after garbage collection, with the run loaded.
 *
 * No assertions: figures to read against the 16 ms frame. Wall times come from performance.now()
 * inside the page (coarsened by Chromium to 5 us without cross-origin isolation). The table is also
 * written to .bench/webview.json. LOSSLENS_PROFILE=1 adds a CPU profile summary (self and inclusive
 * time per function) of the measured batches.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { postBigRun } from '../test/webview/fixtures';
import { startHarness, type PageGlobals } from '../test/webview/harness';

/** LOSSLENS_BENCH_SIZES=100000 runs one size. */
const SIZES = process.env.LOSSLENS_BENCH_SIZES ? process.env.LOSSLENS_BENCH_SIZES.split(",").map(Number) : [10_000, 100_000, 1_000_000];
const STEPS_PER_EPOCH = 500;
const BATCHES = 40;
const REDRAWS = 20;

interface PageTimes {
  /** Handling of each batch message (ms). */
  apply: number[];
  /** Per batch: the animation frames it took to draw, and the longest of them (ms). */
  frames: number[];
  longestFrame: number[];
  /** Per batch: all its frames together (ms). */
  drawTotal: number[];
  /** Synchronous redraw of everything after a smoothing change (ms). */
  full: number[];
  /** The same redraw as the dashboard does it for the slider: in budgeted frames; the longest frame of each (ms). */
  fullLongestFrame: number[];
}

/**
 * Runs inside the page (self-contained): live batches after the loaded run, each drawn by the
 * dashboard's own budgeted animation frames, then synchronous full redraws.
 */
async function measureInPage(args: { runId: string; firstStep: number; stepsPerEpoch: number; batches: number; redraws: number }): Promise<PageTimes> {
  const g = globalThis as unknown as PageGlobals & {
    dispatchEvent(e: unknown): void;
    MessageEvent: new (type: string, init: { data: unknown }) => unknown;
    performance: { now(): number };
    requestAnimationFrame(cb: () => void): number;
    __benchLog?: string[];
  };
  const dispatch = (data: unknown): void => g.dispatchEvent(new g.MessageEvent('message', { data }));
  const nextFrame = (): Promise<void> => new Promise((resolve) => g.requestAnimationFrame(() => resolve()));
  const debug = g.__lossLensDebug;
  const times: PageTimes = { apply: [], frames: [], longestFrame: [], drawTotal: [], full: [], fullLongestFrame: [] };
  let step = args.firstStep;
  for (let b = 0; b < args.batches; b++) {
    const steps = [];
    for (let i = 0; i < 50; i++, step++) {
      const epoch = Math.ceil(step / args.stepsPerEpoch);
      steps.push({ step, epoch, batch: (step - 1) % args.stepsPerEpoch, loss: 0.3 + 0.05 * Math.sin(step), gradNorm: 1, layerGradNorms: [], deadFractions: [], learningRate: 1e-3, timeMs: 1 });
    }
    // An epoch record only with the batch that ends an epoch, as the host sends them.
    const endsEpoch = (step - 1) % args.stepsPerEpoch === 0;
    const epoch = (step - 1) / args.stepsPerEpoch;
    const epochs = endsEpoch ? [{ epoch, trainLoss: 0.3, valLoss: 0.5, trainAccuracy: 0.9, valAccuracy: 0.8, learningRate: 1e-3, gradNorm: 1, timeMs: 50 }] : [];
    debug.takeFrameTimes();
    const renders = debug.renders();
    const t0 = g.performance.now();
    dispatch({ type: 'run/didProgress', runId: args.runId, steps, epochs });
    times.apply.push(g.performance.now() - t0);
    while (debug.renders() === renders) await nextFrame();
    const frames = debug.takeFrameTimes();
    times.frames.push(frames.length);
    times.longestFrame.push(Math.max(...frames));
    if (g.__benchLog) g.__benchLog.push(`batch ${b}: ${frames.map((f) => f.toFixed(1)).join(" ")}`);
    times.drawTotal.push(frames.reduce((a, x) => a + x, 0));
    await nextFrame();
  }
  for (let r = 0; r < args.redraws; r++) {
    const t0 = g.performance.now();
    dispatch({ type: 'settings/didChange', smoothing: r % 2 ? 0.6 : 0.7 });
    debug.flush();
    times.full.push(g.performance.now() - t0);
  }
  for (let r = 0; r < args.redraws; r++) {
    debug.takeFrameTimes();
    const renders = debug.renders();
    dispatch({ type: 'settings/didChange', smoothing: r % 2 ? 0.65 : 0.75 });
    while (debug.renders() === renders) await nextFrame();
    times.fullLongestFrame.push(Math.max(...debug.takeFrameTimes()));
    await nextFrame();
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
      if (process.env.LOSSLENS_PROFILE) await page.page.evaluate(() => ((globalThis as unknown as { __benchLog: string[] }).__benchLog = []));
      const batchTimes = await page.page.evaluate(measureInPage, { runId: 'bench', firstStep: size + 1, stepsPerEpoch: STEPS_PER_EPOCH, batches: BATCHES, redraws: 0 });
      const cpu1 = await cpu();
      if (process.env.LOSSLENS_PROFILE) console.log((await page.page.evaluate(() => (globalThis as unknown as { __benchLog: string[] }).__benchLog)).join('\n'));
      const redrawTimes = await page.page.evaluate(measureInPage, { runId: 'bench', firstStep: size + 1 + BATCHES * 50, stepsPerEpoch: STEPS_PER_EPOCH, batches: 0, redraws: REDRAWS });
      const cpu2 = await cpu();
      const times: PageTimes = { ...batchTimes, full: redrawTimes.full, fullLongestFrame: redrawTimes.fullLongestFrame };
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
      const drawn = await page.debug((d) => d.charts().find((c) => c.id === 'loss')!.datasets.find((x) => x.kind === 'raw')!.data.length);
      const violations = await page.cspViolations();
      rows.push([
        size.toLocaleString('en'),
        ms(median(times.apply)),
        String(median(times.frames)),
        ms(median(times.longestFrame)),
        ms(Math.max(...times.longestFrame)),
        ms(median(times.drawTotal)),
        ms(median(times.full)),
        ms(median(times.fullLongestFrame)),
        ms((cpu1 - cpu0) / BATCHES),
        ms((cpu2 - cpu1) / (2 * REDRAWS)),
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
  const head = ['steps per series', 'apply batch', 'frames per batch', 'longest frame', 'worst frame', 'draw per batch', 'full redraw', 'full redraw, longest frame', 'CPU per batch', 'CPU per full redraw', 'points drawn (train loss)', 'JS heap empty', 'JS heap loaded', 'array buffers loaded', 'first load (incl. transfer)'];
  console.log(`Dashboard webview, Chromium headless (software canvas), ${BATCHES} batches of 50 steps and ${REDRAWS} full redraws; 4 curve charts, 3 per-step series each raw + smoothed.`);
  console.log('Wall times are medians of performance.now() in the page (they include waiting for a CPU on a busy machine): a live batch is');
  console.log('drawn in budgeted animation frames (longest = median over batches of the longest frame; worst = the maximum); a full redraw is synchronous.');
  console.log('CPU times are the renderer main thread\'s task time in thread ticks per batch (incl. the browser\'s own paint work) / per full redraw, means.');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/webview.json', JSON.stringify({ date: new Date().toISOString(), batches: BATCHES, redraws: REDRAWS, columns: head, rows }, null, 2));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
