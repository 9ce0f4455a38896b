/**
 * Setting a value in JSONC text the way its author writes: the new key or value takes the style of
 * the object that receives it. An object kept on one line (`{ "epochs": 120, "earlyStopping": false }`)
 * stays on one line; a multi-line one gets the new key on a line of its own at its neighbours'
 * indentation, after any comment that ends the previous line; the spacing around `:` and `,` and
 * inside braces is copied from the file. jsonc-parser's formatter, by contrast, spreads an edited
 * object over lines in its own style. Pure (no `vscode`).
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser/lib/esm/main.js';

/** How the file writes JSON, read from the text around the edit. */
interface JsonStyle {
  /** Between a key and its value, e.g. ": " or ":". */
  readonly colon: string;
  /** Between two members on one line, e.g. ", " or ",". */
  readonly comma: string;
  /** Inside the braces of a one-line object, e.g. " " or "". */
  readonly pad: string;
  readonly indentUnit: string;
  readonly eol: string;
  /** Objects written on one line, as their would-be siblings are. */
  readonly inlineObjects: boolean;
}

type Replacement = { readonly offset: number; readonly length: number; readonly content: string };

/** The text with `value` at `path`, in the file's style; undefined when the text's root is not an object. */
export function setInKind(text: string, path: readonly string[], value: unknown, indentUnit: string, eol: string): string | undefined {
  const root = parseTree(text);
  if (!root || root.type !== 'object' || path.length === 0) return undefined;
  let object = root;
  for (let depth = 0; depth < path.length; depth++) {
    const found = findNodeAtLocation(object, [path[depth]!]);
    const rest = path.slice(depth + 1);
    if (!found) return apply(text, insertProperty(text, root, object, path[depth]!, nest(rest, value), indentUnit, eol));
    if (rest.length === 0 || found.type !== 'object') {
      const style = styleOf(text, root, object, indentUnit, eol);
      return apply(text, { offset: found.offset, length: found.length, content: render(nest(rest, value), style, lineIndent(text, found.parent?.offset ?? found.offset)) });
    }
    object = found;
  }
  return undefined;
}

const apply = (text: string, r: Replacement): string => text.slice(0, r.offset) + r.content + text.slice(r.offset + r.length);

/** `{ a: { b: value } }` for keys ["a", "b"]. */
const nest = (keys: readonly string[], value: unknown): unknown => keys.reduceRight<unknown>((v, k) => ({ [k]: v }), value);

function insertProperty(text: string, root: Node, object: Node, key: string, value: unknown, indentUnit: string, eol: string): Replacement {
  const style = styleOf(text, root, object, indentUnit, eol);
  const members = object.children ?? [];
  const last = members[members.length - 1];
  const close = object.offset + object.length - 1;
  const objectIndent = lineIndent(text, object.offset);
  if (isInline(text, object)) {
    const property = `${JSON.stringify(key)}${style.colon}${render(value, style, objectIndent)}`;
    if (!last) return { offset: object.offset + 1, length: close - object.offset - 1, content: `${style.pad || ' '}${property}${style.pad || ' '}` };
    return { offset: last.offset + last.length, length: 0, content: `${style.comma}${property}` };
  }
  const indent = last ? lineIndent(text, last.offset) : objectIndent + indentUnit;
  const property = `${JSON.stringify(key)}${style.colon}${render(value, style, indent)}`;
  if (!last) return { offset: object.offset + 1, length: 0, content: `${eol}${indent}${property}` };
  const end = last.offset + last.length;
  const lineEnd = endOfLine(text, end);
  // The closing brace on the last member's line: the new member goes beside it.
  if (lineEnd > close) return { offset: end, length: 0, content: `${style.comma}${property}` };
  // A comma after the value (the previous member's), the member after any comment ending that line.
  const comma = hasCommaAfter(text, end, lineEnd) ? '' : ',';
  return { offset: end, length: lineEnd - end, content: `${comma}${text.slice(end, lineEnd)}${eol}${indent}${property}` };
}

