/**
 * Which columns become features: all but the target, less the text columns one-hot encoding
 * cannot use, with a note for each column left out and for numeric-looking text columns.
 */
import { quotingOf, spreadsheetRow, type Column, type ColumnTable } from './columns';
import { DataError } from './dataset';
import { parseNumber, sameNumberSpellings } from './values';

/**
 * The feature columns: every column but the target, less the text columns one-hot encoding cannot
 * use (below: which and why), each with a note. Decided on all of the table's rows, before
 * the missing policy and the split, so an identifier column with gaps neither stops the run under
 * "error" nor drops rows under "drop". Only the column's number of distinct values is looked at.
 */
export function featureColumns(table: ColumnTable, targetIndex: number, notes: string[]): Column[] {
  const all = Int32Array.from({ length: table.rows }, (_, r) => r);
  const q = quotingOf(table);
  const features = table.columns.filter((column, i) => {
    if (i === targetIndex) return false;
    const stray = strayNonNumbers(column);
    if (stray !== undefined) {
      notes.push(
        `${table.file}: column ${q.quote(column.name)} is read as categorical because of ${stray.distinct === 1 ? 'one value that is' : `${stray.distinct} values that are`} ` +
          `not a number (first ${q.quote(stray.value)} at row ${spreadsheetRow(stray.row)}); if ${stray.distinct === 1 ? 'it means' : 'they mean'} "missing", leave the field empty`,
      );
    }
    const reason = unusableCategorical(column, all);
    if (reason !== undefined) notes.push(`${table.file}: column ${q.quote(column.name)} is left out of the features: ${reason}`);
    else if (column.kind === 'text') {
      const same = sameNumberSpellings(column.dictionary);
      if (same.length > 0) notes.push(`${table.file}: column ${q.quote(column.name)} has ${sameNumberNote(same, q.list)}, kept as distinct categories (compared as text); write them the same way if they are one`);
    }
    return reason === undefined;
  });
  if (features.length === 0) throw new DataError(`${table.file}: no usable feature column is left`, table.file);
  return features;
}

/**
 * One-hot limits. A text column with more distinct values than MAX_ONE_HOT_CATEGORIES
 * would make the feature matrix rows x categories floats (5000 zip codes x 1M rows = 20 GB); one
 * whose values are mostly unique (over half its present values, and more than
 * IDENTIFIER_MIN_CATEGORIES) is an identifier or free text (a passenger's name, a ticket number):
 * each category is seen about once, so its one-hot features can only be memorized. Both are left
 * out of the features, with a note; the config has no key to exclude columns, so an error would
 * leave the user no way forward but editing the file.
 */
export const MAX_ONE_HOT_CATEGORIES = 1000;
export const IDENTIFIER_MIN_CATEGORIES = 50;

/** Why a text column should not be one-hot encoded, or undefined when it is fine. */
export function unusableCategorical(column: Column, rows: Int32Array): string | undefined {
  if (column.kind !== 'text') return undefined;
  const seen = new Uint8Array(column.dictionary.length);
  let distinct = 0;
  let present = 0;
  for (const r of rows) {
    const code = column.codes[r]!;
    if (code < 0) continue;
    present++;
    if (!seen[code]) {
      seen[code] = 1;
      distinct++;
    }
  }
  if (distinct > MAX_ONE_HOT_CATEGORIES) return `${distinct} distinct text values, more than the ${MAX_ONE_HOT_CATEGORIES} one-hot encoding allows`;
  if (distinct > IDENTIFIER_MIN_CATEGORIES && distinct > present / 2) {
    return `${distinct} distinct text values in ${present} rows: it looks like an identifier or free text, not categories`;
  }
  return undefined;
}

/**
 * A text column that is numbers but for a few values ("unknown", "n/a", "12 kg") was most likely
 * meant to be numeric. At most this many distinct non-numbers, against at least
 * NUMERIC_MAJORITY of its distinct values being numbers, earns the column a note saying where the
 * first one is; the column itself stays categorical (numeric only if every value is).
 */
const FEW_NON_NUMBERS = 5;
const NUMERIC_MAJORITY = 0.8;

/** For a mostly-numeric text column: its first non-number, the data row holding it, and how many distinct ones there are. */
export function strayNonNumbers(column: Column): { value: string; row: number; distinct: number } | undefined {
  if (column.kind !== 'text' || column.dictionary.length === 0) return undefined;
  const isNumber = column.dictionary.map((v) => parseNumber(v) !== undefined);
  const distinct = isNumber.filter((n) => !n).length;
  if (distinct === 0 || distinct > FEW_NON_NUMBERS || (column.dictionary.length - distinct) / column.dictionary.length < NUMERIC_MAJORITY) return undefined;
  const row = column.codes.findIndex((code) => code >= 0 && !isNumber[code]);
  return { value: column.dictionary[column.codes[row]!]!, row, distinct };
}


/** `the number 1 spelled 3 ways ("1", "01", "1.0")`, for the first group and a count of the others. */
export function sameNumberNote(groups: readonly (readonly string[])[], list: (items: readonly string[]) => string): string {
  const first = groups[0]!;
  const more = groups.length > 1 ? ` and ${groups.length - 1} more number${groups.length > 2 ? 's' : ''} spelled several ways` : '';
  return `one number spelled ${first.length} ways (${list(first)})${more}`;
}
