import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { binIndex, computeCalibration } from '../../../src/diagnostics/calibration';
import { fitTemperature, temperatureNll } from '../../../src/diagnostics/temperature';
import { calibrationSignificance } from '../../../src/diagnostics/calibrationTest';
import { noise, probabilityOutputs, sigmoidOutputs, softmaxOutputs } from './helpers';

const close = (a: number, b: number, tol = 1e-6, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

describe('calibration: ECE, MCE, Brier against hand-computed values', () => {
  // Five rows, two classes. Top-label confidence, bin = ceil(15 c) - 1, correct?
  //   r0 [0.90, 0.10] y=0  c=0.90 bin 13  correct
  //   r1 [0.25, 0.75] y=0  c=0.75 bin 11  wrong
  //   r2 [0.30, 0.70] y=1  c=0.70 bin 10  correct
  //   r3 [0.45, 0.55] y=0  c=0.55 bin 8   wrong
  //   r4 [0.72, 0.28] y=1  c=0.72 bin 10  wrong
  // bin 10: n=2, acc 0.5, conf 0.71, gap 0.21
  // ECE = (0.10 + 0.75 + 2·0.21 + 0.55) / 5 = 0.364;  MCE = 0.75
  // Brier per row Σ_k (p_k - y_k)²: 0.02, 1.125, 0.18, 0.605, 1.0368 -> mean 2.9668 / 5 = 0.59336
  const out = probabilityOutputs([[0.9, 0.1], [0.25, 0.75], [0.3, 0.7], [0.45, 0.55], [0.72, 0.28]], [0, 0, 1, 0, 1]);
  const c = computeCalibration(out);

  test('ECE over 15 equal-width bins', () => close(c.ece, 0.364, 1e-6, 'ECE'));
  test('MCE is the largest non-empty bin gap', () => close(c.mce, 0.75, 1e-6, 'MCE'));
  test('Brier: sum over classes, mean over rows', () => close(c.brier, 0.59336, 1e-6, 'Brier'));
  test('bins: 15 equal-width over (0, 1], counts and averages', () => {
    assert.equal(c.bins.length, 15);
    close(c.bins[0]!.lower, 0, 0);
    close(c.bins[14]!.upper, 1, 0);
    close(c.bins[3]!.upper - c.bins[3]!.lower, 1 / 15, 1e-12);
    assert.deepEqual(c.bins.map((b) => b.count), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 0, 1, 0]);
    close(c.bins[10]!.accuracy, 0.5);
    close(c.bins[10]!.confidence, 0.71);
    assert.equal(c.bins[0]!.accuracy, 0);
  });
  test('bin edges: upper edge belongs to the bin, (b/15, (b+1)/15]', () => {
    assert.equal(binIndex(1), 14);
    assert.equal(binIndex(2 / 15 + 1e-9), 2);
    assert.equal(binIndex(0.5), 7); // 7.5 -> ceil 8 -> bin 7 = (7/15, 8/15]
    assert.equal(binIndex(0), 0);
  });
});

describe('temperature scaling against closed forms', () => {
  test('binary sigmoid: all logits z = 2, 3 of 4 positive -> σ(2/T) = 0.75, T = 2 / ln 3', () => {
    // NLL(β) = softplus(2β) - (3/4)·2β, minimum where σ(2β) = 3/4, i.e. 2β = ln 3.
    const out = sigmoidOutputs([2, 2, 2, 2], [1, 1, 1, 0]);
    close(fitTemperature(out), 2 / Math.log(3), 1e-6, 'T');
    const c = computeCalibration(out);
    // Before: conf σ(2) = 0.880797, accuracy 0.75 -> ECE 0.130797. After: conf 0.75 = accuracy -> 0.
    close(c.ece, 1 / (1 + Math.exp(-2)) - 0.75, 1e-6, 'ECE');
    close(c.eceAfterTemperature, 0, 1e-6, 'ECE after T');
    // Binary Brier, both-class convention: rows with y=1: 2(1-0.8808)², y=0: 2·0.8808².
    const p = 1 / (1 + Math.exp(-2));
    close(c.brier, (3 * 2 * (1 - p) ** 2 + 2 * p ** 2) / 4, 1e-6, 'Brier');
  });
  test('softmax: logits [3, 0, 0], labels 3×0, 1×1, 1×2 -> e^{3/T} / (e^{3/T} + 2) = 0.6, T = 3 / ln 3', () => {
    const out = softmaxOutputs([[3, 0, 0], [3, 0, 0], [3, 0, 0], [3, 0, 0], [3, 0, 0]], [0, 0, 0, 1, 2]);
    const t = fitTemperature(out);
    close(t, 3 / Math.log(3), 1e-6, 'T');
    assert.ok(t > 1, 'overconfident -> T > 1');
    close(computeCalibration(out).eceAfterTemperature, 0, 1e-6);
  });
  test('an underconfident model gets T < 1', () => {
    // logits [0.5, 0] always right: NLL keeps falling as T shrinks, so T hits the lower bound.
    const out = softmaxOutputs([[0.5, 0], [0.5, 0], [0, 0.5], [0, 0.5]], [0, 0, 1, 1]);
    assert.ok(fitTemperature(out) < 0.1);
    // ... and that limit is marked as no estimate; a T fitted inside the range is not.
    assert.equal(computeCalibration(out).temperatureAtBound, true);
    assert.equal(computeCalibration(sigmoidOutputs([2, 2, 2, 2], [1, 1, 1, 0])).temperatureAtBound, false);
  });
  test('scores that carry no information push T to the upper limit, marked as no estimate', () => {
    // Confident and right only half the time on two classes: the flattest probabilities fit best.
    const out = softmaxOutputs([[2, 0], [2, 0], [0, 2], [0, 2]], [0, 1, 0, 1]);
    const c = computeCalibration(out);
    assert.ok(c.temperature > 19, `T ${c.temperature}`);
    assert.equal(c.temperatureAtBound, true);
  });
  test('the fitted T minimises the NLL (neighbours are worse)', () => {
    const rnd = noise(3);
    const logits = Array.from({ length: 200 }, () => [4 * rnd() - 2, 4 * rnd() - 2, 4 * rnd() - 2]);
    const labels = logits.map((z) => (rnd() < 0.6 ? z.indexOf(Math.max(...z)) : Math.floor(rnd() * 3)));
    const out = softmaxOutputs(logits, labels);
    const t = fitTemperature(out);
    const f = temperatureNll(out, t);
    assert.ok(f <= temperatureNll(out, t * 1.01) && f <= temperatureNll(out, t / 1.01));
  });
});

