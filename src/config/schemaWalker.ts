/**
 * Validates a jsonc-parser tree against the config schema, keeping each node's text range so every
 * problem underlines exactly the offending key or value. Interprets the keyword subset of
 * `SchemaNode`; chosen over ajv because ajv reports instance paths, not text ranges, and its messages
 * ("must be <= 1") do not say what the user wrote.
 */
import { getNodeValue, type JsonNode } from './jsonc';
import { closeMatch, nearest } from '../text/closeMatch';
import type { ConfigProblem, KeyPath } from './problems';
import { allKeyPaths, type JsonType, type SchemaNode } from './schema';
import { quote } from '../text/quote';

interface Range {
  readonly offset: number;
  readonly length: number;
}

function problem(message: string, path: KeyPath, range: Range, suggestion?: string): ConfigProblem {
  return {
    message: suggestion === undefined ? message : `${message} (did you mean "${suggestion}"?)`,
    path,
    offset: range.offset,
    length: range.length,
    severity: 'error',
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

function nodeType(node: JsonNode): JsonType {
  if (node.type === 'number') return Number.isInteger(node.value) ? 'integer' : 'number';
  return node.type as JsonType;
}

function typeMatches(node: JsonNode, type: JsonType): boolean {
  const actual = nodeType(node);
  return actual === type || (type === 'number' && actual === 'integer');
}

function typesOf(schema: SchemaNode): readonly JsonType[] {
  return schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
}

const ARTICLES: Record<JsonType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** What the user wrote, short: `"relu"`, `2.5`, `true`, `an object`. */
export function describeValue(node: JsonNode): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string': {
      const s = String(node.value);
      return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
    }
    default:
      return String(node.value);
  }
}

function describeList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** "an object or false", `"none", "balanced" or an object`. */
function describeSchema(schema: SchemaNode): string {
  return describeList(alternatives(schema));
}

function alternatives(schema: SchemaNode): string[] {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v));
  if (schema.anyOf) return schema.anyOf.flatMap(alternatives);
  const types = typesOf(schema);
  return types.length ? types.map((t) => ARTICLES[t]) : ['a value'];
}

