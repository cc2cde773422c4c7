// Loads a module compiled from assembly/ (scripts/build-wasm.mjs writes wasm/<name>.wasm at the package root).
// Compiled once per process, synchronously, so the DSP classes keep plain constructors; each caller gets its own
// instance, and so its own memory. Only the generated facades (src/wasm/generated/) call this: they give the
// exports their types.
import { existsSync, readFileSync } from 'node:fs';

const compiled = new Map<string, WebAssembly.Module>();

// From src/wasm/ (tsx) and from dist/src/wasm/ (the built CLI) the package root is two or three levels up.
const candidates = (name: string) => [
  new URL(`../../wasm/${name}.wasm`, import.meta.url),
  new URL(`../../../wasm/${name}.wasm`, import.meta.url),
];

function compile(name: string): WebAssembly.Module {
  let module = compiled.get(name);
  if (!module) {
    const file = candidates(name).find((u) => existsSync(u));
    if (!file) throw new Error(`wasm/${name}.wasm is missing: build it with \`npm run build\``);
    module = new WebAssembly.Module(readFileSync(file));
    compiled.set(name, module);
  }
  return module;
}

/** A fresh instance of wasm/<name>.wasm; its exports include its memory. `T` is what the caller knows them to be. */
export function instantiate<T>(name: string): T {
  const instance = new WebAssembly.Instance(compile(name), {
    env: {
      abort: (_msg: number, _file: number, line: number, column: number) => {
        throw new Error(`wasm/${name}.wasm aborted at ${line}:${column}`);
      },
    },
  });
  return instance.exports as unknown as T;
}
