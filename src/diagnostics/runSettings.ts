/**
 * The parts of a run's config the detectors read, to cite in evidence and to build fixes from. A
 * resolved LossLensConfig is one (src/config/types.ts builds its sections from the same engine
 * types); a foreign log has none.
 */
import type { ActivationName } from '../engine/activations';
import type { ClassWeightsSpec } from '../engine/classWeights';
import type { EarlyStoppingSpec, OptimizerSpec } from '../engine/spec';
import type { OutputSetting } from '../model';
import type { DiagnosticsOverrides } from './thresholds';

export interface RunSettings {
  readonly seed: number;
  readonly data: { readonly standardize: boolean };
  readonly model: { readonly hidden: readonly number[]; readonly activation: ActivationName; readonly dropout: number; readonly output: OutputSetting };
  readonly loss: { readonly labelSmoothing: number; readonly classWeights: ClassWeightsSpec };
  readonly optimizer: OptimizerSpec;
  readonly regularization: { readonly l2: number };
  readonly training: { readonly epochs: number; readonly batchSize: number; readonly gradientClip: number | null; readonly earlyStopping: EarlyStoppingSpec | false };
  readonly diagnostics: DiagnosticsOverrides;
}
