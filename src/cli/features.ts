// `audiogen features`: only the frontend (no augmentation, no trim) on given clips, to check them against firmware.
import { readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { frontendDtypeOf } from '../config/derive.js';
import type { FrontendDtype } from '../config/schema.js';
import { decodeWav, mixToMono, WavError } from '../audio/wav.js';
import { resample } from '../audio/resample.js';
import { AudioFeatureGenerator, floatToInt16 } from '../frontend/frontend.js';
import { AudiogenError, EXIT } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../io/atomic.js';
import { allocTyped, decodeNpy, encodeNpy } from '../io/npy.js';
import { placeClip } from '../pipeline/sample.js';

/** int16 PCM of exactly `samples`: a WAV resampled to `rate`, or an int16 .npy, cropped or zero-padded at the end. */
export function loadPcm(path: string, rate: number, samples: number): Int16Array {
  const bytes = readFileSync(path);
  const pcm = new Int16Array(samples);
  if (extname(path).toLowerCase() === '.npy') {
    let arr;
    try {
      arr = decodeNpy(bytes);
    } catch (err) {
      throw new AudiogenError(`${path}: ${(err as Error).message}`);
    }
    if (arr.dtype !== 'int16' || arr.shape.length !== 1) {
      throw new AudiogenError(`${path}: expected a 1-D int16 .npy of PCM at ${rate} Hz, got ${arr.dtype} of shape (${arr.shape.join(', ')})`);
    }
    pcm.set(arr.data.subarray(0, samples) as Int16Array);
    return pcm;
  }
  let audio;
  try {
    audio = decodeWav(bytes);
  } catch (err) {
    if (err instanceof WavError) throw new AudiogenError(`${path}: ${err.message}`);
    throw err;
  }
  const clip = new Float32Array(samples);
  placeClip(resample(mixToMono(audio), audio.sampleRate, rate), clip, 0);
  floatToInt16(clip, pcm);
  return pcm;
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description('run only the frontend on .wav or int16 .npy clips and write each spectrogram as .npy')
    .requiredOption('-c, --config <file>', 'config whose frontend settings (and generator.frontend_dtype / dtype) to use')
    .requiredOption('--out <dir>', 'folder for <input basename>.npy')
    .option('--variant <name>', 'frontend variant: mltk or tflm (overrides frontend.variant)')
    .option('--json', 'print, per input, the output path, shape and whether activity was detected')
    .argument('<inputs...>', '.wav files (resampled, cropped/zero-padded to the sample length) or .npy int16 PCM')
    .action((inputs: string[], flags: { config: string; out: string; variant?: string; json?: boolean }) => {
      const overrides = flags.variant === undefined ? [] : [{ path: ['frontend', 'variant'], value: flags.variant, flag: '--variant' }];
      const { config } = loadConfig(flags.config, overrides);
      const dtype: FrontendDtype = frontendDtypeOf(config);
      const frontend = new AudioFeatureGenerator(config.frontend);
      const raw = new Uint16Array(frontend.frames * frontend.channels);
      const out = allocTyped(dtype, raw.length);
      const outDir = resolve(flags.out);
      ensureDir(outDir);
      const seen = new Set<string>();
      const results = inputs.map((input) => {
        const name = `${basename(input, extname(input))}.npy`;
        if (seen.has(name)) throw new AudiogenError(`${input}: another input also writes ${name}; give inputs distinct names`, EXIT.config);
        seen.add(name);
        let pcm: Int16Array;
        try {
          pcm = loadPcm(input, config.frontend.sample_rate_hz, frontend.samples);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code) throw new AudiogenError(`${input}: cannot read (${(err as NodeJS.ErrnoException).code})`);
          throw err;
        }
        const activity = frontend.process(pcm, raw);
        if (dtype === 'int8') frontend.toInt8(raw, out as Int8Array);
        else if (dtype === 'float32') frontend.toFloat32(raw, out as Float32Array);
        const shape = [frontend.frames, frontend.channels];
        const path = join(outDir, name);
        writeFileAtomic(path, encodeNpy(dtype === 'uint16' ? raw : out, dtype, shape));
        return { input, output: path, shape, dtype, activity_detected: activity };
      });
      if (flags.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      else for (const r of results) process.stderr.write(`${r.input} -> ${r.output} [${r.shape.join(', ')}] ${r.dtype}${config.frontend.activity_detection_enable ? `, activity ${r.activity_detected ? 'detected' : 'not detected'}` : ''}\n`);
    });
}
