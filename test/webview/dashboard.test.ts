/**
 * The dashboard in real headless Chromium (Debian's /usr/bin/chromium via playwright-core), loaded
 * from the built bundle inside the page `dashboardHtml` makes, under its CSP.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { loadRunFolder } from '../../src/store/pastRuns';
import { toSnapshot } from '../../src/store/runStore';
import { parseWebviewToHost, type RangeTestSnapshot } from '../../src/protocol/webview';
import { suggestLearningRate } from '../../src/diagnostics/lrRangeTest';
import { parseMetricsJsonl } from '../../src/runFolder';
import type { ChartSummary, MarkerPoint } from '../../webview/dashboard/debugTypes';
import { explodingFlag, overfittingFlag, postBigRun, referenceSmoothing, snapshot, syntheticCalibration, syntheticRun } from './fixtures';
import { startHarness, type DashboardPage, type Harness, type PageGlobals } from './harness';

const SHOTS = 'test-results/webview';

let harness: Harness;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

const chart = (charts: ChartSummary[], id: string): ChartSummary => {
  const c = charts.find((x) => x.id === id);
  assert.ok(c, `chart ${id} exists`);
  return c;
};
const dataset = (c: ChartSummary, series: string, kind: string) => {
  const d = c.datasets.find((x) => x.series === series && x.kind === kind);
  assert.ok(d, `${c.id}: dataset ${series}/${kind} in [${c.datasets.map((x) => `${x.series}/${x.kind}`).join(', ')}]`);
  return d;
};

/** Every page must end with zero CSP violations. */
async function finish(page: DashboardPage): Promise<void> {
  assert.deepEqual(await page.cspViolations(), []);
  await page.page.close();
}

/** Streams a run to the page as a live run would arrive: didLoad, then one didProgress per epoch. */
async function streamRun(page: DashboardPage, run: ReturnType<typeof syntheticRun>, id = 'run-1'): Promise<void> {
  await page.sendAndRender({ type: 'runs/didLoad', runs: [snapshot(id, 'digits-baseline', { stepsPerEpoch: run.stepsPerEpoch })], compare: false });
  for (const e of run.epochs) {
    const steps = run.steps.filter((s) => s.epoch === e.epoch);
    await page.send({ type: 'run/didProgress', runId: id, steps, epochs: [e], calibration: syntheticCalibration(e.epoch / run.epochs.length / 4) });
  }
  await page.page.waitForFunction((n) => (globalThis as unknown as { __lossLensDebug: { stepCount(): number } }).__lossLensDebug.stepCount() >= n, run.steps.length);
  // No flush: the dashboard's own budgeted animation frames draw the stream; wait until none is pending.
  await page.page.waitForFunction(() => !(globalThis as unknown as PageGlobals).__lossLensDebug.pending());
}

