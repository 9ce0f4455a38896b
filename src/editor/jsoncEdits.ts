/**
 * Edits of a `*.losslens.json` text that keep the user's comments and layout: a value is set in the
 * style of the object around it (jsoncInKind.ts), and jsonc-parser's `modify` with the file's own
 * indentation removes keys. Pure (no `vscode`), so it is unit-tested on text.
 * (jsonc-parser's ES module build: its UMD `main` hides `require`s esbuild cannot bundle.)
 */
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, type FormattingOptions } from 'jsonc-parser/lib/esm/main.js';
import type { ConfigEdit } from '../model';
import { setInKind } from './jsoncInKind';

/** One replacement of `length` characters at `offset` by `content`. */
export interface TextReplacement {
  readonly offset: number;
  readonly length: number;
  readonly content: string;
}

/** Splits a fix's dotted key path ("optimizer.learningRate") into a JSON path. */
export const toJsonPath = (dotted: string): string[] => dotted.split('.').filter((p) => p.length > 0);

/** Guesses the file's indentation so inserted keys line up with their neighbours. */
export function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 4, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/** The file's indentation as text ("  ", "\t"). */
const indentUnitOf = (f: FormattingOptions): string => (f.insertSpaces ? ' '.repeat(f.tabSize ?? 2) : '\t');

/**
 * `value` at `path`, in the style of the object that receives it; jsonc-parser's formatter only
 * when the text has no root object to take a style from (an empty file).
 */
export function setValue(text: string, path: readonly string[], value: unknown): string {
  const formattingOptions = formattingOf(text);
  return setInKind(text, path, value, indentUnitOf(formattingOptions), formattingOptions.eol ?? '\n') ?? applyEdits(text, modify(text, [...path], value, { formattingOptions }));
}

/** The text after applying every edit in order (a missing parent object is created). */
export function applyConfigEdits(text: string, edits: readonly ConfigEdit[]): string {
  let out = text;
  for (const edit of edits) out = setValue(out, toJsonPath(edit.path), edit.value);
  return out;
}

/**
 * The smallest single replacement turning `before` into `after` (common prefix and suffix
 * removed), so an editor applies it as one undo step and keeps the cursor and folds elsewhere.
 */
export function minimalReplacement(before: string, after: string): TextReplacement | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { offset: start, length: endBefore - start, content: after.slice(start, endAfter) };
}

/** The replacement applying a fix's edits to a config text. */
export function fixReplacement(text: string, edits: readonly ConfigEdit[]): TextReplacement | undefined {
  return minimalReplacement(text, applyConfigEdits(text, edits));
}

/**
 * Renames the key at `path` to `newKey` (the unknown-key quick fix), keeping its value, comments
 * and position. Undefined when the key is not found.
 */
export function renameKeyReplacement(text: string, path: readonly (string | number)[], newKey: string): TextReplacement | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  const value = findNodeAtLocation(tree, [...path]);
  const property = value?.parent;
  const keyNode = property?.type === 'property' ? property.children?.[0] : undefined;
  if (!keyNode) return undefined;
  return { offset: keyNode.offset, length: keyNode.length, content: JSON.stringify(newKey) };
}

/** The character range a key path covers in the text, for diagnostics. */
export interface KeyRange {
  readonly offset: number;
  readonly length: number;
  /** The part of `path` actually found (a flag's key may be absent: its default applies). */
  readonly found: readonly (string | number)[];
}

/**
 * Where to attach something about `path`: the key itself when present, else the deepest present
 * ancestor's key, else the whole first line of the object (offset of `{`, length 1).
 */
export function keyRangeOf(text: string, path: readonly (string | number)[]): KeyRange {
  const tree = parseTree(text);
  if (!tree) return { offset: 0, length: 0, found: [] };
  for (let depth = path.length; depth > 0; depth--) {
    const found = path.slice(0, depth);
    const node = findNodeAtLocation(tree, [...found]);
    const keyNode = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if (keyNode) return { offset: keyNode.offset, length: keyNode.length, found };
  }
  return { offset: tree.offset, length: 1, found: [] };
}

/** What the unknown-key / enum quick fix needs from a validator problem. */
export interface SuggestedProblem {
  readonly path: readonly (string | number)[];
  readonly offset: number;
  readonly length: number;
  readonly suggestion: string;
}

/**
 * The edit a validator's suggestion stands for. A dotted suggestion for a key ("learningRate" at the
 * top level -> "optimizer.learningRate") moves the key and its value there; a range on a key renames
 * it; a range on a string value (an enum) replaces the value.
 */
export function suggestionReplacement(text: string, problem: SuggestedProblem): TextReplacement | undefined {
  const last = problem.path.at(-1);
  if (problem.suggestion.includes('.') && typeof last === 'string') {
    const tree = parseTree(text);
    const node = tree && findNodeAtLocation(tree, [...problem.path]);
    if (node) {
      const value: unknown = JSON.parse(JSON.stringify(getNodeValue(node)));
      const formattingOptions = formattingOf(text);
      const removed = applyEdits(text, modify(text, [...problem.path], undefined, { formattingOptions }));
      return minimalReplacement(text, setValue(removed, toJsonPath(problem.suggestion), value));
    }
  }
  const current = text.slice(problem.offset, problem.offset + problem.length);
  if (current.startsWith('"')) return { offset: problem.offset, length: problem.length, content: JSON.stringify(problem.suggestion) };
  if (typeof last === 'string') return renameKeyReplacement(text, problem.path, problem.suggestion);
  return undefined;
}

/**
 * Whether a fix is already in the config text: every key it edits holds the value it would write.
 * A past run's flag whose fix the user applied is not put back on the config after a reload.
 */
export function fixApplied(text: string, edits: readonly ConfigEdit[]): boolean {
  if (!edits.length) return false;
  const tree = parseTree(text);
  if (!tree) return false;
  return edits.every((edit) => {
    const node = findNodeAtLocation(tree, toJsonPath(edit.path));
    return node !== undefined && JSON.stringify(getNodeValue(node)) === JSON.stringify(edit.value);
  });
}
