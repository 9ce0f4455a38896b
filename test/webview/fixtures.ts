/**
 * Synthetic but realistic readings for the dashboard tests and benchmark: training loss falling
 * like 1/sqrt(t) with minibatch noise, validation loss with a U shape whose minimum is at a known
 * epoch (classic overfitting), a couple of non-finite step losses, and a calibration with 15 bins.
 */
import type { Calibration, EpochMetrics, Flag, StepStats } from '../../src/model';
import type { RunSnapshot } from '../../src/protocol/webview';

export { noise as rng } from '../unit/helpers/noise';
import { noise as rng } from '../unit/helpers/noise';

export interface SyntheticRun {
  readonly steps: StepStats[];
  readonly epochs: EpochMetrics[];
  readonly stepsPerEpoch: number;
  /** Epoch with the lowest validation loss. */
  readonly bestEpoch: number;
}

export function syntheticRun(options: { epochs: number; stepsPerEpoch: number; bestEpoch: number; nonFiniteSteps?: readonly number[]; seed?: number; spikeAt?: number }): SyntheticRun {
  const random = rng(options.seed ?? 1);
  const steps: StepStats[] = [];
  const epochs: EpochMetrics[] = [];
  const bad = new Map<number, number>((options.nonFiniteSteps ?? []).map((s, i) => [s, i % 2 === 0 ? Number.NaN : Number.POSITIVE_INFINITY]));
  let step = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    let sum = 0;
    for (let batch = 0; batch < options.stepsPerEpoch; batch++) {
      step++;
      const base = 1.2 / Math.sqrt(step / 20 + 1) + 0.05;
      let loss = base * (1 + 0.3 * (random() - 0.5));
      if (step === options.spikeAt) loss = 50;
      if (bad.has(step)) loss = bad.get(step)!;
      if (Number.isFinite(loss)) sum += loss;
      steps.push({ step, epoch, batch, loss, gradNorm: 2 * base * (1 + 0.5 * random()), layerGradNorms: [], deadFractions: [], learningRate: 1e-3 * Math.pow(0.95, epoch - 1), timeMs: 2 + random() });
    }
    const d = epoch - options.bestEpoch;
    epochs.push({
      epoch,
      trainLoss: sum / options.stepsPerEpoch,
      valLoss: 0.4 + 0.0015 * d * d * (d > 0 ? 1 : 2) + 0.001 * random(),
      trainAccuracy: Math.min(0.999, 0.6 + 0.38 * (1 - Math.exp(-epoch / 6))),
      valAccuracy: 0.6 + 0.25 * (1 - Math.exp(-epoch / 5)) - (d > 0 ? 0.002 * d : 0),
      learningRate: 1e-3 * Math.pow(0.95, epoch - 1),
      gradNorm: 1 / Math.sqrt(epoch),
      timeMs: options.stepsPerEpoch * 2.5,
      // Wall-clock time runs ahead of compute time: validation and the rest take 40 ms an epoch.
      wallMs: epoch * (options.stepsPerEpoch * 2.5 + 40),
    });
  }
  return { steps, epochs, stepsPerEpoch: options.stepsPerEpoch, bestEpoch: options.bestEpoch };
}

/** 15 equal-width bins (Guo et al. 2017), over-confident: accuracy below confidence in the high bins. */
export function syntheticCalibration(shift: number): Calibration {
  const bins = Array.from({ length: 15 }, (_, i) => {
    const lower = i / 15;
    const upper = (i + 1) / 15;
    const confidence = (lower + upper) / 2;
    const count = i < 4 ? 0 : Math.round(10 + 8 * i);
    return { lower, upper, count, accuracy: count ? Math.max(0, confidence - shift * confidence) : 0, confidence: count ? confidence : 0 };
  });
  return { ece: 0.08 + shift / 10, mce: 0.2 + shift / 5, brier: 0.3, bins, temperature: 1.7, eceAfterTemperature: 0.021, brierAfterTemperature: 0.27 };
}

export function overfittingFlag(epoch: number, onsetEpoch: number): Flag {
  return {
    kind: 'overfitting',
    severity: 'warning',
    epoch,
    message: `Validation loss has risen for ${epoch - onsetEpoch} epochs since its minimum at epoch ${onsetEpoch} while training loss keeps falling.`,
    evidence: { onsetEpoch, valLossMinimum: 0.4012, valLossNow: 0.4651, trainLossTrend: -0.012 },
    fix: [
      { title: 'Stop early (patience 5) and restore the best epoch', edits: [{ path: 'training.earlyStopping', value: { patience: 5, minDelta: 0, restoreBest: true } }] },
      { title: 'Add L2 regularization 1e-4', edits: [{ path: 'regularization.l2', value: 1e-4 }] },
    ],
  };
}

