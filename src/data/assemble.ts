/**
 * From column tables to an EncodedDataset: the target and the missing policy decide which rows
 * stay, the classes are ordered, the encoders are fitted on the training rows and applied to both
 * splits. Shared by the `source` path (one table, stratified split) and the explicit
 * `train` + `validation` path (two tables matched by column name).
 */
import type { DataConfig } from '../config/types';
import type { Rng } from '../rng';
import { asTextCodes, orderClasses, resolveTargetColumn } from './classes';
import type { Quoting } from '../text/quote';
import { quotingOf, spreadsheetRow, type Column, type ColumnTable } from './columns';
import { DataError, type EncodedDataset } from './dataset';
import type { ColumnEncoding, Split } from '../engine/trainingData';
import { encodeColumn, encodingFeatureNames, encodingWidth, fitEncoding, isMissingAt } from './encode';
import { featureColumns, sameNumberNote } from './featureColumns';
import { stratifiedSplit } from './split';
import { compareText, parseNumber, sameNumberSpellings } from './values';

type DataOptions = Pick<DataConfig, 'target' | 'validationSplit' | 'standardize' | 'missing'>;

/** One table's rows that survive the target and missing policy, with their labels as text codes. */
interface KeptRows {
  readonly table: ColumnTable;
  readonly target: Column;
  readonly features: readonly Column[];
  readonly labelCodes: Int32Array;
  readonly labelDictionary: readonly string[];
  /** Data-row indices (0-based, file order) that stay. */
  readonly rows: Int32Array;
}

/** `data.source`: one table, split stratified and seeded (the 'split' stream of the run's Rng). */
export function assembleFromSource(table: ColumnTable, data: DataOptions, splitRng: Rng, origin: string): EncodedDataset {
  const notes: string[] = [];
  const targetIndex = resolveTargetColumn(table, data.target);
  const kept = keepRows(table, targetIndex, featureColumns(table, targetIndex, notes), data, notes);
  const classes = orderClasses(labelsOf(kept));
  const q = quotingOf(table);
  requireTwoClasses(classes, table.file, kept.target.name, q);
  requireClassLabels(classes, kept.rows.length, table.file, kept.target.name, q);
  noteSameNumberClasses(classes, table.file, kept.target.name, q, notes);
  const labels = classIndices(kept, classes);
  const split = stratifiedSplit(labels, classes.length, data.validationSplit, splitRng);
  const trainRows = split.train.map((p) => kept.rows[p]!);
  const validationRows = split.validation.map((p) => kept.rows[p]!);
  const trainLabels = split.train.map((p) => labels[p]!);
  const validationLabels = split.validation.map((p) => labels[p]!);
  return encodeSplits(
    { table, features: kept.features, rows: trainRows, labels: trainLabels },
    { table, features: kept.features, rows: validationRows, labels: validationLabels },
    { classes, targetName: kept.target.name, data, notes, origin },
  );
}

/** `data.train` + `data.validation`: columns matched by name, types and encodings from training. */
export function assembleFromFiles(train: ColumnTable, validation: ColumnTable, data: DataOptions, origin: string): EncodedDataset {
  const notes: string[] = [];
  const targetIndex = resolveTargetColumn(train, data.target);
  const keptTrain = keepRows(train, targetIndex, featureColumns(train, targetIndex, notes), data, notes);
  // The validation file's columns are found by name, in the training file's order; others are ignored.
  const byName = new Map(validation.columns.map((c, i) => [c.name, i]));
  const find = (name: string): number => {
    const index = byName.get(name);
    if (index === undefined) throw missingColumn(validation.file, name, train.file, quotingOf(train));
    return index;
  };
  const validationTarget = find(keptTrain.target.name);
  const q = quotingOf(train);
  const validationFeatures = keptTrain.features.map((f) => validation.columns[find(f.name)]!);
  const keptValidation = keepRows(validation, validationTarget, validationFeatures, data, notes);
  const trainClasses = new Set(labelsOf(keptTrain));
  const classes = orderClasses([...trainClasses, ...labelsOf(keptValidation)]);
  requireTwoClasses(classes, train.file, keptTrain.target.name, q);
  requireClassLabels(classes, keptTrain.rows.length + keptValidation.rows.length, train.file, keptTrain.target.name, q);
  noteSameNumberClasses(classes, train.file, keptTrain.target.name, q, notes);
  const onlyInValidation = classes.filter((c) => !trainClasses.has(c));
  if (onlyInValidation.length > 0) {
    notes.push(`${validation.file}: class${onlyInValidation.length > 1 ? 'es' : ''} ${quotingOf(validation).list(onlyInValidation)} never appear in ${train.file}`);
  }
  return encodeSplits(
    { table: train, features: keptTrain.features, rows: keptTrain.rows, labels: classIndices(keptTrain, classes) },
    { table: validation, features: validationFeatures, rows: keptValidation.rows, labels: classIndices(keptValidation, classes) },
    { classes, targetName: keptTrain.target.name, data, notes, origin },
  );
}

