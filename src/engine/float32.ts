/**
 * float32's finite range. The engine computes in float32, so a value beyond it (a feature, a
 * standardized feature, a weight of model.init) would be an infinity there, and the first step a
 * NaN blamed on the learning rate. The data layer and model.json both refuse such values.
 */

/** The range as messages state it. */
export const FLOAT32_RANGE = '±3.4028235e38';

/** Whether `v` becomes an infinity (or is NaN) as a float32: beyond FLOAT32_RANGE after rounding. */
export function overflowsFloat32(v: number): boolean {
  return !Number.isFinite(Math.fround(v));
}
