/**
 * The diagnostics scenario suite: real bundled datasets, the real loader and engine. Each scenario
 * names the detector it exercises, how to confirm FROM THE RUN'S OWN METRICS that the phenomenon
 * really happened (never from the detector's verdict), and what the flag must say (onset, direction).
 * "healthy" scenarios must raise no warning or error at all. "mislabeled" scenarios flip a seeded
 * sample of training labels and measure the suspects' precision and recall.
 * Sizes are small (few epochs, small nets): the suite runs in CI on 2 cores.
 */
import type { FlagKind } from '../../src/model';
import { priorEntropy } from '../../src/diagnostics/stats';
import type { ScenarioRun, ScenarioSetup } from './runScenario';

export interface Scenario {
  readonly name: string;
  /** The flag kind this run must raise; 'healthy' = no warning or error; 'mislabeled' = suspects measured. */
  readonly expect: FlagKind | 'healthy' | 'mislabeled';
  readonly setup: ScenarioSetup;
  /** Null when the run shows the phenomenon in its own metrics; else why it does not. */
  readonly confirm?: (run: ScenarioRun) => string | null;
  /** The onset epoch the flag must report, from the metrics. */
  readonly onset?: (run: ScenarioRun) => number;
  readonly direction?: 'overconfident' | 'underconfident';
  readonly severity?: readonly ('info' | 'warning' | 'error')[];
  /** Upper bound on the detection delay (raise epoch - onset), where the suite holds one. */
  readonly maxDelay?: number;
  /** Mislabeled scenarios: lower bounds on precision and recall of the suspects. */
  readonly minPrecision?: number;
  readonly minRecall?: number;
  /** Only in `npm run bench:diagnostics` (keeps the CI unit layer short). */
  readonly benchOnly?: boolean;
}

const ln = Math.log;
const valMinEpoch = (r: ScenarioRun) => r.epochs.reduce((b, e) => (e.valLoss < b.valLoss ? e : b), r.epochs[0]!).epoch;
const last = <T>(a: readonly T[]) => a[a.length - 1]!;

/** Validation loss ended ≥ 20% above its minimum, reached ≥ 5 epochs before the end, while training loss kept falling. */
function confirmOverfitting(r: ScenarioRun): string | null {
  const best = r.epochs.find((e) => e.epoch === valMinEpoch(r))!;
  const end = last(r.epochs);
  if (!(end.valLoss >= 1.2 * best.valLoss)) return `val loss ${end.valLoss} not 20% above its minimum ${best.valLoss}`;
  if (!(end.epoch - best.epoch >= 5)) return `minimum at ${best.epoch} too close to the end ${end.epoch}`;
  if (!(end.trainLoss < best.trainLoss)) return `train loss did not keep falling (${best.trainLoss} -> ${end.trainLoss})`;
  return null;
}

/** Mean top-label confidence vs accuracy of the final validation outputs, computed here directly. */
function confidenceGap(r: ScenarioRun): number {
  const o = r.finalValidation;
  let conf = 0;
  let hits = 0;
  for (let i = 0; i < o.rows; i++) {
    let best = 0;
    for (let k = 1; k < o.classes; k++) if (o.probabilities[i * o.classes + k]! > o.probabilities[i * o.classes + best]!) best = k;
    conf += o.probabilities[i * o.classes + best]!;
    hits += best === o.labels[i] ? 1 : 0;
  }
  return (conf - hits) / o.rows;
}

