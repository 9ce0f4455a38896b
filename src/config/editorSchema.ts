/**
 * The schema the editor's JSON language service gets (package.json `jsonValidation`), generated
 * from the validator's strict one (`losslens.schema.json`): its descriptions, defaults and value
 * choices for hover and completion, and none of its rules. Loss Lens's own validator reports every
 * mistake once, on its exact range, with its quick fix; the JSON service checking the same rules
 * would report each a second time ("Property momentm is not allowed." beside "did you mean
 * momentum?"). The optimizer's keys follow its type (JSON Schema if/then, which the JSON service
 * reads for completion), so `momentum` is offered for sgd only. `scripts/editor-schema.mjs` writes
 * it; a unit test keeps the file in step with this function.
 */
import { CONFIG_SCHEMA, type SchemaNode } from './schema';
import { COMMON_OPTIMIZER_KEYS, DEFAULT_OPTIMIZER_TYPE, optimizerTypesTaking, TYPE_SPECIFIC_OPTIMIZER_KEYS } from './optimizerKeys';

export const EDITOR_SCHEMA_FILE = 'losslens.editor.schema.json';

type Json = { [key: string]: unknown };

/** Keywords that only describe a value: kept as they are. */
const ANNOTATIONS = ['title', 'description', 'markdownDescription', 'default'] as const;

/** Value choices as completion proposals (`defaultSnippets`) rather than an `enum`, which would also validate. */
function choices(values: readonly unknown[], descriptions?: readonly string[]): Json[] {
  return values.map((value, i) => ({ label: JSON.stringify(value), body: value, ...(descriptions?.[i] ? { description: descriptions[i] } : {}) }));
}

function annotate(node: SchemaNode, path: readonly string[]): Json {
  const out: Json = {};
  for (const key of ANNOTATIONS) if (node[key] !== undefined) out[key] = node[key];
  const types = node.type === undefined ? [] : typeof node.type === 'string' ? [node.type] : node.type;
  if (node.enum) out.defaultSnippets = choices(node.enum, node.enumDescriptions);
  else if (types.includes('boolean')) out.defaultSnippets = choices([true, false]);
  // Without `type`, a completed key would get no value: an object or array without a default gets its brackets.
  else if (node.default === undefined && !node.anyOf && (types.includes('object') || types.includes('array'))) out.defaultSnippets = [{ body: types.includes('object') ? {} : [] }];
  if (node.properties) {
    const properties: Json = {};
    for (const [key, child] of Object.entries(node.properties)) properties[key] = annotate(child, [...path, key]);
    out.properties = properties;
  }
  if (node.items) out.items = annotate(node.items, [...path, '[]']);
  if (node.anyOf) out.anyOf = node.anyOf.map((branch) => annotate(branch, path));
  return path.length === 1 && path[0] === 'optimizer' ? byOptimizerType(out) : out;
}

/**
 * The optimizer's type-specific keys move from `properties` into one if/then per key: offered only
 * when `type` names an optimizer that takes it (or, for the default type's keys, when `type` is absent).
 */
function byOptimizerType(optimizer: Json): Json {
  const properties = optimizer.properties as Json;
  const common = Object.fromEntries(COMMON_OPTIMIZER_KEYS.map((key) => [key, properties[key]]));
  const allOf = TYPE_SPECIFIC_OPTIMIZER_KEYS.map((key) => {
    const types = optimizerTypesTaking(key);
    const named = { required: ['type'], properties: { type: { enum: types } } };
    return { if: types.includes(DEFAULT_OPTIMIZER_TYPE) ? { anyOf: [{ not: { required: ['type'] } }, named] } : named, then: { properties: { [key]: properties[key] } } };
  });
  return { ...optimizer, properties: common, allOf };
}

export function editorSchema(schema: SchemaNode = CONFIG_SCHEMA): Json {
  const root = schema as SchemaNode & { $schema?: string; $id?: string };
  return {
    ...(root.$schema ? { $schema: root.$schema } : {}),
    ...(root.$id ? { $id: root.$id.replace(/losslens\.schema\.json$/, EDITOR_SCHEMA_FILE) } : {}),
    ...annotate(schema, []),
  };
}

/** The file's text, as scripts/editor-schema.mjs writes it. */
export const editorSchemaText = (): string => JSON.stringify(editorSchema(), null, 2) + '\n';
