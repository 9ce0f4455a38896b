// Lint: typescript-eslint's recommended rules, plus the type-aware promise rules that catch real
// bugs in an extension (a floating promise swallows its rejection). Deliberate fire-and-forget is
// written `void promise`. Unused names are left to tsc (noUnusedLocals / noUnusedParameters).
import tseslint from 'typescript-eslint';
import { boundaryConfigs, functionLengthConfig } from './scripts/lint/boundaries.mjs';

/** Files covered by a tsconfig (root: src, test, scripts; webview/tsconfig.json: webview). */
const TYPED = ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'webview/**/*.ts'];
/** Excluded from both tsconfigs on purpose (page scripts that run in the browser under test). */
const UNTYPED_TS = ['test/webview/**/*.page.ts'];

const sharedRules = {
  eqeqeq: ['error', 'smart'],
  'no-var': 'error',
  'prefer-const': 'error',
  'no-debugger': 'error',
  'no-throw-literal': 'error',
};

export default tseslint.config(
  {
    ignores: ['test/fixtures/lint/**', 'out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '.losslens/**', '.bench/**', 'coverage/**', '**/*.d.ts'],
  },
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts', '**/*.mts', '**/*.cts'] })),
  {
    files: ['**/*.ts'],
    rules: {
      ...sharedRules,
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    files: TYPED,
    ignores: UNTYPED_TS,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/it/test return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: sharedRules,
  },
  {
    files: ['bin/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  // The architecture's never-rules (README "Developing"): layers, the pure core, the webview's fence.
  ...boundaryConfigs(),
  functionLengthConfig(),
);