function missingColumn(file: string, column: string, trainFile: string, quoting: Quoting): DataError {
  return new DataError(`${file}: column ${quoting.quote(column)} of ${trainFile} is missing from the header`, file, undefined, column);
}

/**
 * Applies the target and missing policies to one table. Under "error" the first missing value in
 * file order is reported with its row and column; otherwise rows without a target are dropped
 * (a label cannot be imputed), and under "drop" rows with any missing feature too.
 */
function keepRows(table: ColumnTable, targetIndex: number, features: readonly Column[], data: DataOptions, notes: string[]): KeptRows {
  if (table.rows === 0) throw new DataError(`${table.file} has a header but no data rows`, table.file);
  const target = table.columns[targetIndex]!;
  const q = quotingOf(table);
  const { codes: labelCodes, dictionary: labelDictionary } = asTextCodes(target);
  const keep = new Int32Array(table.rows);
  let kept = 0;
  let withoutTarget = 0;
  let withMissing = 0;
  for (let r = 0; r < table.rows; r++) {
    let missingColumn: Column | undefined;
    for (let f = 0; f < features.length && missingColumn === undefined; f++) if (isMissingAt(features[f]!, r)) missingColumn = features[f];
    if (data.missing === 'error') {
      // Report whichever comes first in the row: a missing feature or the missing target.
      const first = table.columns.find((c) => (c === target ? labelCodes[r]! < 0 : c === missingColumn && c !== undefined));
      if (first !== undefined) {
        throw new DataError(
          `${table.file}, row ${spreadsheetRow(r)}: missing value in column ${q.quote(first.name)}` +
            (first === target ? ' (the target)' : '') +
            ` (data.missing is "error"; "drop" or "impute" accept missing values)`,
          table.file,
          spreadsheetRow(r),
          first.name,
        );
      }
    }
    if (labelCodes[r]! < 0) withoutTarget++;
    else if (data.missing === 'drop' && missingColumn !== undefined) withMissing++;
    else keep[kept++] = r;
  }
  if (withoutTarget > 0) notes.push(`${table.file}: dropped ${withoutTarget} row${plural(withoutTarget)} with no value in the target column ${q.quote(target.name)}`);
  if (withMissing > 0) notes.push(`${table.file}: dropped ${withMissing} row${plural(withMissing)} with missing values (data.missing is "drop")`);
  if (kept === 0) throw new DataError(`${table.file}: no rows left to use after removing rows with missing values`, table.file);
  return { table, target, features, labelCodes, labelDictionary, rows: keep.slice(0, kept) };
}

function* labelsOf(kept: KeptRows): Iterable<string> {
  for (const r of kept.rows) yield kept.labelDictionary[kept.labelCodes[r]!]!;
}

function classIndices(kept: KeptRows, classes: readonly string[]): Int32Array {
  const indexOf = new Map(classes.map((c, i) => [c, i]));
  const byCode = kept.labelDictionary.map((label) => indexOf.get(label) ?? -1);
  return kept.rows.map((r) => byCode[kept.labelCodes[r]!]!);
}

function requireTwoClasses(classes: readonly string[], file: string, target: string, q: Quoting): void {
  if (classes.length < 2) {
    throw new DataError(
      `${file}: the target column ${q.quote(target)} has a single class (${q.quote(classes[0]!)}); a classifier needs at least two. Is data.target the right column?`,
      file,
      undefined,
      target,
    );
  }
}

/**
 * Loss Lens trains classifiers: a target that holds a measurement (many distinct fractional
 * numbers, e.g. a price or a rate) or an identifier (more classes than rows to learn them from)
 * would train a classifier with hundreds of one-row classes. Both are bad input, said plainly.
 */
export const TARGET_LIMITS = {
  /** More distinct values than this, some of them fractional numbers: a continuous quantity. */
  continuousDistinct: 20,
  /** More classes than this... */
  manyClasses: 100,
  /** ...with fewer rows than this per class on average: an identifier or a count, not a label. */
  minRowsPerClass: 5,
};

