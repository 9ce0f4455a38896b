/**
 * The one JSON Schema of `*.losslens.json` (draft-07), shared by the editor (package.json
 * `jsonValidation`) and the validator here. Only the subset of keywords below is used, so the
 * walker in `schemaWalker.ts` can interpret all of it and keep exact text ranges.
 */
import schemaJson from './losslens.schema.json';

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface SchemaNode {
  readonly type?: JsonType | readonly JsonType[];
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly anyOf?: readonly SchemaNode[];
  readonly default?: unknown;
  readonly title?: string;
  readonly description?: string;
  readonly markdownDescription?: string;
  /** Hover text of each `enum` value (a VS Code extension of JSON Schema). */
  readonly enumDescriptions?: readonly string[];
}

export const CONFIG_SCHEMA: SchemaNode = schemaJson as SchemaNode;

/** The schema of the value at `path` (object keys only), or undefined. */
export function schemaAt(path: readonly (string | number)[], root: SchemaNode = CONFIG_SCHEMA): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const key of path) {
    if (!node) return undefined;
    if (typeof key === 'number') node = node.items;
    else node = node.properties?.[key] ?? node.anyOf?.find((b) => b.properties?.[key])?.properties?.[key];
  }
  return node;
}

/** Every key path the schema names, e.g. "training.epochs" — to tell a user that a key belongs elsewhere. */
export function allKeyPaths(node: SchemaNode = CONFIG_SCHEMA, prefix = ''): string[] {
  const out: string[] = [];
  const objects = [node, ...(node.anyOf ?? [])];
  for (const o of objects) {
    for (const [key, child] of Object.entries(o.properties ?? {})) {
      if (key === '$schema') continue;
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path, ...allKeyPaths(child, path));
    }
  }
  return out;
}
