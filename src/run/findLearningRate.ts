/**
 * The learning-rate range test on a config (Smith 2017; `diagnostics/lrRangeTest.ts` holds the
 * method): loads the config's data exactly as a run would, sweeps the rate with the engine, and
 * returns the curve, the suggestion and the flag with its one-click fix. Shared by `loss-lens
 * lr-find` and the editor's "Find Learning Rate" (which runs it in the training worker).
 */
import type { LossLensConfig } from '../config/types';
import { trainingSpec } from '../config/trainingSpec';
import type { LoadedConfig } from '../config/load';
import { loadDataset } from '../data/load';
import { learningRateFlag, learningRateRangeTest } from '../diagnostics/lrRangeTest';
import type { LearningRateSearch, RangePoint } from '../model';
import { train as trainModel } from '../engine/trainer';
import { checkConfigAgainstData, checkTrainingInputs, resolveConfig } from './runTraining';
import { compileKernelsOptimized } from './wasmTier';

export interface FindLearningRateOptions {
  readonly configPath?: string;
  /** An already validated config (the editor validated it); otherwise `configPath` is loaded. */
  readonly config?: LossLensConfig;
  readonly loaded?: LoadedConfig;
  /** Called once the data is loaded, before the sweep. */
  readonly onStart?: (info: { readonly name: string; readonly trainRows: number; readonly classes: readonly string[] }) => void;
  readonly onPoint?: (point: RangePoint, stage: number, stages: number) => void;
  /** Polled between steps: true ends the sweep; what was measured is still read. */
  readonly shouldStop?: () => boolean;
}

export async function findLearningRate(options: FindLearningRateOptions): Promise<LearningRateSearch> {
  compileKernelsOptimized();
  const loaded = await resolveConfig(options);
  const data = await loadDataset(loaded.config, loaded.dir);
  checkConfigAgainstData(loaded.path, loaded.config, data.classes);
  checkTrainingInputs(loaded.path, loaded.config, data);
  options.onStart?.({ name: loaded.config.name, trainRows: data.train.rows, classes: data.classes });
  const current = loaded.config.optimizer.learningRate;
  const hooks = { ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}), ...(options.onPoint ? { onPoint: options.onPoint } : {}) };
  const result = learningRateRangeTest(trainingSpec(loaded.config), data, trainModel, {}, hooks);
  return { name: loaded.config.name, classes: data.classes, trainRows: data.train.rows, current, result, flag: learningRateFlag(result, current) };
}