describe('dashboard webview in Chromium', () => {
  test('posts webview/didBecomeReady first, under the CSP, with no violations', async () => {
    const page = await harness.open();
    assert.match(page.html, /default-src 'none'/);
    const posted = await page.posted();
    assert.deepEqual(posted[0], { type: 'webview/didBecomeReady' });
    await finish(page);
  });
  test('streams readings into the loss chart: raw and smoothed together, NaN/Inf as markers', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 12, stepsPerEpoch: 25, bestEpoch: 7, nonFiniteSteps: [40, 101] });
    await streamRun(page, run);
    const charts = await page.debug((d) => d.charts());
    const loss = chart(charts, 'loss');
    assert.equal(loss.xTitle, 'epoch');
    // Per-step train loss: every step is drawn (300 points < the downsampling threshold), NaN/Inf as gaps.
    const raw = dataset(loss, 'run-1:train', 'raw');
    assert.equal(raw.data.length, run.steps.length);
    const gapSteps = raw.data.map((p, i) => (p.y === null ? i + 1 : 0)).filter(Boolean);
    assert.deepEqual(gapSteps, [40, 101]);
    // x is the fractional epoch: step 25 (last batch of epoch 1) sits at x = 1.
    assert.equal(raw.data[24]!.x, 1);
    // The smoothed line is the debiased EMA (TensorBoard's) of the raw readings, drawn alongside.
    const smoothed = dataset(loss, 'run-1:train', 'smoothed');
    const expected = referenceSmoothing(run.steps.map((s) => s.loss), 0.6);
    assert.equal(smoothed.data.length, expected.length);
    smoothed.data.forEach((p, i) => {
      const e = expected[i]!;
      if (e === null) assert.equal(p.y, null);
      else assert.ok(Math.abs((p.y as number) - e) < 1e-9, `smoothed[${i}] ${p.y} vs ${e}`);
    });
    // Markers for the two non-finite readings, at their x.
    const markers = dataset(loss, 'run-1:train', 'non-finite').data as MarkerPoint[];
    assert.deepEqual(markers.map((m) => m.x), [raw.data[39]!.x, raw.data[100]!.x]);
    // Validation loss per epoch, one point per epoch at x = epoch.
    const val = dataset(loss, 'run-1:validation', 'raw');
    assert.deepEqual(val.data.map((p) => p.x), run.epochs.map((e) => e.epoch));
    assert.deepEqual(val.data.map((p) => p.y), run.epochs.map((e) => e.valLoss));
    // Best epoch marked.
    const best = loss.annotations.find((a) => a.id.startsWith('best'));
    assert.equal(best?.x, run.bestEpoch);
    assert.match(best!.label, /best 7/);
    // Accuracy, gradient norm and learning rate charts are fed too.
    assert.equal(dataset(chart(charts, 'accuracy'), 'run-1:validation', 'raw').data.length, 12);
    assert.equal(dataset(chart(charts, 'grad-norm'), 'run-1:grad', 'raw').data.length, run.steps.length);
    assert.equal(dataset(chart(charts, 'learning-rate'), 'run-1:lr', 'raw').data.length, run.steps.length);
    assert.match(loss.ariaLabel, /Loss chart\. 12 epochs/);
    // State keeps every epoch (not the per-step readings, which the host re-sends) ...
    const state = (await page.state()) as { runIds: string[]; runs: { epochs: unknown[]; steps: unknown[] }[] };
    assert.deepEqual(state.runIds, ['run-1']);
    assert.equal(state.runs[0]!.epochs.length, 12);
    assert.equal(state.runs[0]!.steps.length, 0);
    // ... so a batch of steps alone, which changes no saved field, writes no state.
    const writes = () => page.page.evaluate(() => (globalThis as unknown as PageGlobals).__stateWrites);
    const before = await writes();
    await page.sendAndRender({ type: 'run/didProgress', runId: 'run-1', steps: [{ ...run.steps.at(-1)!, step: 301, batch: 0, epoch: 13 }], epochs: [] });
    assert.equal(await writes(), before);
    assert.equal(await page.debug((d) => d.stepCount()), 301);
    await finish(page);
  });

  test('flags: overfitting onset and flag epochs marked; a fix button posts fix/apply', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 20, stepsPerEpoch: 10, bestEpoch: 9, nonFiniteSteps: [150] });
    await streamRun(page, run);
    await page.sendAndRender({ type: 'run/didFlag', runId: 'run-1', flag: overfittingFlag(14, 9) });
    await page.sendAndRender({ type: 'run/didFlag', runId: 'run-1', flag: explodingFlag(15, 150) });
    const loss = chart(await page.debug((d) => d.charts()), 'loss');
    const onset = loss.annotations.find((a) => a.id.startsWith('onset'));
    assert.equal(onset?.x, 9);
    assert.match(onset!.label, /overfitting from 9/);
    const flagLines = loss.annotations.filter((a) => a.id.startsWith('flag-')).map((a) => [a.x, a.label]);
    assert.deepEqual(flagLines, [[14, 'Overfitting 14'], [15, 'Exploding loss 15']]);

    const items = page.page.locator('.ll-flag');
    assert.equal(await items.count(), 2);
    // Errors first.
    assert.equal(await items.nth(0).locator('h3').textContent(), 'Exploding loss');
    assert.equal(await items.nth(1).locator('h3').textContent(), 'Overfitting');
    assert.match((await items.nth(1).textContent()) ?? '', /began at epoch 9/);
    assert.match((await items.nth(1).textContent()) ?? '', /Validation loss has risen for 5 epochs/);

    // Each flag is one line until opened; the alternatives to the best fix sit behind "More fixes".
    assert.equal(await page.page.locator('[data-testid="fix-0-0"]').isVisible(), false);
    await page.page.locator('[data-testid="flag-0"]').click();
    await page.page.locator('[data-testid="flag-1"]').press('Enter');
    assert.equal(await page.page.locator('[data-testid="fix-0-1"]').isVisible(), false);
    await items.nth(1).locator('summary', { hasText: 'More fixes (1)' }).click();
    await page.page.locator('[data-testid="fix-0-1"]').click();
    await page.page.locator('[data-testid="fix-1-0-retrain"]').click();
    // Keyboard: focus the first fix of the overfitting flag and press Enter.
    await page.page.locator('[data-testid="fix-0-0"]').focus();
    await page.page.keyboard.press('Enter');
    const posted = (await page.posted()).filter((m) => m.type === 'fix/apply');
    assert.deepEqual(posted, [
      { type: 'fix/apply', runId: 'run-1', flagIndex: 0, fixIndex: 1, retrain: false },
      { type: 'fix/apply', runId: 'run-1', flagIndex: 1, fixIndex: 0, retrain: true },
      { type: 'fix/apply', runId: 'run-1', flagIndex: 0, fixIndex: 0, retrain: false },
    ]);
    // Every message is one the host's validator accepts.
    for (const m of await page.posted()) assert.deepEqual(parseWebviewToHost(m), m);

    // The overfitting flag escalates to an error at epoch 18: it keeps its first raise (the
    // detection delay) and names the escalation too, since its message now speaks of epoch 18.
    const first = overfittingFlag(14, 9);
    const escalated = { ...first, severity: 'error' as const, message: 'Validation loss has risen for 9 epochs since its minimum at epoch 9.', evidence: { ...first.evidence, escalatedEpoch: 18, escalatedStep: 180, firstSeverity: 'warning' } };
    await page.sendAndRender({ type: 'run/didFlag', runId: 'run-1', flag: escalated, index: 0 });
    const overfitting = page.page.locator('.ll-flag[data-kind="overfitting"]');
    assert.equal(await overfitting.count(), 1, 'the escalation replaces the warning');
    assert.equal(await overfitting.locator('.ll-flag-head .ll-muted').innerText(), 'raised at epoch 14, error from epoch 18 (step 180), began at epoch 9');
    await finish(page);
  });

  test('learning-rate range test: drawn stage by stage, then its suggestion is a button (by id, never a path)', async () => {
    const page = await harness.open({ theme: 'dark' });
    // A sweep from 1e-5 to 10 over 19 rates: flat, falling fastest around 1e-2, lowest near 0.1, then
    // blowing up. The suggestion is read by the same code the extension uses.
    const rates = Array.from({ length: 19 }, (_, i) => 1e-5 * 10 ** (i / 3));
    const losses = rates.map((r) => (r > 0.5 ? 2.2 * (r / 0.5) ** 2 : 1.1 - 0.9 / (1 + Math.exp(-3 * Math.log10(r / 1e-2)))));
    const all = rates.map((learningRate, i) => ({ learningRate, loss: losses[i]! }));
    const base = { id: 'range-1', name: 'digits-mlp', file: 'digits.losslens.json', stagesPlanned: 40, current: 1e-4 };
    const running: RangeTestSnapshot = { ...base, state: 'running', points: all.slice(0, 6), smoothed: suggestLearningRate(all.slice(0, 6)).smoothed, suggested: null, minimum: null, steepest: null, divergedAt: null };
    await page.sendAndRender({ type: 'rangeTest/didUpdate', rangeTest: running });
    let r = await page.debug((d) => d.rangeTest());
    assert.equal(r.shown, true);
    assert.equal(r.state, 'running');
    assert.deepEqual(r.points.map((p) => p.x), rates.slice(0, 6));
    assert.equal(await page.page.locator('[data-testid="range-apply"]').count(), 0, 'nothing to apply while it sweeps');
    assert.equal(await page.page.locator('.ll-empty').isVisible(), false, 'the range test is what there is to see');

    const read = suggestLearningRate(all);
    assert.ok(read.suggested !== null && read.divergedAt !== null, JSON.stringify(read));
    const done: RangeTestSnapshot = { ...base, state: 'completed', points: all, smoothed: read.smoothed, suggested: read.suggested, minimum: read.minimum, steepest: read.steepest, divergedAt: read.divergedAt, message: `Suggested learning rate: ${read.suggested}.` };
    await page.sendAndRender({ type: 'rangeTest/didUpdate', rangeTest: done });
    r = await page.debug((d) => d.rangeTest());
    assert.equal(r.state, 'completed');
    assert.deepEqual(r.points.map((p) => p.y), losses);
    assert.deepEqual(r.smoothed.map((p) => p.x), read.smoothed.map((p) => p.learningRate), 'the smoothed curve stops where the loss blew up');
    assert.deepEqual(
      Object.fromEntries(r.annotations.map((a) => [a.id, a.x])),
      { suggested: read.suggested, current: 1e-4, diverged: read.divergedAt },
    );
    await page.page.screenshot({ path: `${SHOTS}/range-test.png` });
    await page.page.locator('[data-testid="range-apply"]').click();
    await page.page.locator('[data-testid="range-apply-train"]').click();
    await page.page.locator('[data-testid="range-close"]').click();
    const posted = (await page.posted()).filter((m) => m.type.startsWith('rangeTest/'));
    assert.deepEqual(posted, [
      { type: 'rangeTest/apply', id: 'range-1', retrain: false },
      { type: 'rangeTest/apply', id: 'range-1', retrain: true },
      { type: 'rangeTest/close', id: 'range-1' },
    ]);
    for (const m of posted) assert.deepEqual(parseWebviewToHost(m), m);
    await page.sendAndRender({ type: 'rangeTest/didUpdate', rangeTest: null });
    assert.equal((await page.debug((d) => d.rangeTest())).shown, false);
    await finish(page);
  });

  test('without calibration the card says why: a run still training gets it after an epoch, another trainer\'s finished log needs a predictions.csv', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 3, stepsPerEpoch: 5, bestEpoch: 2 });
    const missing = page.page.locator('[data-testid="calibration-missing"]');
    await page.sendAndRender({ type: 'runs/didLoad', runs: [snapshot('live', 'iris', { stepsPerEpoch: 5, epochs: run.epochs.slice(0, 1) })], compare: false });
    assert.match(await missing.innerText(), /^No calibration yet: it appears after the first epoch/);
    const log = snapshot('log', 'keras/logs', { stepsPerEpoch: 5, epochs: run.epochs }, { state: 'completed', reason: 'completed', configurable: false, epochsPlanned: 0 });
    await page.sendAndRender({ type: 'runs/didLoad', runs: [log], compare: false });
    assert.match(await missing.innerText(), /the log holds losses, not the model's probabilities\. Write a predictions\.csv/);
    assert.doesNotMatch(await missing.innerText(), /first epoch/);
    await finish(page);
  });

  test('reliability diagram follows the calibration of each epoch', async () => {
    const page = await harness.open({ theme: 'light' });
    const run = syntheticRun({ epochs: 3, stepsPerEpoch: 5, bestEpoch: 2 });
    await page.sendAndRender({ type: 'runs/didLoad', runs: [snapshot('r', 'iris', { stepsPerEpoch: 5 })], compare: false });
    assert.equal((await page.debug((d) => d.calibration())).shown, false);
    for (const [i, shift] of [0.05, 0.2].entries()) {
      const calibration = syntheticCalibration(shift);
      await page.sendAndRender({ type: 'run/didProgress', runId: 'r', steps: [], epochs: [run.epochs[i]!], calibration });
      const c = await page.debug((d) => d.calibration());
      assert.equal(c.shown, true);
      assert.deepEqual(c.accuracy.map((p) => p.y), calibration.bins.map((b) => (b.count ? b.accuracy : null)));
      assert.deepEqual(c.confidence.map((p) => p.y), calibration.bins.map((b) => (b.count ? b.confidence : null)));
      assert.deepEqual(c.counts.map((p) => p.y), calibration.bins.map((b) => b.count));
      assert.deepEqual(c.accuracy.map((p) => p.x), calibration.bins.map((b) => (b.lower + b.upper) / 2));
      assert.equal(c.figures.ECE, String(Number(calibration.ece.toPrecision(4))));
      assert.equal(c.figures['ECE after temperature'], '0.021');
      assert.equal(c.figures['Brier score after temperature'], '0.27');
      assert.equal(c.figures['MCE after temperature'], '—');
      assert.equal(await page.page.locator('[data-testid="temperature-bound-note"]').isVisible(), false, 'a fitted T needs no warning');
    }
    // A perfectly separated validation set: T sits at the search limit and is flagged as no estimate.
    const separated = { ...syntheticCalibration(0.1), temperature: 0.05, temperatureAtBound: true };
    await page.sendAndRender({ type: 'run/didProgress', runId: 'r', steps: [], epochs: [run.epochs[2]!], calibration: separated });
    const note = page.page.locator('[data-testid="temperature-bound-note"]');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.innerText(), /No temperature is offered: T = 0\.05 is the edge of its search range .* not an estimate/);
    // A temperature at its search limit is not offered: no "after" column, no after-scaling figures.
    assert.doesNotMatch(await page.page.locator('[data-testid="calibration-figures"] .ll-figures-head').innerText(), /after/);
    assert.equal((await page.debug((d) => d.calibration())).figures['ECE after temperature'], undefined);
    await finish(page);
  });

  test('x axis as step, compute time or wall-clock time, log scales, per-epoch readings', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 6, stepsPerEpoch: 8, bestEpoch: 4 });
    await streamRun(page, run);
    // Keyboard and mouse on the real controls.
    await page.page.locator('[data-testid="log-y-loss"]').click();
    await page.page.locator('[data-testid="x-axis"]').click();
    await page.page.locator('[data-testid="x-axis"] vscode-option', { hasText: 'step' }).click();
    await page.debug((d) => d.flush());
    let loss = chart(await page.debug((d) => d.charts()), 'loss');
    assert.equal(loss.yType, 'logarithmic');
    assert.equal(loss.xTitle, 'step');
    assert.deepEqual(dataset(loss, 'run-1:train', 'raw').data.map((p) => p.x), run.steps.map((s) => s.step));
    // Validation points sit at the last step of their epoch; the best-epoch line too.
    assert.deepEqual(dataset(loss, 'run-1:validation', 'raw').data.map((p) => p.x), run.epochs.map((e) => e.epoch * 8));
    assert.equal(loss.annotations.find((a) => a.id.startsWith('best'))?.x, 32);

    // Issue 14: the time axis is compute seconds (the steps' own durations), named so; wall-clock
    // seconds since the run started (validation and the rest included) are the other one.
    await page.page.locator('[data-testid="x-axis"]').click();
    await page.page.locator('[data-testid="x-axis"] vscode-option', { hasText: 'wall-clock time' }).click();
    await page.debug((d) => d.flush());
    loss = chart(await page.debug((d) => d.charts()), 'loss');
    assert.equal(loss.xTitle, 'wall-clock time (s)');
    assert.deepEqual(dataset(loss, 'run-1:validation', 'raw').data.map((p) => p.x), run.epochs.map((e) => e.wallMs! / 1000));
    const wall = dataset(loss, 'run-1:train', 'raw').data.map((p) => p.x);
    assert.ok(Math.abs(wall.at(-1)! - run.epochs.at(-1)!.wallMs! / 1000) < 1e-9, 'the last step ends the last epoch');
    assert.ok(wall.every((x, i) => i === 0 || x > wall[i - 1]!), 'steps in order');

    await page.page.locator('[data-testid="x-axis"]').click();
    await page.page.locator('[data-testid="x-axis"] vscode-option', { hasText: 'compute time' }).click();
    await page.page.locator('[data-testid="log-x"]').click();
    await page.debug((d) => d.flush());
    loss = chart(await page.debug((d) => d.charts()), 'loss');
    assert.equal(loss.xType, 'logarithmic');
    assert.equal(loss.xTitle, 'compute time (s)');
    const times = dataset(loss, 'run-1:train', 'raw').data.map((p) => p.x);
    let elapsed = 0;
    assert.deepEqual(times, run.steps.map((s) => (elapsed += s.timeMs) / 1000));

    // Per-epoch readings: the train loss is the epoch mean.
    await page.page.locator('[data-testid="resolution"]').click();
    await page.page.locator('[data-testid="resolution"] vscode-option', { hasText: 'per epoch' }).click();
    await page.debug((d) => d.flush());
    loss = chart(await page.debug((d) => d.charts()), 'loss');
    assert.deepEqual(dataset(loss, 'run-1:train', 'raw').data.map((p) => p.y), run.epochs.map((e) => e.trainLoss));
    // The choices are kept in webview state.
    const state = (await page.state()) as { prefs: { xAxis: string; logCharts: string[]; logX: boolean; resolution: string } };
    assert.deepEqual([state.prefs.xAxis, state.prefs.logCharts, state.prefs.logX, state.prefs.resolution], ['time', ['loss'], true, 'epoch']);
    // The other charts keep their own (linear) scale.
    assert.equal(chart(await page.debug((d) => d.charts()), 'grad-norm').yType, 'linear');
    await finish(page);
  });

  test('smoothing slider (keyboard) changes the smoothed line; 0 leaves only the raw one', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 4, stepsPerEpoch: 10, bestEpoch: 2 });
    await streamRun(page, run);
    const slider = page.page.locator('[data-testid="smoothing"]');
    await slider.focus();
    await page.page.keyboard.press('Home');
    await page.debug((d) => d.flush());
    let loss = chart(await page.debug((d) => d.charts()), 'loss');
    assert.equal(loss.datasets.filter((d) => d.kind === 'smoothed').length, 0);
    assert.equal((await page.debug((d) => d.prefs())).smoothing, 0);
    await page.send({ type: 'settings/didChange', smoothing: 0.9 });
    await page.debug((d) => d.flush());
    loss = chart(await page.debug((d) => d.charts()), 'loss');
    const expected = referenceSmoothing(run.steps.map((s) => s.loss), 0.9);
    const got = dataset(loss, 'run-1:train', 'smoothed').data.map((p) => p.y as number);
    got.forEach((y, i) => assert.ok(Math.abs(y - expected[i]!) < 1e-9));
    assert.equal(await slider.inputValue(), '0.9');
    await finish(page);
  });

  test('100,000 steps are downsampled min-max: the spike and the NaN survive', async () => {
    const page = await harness.open({ theme: 'dark' });
    const args = { steps: 100_000, stepsPerEpoch: 1000, spikeAt: 54_321, nanAt: 77_777, runId: 'big' };
    const before = await page.debug((d) => d.renders());
    const minLoss = await page.page.evaluate(postBigRun, args);
    await page.page.waitForFunction((b) => (globalThis as unknown as PageGlobals).__lossLensDebug.renders() > b, before);
    assert.equal(minLoss, postBigRun(args), 'the same readings in the page and here');
    const loss = chart(await page.debug((d) => d.charts()), 'loss');
    const raw = dataset(loss, 'big:train', 'raw');
    assert.ok(raw.data.length < 10_000, `downsampled to ${raw.data.length}`);
    assert.ok(raw.data.length > 200, `still ${raw.data.length} points: about two per pixel-wide bucket`);
    const max = Math.max(...raw.data.map((p) => p.y ?? -Infinity));
    assert.equal(max, 50, 'the spike of 50 at step 54,321 is kept');
    assert.ok(raw.data.some((p) => p.y === null), 'the NaN is kept as a gap');
    const markers = dataset(loss, 'big:train', 'non-finite').data as MarkerPoint[];
    assert.equal(markers.length, 1);
    assert.ok(Math.abs(markers[0]!.x - 77.777) < 1e-9, 'marker at epoch 77 + 777/1000');
    // The global minimum is kept too, and x stays sorted.
    assert.equal(Math.min(...raw.data.map((p) => p.y ?? Infinity)), minLoss);
    for (let i = 1; i < raw.data.length; i++) assert.ok(raw.data[i]!.x >= raw.data[i - 1]!.x);
    // A smoothing change is drawn in budgeted frames, the passes over the 100,000 readings in frames
    // of their own (curveChart.prepare): the line drawn is still the debiased EMA of every reading.
    const renders = await page.debug((d) => d.renders());
    await page.send({ type: 'settings/didChange', smoothing: 0.95 });
    await page.page.waitForFunction((b) => { const d = (globalThis as unknown as PageGlobals).__lossLensDebug; return d.renders() > b && !d.pending(); }, renders);
    const reference = referenceSmoothing((globalThis as { __bigRunLosses?: number[] }).__bigRunLosses!, 0.95);
    const drawn = dataset(chart(await page.debug((d) => d.charts()), 'loss'), 'big:train', 'smoothed').data;
    assert.ok(drawn.length > 200 && drawn.length < 10_000, `${drawn.length} smoothed points`);
    for (const p of drawn) {
      const expected = reference[Math.round(p.x * 1000) - 1];
      if (p.y === null) assert.equal(expected, null, `a gap at x ${p.x}`);
      else assert.ok(Math.abs((p.y as number) - expected!) < 1e-9, `smoothed at x ${p.x}: ${p.y} vs ${expected}`);
    }
    await finish(page);
  });

  test('compares runs: overlaid curves, legend, key-figure table', async () => {
    const page = await harness.open({ theme: 'dark' });
    const a = syntheticRun({ epochs: 15, stepsPerEpoch: 10, bestEpoch: 6, seed: 1 });
    const b = syntheticRun({ epochs: 12, stepsPerEpoch: 10, bestEpoch: 10, seed: 2 });
    await page.sendAndRender({
      type: 'runs/didLoad',
      compare: true,
      runs: [
        snapshot('a', 'baseline', { ...a }, { state: 'completed', flags: [overfittingFlag(11, 6)], calibration: syntheticCalibration(0.2) }),
        snapshot('b', 'with L2', { ...b }, { state: 'completed', calibration: syntheticCalibration(0.05) }),
      ],
    });
    const loss = chart(await page.debug((d) => d.charts()), 'loss');
    const labels = loss.datasets.filter((d) => d.kind === 'smoothed').map((d) => d.label);
    const names = (await page.debug((d) => d.runLabels())).map((r) => r.label);
    assert.match(names[0]!, /^baseline · \d\d:\d\d$/);
    assert.deepEqual(labels, [`${names[0]}: train loss`, `${names[0]}: validation loss`, `${names[1]}: train loss`, `${names[1]}: validation loss`]);
    assert.notEqual(dataset(loss, 'a:validation', 'smoothed').color, dataset(loss, 'b:validation', 'smoothed').color);
    assert.deepEqual(loss.annotations.filter((a) => a.id.startsWith('best')).map((x) => x.x), [6, 10]);
    const rows = page.page.locator('[data-testid="compare-figures"] tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match((await rows.nth(0).textContent()) ?? '', /baseline.*completed.*15.*6/);
    assert.match((await rows.nth(1).textContent()) ?? '', /with L2.*12.*10/);
    await page.page.screenshot({ path: `${SHOTS}/compare-dark.png`, fullPage: true });
    await finish(page);
  });

  test('restores from saved state after a reload, before the host sends anything', async () => {
    const first = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 5, stepsPerEpoch: 4, bestEpoch: 3 });
    await streamRun(first, run, 'keep');
    await first.page.locator('[data-testid="log-y-loss"]').click();
    await first.debug((d) => d.flush());
    const saved = (await first.state()) as { runIds: string[]; compare: boolean };
    assert.deepEqual(saved.runIds, ['keep']);
    await finish(first);
    const second = await harness.open({ theme: 'dark', savedState: saved });
    const loss = chart(await second.debug((d) => d.charts()), 'loss');
    assert.equal(loss.yType, 'logarithmic');
    assert.deepEqual(dataset(loss, 'keep:validation', 'raw').data.map((p) => p.y), run.epochs.map((e) => e.valLoss));
    assert.deepEqual((await second.posted())[0], { type: 'webview/didBecomeReady' });
    await finish(second);
  });

  test('export/render answers with PNG data URLs the host accepts', async () => {
    const page = await harness.open({ theme: 'dark' });
    await streamRun(page, syntheticRun({ epochs: 5, stepsPerEpoch: 4, bestEpoch: 3 }));
    await page.send({ type: 'export/render', requestId: 'req-7', style: 'paper' });
    await page.page.waitForFunction(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'export/didRender'));
    const reply = (await page.posted()).find((m) => m.type === 'export/didRender');
    const parsed = parseWebviewToHost(reply);
    assert.ok(parsed && parsed.type === 'export/didRender');
    assert.equal(parsed.requestId, 'req-7');
    assert.deepEqual(parsed.images.map((i) => i.name), ['loss', 'accuracy', 'grad-norm', 'learning-rate', 'reliability', 'confidence-histogram', 'ece-trend']);
    for (const img of parsed.images) {
      const png = Buffer.from(img.pngDataUrl.slice('data:image/png;base64,'.length), 'base64');
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], `${img.name} is a PNG`);
      assert.ok(png.length > 2000, `${img.name} has content`);
    }
    await finish(page);
  });

  test('exported charts read on paper: white, titled, dark text; or in the editor\'s theme; the panel keeps its own (issue 14)', async () => {
    const page = await harness.open({ theme: 'dark' });
    await streamRun(page, syntheticRun({ epochs: 5, stepsPerEpoch: 4, bestEpoch: 3 }));
    /** Pixel figures of an exported PNG, decoded in the page: corner colour, and dark/light pixels in the title band and below it. */
    const measure = (dataUrl: string): Promise<{ width: number; height: number; corner: number[]; bandDark: number; bandLight: number; chartWhite: number }> =>
      page.page.evaluate(`(async (url) => {
        const img = new Image();
        img.src = url;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const count = (y0, y1, test) => {
          const d = ctx.getImageData(0, y0, c.width, y1 - y0).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (test(0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2])) n++;
          return n;
        };
        const band = Math.round(58 * devicePixelRatio);
        return { width: c.width, height: c.height, corner: [...ctx.getImageData(2, 2, 1, 1).data], bandDark: count(0, band, (l) => l < 90), bandLight: count(0, band, (l) => l > 200), chartWhite: count(band, c.height, (l) => l > 245) / (c.width * (c.height - band)) };
      })(${JSON.stringify(dataUrl)})`);
    const exported = async (style: 'paper' | 'editor', requestId: string) => {
      await page.send({ type: 'export/render', requestId, style });
      await page.page.waitForFunction((id) => (globalThis as unknown as { __posted: { type: string; requestId?: string }[] }).__posted.some((m) => m.type === 'export/didRender' && m.requestId === id), requestId);
      const reply = parseWebviewToHost((await page.posted()).find((m) => m.type === 'export/didRender' && m.requestId === requestId));
      assert.ok(reply && reply.type === 'export/didRender');
      return reply.images;
    };
    const paper = await exported('paper', 'paper-1');
    for (const img of paper) {
      const m = await measure(img.pngDataUrl);
      assert.deepEqual(m.corner.slice(0, 3), [255, 255, 255], `${img.name}: a white background`);
      assert.ok(m.bandDark > 100, `${img.name}: a dark title on the band (${m.bandDark} dark pixels)`);
      assert.ok(m.chartWhite > 0.6, `${img.name}: the chart itself is on white (${(m.chartWhite * 100).toFixed(0)}%)`);
    }
    const editor = await exported('editor', 'editor-1');
    const loss = await measure(editor.find((i) => i.name === 'loss')!.pngDataUrl);
    assert.ok(Math.max(...loss.corner.slice(0, 3)) < 60, `the editor style keeps the dark background: ${loss.corner.join(',')}`);
    assert.ok(loss.bandLight > 100, 'and a light title');
    // The panel is drawn in the editor's theme again after the export.
    assert.equal(chart(await page.debug((d) => d.charts()), 'loss').tickColor, '#cccccc');
    await page.page.screenshot({ path: `${SHOTS}/after-export-dark.png` });
    const { writeFileSync } = await import('node:fs');
    for (const [style, images] of [['paper', paper], ['editor', editor]] as const) {
      for (const img of images.filter((i) => i.name === 'loss' || i.name === 'reliability')) writeFileSync(`${SHOTS}/export-${style}-${img.name}.png`, Buffer.from(img.pngDataUrl.split(',')[1]!, 'base64'));
    }
    await finish(page);
  });

  test('redraws in the new colours on a theme change; screenshots in light, dark and high contrast', async () => {
    const page = await harness.open({ theme: 'dark', viewport: { width: 1400, height: 1000 } });
    const run = syntheticRun({ epochs: 40, stepsPerEpoch: 30, bestEpoch: 18, nonFiniteSteps: [700] });
    await streamRun(page, run);
    await page.sendAndRender({ type: 'run/didFlag', runId: 'run-1', flag: overfittingFlag(24, 18) });
    await page.sendAndRender({ type: 'run/didFlag', runId: 'run-1', flag: { ...explodingFlag(24, 700), severity: 'warning', message: 'The loss was NaN at step 700 (1 of 1200 steps); training recovered.' } });
    for (const theme of ['light', 'high-contrast', 'dark'] as const) {
      const renders = await page.debug((d) => d.renders());
      await page.setTheme(theme);
      assert.ok((await page.debug((d) => d.renders())) > renders, `redrawn for ${theme}`);
      const loss = chart(await page.debug((d) => d.charts()), 'loss');
      const expected = { dark: '#cccccc', light: '#3b3b3b', 'high-contrast': '#ffffff' }[theme];
      assert.equal(loss.tickColor, expected);
      await page.page.waitForTimeout(200); // the toolkit restyles its elements on the same class change
      await page.page.screenshot({ path: `${SHOTS}/dashboard-${theme}.png`, fullPage: true });
    }
    await finish(page);
  });
  test('a real run folder, loaded by the extension\'s own loader, as "Open Run" shows it', async () => {
    const dir = 'test/webview/fixtures/20261122-224700-diabetes-overfitting';
    const record = await loadRunFolder(dir);
    assert.ok(record, 'the fixture is a run folder');
    const run = toSnapshot(record);
    const metrics = parseMetricsJsonl(readFileSync(`${dir}/metrics.jsonl`, 'utf8'), 'metrics.jsonl');
    const page = await harness.open({ theme: 'dark', viewport: { width: 1400, height: 1000 } });
    await page.sendAndRender({ type: 'runs/didLoad', runs: [run], compare: false });
    let charts = await page.debug((d) => d.charts());
    const loss = chart(charts, 'loss');
    // Per-step losses from disk carry no batch index: positions within an epoch are counted (12 steps an epoch here).
    const raw = dataset(loss, `${run.id}:train`, 'raw');
    assert.ok(raw.data.length > 200 && raw.data.length <= metrics.steps.length);
    const lastX = raw.data[raw.data.length - 1]!.x;
    assert.ok(lastX > 119 && lastX <= 120 + 1e-9, `the last steps sit in epoch 120 (x = ${lastX})`);
    for (let i = 1; i < raw.data.length; i++) assert.ok(raw.data[i]!.x > raw.data[i - 1]!.x, 'steps spread within their epoch');
    assert.equal(loss.datasets.filter((d) => d.kind === 'non-finite').length, 0, 'a finite run has no NaN markers');
    // The learning rate is not in the step records: the chart falls back to the epoch records, without markers.
    const lr = chart(charts, 'learning-rate');
    assert.deepEqual(dataset(lr, `${run.id}:lr`, 'raw').data.map((p) => p.y), metrics.epochs.map((e) => e.learningRate));
    assert.equal(lr.datasets.filter((d) => d.kind === 'non-finite').length, 0);
    // Best epoch (lowest validation loss), the overfitting onset from the flag's evidence, the flag's epoch.
    const valLosses = metrics.epochs.map((e) => e.valLoss);
    const best = metrics.epochs[valLosses.indexOf(Math.min(...valLosses))]!.epoch;
    const overfitting = run.flags.findIndex((f) => f.kind === 'overfitting');
    const flag = run.flags[overfitting]!;
    assert.equal(loss.annotations.find((a) => a.id.startsWith('best'))?.x, best);
    assert.equal(loss.annotations.find((a) => a.id.startsWith('onset'))?.x, flag.evidence.onsetEpoch);
    assert.ok(loss.annotations.some((a) => a.x === flag.epoch && a.label === `Overfitting ${flag.epoch}`));
    // Flags panel: the names people see; the first fix of the overfitting flag posts its indices.
    const titles = await page.page.locator('.ll-flag h3').allTextContents();
    assert.deepEqual([...titles].sort(), ['Miscalibration', 'Overfitting', 'Suspected mislabeled rows']);
    await page.page.locator(`[data-testid="flag-${overfitting}"]`).click();
    await page.page.locator(`[data-testid="fix-${overfitting}-0"]`).click();
    assert.deepEqual((await page.posted()).at(-1), { type: 'fix/apply', runId: run.id, flagIndex: overfitting, fixIndex: 0, retrain: false });
    // Reliability diagram and figures from diagnostics.json.
    const calibration = await page.debug((d) => d.calibration());
    assert.deepEqual(calibration.counts.map((p) => p.y), run.calibration!.bins.map((b) => b.count));
    assert.equal(calibration.figures.ECE, String(Number(run.calibration!.ece.toPrecision(4))));
    // Time axis: epochs carry their durations; steps are placed within them.
    await page.page.locator('[data-testid="x-axis"]').click();
    await page.page.locator('[data-testid="x-axis"] vscode-option', { hasText: 'compute time' }).click();
    await page.debug((d) => d.flush());
    charts = await page.debug((d) => d.charts());
    const timed = dataset(chart(charts, 'loss'), `${run.id}:train`, 'raw').data;
    const totalSeconds = metrics.epochs.reduce((sum, e) => sum + e.timeMs, 0) / 1000;
    const lastT = timed[timed.length - 1]!.x;
    const lastEpochSeconds = metrics.epochs.at(-1)!.timeMs / 1000;
    assert.ok(lastT > totalSeconds - lastEpochSeconds && lastT <= totalSeconds + 1e-9, `last step at ${lastT} s of ${totalSeconds} s`);
    await page.page.locator('[data-testid="x-axis"]').click();
    await page.page.locator('[data-testid="x-axis"] vscode-option', { hasText: 'epoch' }).click();
    await page.debug((d) => d.flush());
    await page.page.screenshot({ path: `${SHOTS}/real-run-dark.png`, fullPage: true });
    await page.page.screenshot({ path: `${SHOTS}/real-run-dark-viewport.png` });
    await finish(page);
  });
  test('keyboard and screen readers: named controls, charts as images with summaries, data tables', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 12, stepsPerEpoch: 10, bestEpoch: 7 });
    await streamRun(page, run);
    await page.sendAndRender({ type: 'run/didFlag', runId: 'run-1', flag: overfittingFlag(10, 7) });
    const p = page.page;
    // The flag's headline is a button that says whether it is open; Enter opens it.
    const headline = p.getByRole('button', { name: /^Warning Overfitting: val loss/ });
    assert.equal(await headline.getAttribute('aria-expanded'), 'false');
    await headline.press('Enter');
    assert.equal(await headline.getAttribute('aria-expanded'), 'true');
    // Each chart is an image with a text summary; each fix button says which flag it fixes.
    assert.equal(await p.getByRole('img', { name: /^Loss chart\. 12 epochs, latest train loss [\d.]+, validation loss [\d.]+, best epoch 7\./ }).count(), 1);
    assert.equal(await p.getByRole('img', { name: /^Reliability diagram: accuracy against confidence in 15 bins\. ECE/ }).count(), 1);
    // Two buttons per fix, each naming the action and what it does: train again, or only edit the config.
    assert.equal(await p.getByRole('button', { name: /^Overfitting: Stop early \(patience 5\) and restore the best epoch, then train again \(edits the config: training\.earlyStopping/ }).count(), 1);
    assert.equal(await p.getByRole('button', { name: /^Overfitting: Stop early \(patience 5\) and restore the best epoch, only edit the config \(training\.earlyStopping/ }).count(), 1);
    assert.match((await p.locator('[data-testid="fix-0-0-retrain"]').textContent())?.trim() ?? '', /^Stop early \(patience 5\) and restore the best epoch and train again$/);
    assert.equal((await p.locator('[data-testid="fix-0-0"]').textContent())?.trim(), 'Only edit the config');
    assert.equal(await p.getByRole('button', { name: /^Stop training digits-baseline$/ }).count(), 1);
    assert.equal(await p.getByRole('toolbar', { name: 'Chart options' }).count(), 1);
    // Tab from the top reaches the loss data table's disclosure; Enter opens it; its rows are the epochs.
    let focused = '';
    for (let i = 0; i < 25 && focused !== 'Loss: data table'; i++) {
      await p.keyboard.press('Tab');
      focused = await p.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent?.trim() ?? '');
    }
    assert.equal(focused, 'Loss: data table', 'reachable by Tab');
    await p.keyboard.press('Enter');
    const table = p.getByRole('table', { name: /Loss per epoch/ });
    await table.waitFor();
    assert.equal(await table.locator('tbody tr').count(), 12);
    assert.deepEqual(await table.locator('thead th').allTextContents(), ['epoch', 'train loss', 'validation loss']);
    assert.equal((await table.locator('tbody tr').nth(6).locator('td').allTextContents())[0], '7');
    // The smoothing slider is keyboard operable and announces its value.
    const slider = p.getByRole('slider', { name: 'Smoothing' });
    await slider.focus();
    await p.keyboard.press('ArrowLeft');
    assert.equal(await slider.getAttribute('aria-valuetext'), '0.599');
    await finish(page);
  });
  test('a foreign log with only losses: missing metrics read "not recorded", never as NaN markers', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 8, stepsPerEpoch: 5, bestEpoch: 5 });
    // The shape src/commands/openRun.ts builds from another trainer's log: unknown metrics are NaN.
    const epochs = run.epochs.map((e) => ({ ...e, trainAccuracy: NaN, valAccuracy: NaN, learningRate: NaN, gradNorm: NaN, timeMs: NaN }));
    const steps = run.steps.map((st) => ({ ...st, batch: 0, gradNorm: NaN, learningRate: NaN, timeMs: NaN }));
    await page.sendAndRender({ type: 'runs/didLoad', compare: false, runs: [snapshot('log', 'keras-log', { stepsPerEpoch: 0, epochs, steps }, { state: 'completed' })] });
    const charts = await page.debug((d) => d.charts());
    for (const c of charts) assert.equal(c.datasets.filter((d) => d.kind === 'non-finite').length, 0, `${c.id}: no NaN markers`);
    for (const id of ['accuracy', 'grad-norm', 'learning-rate']) {
      assert.ok(chart(charts, id).datasets.every((d) => d.data.length === 0), `${id} is empty`);
      assert.equal(await page.page.locator(`section[data-chart="${id}"] .ll-note`).isVisible(), true, `${id} says it was not recorded`);
    }
    assert.equal(await page.page.locator('section[data-chart="loss"] .ll-note').isVisible(), false);
    // Step losses without batch indices are spread over their epoch (5 per epoch, inferred).
    assert.deepEqual(dataset(chart(charts, 'loss'), 'log:train', 'raw').data.slice(0, 5).map((p) => p.x), [0.2, 0.4, 0.6, 0.8, 1]);
    // No durations: the time axis falls back to epochs and says so.
    await page.page.locator('[data-testid="x-axis"]').click();
    await page.page.locator('[data-testid="x-axis"] vscode-option', { hasText: 'compute time' }).click();
    await page.debug((d) => d.flush());
    assert.equal(chart(await page.debug((d) => d.charts()), 'loss').xTitle, 'epoch (this log has no timings)');
    await finish(page);
  });

  test('per chart: drag zoom re-reads the window and resets, expand and Escape, axis-named tooltips, own log scale, ignore outliers', async () => {
    const page = await harness.open({ theme: 'dark', viewport: { width: 1400, height: 1000 } });
    const run = syntheticRun({ epochs: 20, stepsPerEpoch: 100, bestEpoch: 9, spikeAt: 1500 });
    await streamRun(page, run);
    const p = page.page;
    // Accuracy is a fraction: no log scale offered.
    assert.equal(await p.locator('[data-testid="log-y-accuracy"]').getAttribute('disabled'), '');
    // Drag across epochs ~5 to ~10 of the loss plot: zoomed, and every reading in the window is there.
    const box = (await p.locator('canvas[data-chart="loss"]').boundingBox())!;
    const area = chart(await page.debug((d) => d.charts()), 'loss').plotArea!;
    const xAt = (epoch: number): number => box.x + area.left + ((area.right - area.left) * epoch) / 20;
    const y = box.y + (area.top + area.bottom) / 2;
    await p.mouse.move(xAt(5), y);
    await p.mouse.down();
    await p.mouse.move(xAt(7.5), y, { steps: 5 });
    await p.mouse.move(xAt(10), y, { steps: 5 });
    await p.mouse.up();
    await p.waitForFunction(() => (globalThis as unknown as PageGlobals).__lossLensDebug.charts().find((c) => c.id === 'loss')!.zoomed);
    await page.debug((d) => d.flush());
    let loss = chart(await page.debug((d) => d.charts()), 'loss');
    const raw = dataset(loss, 'run-1:train', 'raw').data;
    const inside = raw.filter((q) => q.x >= 5.5 && q.x <= 9.5).length;
    assert.equal(inside, run.steps.filter((st) => { const x = st.epoch - 1 + (st.batch + 1) / 100; return x >= 5.5 && x <= 9.5; }).length, 'zoomed in, every reading of the window is drawn');
    // The tooltip title names the axis.
    await p.mouse.move(xAt(7), y);
    await p.waitForFunction(() => (globalThis as unknown as PageGlobals).__lossLensDebug.charts().find((c) => c.id === 'loss')!.tooltipTitle !== '');
    assert.match(chart(await page.debug((d) => d.charts()), 'loss').tooltipTitle, /^epoch \d+(\.\d\d)?$/);
    await p.locator('[data-testid="reset-zoom-loss"]').click();
    await page.debug((d) => d.flush());
    loss = chart(await page.debug((d) => d.charts()), 'loss');
    assert.equal(loss.zoomed, false);
    // Expand to the whole panel; Escape returns.
    await p.locator('[data-testid="expand-loss"]').click();
    const expanded = (await p.locator('section[data-chart="loss"]').boundingBox())!;
    assert.ok(expanded.width >= 1390 && expanded.height >= 990, JSON.stringify(expanded));
    await p.keyboard.press('Escape');
    assert.ok(((await p.locator('section[data-chart="loss"]').boundingBox())!.height) < 600);
    // Ignore outliers: the spike of 50 no longer sets the loss axis (TensorBoard's 5th–95th percentile).
    assert.equal(chart(await page.debug((d) => d.charts()), 'loss').yMax, null);
    await p.locator('[data-testid="ignore-outliers"]').click();
    await page.debug((d) => d.flush());
    loss = chart(await page.debug((d) => d.charts()), 'loss');
    assert.ok(loss.yMax !== null && loss.yMax < 5, `y max ${loss.yMax}`);
    // The loss chart's log toggle leaves the gradient-norm chart linear.
    await p.locator('[data-testid="log-y-loss"]').click();
    await page.debug((d) => d.flush());
    const charts = await page.debug((d) => d.charts());
    assert.deepEqual([chart(charts, 'loss').yType, chart(charts, 'grad-norm').yType], ['logarithmic', 'linear']);
    await finish(page);
  });

  test('any logged scalar can be charted: a layer gradient norm from the step readings', async () => {
    const page = await harness.open({ theme: 'dark' });
    const run = syntheticRun({ epochs: 4, stepsPerEpoch: 10, bestEpoch: 2 });
    const steps = run.steps.map((st, i) => ({ ...st, layerGradNorms: [1 + i / 100, 2 + i / 100], deadFractions: [0.1] }));
    await page.sendAndRender({ type: 'runs/didLoad', compare: false, runs: [snapshot('r', 'layers', { ...run, steps })] });
    await page.page.locator('[data-testid="add-chart"]').click();
    await page.page.locator('[data-testid="add-chart"] vscode-option', { hasText: 'Gradient norm, layer 2' }).click();
    await page.debug((d) => d.flush());
    const added = chart(await page.debug((d) => d.charts()), 'layerGradNorm-1');
    assert.deepEqual(dataset(added, 'r:layerGradNorm-1', 'raw').data.map((q) => q.y), steps.map((st) => st.layerGradNorms[1]));
    // The dead fraction of hidden layer 1 is constant here: one line of text once added.
    await page.page.locator('[data-testid="add-chart"]').click();
    await page.page.locator('[data-testid="add-chart"] vscode-option', { hasText: 'Dead units, hidden layer 1' }).click();
    await page.debug((d) => d.flush());
    assert.equal(chart(await page.debug((d) => d.charts()), 'deadFraction-0').constantText, 'Constant at 10.0% over 4 epochs.');
    await page.page.locator('[data-testid="remove-layerGradNorm-1"]').click();
    await page.debug((d) => d.flush());
    assert.equal((await page.debug((d) => d.charts())).some((c) => c.id === 'layerGradNorm-1'), false);
    await finish(page);
  });

  test('calibration: before and after diagrams, a plain verdict when scaling does not help, the ECE of each epoch', async () => {
    const page = await harness.open({ theme: 'light' });
    const run = syntheticRun({ epochs: 3, stepsPerEpoch: 5, bestEpoch: 2 });
    await page.sendAndRender({ type: 'runs/didLoad', runs: [snapshot('r', 'iris', { stepsPerEpoch: 5 })], compare: false });
    const base = syntheticCalibration(0.1);
    const after = base.bins.map((b) => ({ ...b, accuracy: b.count ? b.confidence * 0.98 : 0 }));
    const readings = [
      { ...base, ece: 0.09, eceAfterTemperature: 0.03, binsAfterTemperature: after, mceAfterTemperature: 0.07 },
      { ...base, ece: 0.05, eceAfterTemperature: 0.04, binsAfterTemperature: after },
      { ...base, ece: 0.02, eceAfterTemperature: 0.025, temperature: 0.93 },
    ];
    for (const [i, calibration] of readings.entries()) await page.sendAndRender({ type: 'run/didProgress', runId: 'r', steps: [], epochs: [run.epochs[i]!], calibration });
    let c = await page.debug((d) => d.calibration());
    assert.deepEqual(c.eceTrend.map((q) => [q.x, q.y]), [[1, 0.09], [2, 0.05], [3, 0.02]]);
    assert.equal(c.verdictKind, 'no-help');
    assert.match(c.verdict, /^Temperature scaling does not help here: with T = 0\.93 the ECE goes from 0\.02 to 0\.025/);
    assert.deepEqual(c.accuracyAfter, [], 'no after-scaling bins sent for this epoch: no after diagram');
    await page.sendAndRender({ type: 'run/didProgress', runId: 'r', steps: [], epochs: [], calibration: readings[0]! });
    c = await page.debug((d) => d.calibration());
    assert.equal(c.verdictKind, 'helps');
    assert.deepEqual(c.accuracyAfter.map((q) => q.y), after.map((b) => (b.count ? b.accuracy : null)));
    assert.equal(c.figures['MCE after temperature'], '0.07');
    await finish(page);
  });
});
