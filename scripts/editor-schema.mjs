// Writes src/config/losslens.editor.schema.json, the schema VS Code's JSON language service gets
// (descriptions, defaults and value choices, no rules: src/config/editorSchema.ts says why), from the
// validator's strict losslens.schema.json. Run it after changing that schema; a unit test fails until then.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { EDITOR_SCHEMA_FILE, editorSchemaText } = await tsImport('../src/config/editorSchema.ts', import.meta.url);
const file = path.join(root, 'src', 'config', EDITOR_SCHEMA_FILE);
writeFileSync(file, editorSchemaText());
console.log(`wrote ${path.relative(root, file)}`);
