/**
 * Target resolution and class order (docs/config.md): classes are ordered numerically when every
 * label is a number, else lexicographically.
 */
import { SHOWN, quote, type Quoting } from '../text/quote';
import { quotingOf, type Column, type ColumnTable } from './columns';
import { DataError } from './dataset';
import { closeMatch } from '../text/closeMatch';
import { compareText, parseNumber } from './values';

/** The index of the target column: `target` if given (it must exist), else the last column. */
export function resolveTargetColumn(table: ColumnTable, target: string | undefined): number {
  return resolveTargetName(
    table.columns.map((c) => c.name),
    target,
    table.file,
    quotingOf(table),
  );
}

/** resolveTargetColumn on a header alone, so the target can be read as text from the first row on. */
export function resolveTargetName(names: readonly string[], target: string | undefined, file: string, quoting: Quoting = SHOWN): number {
  if (names.length < 2) {
    throw new DataError(`${file} has only ${names.length} column: it needs at least one feature column and a target column`, file);
  }
  if (target === undefined) return names.length - 1;
  const index = names.indexOf(target);
  if (index >= 0) return index;
  const suggestion = quoting.shown ? closeMatch(target, names) : undefined;
  throw new DataError(
    `${file}: the target column ${quote(target)} (data.target) does not exist.` +
      (suggestion !== undefined ? ` Did you mean ${quoting.quote(suggestion)}?` : '') +
      ` Available columns: ${quoting.list(names)}`,
    file,
    undefined,
    target,
  );
}

/** A column's values as text codes: the target read as numbers (synthetic labels) becomes text here. */
export function asTextCodes(column: Column): { codes: Int32Array; dictionary: readonly string[] } {
  if (column.kind === 'text') return column;
  const dictionary: string[] = [];
  const codeOf = new Map<number, number>();
  const codes = new Int32Array(column.values.length);
  column.values.forEach((v, i) => {
    if (Number.isNaN(v)) return void (codes[i] = -1);
    let code = codeOf.get(v);
    if (code === undefined) {
      code = dictionary.length;
      codeOf.set(v, code);
      dictionary.push(String(v));
    }
    codes[i] = code;
  });
  return { codes, dictionary };
}

/** Sorts class names as docs/config.md says: numerically if all are numbers (ties by text), else by text. */
export function orderClasses(labels: Iterable<string>): string[] {
  const unique = [...new Set(labels)];
  const numbers = unique.map((l) => parseNumber(l));
  if (numbers.every((n) => n !== undefined)) {
    const value = new Map(unique.map((l, i) => [l, numbers[i]!]));
    return unique.sort((a, b) => value.get(a)! - value.get(b)! || compareText(a, b));
  }
  return unique.sort(compareText);
}
