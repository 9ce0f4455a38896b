/**
 * The dashboard as a person watching a run sees it, in real Chromium at the widths it is used at: a
 * column beside the config (380 and 570 px) and a full editor (1400 px). The loss chart is in the
 * first viewport whatever the number of flags, and a flag arriving never moves it; no marker label
 * covers a drawn reading or leaves its canvas; two runs of one config are told apart, with the key
 * that changed; every drawn colour meets WCAG contrast in the four kinds of theme. Screenshots of
 * each width and theme go to test-results/webview/media/ (the README's pictures come from there).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Flag } from '../../src/model';
import { loadRunFolder } from '../../src/store/pastRuns';
import { toSnapshot } from '../../src/store/runStore';
import type { RunSnapshot } from '../../src/protocol/webview';
import { composite, contrastRatio, GRAPHIC_CONTRAST, parseColor, TEXT_CONTRAST } from '../../webview/dashboard/contrast';
import type { ChartSummary } from '../../webview/dashboard/debugTypes';
import { explodingFlag, overfittingFlag, snapshot, syntheticCalibration, syntheticRun } from './fixtures';
import { startHarness, type DashboardPage, type Harness } from './harness';
import type { TestTheme } from './themes';

const SHOTS = 'test-results/webview/media';
/** Panel sizes: the column beside the config (848 px tall) and a 1500×950 editor's panel. */
const SIZES = [
  { width: 380, height: 848 },
  { width: 570, height: 848 },
  { width: 1400, height: 900 },
] as const;
const FIXTURE = 'test/webview/fixtures/20261122-224700-diabetes-overfitting';

let harness: Harness;
let real: RunSnapshot;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  harness = await startHarness();
  const record = await loadRunFolder(FIXTURE);
  assert.ok(record, 'the fixture is a run folder');
  real = toSnapshot(record);
});
after(async () => {
  await harness?.close();
});

/** Six flags of different kinds and epochs, as a troubled run collects them. */
function sixFlags(): Flag[] {
  const plateau: Flag = { kind: 'plateau', severity: 'warning', epoch: 3, message: 'The training loss fell only 0.4% over the first 3 epochs.', evidence: { onsetEpoch: 1, relativeImprovement: 0.004 } };
  const dead: Flag = { kind: 'dead-units', severity: 'warning', epoch: 9, message: '62% of the units of hidden layer 2 never fired on a batch.', evidence: { onsetEpoch: 7, layer: 2, deadFraction: 0.62 } };
  const imbalance: Flag = { kind: 'class-imbalance', severity: 'info', epoch: 1, message: 'The largest class has 4.1 times the rows of the smallest.', evidence: { ratio: 4.1 } };
  const miscal: Flag = { kind: 'miscalibration', severity: 'warning', epoch: 20, message: 'The model is overconfident.', evidence: { onsetEpoch: 18, meanConfidence: 0.91, accuracy: 0.8, ece: 0.11, direction: 'overconfident' } };
  return [overfittingFlag(14, 9), explodingFlag(15, 150), plateau, dead, imbalance, miscal];
}

function runWith(flags: readonly Flag[]): RunSnapshot {
  const run = syntheticRun({ epochs: 30, stepsPerEpoch: 20, bestEpoch: 9, nonFiniteSteps: [150] });
  return snapshot('live', 'digits-mlp', run, { flags, calibration: syntheticCalibration(0.12), epochsPlanned: 40 });
}

async function lossBox(page: DashboardPage): Promise<{ top: number; bottom: number; left: number; right: number }> {
  const box = await page.page.locator('canvas[data-chart="loss"]').boundingBox();
  assert.ok(box, 'the loss canvas is laid out');
  return { top: box.y, bottom: box.y + box.height, left: box.x, right: box.x + box.width };
}

