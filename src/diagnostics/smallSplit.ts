/**
 * A verdict read from the validation curve is only as sure as the validation split is large: with
 * 14 rows, one prediction is 7% of the accuracy and moves the validation loss by a lot. Flags of the
 * kinds that read it say so, in one place, when the split is below MIN_JUDGED_VALIDATION_ROWS.
 */
import type { Flag, FlagKind } from '../model';

/** Fewer validation rows than this make a validation-based verdict a hint (a common floor for a held-out estimate). */
export const MIN_JUDGED_VALIDATION_ROWS = 30;

/** The kinds judged on the validation split (its loss curve or its predictions). */
const JUDGED_ON_VALIDATION: ReadonlySet<FlagKind> = new Set(['overfitting', 'plateau', 'miscalibration']);

export function smallSplitNote(rows: number): string {
  return `Judged on only ${rows} validation row${rows === 1 ? '' : 's'}: too few to be sure, so take this as a hint; a larger data.validationSplit, or more data, gives a surer verdict.`;
}

/** The flag with the note and `evidence.validationRows` when its split is too small to judge; else as it is. */
export function withSmallSplitNote(flag: Flag, validationRows: number | undefined): Flag {
  if (validationRows === undefined || validationRows >= MIN_JUDGED_VALIDATION_ROWS || !JUDGED_ON_VALIDATION.has(flag.kind)) return flag;
  const note = smallSplitNote(validationRows);
  if (flag.message.endsWith(note)) return flag;
  return { ...flag, message: `${flag.message} ${note}`, evidence: { ...flag.evidence, validationRows } };
}
