// Lints each file of test/fixtures/lint/ as if it stood where its `// lint-as:` line says, and
// checks that ESLint reports the rule its `// expect:` line names (with the words after it in the
// message). A never-rule that stops firing fails the lint layer. Typed rules are off here: the
// fixtures are not part of any tsconfig, and the boundary rules need no types.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const TYPED_RULES_OFF = {
  '@typescript-eslint/no-floating-promises': 'off',
  '@typescript-eslint/no-misused-promises': 'off',
  '@typescript-eslint/await-thenable': 'off',
};

/** @returns {Promise<{ file: string, ok: boolean, detail: string }[]>} */
export async function checkLintFixtures(root) {
  const dir = path.join(root, 'test', 'fixtures', 'lint');
  const eslint = new ESLint({
    cwd: root,
    ignore: false,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } }, rules: TYPED_RULES_OFF },
  });
  const results = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    const as = /^\/\/ lint-as: (\S+)$/m.exec(text)?.[1];
    const expect = /^\/\/ expect: (\S+)(?: (.*))?$/m.exec(text);
    if (!as || !expect) {
      results.push({ file: name, ok: false, detail: 'needs a "// lint-as: <path>" and an "// expect: <rule> [words]" line' });
      continue;
    }
    const [, rule, words = ''] = expect;
    const [report] = await eslint.lintText(text, { filePath: path.join(root, as) });
    const messages = report?.messages ?? [];
    const hit = messages.find((m) => m.ruleId === rule && m.message.includes(words.trim()));
    results.push({ file: name, ok: Boolean(hit), detail: hit ? `${rule}: ${hit.message.slice(0, 100)}` : `expected ${rule}${words ? ` "${words}"` : ''}, got ${messages.map((m) => `${m.ruleId}: ${m.message.slice(0, 80)}`).join('; ') || 'nothing'}` });
  }
  return results;
}