function requireClassLabels(classes: readonly string[], rows: number, file: string, target: string, q: Quoting): void {
  const numbers = classes.map((c) => parseNumber(c));
  const fractional = numbers.every((n) => n !== undefined) ? classes.filter((_, i) => !Number.isInteger(numbers[i])) : [];
  const examples = (list: readonly string[]): string => (q.shown ? list.slice(0, 3).map((c) => q.quote(c)).join(', ') : q.list(list));
  if (fractional.length > 0 && classes.length > TARGET_LIMITS.continuousDistinct) {
    throw new DataError(
      `${file}: the target column ${q.quote(target)} (data.target) holds ${classes.length} distinct numbers, ${fractional.length} of them fractional (e.g. ${examples(fractional)}): ` +
        `it looks like a continuous measurement, and Loss Lens trains classifiers. Choose a column of class labels with data.target, or turn this one into classes first.`,
      file,
      undefined,
      target,
    );
  }
  if (classes.length > TARGET_LIMITS.manyClasses && rows / classes.length < TARGET_LIMITS.minRowsPerClass) {
    throw new DataError(
      `${file}: the target column ${q.quote(target)} (data.target) has ${classes.length} classes for ${rows} rows (e.g. ${examples(classes)}), ${(rows / classes.length).toFixed(1)} rows per class: ` +
        `it looks like an identifier or a count, not a class label. Choose a column of class labels with data.target.`,
      file,
      undefined,
      target,
    );
  }
}

/**
 * Labels that spell one number differently ("1", "01", "1.0", "-0" and "0") stay distinct classes,
 * as the file spells them; a note says so, since they were perhaps meant as one.
 */
function noteSameNumberClasses(classes: readonly string[], file: string, target: string, q: Quoting, notes: string[]): void {
  const same = sameNumberSpellings(classes);
  if (same.length > 0) notes.push(`${file}: the target column ${q.quote(target)} has ${sameNumberNote(same, q.list)}, kept as distinct classes (labels are compared as text); write them the same way if they are one class`);
}

interface SplitRows {
  readonly table: ColumnTable;
  /** The feature columns, in the training table's order. */
  readonly features: readonly Column[];
  readonly rows: Int32Array;
  readonly labels: Int32Array;
}

interface EncodeContext {
  readonly classes: readonly string[];
  readonly targetName: string;
  readonly data: DataOptions;
  readonly notes: string[];
  readonly origin: string;
}

function encodeSplits(train: SplitRows, validation: SplitRows, ctx: EncodeContext): EncodedDataset {
  if (train.rows.length === 0) throw new DataError(`${train.table.file}: no training rows`, train.table.file);
  const impute = ctx.data.missing === 'impute';
  const encodings: ColumnEncoding[] = train.features.map((column) =>
    fitEncoding(column, train.rows, { standardize: ctx.data.standardize, impute, file: train.table.file, quoting: quotingOf(train.table) }),
  );
  const featureNames = encodings.flatMap(encodingFeatureNames);
  const trainSplit = encodeRows(train, encodings, featureNames.length, ctx.notes, 'training');
  const validationSplit = encodeRows(validation, encodings, featureNames.length, ctx.notes, 'validation');
  if (impute) {
    const count = countMissing(train) + countMissing(validation);
    if (count > 0) ctx.notes.push(`imputed ${count} missing value${plural(count)} with the training mean or most frequent value (data.missing is "impute")`);
  }
  return {
    origin: ctx.origin,
    featureNames,
    classes: ctx.classes,
    train: trainSplit,
    validation: validationSplit,
    preprocessing: { target: ctx.targetName, standardize: ctx.data.standardize, columns: encodings },
    notes: ctx.notes,
  };
}

function encodeRows(split: SplitRows, encodings: readonly ColumnEncoding[], featureCount: number, notes: string[], role: string): Split {
  const x = new Float32Array(split.rows.length * featureCount);
  let offset = 0;
  encodings.forEach((encoding, i) => {
    const unseen = new Map<string, number>();
    const quoting = quotingOf(split.table);
    encodeColumn(encoding, split.features[i]!, split.rows, { x, featureCount, offset, file: split.table.file, quoting, unseen });
    if (unseen.size > 0) notes.push(unseenNote(role, encoding.name, unseen, quoting));
    offset += encodingWidth(encoding);
  });
  return { x, y: split.labels, rows: split.rows.length, sourceRows: split.rows };
}

/** How many unseen categories one note lists by name; the rest are counted. */
const UNSEEN_LISTED = 5;

/** One note per column: the most frequent unseen categories with their row counts, then how many more. */
function unseenNote(role: string, column: string, unseen: ReadonlyMap<string, number>, q: Quoting): string {
  const sorted = [...unseen].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  const listed = sorted.slice(0, UNSEEN_LISTED).map(([category, count]) => `${q.quote(category)} (${count} row${plural(count)})`);
  const rest = sorted.slice(UNSEEN_LISTED);
  const restRows = rest.reduce((sum, [, count]) => sum + count, 0);
  const more = rest.length > 0 ? ` and ${rest.length} more (${restRows} row${plural(restRows)})` : '';
  const what = unseen.size === 1 ? 'a category' : 'categories';
  return `${role} rows: column ${q.quote(column)} has ${what} not seen in training, encoded as all zeros: ${listed.join(', ')}${more}`;
}

function countMissing(split: SplitRows): number {
  let count = 0;
  for (const column of split.features) for (const r of split.rows) if (isMissingAt(column, r)) count++;
  return count;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