/** "greater than 0 and less than 1", "at least 1". Undefined when the schema has no range. */
function describeRange(schema: SchemaNode): string | undefined {
  const parts: string[] = [];
  if (schema.exclusiveMinimum !== undefined) parts.push(`greater than ${schema.exclusiveMinimum}`);
  else if (schema.minimum !== undefined) parts.push(`at least ${schema.minimum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`less than ${schema.exclusiveMaximum}`);
  else if (schema.maximum !== undefined) parts.push(`at most ${schema.maximum}`);
  return parts.length ? parts.join(' and ') : undefined;
}

/**
 * The value the user most likely meant when only the JSON type is off: "0.01" for 0.01, "true" for
 * true, 32 for [32].
 */
function literalFix(node: JsonNode, types: readonly JsonType[]): string | undefined {
  if (node.type === 'string') {
    const text = String(node.value).trim();
    if ((types.includes('number') || types.includes('integer')) && text !== '' && Number.isFinite(Number(text))) return String(Number(text));
    if (types.includes('boolean') && (text === 'true' || text === 'false')) return text;
  }
  if (node.type === 'number' && types.includes('array')) return `[${node.value}]`;
  return undefined;
}

function inRange(value: number, schema: SchemaNode): boolean {
  if (schema.minimum !== undefined && value < schema.minimum) return false;
  if (schema.maximum !== undefined && value > schema.maximum) return false;
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return false;
  return true;
}

/** Where a missing key of `objectNode` should be shown: its parent property's key, or its opening brace. */
function anchorOf(objectNode: JsonNode): Range {
  const key = objectNode.parent?.type === 'property' ? objectNode.parent.children?.[0] : undefined;
  return key ? { offset: key.offset, length: key.length } : { offset: objectNode.offset, length: 1 };
}

/**
 * What the walker cannot read from the schema alone. `keyApplies`: whether a key of the schema
 * applies to this object as written (an optimizer takes only its type's keys), so an unknown key
 * is never told to become one that would be rejected next.
 */
export interface WalkContext {
  readonly keyApplies?: (objectPath: KeyPath, objectNode: JsonNode, key: string) => { readonly applies: boolean; readonly why?: string };
}

export function validateNode(node: JsonNode, schema: SchemaNode, path: KeyPath, out: ConfigProblem[], context: WalkContext = {}): void {
  // JSON has no infinities, but a literal past float64's range (1e999) parses as one: every
  // number a config holds must be finite, or it ends as a NaN in training.
  if (node.type === 'number' && !Number.isFinite(node.value)) {
    out.push(problem('must be a finite number, not one beyond ±1.8e308 (which reads as infinity)', path, node));
    return;
  }
  const types = typesOf(schema);
  if (types.length && !types.some((t) => typeMatches(node, t))) {
    const integerWanted = types.includes('integer') && nodeType(node) === 'number';
    const message = integerWanted
      ? `must be a whole number, not ${describeValue(node)}`
      : `must be ${describeList(types.map((t) => ARTICLES[t]))}, not ${describeValue(node)}`;
    const fix = literalFix(node, types);
    // In the message only: `suggestion` is a key or string value the editor quotes or moves to.
    const hint = fix === undefined ? '' : node.type === 'string' ? ` (write ${fix} without quotes)` : ` (write ${fix})`;
    out.push(problem(`${message}${hint}`, path, node));
    return;
  }

  if (schema.enum && !schema.enum.some((v) => v === getNodeValue(node))) {
    const strings = schema.enum.filter((v): v is string => typeof v === 'string');
    const suggestion = node.type === 'string' ? closeMatch(String(node.value), strings) : undefined;
    out.push(problem(`must be ${describeSchema({ enum: schema.enum })}, not ${describeValue(node)}`, path, node, suggestion));
    return;
  }

  if (node.type === 'number') {
    const value = node.value as number;
    if (!inRange(value, schema)) out.push(problem(`must be ${describeRange(schema)}, not ${value}`, path, node));
  }

  if (node.type === 'string' && schema.minLength !== undefined && String(node.value).length < schema.minLength) {
    out.push(problem('must not be empty', path, node));
  }

  if (node.type === 'array') {
    const items = node.children ?? [];
    if (schema.maxItems !== undefined && items.length > schema.maxItems) out.push(problem(`must have at most ${schema.maxItems} entries, not ${items.length}`, path, node));
    if (schema.minItems !== undefined && items.length < schema.minItems) out.push(problem(`must have at least ${schema.minItems} entries, not ${items.length}`, path, node));
    if (schema.items) items.forEach((item, i) => validateNode(item, schema.items!, [...path, i], out, context));
  }

  if (node.type === 'object') validateObject(node, schema, path, out, context);

  if (schema.anyOf) validateAnyOf(node, schema.anyOf, path, out, context);
}

function validateObject(node: JsonNode, schema: SchemaNode, path: KeyPath, out: ConfigProblem[], context: WalkContext): void {
  const known = schema.properties ?? {};
  const knownKeys = Object.keys(known).filter((k) => k !== '$schema');
  const seen = new Set<string>();
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode) continue;
    const key = String(keyNode.value);
    const keyPath = [...path, key];
    if (seen.has(key)) out.push(problem(`duplicate key ${quote(key)}`, keyPath, keyNode));
    seen.add(key);
    const child = known[key];
    if (child) {
      if (valueNode) validateNode(valueNode, child, keyPath, out, context);
    } else if (schema.additionalProperties === false) {
      out.push(unknownKey(key, keyPath, keyNode, knownKeys, path, (k) => context.keyApplies?.(path, node, k) ?? { applies: true }));
    } else if (typeof schema.additionalProperties === 'object' && valueNode) {
      validateNode(valueNode, schema.additionalProperties, keyPath, out, context);
    }
  }
  for (const key of schema.required ?? []) {
    if (!seen.has(key)) out.push(problem(`"${key}" is required`, [...path, key], anchorOf(node)));
  }
}

/**
 * An unknown key names the nearest valid key of the same object (Levenshtein); when the key is
 * spelled exactly as a key of another section, it points there instead ("training.epochs"). When
 * the nearest key does not apply here (momentum for an adam optimizer), it is named with why, and
 * not offered as a fix.
 */
function unknownKey(key: string, keyPath: KeyPath, keyNode: JsonNode, knownKeys: readonly string[], objectPath: KeyPath, keyApplies: (key: string) => { applies: boolean; why?: string }): ConfigProblem {
  const here = objectPath.filter((p) => typeof p === 'string').join('.');
  const elsewhere = allKeyPaths().find((p) => {
    const parts = p.split('.');
    return parts[parts.length - 1] === key && parts.slice(0, -1).join('.') !== here;
  });
  if (elsewhere) return problem(`unknown key ${quote(key)}: it belongs in "${elsewhere.split('.').slice(0, -1).join('.') || 'the top level'}"`, keyPath, keyNode, elsewhere);
  const where = here ? ` in "${here}"` : '';
  const meant = nearest(key, knownKeys);
  const verdict = meant === undefined ? { applies: true } : keyApplies(meant);
  if (!verdict.applies) return problem(`unknown key ${quote(key)}${where} ("${meant}" ${verdict.why ?? 'does not apply here'})`, keyPath, keyNode);
  return problem(`unknown key ${quote(key)}${where}`, keyPath, keyNode, meant);
}

/**
 * anyOf: fine if one branch passes. Otherwise, when the value is an object or array that a branch
 * accepts by type, that branch's own problems are the useful ones (e.g. a misspelled earlyStopping
 * key); else one message lists what would be accepted.
 */
function validateAnyOf(node: JsonNode, branches: readonly SchemaNode[], path: KeyPath, out: ConfigProblem[], context: WalkContext): void {
  const results = branches.map((branch) => {
    const problems: ConfigProblem[] = [];
    validateNode(node, branch, path, problems, context);
    return problems;
  });
  if (results.some((r) => r.length === 0)) return;
  const structural = branches.findIndex((b) => (node.type === 'object' || node.type === 'array') && typesOf(b).some((t) => typeMatches(node, t)));
  if (structural >= 0) {
    out.push(...results[structural]!);
    return;
  }
  const strings = branches.flatMap((b) => (b.enum ?? []).filter((v): v is string => typeof v === 'string'));
  const suggestion = node.type === 'string' ? closeMatch(String(node.value), strings) : undefined;
  out.push(problem(`must be ${describeSchema({ anyOf: branches })}, not ${describeValue(node)}`, path, node, suggestion));
}
