/**
 * The dashboard's pure parts (no browser): contrast ratios against WCAG's own examples, the marker
 * lane's merging and placement, the config diff, the outlier range against an independent
 * percentile, and how runs are named and coloured apart (flag headlines, shared with the host, are
 * tested with the run model: test/unit/model/flagHeadline.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configDiff } from '../../webview/dashboard/configDiff';
import { contrastRatio, ensureContrast, faded } from '../../webview/dashboard/contrast';
import { layoutLane, MAX_LANE_ROWS } from '../../webview/dashboard/markerLayout';
import { runStyles } from '../../webview/dashboard/runIdentity';
import type { RunModel } from '../../webview/dashboard/store';
import { constantRange, isConstant, outlierRange } from '../../webview/dashboard/yRange';
import { rng } from './fixtures';

describe('contrast (WCAG 2.2 relative luminance)', () => {
  test('known ratios: black on white 21:1, #777 on white 4.48:1, a colour on itself 1:1, alpha composited', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.ok(Math.abs(contrastRatio('#777777', '#ffffff') - 4.478) < 0.001);
    assert.equal(contrastRatio('#3794ff', '#3794ff'), 1);
    // 50% black over white is rgb(127.5, 127.5, 127.5): between #7f7f7f and #808080.
    const half = contrastRatio('rgba(0, 0, 0, 0.5)', '#ffffff');
    assert.ok(half < contrastRatio('#7f7f7f', '#ffffff') && half > contrastRatio('#808080', '#ffffff'), String(half));
  });

  test('ensureContrast keeps a passing colour and moves a failing one just past the target', () => {
    assert.equal(ensureContrast('#3794ff', '#1f1f1f', 3), '#3794ff');
    for (const [c, bg, need] of [['#d18616', '#ffffff', 3], ['#bf8803', '#ffffff', 4.5], ['#616161', '#1f1f1f', 4.5], ['#0f4a85', '#000000', 3]] as const) {
      const out = ensureContrast(c, bg, need);
      const r = contrastRatio(out, bg);
      assert.ok(r >= need && r < need + 0.3, `${c} on ${bg}: ${out} at ${r.toFixed(3)}`);
    }
    const raw = faded('#3794ff', '#1f1f1f', 0.55, 3);
    assert.ok(contrastRatio(raw, '#1f1f1f') >= 3 && contrastRatio(raw, '#1f1f1f') < contrastRatio('#3794ff', '#1f1f1f'));
  });
});

describe('marker lane', () => {
  const measure = (t: string): number => t.length * 6;
  test('coinciding markers merge; one text shared by runs names each tag once', () => {
    const layout = layoutLane(
      [
        { px: 100, text: 'best 4', tag: 'A', color: '#0a0' },
        { px: 102, text: 'best 4', tag: 'B', color: '#00a' },
        { px: 103, text: 'overfitting from 4', tag: 'A', color: '#0a0' },
        { px: 300, text: 'Overfitting 16', tag: '', color: '#a00' },
      ],
      500,
      measure,
      '#fff',
    );
    assert.deepEqual(layout.labels.map((l) => l.parts.map((p) => p.text)), [['A, B best 4', 'A overfitting from 4'], ['Overfitting 16']]);
    assert.equal(layout.labels[0]!.parts[0]!.color, '#fff', 'two runs share the label: neutral colour');
    assert.equal(layout.rows, 1);
  });

  test('labels stay inside the canvas, stack into rows when they overlap, and beyond the rows are left to the key', () => {
    const near = Array.from({ length: 6 }, (_, i) => ({ px: 10 + i * 20, text: `marker number ${i}`, tag: '', color: '#000' }));
    const layout = layoutLane(near, 200, measure, '#fff');
    for (const l of layout.labels) assert.ok(l.left >= 0 && l.left + l.width <= 200, JSON.stringify(l));
    assert.equal(layout.rows, MAX_LANE_ROWS);
    assert.equal(layout.labels.length + layout.dropped, 6);
    for (let row = 0; row < layout.rows; row++) {
      const inRow = layout.labels.filter((l) => l.row === row).sort((a, b) => a.left - b.left);
      for (let i = 1; i < inRow.length; i++) assert.ok(inRow[i]!.left >= inRow[i - 1]!.left + inRow[i - 1]!.width, 'no overlap within a row');
    }
  });
});

describe('config diff', () => {
  test('only the keys that differ; an object against false is one row', () => {
    const base = { name: 'overfitting', training: { epochs: 120, earlyStopping: false }, model: { hidden: [256, 256] } };
    const rows = configDiff([base, { ...base, training: { epochs: 120, earlyStopping: { patience: 5 } } }, undefined]);
    assert.deepEqual(rows, [{ path: 'training.earlyStopping', values: ['false', '{"patience":5}', undefined] }]);
    assert.deepEqual(configDiff([base, base]), []);
    assert.deepEqual(configDiff([base, { ...base, model: { hidden: [128, 128] } }]).map((r) => r.path), ['model.hidden']);
  });
});

describe('y range', () => {
  test('ignore outliers: the 5th-95th percentile (linear interpolation) padded by 5%, one spike ignored', () => {
    const random = rng(3);
    const ys = Float64Array.from({ length: 1000 }, () => random());
    ys[500] = 1e6;
    const sorted = [...ys].sort((a, b) => a - b);
    const q = (p: number): number => {
      const i = (sorted.length - 1) * p;
      return sorted[Math.floor(i)]! + (sorted[Math.ceil(i)]! - sorted[Math.floor(i)]!) * (i - Math.floor(i));
    };
    const r = outlierRange([{ ys, length: ys.length }], false)!;
    const pad = (q(0.95) - q(0.05)) * 0.05;
    assert.ok(Math.abs(r.min - (q(0.05) - pad)) < 1e-12 && Math.abs(r.max - (q(0.95) + pad)) < 1e-12, JSON.stringify(r));
    assert.ok(r.max < 2, 'the spike of 1e6 does not set the range');
  });

  test('a constant series gets a readable range around its value', () => {
    assert.ok(isConstant(2e-4, 2e-4) && !isConstant(1e-4, 2e-4));
    const lr = constantRange(2e-4, false);
    assert.ok(Math.abs(lr.min - 1e-4) < 1e-18 && Math.abs(lr.max - 3e-4) < 1e-18, JSON.stringify(lr));
    assert.deepEqual(constantRange(0, false), { min: -1, max: 1 });
    const log = constantRange(0.01, true);
    assert.ok(Math.abs(log.min - 0.01 / 3) < 1e-15 && Math.abs(log.max - 0.03) < 1e-15);
  });
});

describe('run identity in a comparison', () => {
  const run = (id: string, name: string, startedAt: number) => ({ id, name, startedAt }) as unknown as RunModel;
  const palette = ['blue', 'orange', 'purple', 'green', 'red', 'yellow'];
  test('one config run twice: name + time, then seconds, then a short id; colours differ and stay with the run', () => {
    const t = new Date(2026, 10, 22, 14, 47, 5).getTime();
    const a = run('20261122-144705-overfitting', 'overfitting', t);
    const b = run('20261122-150200-overfitting', 'overfitting', t + 15 * 60_000);
    const styles = runStyles([a, b], palette);
    assert.deepEqual([...styles.values()].map((x) => [x.label, x.tag]), [['overfitting · 14:47', 'A'], ['overfitting · 15:02', 'B']]);
    assert.equal(runStyles([run('x1', 'n', t), run('x2', 'n', t + 1000)], palette).get('x2')!.label, 'n · 14:47:06');
    assert.match(runStyles([run('abc-111111', 'n', t), run('abc-222222', 'n', t)], palette).get('abc-222222')!.label, /· 222222$/);
    assert.notEqual(styles.get(a.id)!.color, styles.get(b.id)!.color);
    // Alone or beside another run, a run keeps its colour (unless two would share one).
    assert.equal(runStyles([a], palette).get(a.id)!.color, styles.get(a.id)!.color);
    // Red and yellow (error, warning) are used only past four runs.
    const four = runStyles(['r1', 'r2', 'r3', 'r4'].map((id, i) => run(id, id, t + i)), palette);
    assert.deepEqual(new Set([...four.values()].map((x) => x.color)), new Set(['blue', 'orange', 'purple', 'green']));
  });
});
