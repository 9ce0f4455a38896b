// The architecture's never-rules as ESLint errors (README.md, "Developing"), with ESLint's own
// no-restricted-imports: the folders of src/ form layers, lowest first, and a file imports only
// from its own layer or lower ones, so folders cannot import each other in a circle. The pure core
// (everything below the editor adapters) imports neither `vscode` nor browser code, and the
// webview imports only webview/ and src/protocol/.

/** src/ folders (or top-level files) by layer, lowest first. Each imports only from its own layer or lower. */
export const LAYERS = [
  ['model'],
  ['rng', 'dispose', 'text', 'files'],
  ['engine'],
  ['diagnostics'],
  ['config'],
  ['data'],
  ['runFolder'],
  ['logs'],
  ['run'],
  ['protocol'],
  ['worker'],
  ['sources'],
  ['store'],
  ['cli'],
  ['views'],
  ['editor'],
  ['commands'],
  ['extension'],
];

/** The editor adapters: the only code that may import `vscode`. */
export const EDITOR_LAYERS = ['views', 'editor', 'commands', 'extension'];

/** Browser-side libraries: the webview's, never the core's. */
const BROWSER_PACKAGES = ['chart.js', 'chart.js/*', 'chartjs-*', '@vscode/webview-ui-toolkit', '@vscode/webview-ui-toolkit/*'];
const DOM_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'HTMLElement', 'acquireVsCodeApi'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A relative import that reaches src/<name> (a folder or a top-level file) from anywhere under src. */
const reaches = (name) => `^(\\./|(\\.\\./)+)${escape(name)}(/|$)`;
const globsOf = (name) => [`src/${name}/**/*.ts`, `src/${name}.ts`];

export function boundaryConfigs() {
  const configs = LAYERS.flatMap((layer, i) => {
    const higher = LAYERS.slice(i + 1).flat();
    const editor = layer.some((name) => EDITOR_LAYERS.includes(name));
    const patterns = higher.map((name) => ({
      regex: reaches(name),
      message: `src/${name} is in a higher layer than src/${layer.join(', src/')}: a file imports only from its own layer or lower ones (README "Developing", scripts/lint/boundaries.mjs).`,
    }));
    if (!editor) patterns.push({ group: BROWSER_PACKAGES, message: 'The pure core runs in the worker, the CLI and the tests: no browser libraries (they belong to webview/).' });
    const paths = editor ? [] : [{ name: 'vscode', message: 'The pure core imports no `vscode`: only src/views, src/editor, src/commands and src/extension.ts adapt it to the editor.' }];
    return [
      {
        files: layer.flatMap(globsOf),
        rules: {
          'no-restricted-imports': ['error', { paths, patterns }],
          ...(editor ? {} : { 'no-restricted-globals': ['error', ...DOM_GLOBALS.map((name) => ({ name, message: 'The pure core has no DOM: it runs in the worker, the CLI and the tests.' }))] }),
        },
      },
    ];
  });
  configs.push({
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the host only through messages (src/protocol/webview.ts).' }],
          patterns: [
            { regex: '^(\\.\\./)+src/(?!protocol/)', message: 'The webview imports only webview/ and src/protocol/ (its wire types): the host, the engine and the detectors are the other side of a message channel.' },
            { regex: '^node:', message: 'The webview runs in a browser: no Node.js modules.' },
          ],
        },
      ],
    },
  });
  return configs;
}

/** No function in src/ is longer than this many lines of code (comments and blank lines aside), but the WebAssembly glue. */
export const MAX_FUNCTION_LINES = 80;

export function functionLengthConfig() {
  return {
    files: ['src/**/*.ts'],
    ignores: ['src/engine/wasm/**'],
    rules: { 'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  };
}