export function explodingFlag(epoch: number, step: number): Flag {
  return {
    kind: 'exploding-loss',
    severity: 'error',
    epoch,
    step,
    message: 'The loss became NaN at step ' + step + '.',
    evidence: { firstNonFiniteStep: step, gradNormBefore: 1.2e6 },
    fix: [{ title: 'Lower the learning rate to 3e-4', edits: [{ path: 'optimizer.learningRate', value: 3e-4 }] }],
  };
}

export function snapshot(id: string, name: string, run: Partial<SyntheticRun> & { stepsPerEpoch: number }, extra: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    id,
    name,
    state: 'running',
    startedAt: 1_700_000_000_000,
    classes: ['0', '1', '2'],
    epochsPlanned: 40,
    stepsPerEpoch: run.stepsPerEpoch,
    epochs: run.epochs ?? [],
    steps: run.steps ?? [],
    flags: [],
    calibration: null,
    ...extra,
  };
}

/**
 * The debiased EMA written out independently of the dashboard's (TensorBoard's formula), to check
 * the smoothed line against: m = w m + (1 - w) y over finite y, s = m / (1 - w^k).
 */
export function referenceSmoothing(values: readonly (number | null)[], w: number): (number | null)[] {
  let m = 0;
  let k = 0;
  return values.map((y) => {
    if (y === null || !Number.isFinite(y)) return null;
    m = w * m + (1 - w) * y;
    k++;
    return m / (1 - Math.pow(w, k));
  });
}

export interface BigRunArgs {
  readonly steps: number;
  readonly stepsPerEpoch: number;
  readonly spikeAt: number;
  readonly nanAt: number;
  readonly runId: string;
}

/**
 * Builds a `runs/didLoad` with a long run and posts it to the page's window, INSIDE the page (passed
 * to page.evaluate, so it must not refer to anything outside itself): shipping 100,000 readings
 * through the test driver as JSON would time the driver, not the dashboard. Returns the smallest
 * finite loss, for checking the downsampled line. Also runs in node (without posting) for reference:
 * there it leaves the readings' losses in `globalThis.__bigRunLosses` (it may use no helper).
 */
export function postBigRun(args: BigRunArgs): number {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const steps = [];
  const epochs = [];
  let min = Infinity;
  let sum = 0;
  for (let step = 1; step <= args.steps; step++) {
    const epoch = Math.ceil(step / args.stepsPerEpoch);
    const batch = (step - 1) % args.stepsPerEpoch;
    let loss = (1.2 / Math.sqrt(step / 20 + 1) + 0.05) * (1 + 0.3 * (random() - 0.5));
    if (step === args.spikeAt) loss = 50;
    if (step === args.nanAt) loss = Number.NaN;
    if (Number.isFinite(loss)) {
      min = Math.min(min, loss);
      sum += loss;
    }
    steps.push({ step, epoch, batch, loss, gradNorm: 1 + random(), layerGradNorms: [], deadFractions: [], learningRate: 1e-3, timeMs: 1 });
    if (batch === args.stepsPerEpoch - 1) {
      epochs.push({ epoch, trainLoss: sum / args.stepsPerEpoch, valLoss: 0.5 + 0.1 * random(), trainAccuracy: 0.9, valAccuracy: 0.8, learningRate: 1e-3, gradNorm: 1, timeMs: args.stepsPerEpoch });
      sum = 0;
    }
  }
  const message = {
    type: 'runs/didLoad',
    compare: false,
    runs: [{ id: args.runId, name: 'long run', state: 'completed', startedAt: 0, classes: ['a', 'b'], epochsPlanned: epochs.length, stepsPerEpoch: args.stepsPerEpoch, epochs, steps, flags: [], calibration: null }],
  };
  const g = globalThis as unknown as { postMessage?: (m: unknown, origin: string) => void; document?: unknown };
  if (g.document && g.postMessage) g.postMessage(message, '*');
  else (g as { __bigRunLosses?: number[] }).__bigRunLosses = steps.map((s) => s.loss);
  return min;
}
