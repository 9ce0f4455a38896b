/**
 * The slice of the WebAssembly JS API the kernel loader uses. The project's lib is ES2022 without
 * the DOM, and @types/node 20 does not declare the `WebAssembly` global, though Node, worker threads
 * and the VS Code extension host all provide it.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
  }
}