/** No label of the marker lane overlaps a drawn point, or leaves the canvas, or enters the plot area. */
function assertLabelsClear(c: ChartSummary, canvasWidth: number, where: string): void {
  for (const b of c.labelBoxes) {
    assert.ok(b.left >= 0 && b.left + b.width <= canvasWidth + 0.5, `${where} ${c.id}: label "${b.text}" inside the canvas (${b.left}..${b.left + b.width} of ${canvasWidth})`);
    assert.ok(c.plotArea && b.top + b.height <= c.plotArea.top + 0.5, `${where} ${c.id}: label "${b.text}" above the plot`);
    const hit = c.drawnPoints.find((p) => p.x >= b.left && p.x <= b.left + b.width && p.y >= b.top && p.y <= b.top + b.height);
    assert.equal(hit, undefined, `${where} ${c.id}: label "${b.text}" covers a reading at ${JSON.stringify(hit)}`);
  }
}

describe('dashboard layout in Chromium at 380, 570 and 1400 px', () => {
  for (const size of SIZES) {
    test(`${size.width} px: the loss chart is in the first viewport with 0, 3 and 6 flags, and a flag arriving does not move it`, async () => {
      const flags = sixFlags();
      const tops: number[] = [];
      for (const count of [0, 3, 6]) {
        const page = await harness.open({ theme: 'dark', viewport: size });
        await page.sendAndRender({ type: 'runs/didLoad', runs: [runWith(flags.slice(0, count))], compare: false });
        const box = await lossBox(page);
        assert.ok(box.top >= 0 && box.bottom <= size.height, `${count} flags: loss canvas at ${box.top}..${box.bottom} of a ${size.height} px view`);
        assert.ok(box.right <= size.width, `${count} flags: loss canvas fits the width (${box.right} of ${size.width})`);
        tops.push(box.top);
        console.log(`  ${size.width}x${size.height}, ${count} flags: loss canvas ${box.top.toFixed(0)}..${box.bottom.toFixed(0)} px`);
        const overflow = await page.page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement.scrollWidth - (globalThis as unknown as { document: { documentElement: { clientWidth: number } } }).document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${count} flags: no horizontal overflow (${overflow} px)`);
        assert.deepEqual(await page.cspViolations(), []);
        await page.page.close();
      }
      assert.deepEqual(tops, [tops[0], tops[0], tops[0]], `the loss chart starts at the same place with 0, 3 and 6 flags: ${tops.join(', ')}`);
      // Live: flags arriving one by one while the run trains.
      const page = await harness.open({ theme: 'dark', viewport: size });
      await page.sendAndRender({ type: 'runs/didLoad', runs: [runWith([])], compare: false });
      const start = (await lossBox(page)).top;
      for (const flag of flags) {
        await page.sendAndRender({ type: 'run/didFlag', runId: 'live', flag });
        assert.equal((await lossBox(page)).top, start, `${flag.kind} arrived: the loss chart stayed at ${start}`);
      }
      // The flags are one line each; a click opens one in place with its message and fixes.
      const strip = page.page.locator('.ll-flag-headline');
      assert.equal(await strip.count(), 6);
      const heights = await strip.evaluateAll((els) => els.map((e) => (e as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height));
      for (const h of heights) assert.ok(h < 30, `a headline is one line (${h} px)`);
      assert.match((await page.page.locator('.ll-flag[data-kind="overfitting"] .ll-flag-headline').textContent()) ?? '', /Overfitting: val loss \+16% since epoch 9 while train loss fell/);
      assert.equal(await page.page.locator('.ll-flag[data-kind="overfitting"] .ll-flag-message').isVisible(), false);
      await page.page.locator('.ll-flag[data-kind="overfitting"] .ll-flag-headline').click();
      assert.equal(await page.page.locator('.ll-flag[data-kind="overfitting"] .ll-flag-message').isVisible(), true);
      assert.equal(await page.page.locator('.ll-flag[data-kind="overfitting"] .ll-flag-headline').getAttribute('aria-expanded'), 'true');
      assert.equal((await lossBox(page)).top, start, 'opening a flag does not move the chart either');
      // The header and the chart options stay in view while scrolling.
      await page.page.mouse.wheel(0, 2000);
      await page.page.waitForTimeout(100);
      const bar = await page.page.locator('.ll-top').boundingBox();
      assert.ok(bar && Math.abs(bar.y) < 1, `the sticky bar stays at the top (${bar?.y})`);
      assert.equal(await page.page.locator('[data-testid="smoothing"]').isVisible(), true);
      await page.page.close();
    });

    test(`${size.width} px: marker labels sit above the plot, inside the canvas, over no reading; coinciding markers merge`, async () => {
      const page = await harness.open({ theme: 'dark', viewport: size });
      await page.sendAndRender({ type: 'runs/didLoad', runs: [real], compare: false });
      const charts = await page.debug((d) => d.charts());
      const widths = await page.page.locator('canvas[data-chart]').evaluateAll((els) => Object.fromEntries(els.map((e) => [(e as unknown as { dataset: { chart: string } }).dataset.chart, (e as unknown as { clientWidth: number }).clientWidth])));
      for (const c of charts) if (!c.collapsed) assertLabelsClear(c, widths[c.id]!, `${size.width} px`);
      const loss = charts.find((c) => c.id === 'loss')!;
      assert.ok(loss.labelBoxes.length > 0, 'the loss chart labels its markers');
      // The best epoch and the overfitting onset are both epoch 4 here: one label names both.
      assert.ok(loss.labelBoxes.some((b) => /best 4/.test(b.text) && /overfitting from 4/.test(b.text)), `merged: ${loss.labelBoxes.map((b) => b.text).join(' | ')}`);
      assert.equal(loss.droppedLabels, 0);
      // Every chart with marker lines has a key naming them (the accuracy chart's lines too).
      assert.equal(await page.page.locator('section[data-chart="accuracy"] .ll-marker-key').isVisible(), true);
      assert.match((await page.page.locator('section[data-chart="accuracy"] .ll-marker-key').textContent()) ?? '', /best epoch 4/);
      // The learning rate is constant in this run: one line of text instead of a flat chart.
      const lr = charts.find((c) => c.id === 'learning-rate')!;
      assert.equal(lr.collapsed, true);
      assert.match(lr.constantText, /^Constant at 2\.00e-4 over 120 epochs\.$/);
      await page.page.screenshot({ path: `${SHOTS}/markers-${size.width}.png` });
      await page.page.close();
    });
  }

  test('compare: two runs of one config are named apart, the changed key is the diff, each run is labelled once', async () => {
    const page = await harness.open({ theme: 'dark', viewport: { width: 1400, height: 900 } });
    const config = { name: 'overfitting', seed: 0, training: { epochs: 120, batchSize: 32, earlyStopping: false }, optimizer: { type: 'adam', learningRate: 2e-4 } };
    const a = syntheticRun({ epochs: 30, stepsPerEpoch: 10, bestEpoch: 6, seed: 1 });
    const b = syntheticRun({ epochs: 9, stepsPerEpoch: 10, bestEpoch: 6, seed: 2 });
    await page.sendAndRender({
      type: 'runs/didLoad',
      compare: true,
      runs: [
        snapshot('run-a', 'overfitting', a, { state: 'completed', startedAt: Date.UTC(2026, 10, 22, 14, 47), config, flags: [overfittingFlag(11, 6)], calibration: syntheticCalibration(0.2) }),
        snapshot('run-b', 'overfitting', b, { state: 'stopped', reason: 'early-stopped', startedAt: Date.UTC(2026, 10, 22, 15, 2), config: { ...config, training: { ...config.training, earlyStopping: { patience: 3, restoreBest: true } } }, calibration: syntheticCalibration(0.05) }),
      ],
    });
    const labels = await page.debug((d) => d.runLabels());
    assert.equal(labels.length, 2);
    assert.notEqual(labels[0]!.label, labels[1]!.label, `distinct names: ${labels.map((l) => l.label).join(' / ')}`);
    assert.notEqual(labels[0]!.color, labels[1]!.color);
    const legend = page.page.locator('.ll-run-legend .ll-legend-item');
    assert.deepEqual((await legend.allTextContents()).map((t) => t.trim()), labels.map((l) => `${l.tag} ${l.label}`));
    const diff = page.page.locator('[data-testid="config-diff"] tbody tr');
    assert.equal(await diff.count(), 1, 'only the key that changed');
    assert.deepEqual(await diff.nth(0).locator('th, td').allTextContents(), ['training.earlyStopping', 'false', '{"patience":3,"restoreBest":true}']);
    // Key figures with deltas against the baseline (the first run until another is picked).
    const rows = page.page.locator('[data-testid="compare-figures"] tbody tr');
    assert.match((await rows.nth(0).textContent()) ?? '', /\(baseline\)/);
    assert.match((await rows.nth(1).textContent()) ?? '', /9 \(−21\)/);
    // The compact legend replaces Chart.js' four-row one: the loss plot keeps its height.
    const loss = (await page.debug((d) => d.charts())).find((c) => c.id === 'loss')!;
    assert.ok(loss.plotArea && loss.plotArea.bottom - loss.plotArea.top > 150, `plot height ${loss.plotArea && loss.plotArea.bottom - loss.plotArea.top}`);
    // Each run's best epoch is labelled once, with the run's tag: both are epoch 6, so one label names both.
    assert.ok(loss.labelBoxes.some((box) => box.text.startsWith('A, B best 6')), loss.labelBoxes.map((x) => x.text).join(' | '));
    // Aligned by fraction of run, the 9-epoch run spans the axis as the 30-epoch one does.
    await page.page.locator('[data-testid="x-axis"]').click();
    await page.page.locator('[data-testid="x-axis"] vscode-option', { hasText: 'fraction of run' }).click();
    await page.debug((d) => d.flush());
    const aligned = (await page.debug((d) => d.charts())).find((c) => c.id === 'loss')!;
    const lastX = (series: string): number => aligned.datasets.find((d) => d.series === series && d.kind === 'raw')!.data.at(-1)!.x;
    assert.equal(lastX('run-a:validation'), 1);
    assert.equal(lastX('run-b:validation'), 1);
    // Flags and calibration of either run.
    assert.match((await page.page.locator('.ll-flags h2').textContent()) ?? '', new RegExp(labels[0]!.label));
    await page.page.locator('[data-testid="detail-run"]').click();
    await page.page.locator('[data-testid="detail-run"] vscode-option', { hasText: labels[1]!.label }).click();
    await page.debug((d) => d.flush());
    assert.match((await page.page.locator('.ll-flags h2').textContent()) ?? '', new RegExp(labels[1]!.label));
    assert.equal((await page.debug((d) => d.calibration())).figures.ECE, String(Number(syntheticCalibration(0.05).ece.toPrecision(4))));
    await page.page.screenshot({ path: `${SHOTS}/compare-1400.png` });
    assert.deepEqual(await page.cspViolations(), []);
    await page.page.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast', 'high-contrast-light'] as const) {
    test(`contrast in ${theme}: series and marker lines 3:1, text 4.5:1 against the background`, async () => {
      const page = await harness.open({ theme, viewport: { width: 1400, height: 900 } });
      await page.sendAndRender({ type: 'runs/didLoad', runs: [real], compare: false });
      const t = await page.debug((d) => d.theme());
      const bg = t.background;
      const ratios: { what: string; ratio: number; need: number }[] = [];
      const check = (what: string, color: string, need: number): void => {
        const ratio = contrastRatio(color, bg);
        assert.ok(Number.isFinite(ratio), `${what}: ${color} parses`);
        ratios.push({ what, ratio, need });
      };
      check('foreground', t.foreground, TEXT_CONTRAST);
      check('muted text', t.muted, TEXT_CONTRAST);
      t.palette.forEach((c, i) => check(`palette ${i}`, c, GRAPHIC_CONTRAST));
      for (const [k, c] of Object.entries(t.text)) check(`${k} text`, c, TEXT_CONTRAST);
      for (const c of await page.debug((d) => d.charts())) {
        for (const d of c.datasets) if (d.kind !== 'non-finite') check(`${c.id} ${d.label}`, d.color, GRAPHIC_CONTRAST);
        for (const m of c.annotations) {
          check(`${c.id} marker ${m.id} line`, m.lineColor, GRAPHIC_CONTRAST);
          check(`${c.id} marker ${m.id} label`, m.textColor, TEXT_CONTRAST);
        }
        check(`${c.id} ticks`, c.tickColor, TEXT_CONTRAST);
        for (const color of c.textColors) check(`${c.id} chart text`, color, TEXT_CONTRAST);
      }
      for (const color of (await page.debug((d) => d.calibration())).textColors) check('calibration chart text', color, TEXT_CONTRAST);
      // Open a flag so its message, evidence and fix chips are on screen too, then read every visible text's colours.
      await page.page.locator('.ll-flag[data-kind="overfitting"] .ll-flag-headline').click();
      const texts = await page.page.evaluate(() => {
        type El = { nodeType: number; childNodes: ArrayLike<El>; textContent: string | null; parentElement: El | null; getClientRects(): ArrayLike<unknown>; tagName: string; hasAttribute(n: string): boolean; closest(s: string): El | null };
        const g = globalThis as unknown as { document: { body: El; querySelectorAll(s: string): ArrayLike<El> }; getComputedStyle(e: El): { color: string; backgroundColor: string; visibility: string } };
        const out: { text: string; color: string; bg: string[] }[] = [];
        // The backgrounds from the element up to the first opaque one (translucent ones, such as a hover tint, are layered).
        const background = (e: El | null): string[] => {
          const layers: string[] = [];
          for (let at = e; at; at = at.parentElement) {
            const c = g.getComputedStyle(at).backgroundColor;
            if (!c || c === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(c)) continue;
            layers.push(c);
            if (!/rgba/.test(c)) return layers;
          }
          return [...layers, g.getComputedStyle(g.document.body).backgroundColor];
        };
        for (const el of Array.from(g.document.querySelectorAll('body *'))) {
          const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3 && (n.textContent ?? '').trim()).map((n) => n.textContent!.trim()).join(' ');
          if (!own || !el.getClientRects().length || g.getComputedStyle(el).visibility === 'hidden') continue;
          // Disabled controls are exempt (WCAG 1.4.3); option lists are closed.
          if (el.closest('[disabled]') || el.tagName === 'VSCODE-OPTION' || el.tagName === 'OPTION') continue;
          out.push({ text: own.slice(0, 40), color: g.getComputedStyle(el).color, bg: background(el) });
        }
        return out;
      });
      assert.ok(texts.length > 50, `${texts.length} texts read`);
      for (const x of texts) {
        const layers = x.bg.map((c) => parseColor(c)!);
        const under = layers.reduceRight((below, layer) => composite(layer, below));
        ratios.push({ what: `text "${x.text}" ${x.color} on ${x.bg.join(' over ')}`, ratio: contrastRatio(x.color, under), need: TEXT_CONTRAST });
      }
      const failing = ratios.filter((r) => !(r.ratio >= r.need));
      assert.deepEqual(failing.map((f) => `${f.what}: ${f.ratio.toFixed(2)} < ${f.need}`), []);
      const graphics = ratios.filter((r) => r.need === GRAPHIC_CONTRAST).map((r) => r.ratio);
      const text = ratios.filter((r) => r.need === TEXT_CONTRAST).map((r) => r.ratio);
      console.log(`  ${theme}: min graphics ${Math.min(...graphics).toFixed(2)}:1 over ${graphics.length}, min text ${Math.min(...text).toFixed(2)}:1 over ${text.length}`);
      await page.page.close();
    });
  }

  test('screenshots at 380, 570 and 1400 px in light, dark and high contrast', async () => {
    for (const size of SIZES) {
      for (const theme of ['light', 'dark', 'high-contrast'] as TestTheme[]) {
        const page = await harness.open({ theme, viewport: size });
        await page.sendAndRender({ type: 'runs/didLoad', runs: [real], compare: false });
        await page.page.waitForTimeout(150); // the toolkit restyles its elements on the theme class change
        await page.page.screenshot({ path: `${SHOTS}/dashboard-${theme}-${size.width}.png` });
        assert.deepEqual(await page.cspViolations(), []);
        await page.page.close();
      }
    }
  });
});
