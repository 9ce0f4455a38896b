// esbuild plugins shared by every build target.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

let wabtPromise;

/**
 * Compiles imported `.wat` (WebAssembly text) files to binaries with the `wabt` package at build
 * time, so the repository holds only the source of every WebAssembly module it ships.
 * The import's default export is the module's bytes (a Uint8Array).
 */
export const watPlugin = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async (args) => {
      wabtPromise ??= (await import('wabt')).default();
      const wabt = await wabtPromise;
      const source = await readFile(args.path, 'utf8');
      const module = wabt.parseWat(path.basename(args.path), source, { simd: true, multi_value: true, bulk_memory: true });
      try {
        module.resolveNames();
        module.validate();
        const { buffer } = module.toBinary({ log: false });
        return { contents: buffer, loader: 'binary' };
      } finally {
        module.destroy();
      }
    });
  },
};
