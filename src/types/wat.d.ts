/** `.wat` sources are compiled to WebAssembly binaries at build time (scripts/esbuild-plugins.mjs). */
declare module '*.wat' {
  const bytes: Uint8Array;
  export default bytes;
}
