// `audiogen features`: only the frontend (no augmentation, no trim) on given clips, to check them against firmware or
// a Python pipeline.
import type { DecodedAudio } from '../audio/wav.js';
import { statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { loadConfigWarned } from './options.js';
import { frontendDtypeOf, isFloatFrontend } from '../config/derive.js';
import type { FrontendDtype } from '../config/schema.js';
import { mixToMono } from '../audio/wav.js';
import { readAudio } from '../audio/read.js';
import { NotAFileError, readRegularFile } from '../files/read.js';
import { resample } from '../audio/resample.js';
import { Spectrogram } from '../frontend/spectrogram.js';
import { frontendAlwaysCheck } from '../frontend/frontend.js';
import { AudiogenError, EXIT } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../io/atomic.js';
import { decodeNpy, encodeNpy } from '../io/npy.js';
import { placeClip } from '../sample/render.js';

/**
 * A clip of exactly `samples` float samples in [-1, 1]: an audio file (any format audiogen reads) resampled to `rate`, or a .npy at `rate` (int16 PCM,
 * or float32 audio in [-1, 1]), cropped or zero-padded at the end.
 */
export function loadClip(path: string, rate: number, samples: number): Float32Array {
  const clip = new Float32Array(samples);
  let audio: DecodedAudio;
  try {
    if (extname(path).toLowerCase() === '.npy') {
      const arr = decodeNpy(readRegularFile(path));
      if ((arr.dtype !== 'int16' && arr.dtype !== 'float32') || arr.shape.length !== 1) {
        throw new AudiogenError(
          `${path}: expected a 1-D .npy of int16 PCM or float32 audio in [-1, 1] at ${rate} Hz, got ${arr.dtype} of shape (${arr.shape.join(', ')})`,
        );
      }
      const data = arr.data.subarray(0, samples);
      if (data instanceof Int16Array) {
        // Exact: every int16 / 32768 is a float32, and the microfrontend's ×32768 gives the int16 back.
        for (let i = 0; i < data.length; i++) clip[i] = data[i] / 32768;
        return clip;
      }
      const bad = (data as Float32Array).findIndex((v) => !(v >= -1 && v <= 1));
      if (bad >= 0) {
        throw new AudiogenError(
          `${path}: sample ${bad} is ${data[bad]}: float32 audio must lie in [-1, 1] (scale it, or give int16 PCM)`,
        );
      }
      clip.set(data);
      return clip;
    }
    audio = readAudio(path);
  } catch (err) {
    if (err instanceof AudiogenError) throw err;
    if (err instanceof NotAFileError) throw new AudiogenError(`${path}: is ${err.what}, not a regular file`);
    const code = (err as NodeJS.ErrnoException).code;
    throw new AudiogenError(`${path}: ${code ? `cannot read (${code})` : (err as Error).message}`);
  }
  placeClip(resample(mixToMono(audio), audio.sampleRate, rate), clip, 0);
  return clip;
}

/** Where each input's spectrogram goes; two inputs with one output, or an output that is an input, are usage errors. */
export function outputPaths(inputs: readonly string[], outDir: string): string[] {
  const identity = (path: string) => {
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? `${st.dev}:${st.ino}` : null;
  };
  const inputAt = new Map<string, string>();
  for (const input of inputs) {
    let id: string | null = null;
    try {
      id = identity(input);
    } catch {} // unreadable: reported when it is read
    if (id !== null) inputAt.set(id, input);
  }
  const owner = new Map<string, string>();
  return inputs.map((input) => {
    const path = join(outDir, `${basename(input, extname(input))}.npy`);
    const other = owner.get(path);
    if (other !== undefined) {
      throw new AudiogenError(
        `${other} and ${input} would both be written to ${path}: give the inputs distinct base names, or run them separately`,
        EXIT.config,
      );
    }
    owner.set(path, input);
    let id: string | null = null;
    try {
      id = identity(path);
    } catch {}
    const clash = id === null ? undefined : inputAt.get(id);
    if (clash !== undefined) {
      throw new AudiogenError(
        `${clash}: --out would write ${path} over this input; features never overwrites an input, choose another --out folder`,
        EXIT.config,
      );
    }
    return path;
  });
}

/** The `features` command's action (its declaration, options and help are in commands.ts). */
export function runFeatures(
  inputs: string[],
  flags: { config: string; out: string; variant?: string; json?: boolean },
): void {
  const overrides =
    flags.variant === undefined ? [] : [{ path: ['frontend', 'variant'], value: flags.variant, flag: '--variant' }];
  // The frontend runs here even when a build would not run it (frontend_enabled: false): its rules always apply.
  const { config } = loadConfigWarned(flags.config, overrides, [frontendAlwaysCheck]);
  const dtype: FrontendDtype = frontendDtypeOf(config);
  const spectrogram = new Spectrogram(config.frontend, dtype);
  // Every output is checked, and every input read, before anything is written.
  const paths = outputPaths(inputs, resolve(flags.out));
  const shape = [spectrogram.frames, spectrogram.channels];
  const results: {
    input: string;
    output: string;
    shape: number[];
    dtype: FrontendDtype;
    activity_detected: boolean;
  }[] = [];
  const files: { path: string; bytes: Uint8Array }[] = [];
  const skipped: string[] = [];
  inputs.forEach((input, i) => {
    let clip: Float32Array;
    try {
      clip = loadClip(input, config.frontend.sample_rate_hz, spectrogram.samples);
    } catch (err) {
      if (!(err instanceof AudiogenError) || config.generator.on_error === 'fail') {
        if (err instanceof AudiogenError) err.message += ' (set generator.on_error: skip to leave bad files out)';
        throw err;
      }
      skipped.push(err.message);
      return;
    }
    const values = spectrogram.run(clip);
    files.push({ path: paths[i], bytes: encodeNpy(values, dtype, shape) });
    results.push({ input, output: paths[i], shape, dtype, activity_detected: spectrogram.activity });
  });
  if (files.length > 0) ensureDir(resolve(flags.out));
  for (const f of files) writeFileAtomic(f.path, f.bytes);
  for (const s of skipped) process.stderr.write(`skipped (generator.on_error: skip): ${s}\n`);
  const detects = !isFloatFrontend(config.frontend) && config.frontend.activity_detection_enable;
  if (flags.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else
    for (const r of results)
      process.stderr.write(
        `${r.input} -> ${r.output} [${r.shape.join(', ')}] ${r.dtype}${detects ? `, activity ${r.activity_detected ? 'detected' : 'not detected'}` : ''}\n`,
      );
}
