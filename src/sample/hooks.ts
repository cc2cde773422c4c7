// User hooks: an ES module named by the config's `hooks` key, loaded in every worker (and in the build for the
// listing hook). Its exports take the reference's callbacks' places; a seeded `random` keeps them deterministic.
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import type { Config, Subset } from '../config/schema.js';
import { AudiogenError, EXIT } from '../errors.js';
import { importModule } from '../files/import.js';
import { NotAFileError, readRegularFile } from '../files/read.js';
import type { TypedArray } from '../io/npy.js';
import type { Rng } from '../random/rng.js';
import type { ListValidFilenames } from '../dataset/dataset.js';
import type { SampleParams } from './params.js';

/** What a per-sample hook receives besides the sample (the reference's arguments, plus a seeded generator). */
export interface SampleContext {
  classId: number;
  className: string;
  /** Relative to the dataset directory; null for _silence_. */
  fileName: string | null;
  batchIndex: number;
  batchClassIds: number[];
  batchFileNames: (string | null)[];
  settings: Config;
  subset: Subset;
  epoch: number;
  position: number;
  sampleRate: number;
  /** The drawn augmentation parameters of this sample. */
  params: SampleParams;
  /** Shape of the value passed in (e.g. [frames, channels, 1] for postprocess). */
  shape: number[];
  /** A uniform [0, 1) stream of this sample's own, for this hook. */
  random: Rng;
}

export interface BatchContext {
  batchIndex: number;
  subset: Subset;
  epoch: number;
  positions: number[];
  fileNames: (string | null)[];
  classIds: number[];
  settings: Config;
  /** Shape and dtype of one row of x. */
  sampleShape: number[];
  dtype: string;
  /** The drawn augmentation parameters of each sample (recorded in the index CSV). */
  params: SampleParams[];
  random: Rng;
}

type SampleHook = (x: Float32Array | TypedArray, ctx: SampleContext) => ArrayLike<number>;

export interface Hooks {
  noaugPreprocess?: SampleHook;
  preprocess?: SampleHook;
  postprocess?: SampleHook;
  /** Replaces the per-batch processing: returns the batch's x rows (an array of rows, or one flat array). */
  getBatch?: (batch: BatchContext) => ArrayLike<number> | ArrayLike<number>[];
  /** Replaces the per-class listing: the reference's signature, returns [className, files] or files. */
  listValidFilenames?: ListValidFilenames;
}

const NAMES = ['noaugPreprocess', 'preprocess', 'postprocess', 'getBatch', 'listValidFilenames'] as const;

/** The hook code running right now, if any: a process.exit() from it must not pass for a successful run. */
let running: string | null = null;
let exitWatch = false;

function watchExit(): void {
  if (exitWatch) return;
  exitWatch = true;
  process.on('exit', (code) => {
    if (running === null) return;
    // Node reads process.exitCode after the 'exit' listeners: the run fails, naming the hook.
    process.stderr.write(
      `audiogen: ${running} called process.exit(${code}); hooks must return a value, not end the process\n`,
    );
    process.exitCode = EXIT.failed;
  });
}

function guarded<F extends (...args: never[]) => unknown>(what: string, fn: F): F {
  return ((...args: Parameters<F>) => {
    const outer = running;
    running = what;
    try {
      return fn(...args);
    } finally {
      running = outer;
    }
  }) as F;
}

export async function loadHooks(path: string | null): Promise<Hooks> {
  if (path === null) return {};
  // A FIFO or device under the module's name would block the import: only a regular file is loaded.
  hooksSource(path);
  watchExit();
  let mod: Record<string, unknown>;
  running = `the hooks module ${path}, while loading,`;
  try {
    mod = (await importModule(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new AudiogenError(`hooks: cannot load ${path}: ${(err as Error).message}`);
  } finally {
    running = null;
  }
  const hooks: Record<string, unknown> = {};
  for (const name of NAMES) {
    if (mod[name] === undefined) continue;
    if (typeof mod[name] !== 'function')
      throw new AudiogenError(`hooks: ${path} exports ${name}, but it is not a function`);
    hooks[name] = guarded(`hook ${name} (${path})`, mod[name] as (...args: never[]) => unknown);
  }
  if (Object.keys(hooks).length === 0) {
    throw new AudiogenError(`hooks: ${path} exports none of ${NAMES.join(', ')}`);
  }
  return hooks as Hooks;
}

/** A fingerprint of the hook module's source (it shapes the output, so it is part of what a resume checks). */
export function hooksHash(path: string | null): string {
  return path === null ? '' : createHash('sha256').update(hooksSource(path)).digest('hex');
}

function hooksSource(path: string): Buffer {
  try {
    return readRegularFile(path);
  } catch (err) {
    const why =
      err instanceof NotAFileError
        ? `it is ${err.what}, not a module file`
        : `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    throw new AudiogenError(`hooks: ${path}: ${why}`, EXIT.config);
  }
}

export class HookError extends AudiogenError {
  constructor(hook: string, file: string | null, message: string) {
    super(`hook ${hook} failed on ${file ?? '(a _silence_ clip)'}: ${message}`);
  }
}

/** Calls a per-sample hook and checks it returned `expectedLength` numbers (any count when < 0); failures name the hook and file. */
export function callSampleHook(
  name: string,
  hook: SampleHook,
  x: Float32Array | TypedArray,
  ctx: SampleContext,
  expectedLength: number,
): ArrayLike<number> {
  let result: unknown;
  try {
    result = hook(x, ctx);
  } catch (err) {
    throw new HookError(name, ctx.fileName, (err as Error)?.message ?? String(err));
  }
  return checkNumbers(name, ctx.fileName, result, expectedLength);
}

export function checkNumbers(
  name: string,
  file: string | null,
  result: unknown,
  expectedLength: number,
): ArrayLike<number> {
  if (result instanceof Promise)
    throw new HookError(name, file, 'returned a Promise; hooks must return their result synchronously');
  const isArrayLike = Array.isArray(result) || (ArrayBuffer.isView(result) && !(result instanceof DataView));
  const want = expectedLength < 0 ? 'numbers' : `${expectedLength} numbers`;
  if (!isArrayLike)
    throw new HookError(
      name,
      file,
      `returned ${result === null ? 'null' : typeof result}, expected an array of ${want}`,
    );
  const arr = result as ArrayLike<number>;
  if (expectedLength >= 0 && arr.length !== expectedLength)
    throw new HookError(name, file, `returned ${arr.length} values, expected ${expectedLength}`);
  for (let i = 0; i < arr.length; i++) {
    if (typeof arr[i] !== 'number' && typeof arr[i] !== 'bigint')
      throw new HookError(name, file, `value ${i} is ${typeof arr[i]}, not a number`);
  }
  return arr;
}
