// Loads a decoder of the @wasm-audio-decoders family synchronously. Each package ships an Emscripten glue file
// (src/EmscriptenWasm.js) that compiles and instantiates its module through Promises, and Node 20 can only import
// an ES module asynchronously; a clip is decoded inside a synchronous render, so a worker cannot wait for either.
// The glue file is therefore evaluated as a script with `Promise` and `WebAssembly.instantiate` bound to synchronous
// stand-ins, and the module bytes (yEnc + DEFLATE in the glue) are compiled with `new WebAssembly.Module`. Nothing is
// loaded until a codec is first used, so a WAV-only build never pays for it. The versions are pinned in
// package.json: test/audio/*-decode.test.ts decode real files through every glue, so a changed glue fails there.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { inflateRawSync } from 'node:zlib';

/** What every glue exposes once instantiated: the heap (fixed size: these builds cannot grow it) and malloc/free. */
export interface EmscriptenGlue {
  HEAP: ArrayBuffer;
  malloc(bytes: number): number;
  free(ptr: number): void;
}

const require = createRequire(import.meta.url);

interface Loaded {
  /** The glue file, evaluated once: gives its constructor bound to the stand-ins. */
  factory: GlueFactory;
  module: WebAssembly.Module;
  current: EmscriptenGlue;
  /** Set after a trap: replaced before its next use. */
  stale?: boolean;
}
type GlueClass = new (common: unknown) => EmscriptenGlue & { instantiate(): void };
type GlueFactory = (promise: unknown, webAssembly: unknown) => GlueClass;
const loaded = new Map<string, Loaded>();

/**
 * The glue of `pkg` (a package of the family), instantiated on first use, with at least `headroom` bytes free in
 * its heap: these builds cannot grow their heap, and their C wrappers leak a little per stream (opus-decoder's
 * destroy keeps the PCM buffer, ogg-vorbis's the codec setup), so when a malloc of that size fails the instance is
 * replaced by a fresh one. Every stream gets a decoder of its own, so which instance decodes it changes nothing.
 */
export function emscriptenGlue<T extends EmscriptenGlue>(pkg: string, headroom = 0): T {
  let entry = loaded.get(pkg);
  if (!entry) {
    const factory = glueFactory(pkg);
    let wasm: { wasm: string } | null = null;
    const first = start(pkg, factory, (ref) => {
      wasm = ref;
      return null;
    });
    if (wasm === null) throw new Error(`${pkg}: the glue did not ask for its module`);
    const module = new WebAssembly.Module(inflateRawSync(dynDecode((wasm as { wasm: string }).wasm)));
    entry = { factory, module, current: first(module) };
    loaded.set(pkg, entry);
  }
  if (entry.stale) {
    const module = entry.module;
    entry.current = start(pkg, entry.factory, () => module)(module);
    entry.stale = false;
  }
  if (headroom > 0) {
    const probe = entry.current.malloc(headroom);
    if (probe) entry.current.free(probe);
    else {
      const module = entry.module;
      entry.current = start(pkg, entry.factory, () => module)(module);
      const again = entry.current.malloc(headroom);
      if (!again) throw new RangeError(`${pkg}: ${headroom} bytes do not fit in the decoder's heap`);
      entry.current.free(again);
    }
  }
  return entry.current as T;
}

/** Drops the instance of `pkg` (after a trap its heap cannot be trusted): the next use starts a fresh one. */
export function discardEmscriptenGlue(pkg: string): void {
  const entry = loaded.get(pkg);
  if (entry) entry.stale = true;
}

function glueFactory(pkg: string): GlueFactory {
  const file = join(dirname(require.resolve(pkg)), 'src', 'EmscriptenWasm.js');
  const source = readFileSync(file, 'utf8');
  const header = 'export default function EmscriptenWASM';
  if (!source.includes(header)) throw new Error(`${pkg}: ${file} is not the Emscripten glue audiogen knows`);
  return runInThisContext(
    `(function (Promise, WebAssembly) {${source.replace(header, 'return function EmscriptenWASM')}\n})`,
    {
      filename: file,
    },
  );
}

