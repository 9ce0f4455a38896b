import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import strict from '../../../src/config/losslens.schema.json';
import { EDITOR_SCHEMA_FILE, editorSchema, editorSchemaText } from '../../../src/config/editorSchema';
import { COMMON_OPTIMIZER_KEYS, DEFAULT_OPTIMIZER_TYPE, OPTIMIZER_KEYS, TYPE_SPECIFIC_OPTIMIZER_KEYS } from '../../../src/config/optimizerKeys';
import { allKeyPaths } from '../../../src/config/schema';

type Json = Record<string, unknown>;
const root = path.resolve(__dirname, '..', '..', '..', '..');

/** Keywords that make a JSON Schema report a problem (JSON Schema draft-07 validation vocabulary). */
const RULES = ['type', 'enum', 'const', 'required', 'additionalProperties', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'not'];

/** Every rule keyword used outside an `if` (an `if` only chooses what is offered; it reports nothing). */
function rulesOutsideIf(node: unknown, at = '#'): string[] {
  if (typeof node !== 'object' || node === null) return [];
  if (Array.isArray(node)) return node.flatMap((n, i) => rulesOutsideIf(n, `${at}/${i}`));
  return Object.entries(node as Json).flatMap(([key, value]) => {
    if (key === 'if' || key === 'defaultSnippets' || key === 'default') return [];
    const here = RULES.includes(key) && at.split('/').at(-1) !== 'properties' ? [`${at}/${key}`] : [];
    return [...here, ...rulesOutsideIf(value, `${at}/${key}`)];
  });
}

describe("the editor's schema (package.json jsonValidation)", () => {
  const schema = editorSchema();

  test('the file in the repository is the one generated from the strict schema (else: node scripts/editor-schema.mjs)', () => {
    assert.equal(readFileSync(path.join(root, 'src', 'config', EDITOR_SCHEMA_FILE), 'utf8'), editorSchemaText());
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { url: string }[] } };
    assert.deepEqual(pkg.contributes.jsonValidation.map((v) => v.url), [`./src/config/${EDITOR_SCHEMA_FILE}`]);
  });

  test('holds no rule, so VS Code reports nothing Loss Lens already reports (one diagnostic per mistake)', () => {
    assert.deepEqual(rulesOutsideIf(schema), []);
    const ajv = new Ajv({ strict: false });
    const check = ajv.compile(schema);
    for (const text of ['{ "optimizer": { "momentm": 0.9 } }', '{ "seed": "one" }', '{ "optimizer": { "type": "adm" } }', '{}', '{ "model": { "hidden": [0] } }']) assert.equal(check(JSON.parse(text)), true, text);
  });

  test('documents every key of the strict schema, with its description', () => {
    const described = (node: Json, parts: readonly string[]): Json | undefined => {
      let at: Json | undefined = node;
      for (const part of parts) {
        const branches: (Json | undefined)[] = [at, ...((at?.anyOf as Json[] | undefined) ?? []), ...((at?.allOf as Json[] | undefined) ?? []).map((b) => b.then as Json)];
        at = branches.map((b) => (b?.properties as Record<string, Json> | undefined)?.[part]).find(Boolean);
      }
      return at;
    };
    for (const key of allKeyPaths()) assert.equal(typeof described(schema, key.split('.'))?.description, 'string', key);
  });

  test("offers each optimizer type's keys only (momentum for sgd; betas and epsilon for adam/adamw; weightDecay for adamw)", () => {
    const optimizer = (schema.properties as Record<string, Json>).optimizer!;
    const ajv = new Ajv({ strict: false });
    /** What completion offers in this optimizer object: its own properties and each `then` whose `if` holds. */
    const offered = (value: Json): string[] => [
      ...Object.keys(optimizer.properties as Json),
      ...(optimizer.allOf as { if: Json; then: { properties: Json } }[]).filter((c) => ajv.validate(c.if, value)).flatMap((c) => Object.keys(c.then.properties)),
    ];
    assert.deepEqual(offered({ type: 'sgd' }).sort(), ['learningRate', 'momentum', 'type']);
    assert.deepEqual(offered({ type: 'adam', learningRate: 0.01 }).sort(), ['beta1', 'beta2', 'epsilon', 'learningRate', 'type']);
    assert.deepEqual(offered({ type: 'adamw' }).sort(), ['beta1', 'beta2', 'epsilon', 'learningRate', 'type', 'weightDecay']);
    assert.deepEqual(offered({}).sort(), ['beta1', 'beta2', 'epsilon', 'learningRate', 'type'], 'no type: the default, adam');
  });

  test("the optimizer table matches the strict schema's optimizer keys and default type", () => {
    const optimizer = (strict.properties as unknown as Record<string, { properties: Record<string, { default?: unknown }> }>).optimizer!;
    assert.deepEqual(Object.keys(optimizer.properties).sort(), [...COMMON_OPTIMIZER_KEYS, ...TYPE_SPECIFIC_OPTIMIZER_KEYS].sort());
    assert.equal(optimizer.properties.type!.default, DEFAULT_OPTIMIZER_TYPE);
    assert.deepEqual(Object.keys(OPTIMIZER_KEYS).sort(), ((optimizer.properties.type as { enum?: string[] }).enum ?? []).slice().sort());
  });
});