export const SCENARIOS: readonly Scenario[] = [
  // ---- healthy runs: the documented defaults on real data; no warning, no error.
  { name: 'healthy: iris, defaults', expect: 'healthy', setup: { config: { data: { source: 'iris' } } } },
  { name: 'healthy: wine, defaults', expect: 'healthy', setup: { config: { data: { source: 'wine' } } } },
  { name: 'healthy: breast-cancer, defaults, 30 epochs', expect: 'healthy', setup: { config: { data: { source: 'breast-cancer-wisconsin' }, training: { epochs: 30 } } } },
  { name: 'healthy: diabetes, defaults', expect: 'healthy', setup: { config: { data: { source: 'diabetes' } } } },
  { name: 'healthy: credit-g, defaults, 25 epochs', expect: 'healthy', setup: { config: { data: { source: 'credit-g' }, training: { epochs: 25 } } } },
  { name: 'healthy: digits, 15 epochs', expect: 'healthy', setup: { config: { data: { source: 'digits', validationSplit: 0.3 }, training: { epochs: 15 } } } },

  // Bench only: more healthy variety (synthetic sets, dropout, tanh, AdamW, big batches, L2).
  ...(
    [
      ['moons', { data: { source: 'moons' } }],
      ['circles', { data: { source: 'circles' } }],
      ['xor', { data: { source: 'xor' } }],
      ['blobs', { data: { source: 'blobs' } }],
      ['wine, dropout 0.3', { data: { source: 'wine' }, model: { dropout: 0.3 } }],
      ['iris, tanh', { data: { source: 'iris' }, model: { activation: 'tanh' } }],
      ['breast-cancer, adamw', { data: { source: 'breast-cancer-wisconsin' }, optimizer: { type: 'adamw' } }],
      ['diabetes, batch 128, 80 epochs', { data: { source: 'diabetes' }, training: { batchSize: 128, epochs: 80 } }],
      ['credit-g, l2 1e-3', { data: { source: 'credit-g' }, regularization: { l2: 0.001 } }],
      ['glass, balanced weights, lr 0.003', { data: { source: 'glass' }, loss: { classWeights: 'balanced' }, optimizer: { learningRate: 0.003 }, training: { epochs: 100 } }],
      ['moons, sgd momentum 0.9 lr 0.1', { data: { source: 'moons' }, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } }],
      ['spiral, 64x64 lr 0.01', { data: { source: 'spiral' }, model: { hidden: [64, 64] }, optimizer: { learningRate: 0.01 }, training: { epochs: 100 } }],
    ] as const
  ).map(([name, config]): Scenario => ({ name: `healthy: ${name}`, expect: 'healthy', setup: { config }, benchOnly: true })),

  // ---- overfitting: big nets, high-ish rates, no early stopping.
  {
    name: 'overfitting: breast-cancer, 64 units, lr 0.01',
    expect: 'overfitting',
    setup: { config: { data: { source: 'breast-cancer-wisconsin' }, model: { hidden: [64] }, optimizer: { learningRate: 0.01 }, training: { epochs: 25, earlyStopping: false } } },
    confirm: confirmOverfitting,
    onset: valMinEpoch,
    maxDelay: 15,
  },
  {
    name: 'overfitting: wine, sgd lr 1.5 (confidence overfitting: accuracy flat)',
    expect: 'overfitting',
    setup: { config: { data: { source: 'wine' }, optimizer: { type: 'sgd', learningRate: 1.5 }, training: { epochs: 25, earlyStopping: false } } },
    confirm: confirmOverfitting,
    onset: valMinEpoch,
    maxDelay: 20,
  },
  {
    name: 'overfitting: credit-g, 128 units, lr 0.01',
    expect: 'overfitting',
    setup: { config: { data: { source: 'credit-g' }, model: { hidden: [128] }, optimizer: { learningRate: 0.01 }, training: { epochs: 15, earlyStopping: false } } },
    confirm: confirmOverfitting,
    onset: valMinEpoch,
    maxDelay: 10,
  },
  {
    name: 'overfitting: diabetes, 128 units, lr 0.01 (noisy validation)',
    expect: 'overfitting',
    setup: { config: { data: { source: 'diabetes' }, model: { hidden: [128] }, optimizer: { learningRate: 0.01 }, training: { epochs: 40, earlyStopping: false } } },
    confirm: confirmOverfitting,
    onset: valMinEpoch,
  },

  // ---- exploding loss.
  {
    name: 'exploding: wine unstandardized, sgd lr 0.1 (first step explodes)',
    expect: 'exploding-loss',
    setup: { config: { data: { source: 'wine', standardize: false }, optimizer: { type: 'sgd', learningRate: 0.1 }, training: { epochs: 3 } } },
    confirm: (r) => (Math.max(...r.steps.map((s) => s.loss)) > 10 * ln(3) ? null : 'no step loss above 10 ln C'),
    onset: () => 1,
    maxDelay: 0,
  },
  {
    name: 'exploding: breast-cancer, sgd lr 1 momentum 0.9 (diverges)',
    expect: 'exploding-loss',
    setup: { config: { data: { source: 'breast-cancer-wisconsin' }, optimizer: { type: 'sgd', learningRate: 1, momentum: 0.9 }, training: { epochs: 8, earlyStopping: false } } },
    confirm: (r) => (!(last(r.epochs).trainLoss < 100 * r.epochs[0]!.trainLoss) ? null : 'training loss did not grow 100×'),
    onset: () => 1,
    severity: ['error'],
    maxDelay: 1,
  },
  {
    name: 'exploding: iris, adam lr 1',
    expect: 'exploding-loss',
    setup: { config: { data: { source: 'iris' }, optimizer: { learningRate: 1 }, training: { epochs: 10 } } },
    confirm: (r) => (r.epochs[0]!.trainLoss > 3 * ln(3) ? null : 'epoch 1 training loss not above 3 ln C'),
    onset: () => 1,
    maxDelay: 1,
  },

  // ---- dead network: the aftermath of the wine explosion.
  {
    name: 'dead network: wine unstandardized, sgd lr 0.1, after the explosion',
    expect: 'dead-network',
    setup: { config: { data: { source: 'wine', standardize: false }, optimizer: { type: 'sgd', learningRate: 0.1 }, training: { epochs: 12 } } },
    confirm: (r) => {
      const tail = r.steps.slice(-20);
      const counts = [0, 0, 0];
      for (let i = 0; i < r.data.train.rows; i++) counts[r.data.train.y[i]!]!++;
      const h = priorEntropy(counts);
      if (!tail.every((s) => s.maxDead >= 0.9)) return 'units not dead in the last 20 steps';
      const mean = tail.reduce((a, s) => a + s.loss, 0) / tail.length;
      return Math.abs(mean - h) < 0.1 * h ? null : `loss ${mean} not at the prior entropy ${h}`;
    },
    onset: () => 1,
    severity: ['error'],
    maxDelay: 3,
  },

  // ---- miscalibration.
  {
    name: 'miscalibration: credit-g overfit is overconfident',
    expect: 'miscalibration',
    setup: { config: { data: { source: 'credit-g' }, model: { hidden: [128] }, optimizer: { learningRate: 0.01 }, training: { epochs: 15, earlyStopping: false } } },
    confirm: (r) => (confidenceGap(r) > 0.1 ? null : `mean confidence - accuracy = ${confidenceGap(r)}, not > 0.1`),
    direction: 'overconfident',
  },
  {
    name: 'miscalibration: digits with label smoothing 0.4 is underconfident',
    expect: 'miscalibration',
    setup: { config: { data: { source: 'digits', validationSplit: 0.4 }, loss: { labelSmoothing: 0.4 }, optimizer: { learningRate: 0.003 }, training: { epochs: 10 } } },
    confirm: (r) => (confidenceGap(r) < -0.1 ? null : `mean confidence - accuracy = ${confidenceGap(r)}, not < -0.1`),
    direction: 'underconfident',
  },

  // ---- plateau, oscillation, class imbalance.
  {
    name: 'plateau: iris, sgd lr 1e-5',
    expect: 'plateau',
    setup: { config: { data: { source: 'iris' }, optimizer: { type: 'sgd', learningRate: 0.00001 }, training: { epochs: 8 } } },
    confirm: (r) => {
      const v = (r.epochs[0]!.valLoss - last(r.epochs).valLoss) / r.epochs[0]!.valLoss;
      return v < 0.01 ? null : `validation loss fell ${v}`;
    },
    onset: () => 1,
  },
  {
    name: 'oscillation: diabetes, sgd lr 2',
    expect: 'oscillation',
    setup: { config: { data: { source: 'diabetes' }, optimizer: { type: 'sgd', learningRate: 2 }, training: { epochs: 20, earlyStopping: false } } },
    confirm: (r) => {
      // Direction changes of the validation loss, and moves of more than 10% of its level.
      const v = r.epochs.map((e) => e.valLoss);
      let turns = 0;
      let big = 0;
      for (let i = 2; i < v.length; i++) if ((v[i]! - v[i - 1]!) * (v[i - 1]! - v[i - 2]!) < 0) turns++;
      for (let i = 1; i < v.length; i++) if (Math.abs(v[i]! - v[i - 1]!) > 0.1 * v[i - 1]!) big++;
      return turns >= v.length / 2 && big >= v.length / 3 ? null : `turns ${turns}, big moves ${big} of ${v.length}`;
    },
  },
  {
    name: 'class imbalance: glass (9 to 76 rows per class)',
    expect: 'class-imbalance',
    setup: { config: { data: { source: 'glass' }, training: { epochs: 40 } } },
    confirm: (r) => {
      const counts = new Array<number>(r.data.classes.length).fill(0);
      for (let i = 0; i < r.data.train.rows; i++) counts[r.data.train.y[i]!]!++;
      const present = counts.filter((c) => c > 0);
      return Math.max(...present) / Math.min(...present) >= 3 ? null : 'classes not imbalanced 3:1';
    },
    onset: () => 1,
  },

  // ---- label noise: flipped rows must come back as suspects.
  { name: 'mislabeled: iris, 10% flipped', expect: 'mislabeled', setup: { config: { data: { source: 'iris' }, optimizer: { learningRate: 0.01 }, training: { epochs: 40 } }, flipFraction: 0.1 }, minPrecision: 0.6, minRecall: 0.6 },
  { name: 'mislabeled: breast-cancer, 5% flipped', expect: 'mislabeled', setup: { config: { data: { source: 'breast-cancer-wisconsin' }, training: { epochs: 25 } }, flipFraction: 0.05 }, minPrecision: 0.6, minRecall: 0.6 },
  { name: 'mislabeled: wine, 10% flipped', expect: 'mislabeled', setup: { config: { data: { source: 'wine' }, optimizer: { learningRate: 0.01 }, training: { epochs: 30 } }, flipFraction: 0.1 }, minPrecision: 0.7, minRecall: 0.6 },
  { name: 'mislabeled: digits, 5% flipped', expect: 'mislabeled', setup: { config: { data: { source: 'digits', validationSplit: 0.3 }, training: { epochs: 10 } }, flipFraction: 0.05 }, minPrecision: 0.5, minRecall: 0.8 },

  // Bench only: 8% flipped labels (precision@k against AUM's 0.94), long runs and runs stopped at
  // epoch 9 (a short run's AUM is weak evidence: the suspects must stay few and right).
  ...(
    [
      ['iris', { data: { source: 'iris' }, optimizer: { learningRate: 0.01 } }, 60],
      ['wine', { data: { source: 'wine' }, optimizer: { learningRate: 0.01 } }, 60],
      ['breast-cancer', { data: { source: 'breast-cancer-wisconsin' } }, 60],
      ['digits', { data: { source: 'digits', validationSplit: 0.3 } }, 30],
    ] as const
  ).flatMap(([name, config, epochs]): Scenario[] =>
    [epochs, 9].map((e) => ({
      name: `mislabeled: ${name}, 8% flipped, ${e} epochs`,
      expect: 'mislabeled',
      setup: { config: { ...config, training: { epochs: e } }, flipFraction: 0.08 },
      benchOnly: true,
    })),
  ),
];
