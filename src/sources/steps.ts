/** Steps as the run store keeps them: a log's step record with what it did not record left unknown. */
import type { StepRecord, StepStats } from '../model';

export function stepFromRecord(record: StepRecord): StepStats {
  return { ...record, batch: 0, layerGradNorms: [], deadFractions: [], learningRate: NaN, timeMs: NaN };
}
