/**
 * The learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural Networks",
 * §3.3; popularised as fastai's `lr_find`): train briefly while the learning rate grows
 * exponentially from tiny to huge, record the loss at each rate, and pick a rate where the loss
 * still falls fast, well before it blows up.
 *
 * The engine has no per-step learning-rate schedule, so the sweep is piecewise constant: stages of
 * `stepsPerStage` optimizer steps, each a short `train()` call at one rate that starts from the
 * previous stage's weights (`initialModel`) and stops itself through `shouldStop`. Each stage uses a
 * different shuffle seed so it sees different batches. Caveat: optimizer state (momentum, Adam
 * moments) restarts every stage, so Adam's first steps are sign-like; the curve's shape, which is
 * what the suggestion reads, survives that.
 *
 * Suggestion (fastai's classic rule): the rate at the minimum of the smoothed loss, divided by 10;
 * the steepest-descent rate is reported too. Smoothing: exponential moving average with β = 0.98 and
 * bias correction, as fastai does; the sweep stops once the smoothed loss exceeds 4× its best.
 */
import type { TrainingListener, TrainingSummary } from '../engine/events';
import type { ModelJson } from '../engine/modelJson';
import type { TrainingSpec } from '../engine/spec';
import type { TrainingData } from '../engine/trainingData';
import { fmt, round2 } from './stats';
import type { Flag, RangePoint, RangeSuggestion, RangeTestResult } from '../model';

export const LR_RANGE_DEFAULTS = {
  minLearningRate: 1e-6,
  maxLearningRate: 10,
  stages: 40,
  stepsPerStage: 4,
  /** fastai lr_find: exponential smoothing of the loss with β = 0.98. */
  smoothing: 0.98,
  /** fastai lr_find: stop when the smoothed loss exceeds 4× the best smoothed loss. */
  divergenceFactor: 4,
  /** fastai's classic suggestion: the minimum's rate divided by 10. */
  suggestionDivisor: 10,
  /**
   * No suggestion unless the lowest stage loss is below this fraction of chance level ln C: on raw
   * features the first losses are huge and a rate that kills the network "improves" them down to
   * chance (raw wine, SGD: minimum 1.09 = ln 3 at rate 10), which is no rate to recommend.
   */
  belowChance: 0.9,
};

/** Reads a recorded (rate, loss) sweep, in increasing rate order. Pure: the unit tests feed it curves. */
export function suggestLearningRate(points: readonly RangePoint[], options: Partial<typeof LR_RANGE_DEFAULTS> = {}): RangeSuggestion {
  const o = { ...LR_RANGE_DEFAULTS, ...options };
  const smoothed: RangePoint[] = [];
  let avg = 0;
  let best = Infinity;
  let divergedAt: number | null = null;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.loss)) {
      divergedAt = p.learningRate;
      break;
    }
    avg = o.smoothing * avg + (1 - o.smoothing) * p.loss;
    const value = avg / (1 - Math.pow(o.smoothing, i + 1));
    if (value > o.divergenceFactor * best) {
      divergedAt = p.learningRate;
      break;
    }
    best = Math.min(best, value);
    smoothed.push({ learningRate: p.learningRate, loss: value });
  }
  if (smoothed.length < 3) return { suggested: null, minimum: null, steepest: null, divergedAt, smoothed };
  let minIdx = 0;
  for (let i = 1; i < smoothed.length; i++) if (smoothed[i]!.loss < smoothed[minIdx]!.loss) minIdx = i;
  let steepIdx = -1;
  let steepest = 0;
  for (let i = 1; i <= minIdx; i++) {
    const slope = (smoothed[i]!.loss - smoothed[i - 1]!.loss) / (Math.log(smoothed[i]!.learningRate) - Math.log(smoothed[i - 1]!.learningRate) || 1);
    if (slope < steepest) {
      steepest = slope;
      steepIdx = i;
    }
  }
  const fell = smoothed[minIdx]!.loss < smoothed[0]!.loss;
  const minimum = fell ? smoothed[minIdx]!.learningRate : null;
  return {
    suggested: minimum !== null ? round2(minimum / o.suggestionDivisor) : null,
    minimum,
    steepest: steepIdx >= 0 ? smoothed[steepIdx]!.learningRate : null,
    divergedAt,
    smoothed,
  };
}

/** The engine's `train`, passed in so this file needs no engine runtime. */
export type TrainFunction = (spec: TrainingSpec, data: TrainingData, listener: TrainingListener, options: { shouldStop?: () => boolean }) => TrainingSummary;

/** What the sweep reports as it goes, and how it is stopped. */
export interface RangeTestHooks {
  /** Read between steps: true ends the sweep early (what was measured is kept and read). */
  readonly shouldStop?: () => boolean;
  /** Each stage's (rate, mean loss) as soon as it is measured, with its 0-based index and the planned count. */
  readonly onPoint?: (point: RangePoint, stage: number, stages: number) => void;
}