describe('the figures after temperature scaling, derived by hand', () => {
  // Sigmoid, six rows. Four with logit z = 2 ln 3 (p = 0.9), labels 1, 1, 1, 0; two with z = 0
  // (p = 0.5, a tie: the top label is the first class, 0), both labelled 1, so both wrong.
  // NLL'(β) = Σ z (σ(βz) - y): the z = 0 rows add nothing, the others 2 ln 3 · (4σ - 3), zero at
  // σ(βz) = 3/4, βz = ln 3: β = 1/2, T = 2 exactly. Scaled, the first four say 0.75.
  //            conf  bin  acc   |gap|   Brier Σ_k (p_k - y_k)² per row
  // before A   0.90  13   0.75  0.15    right 2·0.1² = 0.02, wrong 2·0.9² = 1.62
  // after  A   0.75  11   0.75  0       right 2·0.25² = 0.125, wrong 2·0.75² = 1.125
  // both   B   0.50  7    0     0.5     0.5² + 0.5² = 0.5
  // ECE before (4·0.15 + 2·0.5)/6 = 1.6/6, after 1/6; MCE 0.5 both; Brier before
  // (3·0.02 + 1.62 + 2·0.5)/6 = 2.68/6, after (3·0.125 + 1.125 + 1)/6 = 2.5/6.
  const z = 2 * Math.log(3);
  const c = computeCalibration(sigmoidOutputs([z, z, z, z, 0, 0], [1, 1, 1, 0, 1, 1]));

  test('T = 2, inside the search range', () => {
    close(c.temperature, 2, 1e-6, 'T');
    assert.equal(c.temperatureAtBound, false);
  });
  test('ECE, MCE and Brier before and after', () => {
    close(c.ece, 1.6 / 6, 1e-6, 'ECE');
    close(c.eceAfterTemperature, 1 / 6, 1e-6, 'ECE after');
    close(c.mce, 0.5, 1e-6, 'MCE');
    close(c.mceAfterTemperature!, 0.5, 1e-6, 'MCE after');
    close(c.brier, 2.68 / 6, 1e-6, 'Brier');
    close(c.brierAfterTemperature!, 2.5 / 6, 1e-6, 'Brier after');
  });
  test('the reliability bins after scaling', () => {
    const after = c.binsAfterTemperature!;
    assert.equal(after.length, 15);
    assert.deepEqual(after.map((b) => b.count), [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0]);
    close(after[11]!.accuracy, 0.75, 1e-12, 'bin 11 accuracy');
    close(after[11]!.confidence, 0.75, 1e-6, 'bin 11 confidence');
    close(after[7]!.accuracy, 0, 0, 'bin 7 accuracy');
    close(after[7]!.confidence, 0.5, 1e-12, 'bin 7 confidence');
    assert.deepEqual(c.bins.map((b) => b.count), [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 4, 0], 'before: at 0.9');
  });
  test('softmax: logits [3, 0, 0] at T = 3 / ln 3 give [0.6, 0.2, 0.2]; Brier after (3·0.24 + 2·1.04) / 5 = 0.56', () => {
    const after = computeCalibration(softmaxOutputs([[3, 0, 0], [3, 0, 0], [3, 0, 0], [3, 0, 0], [3, 0, 0]], [0, 0, 0, 1, 2]));
    close(after.brierAfterTemperature!, 0.56, 1e-6, 'Brier after');
    close(after.mceAfterTemperature!, 0, 1e-6, 'MCE after');
    const full = after.binsAfterTemperature!.filter((b) => b.count > 0);
    assert.equal(full.length, 1);
    close(full[0]!.accuracy, 0.6, 1e-12);
    close(full[0]!.confidence, 0.6, 1e-6);
  });
});

describe('calibration significance (consistency resampling)', () => {
  test('a calibrated model is not significant; a badly overconfident one is', () => {
    const rnd = noise(11);
    const rows = 300;
    const conf = Float64Array.from({ length: rows }, () => 0.55 + 0.44 * rnd());
    // Calibrated by construction: correct with probability = confidence.
    const calibrated = Array.from(conf, (c) => (rnd() < c ? 1 : 0));
    const eceCal = eceFrom(conf, calibrated);
    assert.ok(calibrationSignificance(conf, eceCal, 200, 1).pValue > 0.01);
    // Overconfident: right only 70% of the time whatever it says.
    const over = Array.from(conf, () => (rnd() < 0.7 ? 1 : 0));
    const s = calibrationSignificance(conf, eceFrom(conf, over), 200, 1);
    assert.ok(s.pValue < 0.01, `p = ${s.pValue}`);
    assert.ok(s.nullEce95 > 0 && s.nullEce95 < 0.1);
  });
});

function eceFrom(conf: Float64Array, correct: number[]): number {
  const probs = Array.from(conf, (c) => [c, 1 - c]);
  return computeCalibration(probabilityOutputs(probs, correct.map((h) => (h ? 0 : 1)))).ece;
}
