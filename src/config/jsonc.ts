/**
 * jsonc-parser, imported from its ES module build on purpose: its `main` is a UMD wrapper whose
 * inner `require('./impl/...')` calls esbuild cannot follow, so the bundled CLI/worker would fail
 * at run time with "Cannot find module './impl/format'".
 */
export { createScanner, parseTree, findNodeAtLocation, getNodeValue, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
export type { Node as JsonNode, ParseError } from 'jsonc-parser/lib/esm/main.js';