/** Runs the sweep on the run's spec: its optimizer type, network and data settings are kept. */
export function learningRateRangeTest(
  spec: TrainingSpec,
  data: TrainingData,
  train: TrainFunction,
  options: Partial<typeof LR_RANGE_DEFAULTS> = {},
  hooks: RangeTestHooks = {},
): RangeTestResult {
  const o = { ...LR_RANGE_DEFAULTS, ...options };
  const stopRequested = hooks.shouldStop ?? (() => false);
  let stopped = false;
  const stages = Math.max(2, Math.round(o.stages));
  const ratio = Math.pow(o.maxLearningRate / o.minLearningRate, 1 / (stages - 1));
  const points: RangePoint[] = [];
  let model: ModelJson | undefined;
  for (let stage = 0; stage < stages; stage++) {
    const learningRate = o.minLearningRate * Math.pow(ratio, stage);
    const stageSpec: TrainingSpec = {
      ...spec,
      seed: spec.seed + stage,
      optimizer: { ...spec.optimizer, learningRate },
      epochs: Math.max(1, Math.ceil((o.stepsPerStage * spec.batchSize) / Math.max(1, data.train.rows)) + 1),
      earlyStopping: false,
      ...(model ? { init: { model, file: 'the previous stage of the range test' } } : {}),
    };
    let steps = 0;
    const losses: number[] = [];
    const summary = train(stageSpec, data, { onStep: (s) => void losses.push(s.loss) }, {
      shouldStop: () => {
        if (stopRequested()) stopped = true;
        return stopped || steps++ >= o.stepsPerStage;
      },
    });
    model = summary.model;
    // A stage cut short by a stop request measured too little to read.
    if (stopped) break;
    const mean = losses.reduce((a, b) => a + b, 0) / Math.max(1, losses.length);
    const point = { learningRate, loss: losses.every(Number.isFinite) ? mean : NaN };
    points.push(point);
    hooks.onPoint?.(point, stage, stages);
    if (!Number.isFinite(point.loss)) break;
    const s = suggestLearningRate(points, o);
    if (s.divergedAt !== null) break;
  }
  const suggestion = suggestLearningRate(points, o);
  const chance = Math.log(Math.max(2, data.classes.length));
  // The raw stage losses, not the smoothed curve: with a few dozen stages the β = 0.98 average lags
  // far behind (digits: raw 0.32, smoothed 2.2 at the same rate).
  const lowest = Math.min(...points.map((p) => (Number.isFinite(p.loss) ? p.loss : Infinity)));
  const learned = lowest < o.belowChance * chance;
  // A sweep cut short has no minimum to read: its lowest point is only where it was stopped.
  return { points, ...suggestion, ...(learned && !stopped ? {} : { suggested: null }), chanceLoss: chance, stopped };
}

/** The result as an `info` flag with a one-click fix, for the CLI / editor to show. */
export function learningRateFlag(result: RangeSuggestion, current: number, epoch = 0): Flag | null {
  if (result.suggested === null) return null;
  return {
    kind: 'learning-rate',
    severity: 'info',
    epoch,
    message:
      `Learning-rate range test (Smith 2017): the loss fell fastest near ${fmt(result.steepest ?? result.suggested)} and was lowest at ${fmt(result.minimum!)}` +
      `${result.divergedAt !== null ? `; it blew up from ${fmt(result.divergedAt)}` : ''}. Suggested learning rate: ${fmt(result.suggested)} (the minimum / 10, fastai's rule); now ${fmt(current)}.`,
    evidence: { suggested: result.suggested, minimum: result.minimum, steepest: result.steepest, divergedAt: result.divergedAt, current },
    fix: [{ title: `Set the learning rate to ${fmt(result.suggested)}`, edits: [{ path: 'optimizer.learningRate', value: result.suggested }] }],
  };
}

/** Why the sweep suggests nothing, for a person: the network learned at no rate as configured. */
export function noSuggestionMessage(result: Pick<RangeTestResult, 'chanceLoss' | 'stopped'>, classCount: number, current: number): string {
  if (result.stopped) return `No learning rate to suggest: the sweep was stopped before the loss fell clearly (now learning rate ${fmt(current)}).`;
  return (
    `No learning rate to suggest: over the sweep (${fmt(LR_RANGE_DEFAULTS.minLearningRate)} to ${fmt(LR_RANGE_DEFAULTS.maxLearningRate)}) the loss never fell clearly below ${result.chanceLoss.toFixed(3)}, the loss of guessing (ln ${classCount}). ` +
    `The network does not learn at any rate as configured: standardize the inputs (data.standardize), check the labels and features (now learning rate ${fmt(current)}).`
  );
}