/**
 * A new instance of the glue; `moduleFor` sees the glue's request for its module (the encoded bytes), and the
 * instance starts when the returned function is given the compiled module.
 */
function start(
  pkg: string,
  factory: GlueFactory,
  moduleFor: (ref: { wasm: string }) => unknown,
): (module: WebAssembly.Module) => EmscriptenGlue {
  let failure: unknown = null;
  const webAssembly = {
    instantiate: (module: WebAssembly.Module, imports: Record<string, Record<string, unknown>>) => {
      try {
        return SyncPromise.resolve(new WebAssembly.Instance(module, imports));
      } catch (err) {
        failure = err;
        throw err;
      }
    },
  };
  // The glue asks for its compiled module, then (in the same call) sets up the promise its start resolves: the module
  // is handed over only after that, so the whole chain runs, synchronously, in the right order.
  let release: (module: WebAssembly.Module) => void = () => {};
  const pending = new SyncPromise<WebAssembly.Module>((resolve) => {
    release = resolve;
  });
  const common = {
    getModule: (ref: { wasm: string }) => {
      moduleFor(ref);
      return pending;
    },
    setModule: () => {},
  };
  const Glue = factory(SyncPromise, webAssembly);
  const glue = new Glue(common);
  glue.instantiate();
  return (module) => {
    release(module);
    if (typeof glue.malloc !== 'function') {
      throw new Error(`${pkg}: the decoder did not start (${failure === null ? 'no exports' : String(failure)})`);
    }
    return glue;
  };
}

/**
 * simple-yenc's decode (the family's encoding of the module bytes in the glue), loaded from its CommonJS build:
 * that file is declared an ES module by its package.json, so it is evaluated with an `exports` object of its own.
 */
function dynDecode(text: string): Uint8Array {
  yenc ??= (() => {
    const file = require.resolve('simple-yenc');
    const exports: { decode?: (s: string) => Uint8Array } = {};
    runInThisContext(`(function (exports) {${readFileSync(file, 'utf8')}\n})`, { filename: file })(exports);
    if (typeof exports.decode !== 'function') throw new Error(`simple-yenc: ${file} has no decode function`);
    return exports.decode;
  })();
  return yenc(text);
}
let yenc: ((s: string) => Uint8Array) | undefined;

type Settled<T> = { state: 'pending' } | { state: 'fulfilled'; value: T } | { state: 'rejected'; reason: unknown };

/** A Promise whose callbacks run at once when it settles: enough of one for the glue's chains. */
class SyncPromise<T> {
  private settled: Settled<T> = { state: 'pending' };
  private waiting: (() => void)[] = [];

  constructor(executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void) {
    executor(
      (value) => this.fulfil(value),
      (reason) => this.settle({ state: 'rejected', reason }),
    );
  }

  static resolve<T>(value: T): SyncPromise<T> {
    return new SyncPromise<T>((resolve) => resolve(value));
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, it stands in for the glue's Promises
  then<U>(onFulfilled?: (value: T) => U, onRejected?: (reason: unknown) => U): SyncPromise<U> {
    return new SyncPromise<U>((resolve, reject) => {
      const run = () => {
        const s = this.settled;
        try {
          if (s.state === 'fulfilled') resolve(onFulfilled ? onFulfilled(s.value) : (s.value as unknown as U));
          else if (s.state === 'rejected') {
            if (onRejected) resolve(onRejected(s.reason));
            else reject(s.reason);
          }
        } catch (err) {
          reject(err);
        }
      };
      if (this.settled.state === 'pending') this.waiting.push(run);
      else run();
    });
  }

  private fulfil(value: T): void {
    const thenable = value as { then?: unknown };
    if (value !== null && typeof value === 'object' && typeof thenable.then === 'function') {
      (value as unknown as SyncPromise<T>).then(
        (v) => this.fulfil(v),
        (reason) => this.settle({ state: 'rejected', reason }),
      );
      return;
    }
    this.settle({ state: 'fulfilled', value });
  }

  private settle(s: Settled<T>): void {
    if (this.settled.state !== 'pending') return;
    this.settled = s;
    const waiting = this.waiting;
    this.waiting = [];
    for (const run of waiting) run();
  }
}