function render(value: unknown, style: JsonStyle, indent: string): string {
  if (Array.isArray(value)) {
    const flat = value.every((v) => v === null || typeof v !== 'object');
    if (flat || style.inlineObjects) return `[${value.map((v) => render(v, style, indent)).join(style.comma)}]`;
    return multiLine('[', ']', value.map((v) => (inner: string) => render(v, style, inner)), style, indent);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const member = ([k, v]: [string, unknown]) => (inner: string) => `${JSON.stringify(k)}${style.colon}${render(v, style, inner)}`;
    if (style.inlineObjects) return `{${style.pad}${entries.map((e) => member(e)(indent)).join(style.comma)}${style.pad}}`;
    return multiLine('{', '}', entries.map(member), style, indent);
  }
  return JSON.stringify(value) ?? 'null';
}

function multiLine(open: string, close: string, items: readonly ((indent: string) => string)[], style: JsonStyle, indent: string): string {
  const inner = indent + style.indentUnit;
  return `${open}${style.eol}${items.map((item) => inner + item(inner)).join(`,${style.eol}`)}${style.eol}${indent}${close}`;
}

/** The style at `object`: its own spacing where it shows it, else the first example anywhere in the file. */
function styleOf(text: string, root: Node, object: Node, indentUnit: string, eol: string): JsonStyle {
  const objects = [object, ...allObjects(root)];
  const first = <T>(pick: (o: Node) => T | undefined, fallback: T): T => {
    for (const o of objects) {
      const v = pick(o);
      if (v !== undefined) return v;
    }
    return fallback;
  };
  const colon = first((o) => (o.children ?? []).map((p) => between(text, p.children?.[0], p.children?.[1], /^[ \t]*:[ \t]*$/)).find((s) => s !== undefined), ': ');
  const inline = objects.filter((o) => isInline(text, o));
  // A file without an example of a comma or of braces' padding is as tight or as spaced as its colons.
  const spaced = colon.endsWith(' ');
  const comma = first((o) => (inline.includes(o) ? (o.children ?? []).slice(1).map((p, i) => between(text, o.children![i], p, /^[ \t]*,[ \t]*$/)).find((s) => s !== undefined) : undefined), spaced ? ', ' : ',');
  const pad = first((o) => (inline.includes(o) && o.children?.length ? whitespace(text.slice(o.offset + 1, o.children[0]!.offset)) : undefined), spaced ? ' ' : '');
  return { colon, comma, pad, indentUnit, eol, inlineObjects: prefersInline(text, root, object) };
}

/**
 * Whether a new object value under `object` goes on one line: yes inside a one-line object; else as
 * most non-empty objects beside it are written (in `object`, else at the top level); else not.
 */
function prefersInline(text: string, root: Node, object: Node): boolean {
  if (isInline(text, object)) return true;
  for (const scope of [object, root]) {
    const values = (scope.children ?? []).map((p) => p.children?.[1]).filter((v): v is Node => v?.type === 'object' && (v.children?.length ?? 0) > 0);
    if (values.length) return values.filter((v) => isInline(text, v)).length * 2 > values.length;
  }
  return false;
}

function allObjects(node: Node): Node[] {
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'object') out.push(n);
    for (const c of n.children ?? []) visit(c);
  };
  visit(node);
  return out;
}

const isInline = (text: string, node: Node): boolean => !/[\r\n]/.test(text.slice(node.offset, node.offset + node.length));

/** The text between two nodes when it matches `shape` (no comment, no line break), else undefined. */
function between(text: string, a: Node | undefined, b: Node | undefined, shape: RegExp): string | undefined {
  if (!a || !b) return undefined;
  const s = text.slice(a.offset + a.length, b.offset);
  return shape.test(s) ? s.trimStart() : undefined;
}

const whitespace = (s: string): string | undefined => (/^[ \t]*$/.test(s) ? s : undefined);

function lineIndent(text: string, offset: number): string {
  const start = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

function endOfLine(text: string, offset: number): number {
  const m = /\r?\n|\r/.exec(text.slice(offset));
  return m ? offset + m.index : text.length;
}

/** Whether the member ending at `from` is already followed by a comma on its line (a trailing comma). */
const hasCommaAfter = (text: string, from: number, to: number): boolean => /^[ \t]*,/.test(text.slice(from, to));
