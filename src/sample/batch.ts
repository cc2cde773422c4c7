// Processes one batch: reads each clip and renders it into the batch's rows. Used by workers, by the main process
// with `debug: true`, and by `render` for a single sample.
import { join } from 'node:path';
import { BackgroundNoise } from '../augment/background.js';
import { AudioError } from '../audio/audio-error.js';
import type { DecodedAudio } from '../audio/wav.js';
import { readAudio, type ReadBuffer } from '../audio/read.js';
import { ResampleLimitError } from '../audio/resample.js';
import { NotAFileError } from '../files/read.js';
import { AudiogenError } from '../errors.js';
import type { TypedArray } from '../io/npy.js';
import { bulkRngFor, rngFor } from '../random/rng.js';
import { sampleLength, sampleShapeOf } from '../config/derive.js';
import { callSampleHook, checkNumbers, HookError, loadHooks, type Hooks, type SampleContext } from './hooks.js';
import { castInto } from './normalize.js';
import { drawParams, sampleRng, type SampleParams } from './params.js';
import { SampleRenderer } from './render.js';
import type { BackgroundFile } from '../dataset/background.js';
import type { RirFile } from '../dataset/rir.js';
import { Reverb } from '../augment/reverb.js';
import { loadSimdFFT } from '../dsp/fft-simd.js';
import type { Config, Subset } from '../config/schema.js';
import type { PlacedSample } from '../plan/packed.js';

/**
 * Whether rendering this config's samples can reach PFFFT (simdRealFFT): reverb, and the speed, pitch and VTLP
 * transforms (their STFTs). Otherwise its WebAssembly compile (~50–70 ms of CPU a process) is skipped.
 */
export function needsSimdFFT(config: Config): boolean {
  const g = config.generator;
  if (g.rir_dir !== null) return true;
  return !g.disable_random_transforms && (g.speed_range !== null || g.pitch_range !== null || g.vtlp_range !== null);
}

/** What every worker needs besides the batches: the config, the background-noise and the RIR files. */
export interface WorkContext {
  config: Config;
  background: BackgroundFile[];
  rirs: RirFile[];
}

/** A sample of a batch: its position in the epoch, label, and file relative to the dataset (null for _silence_). */
export type BatchItem = PlacedSample;

/** A batch: consecutive positions of one shard. */
export interface BatchJob {
  subset: Subset;
  epoch: number;
  batchIndex: number;
  items: BatchItem[];
}

// One file buffer per process, grown to the largest clip: reading a clip allocates nothing (the decoders copy out).
const fileBuffer: ReadBuffer = { bytes: Buffer.alloc(1 << 16) };
// A WAV's samples too, when nothing can hold on to them past the sample (a noaugPreprocess hook could).
const reusedSamples: ReadBuffer = { bytes: fileBuffer.bytes, samples: [] };

/**
 * A clip of the dataset, decoded (with `scratch`'s buffers, by default the process's); any failure is an
 * AudiogenError naming the file (relative to the dataset).
 */
export function readClip(datasetDir: string, file: string, scratch: ReadBuffer = fileBuffer): DecodedAudio {
  try {
    return readAudio(join(datasetDir, file), scratch);
  } catch (err) {
    if (err instanceof AudioError) throw new AudiogenError(`${file}: ${err.message}`);
    if (err instanceof NotAFileError) throw new AudiogenError(`${file}: is ${err.what}, not a regular file`);
    throw new AudiogenError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * What a failed augmentation becomes: a buffer it could not allocate (a clip hours long at a high rate, stretched)
 * names the clip, in words, instead of a stack trace from inside a stage; anything else stays as it was.
 */
function augmentFailure(file: string | null, err: unknown): unknown {
  if (!(err instanceof RangeError || err instanceof ResampleLimitError)) return err;
  return new AudiogenError(
    `${file ?? '(a _silence_ clip)'}: too long to augment at this rate and speed: a buffer it needs cannot be allocated (${err.message}); shorten or split the clip, or leave it out of the dataset`,
  );
}

export interface RenderedSample {
  params: SampleParams;
  /** The audio after augmentation, before the frontend (null when getBatch made the row). */
  audio: Float32Array | null;
}

export class BatchProcessor {
  private readonly renderer: SampleRenderer;
  private readonly catalog: { name: string; samples: number }[];
  private readonly rirNames: string[];
  private readonly sampleShape: number[];

  private constructor(
    private readonly context: WorkContext,
    private readonly hooks: Hooks,
  ) {
    const { config, background, rirs } = context;
    const rate = config.frontend.sample_rate_hz;
    const noise = background.length > 0 ? new BackgroundNoise(background, rate) : null;
    this.catalog = noise?.catalog ?? [];
    if (config.generator.rir_dir !== null && rirs.length === 0)
      throw new Error('generator.rir_dir is set but no room impulse responses were listed');
    const reverb = rirs.length > 0 ? new Reverb(rirs, rate, sampleLength(config.frontend)) : null;
    this.rirNames = reverb?.names ?? [];
    this.renderer = new SampleRenderer(config, noise, reverb);
    this.sampleShape = sampleShapeOf(config);
  }

  static async create(context: WorkContext): Promise<BatchProcessor> {
    const hooks = await loadHooks(context.config.hooks);
    if (needsSimdFFT(context.config) || context.rirs.length > 0) await loadSimdFFT();
    return new BatchProcessor(context, hooks);
  }

  get rowElements(): number {
    return this.renderer.rowElements;
  }

  newRows(count: number): TypedArray {
    return this.renderer.newRows(count);
  }

  /**
   * Renders the batch's rows into `rows` (one row per item); `beforeSample(i)` runs before item i (crash reports);
   * `keepAudio` returns a copy of each sample's audio (for `render`).
   */
  render(job: BatchJob, rows: TypedArray, beforeSample?: (item: number) => void, keepAudio = false): RenderedSample[] {
    const { config } = this.context;
    const params = job.items.map((item) =>
      drawParams(config, this.catalog, job.subset, job.epoch, item.position, this.rirNames),
    );
    const n = this.renderer.rowElements;
    if (this.hooks.getBatch) {
      this.runGetBatch(job, params, rows);
      return params.map((p) => ({ params: p, audio: null }));
    }
    const row = this.renderer.newRow();
    return job.items.map((item, i) => {
      beforeSample?.(i);
      const p = params[i];
      const ctx = (shape: number[], hook: string): SampleContext => ({
        classId: item.label,
        className: config.dataset.classes[item.label],
        fileName: item.file,
        batchIndex: job.batchIndex,
        batchClassIds: job.items.map((it) => it.label),
        batchFileNames: job.items.map((it) => it.file),
        settings: config,
        subset: job.subset,
        epoch: job.epoch,
        position: item.position,
        sampleRate: config.frontend.sample_rate_hz,
        params: p,
        shape,
        random: sampleRng(config, job.subset, job.epoch, item.position, `hook:${hook}`),
      });
      const noaug = this.hooks.noaugPreprocess;
      const decoded =
        item.file === null ? null : readClip(config.dataset.directory, item.file, noaug ? fileBuffer : reusedSamples);
      const beforeAugmentation = noaug
        ? (x: Float32Array, rate: number) => {
            const c = { ...ctx([x.length], 'noaugPreprocess'), sampleRate: rate };
            return Float32Array.from(callSampleHook('noaugPreprocess', noaug, x, c, -1));
          }
        : undefined;
      // Only colored noise draws samples (seeding a stream costs ~8 µs, so none is made otherwise).
      const colored = p.noise !== 'none' && p.noise !== 'background';
      const noiseRng = colored
        ? bulkRngFor(config.dataset.seed, job.subset, job.epoch, item.position, 'noise-samples')
        : undefined;
      let audio: Float32Array;
      try {
        audio = this.renderer.renderAudio(decoded, p, noiseRng, beforeAugmentation);
      } catch (err) {
        throw augmentFailure(item.file, err);
      }
      if (this.hooks.preprocess) {
        // A copy of its own: the rendered audio lives in the frontend's memory, reused by the next sample.
        const out = callSampleHook(
          'preprocess',
          this.hooks.preprocess,
          Float32Array.from(audio),
          ctx([audio.length], 'preprocess'),
          audio.length,
        );
        audio.set(out);
      }
      const kept = keepAudio ? Float32Array.from(audio) : null;
      const features = this.renderer.features(audio);
      if (features) this.renderer.maskFeatures(features, p);
      if (this.hooks.postprocess) {
        // After the frontend when it is on (the spectrogram), else on the audio itself, as the reference.
        const value = features ?? audio;
        const shape = features ? this.sampleShape : [audio.length];
        const out = callSampleHook(
          'postprocess',
          this.hooks.postprocess,
          value,
          ctx(shape, 'postprocess'),
          value.length,
        );
        if (features) castInto(out, features);
        else audio.set(out);
      }
      this.renderer.encodeRow(audio, features, row);
      rows.set(row, i * n);
      return { params: p, audio: kept };
    });
  }

  private runGetBatch(job: BatchJob, params: SampleParams[], rows: TypedArray): void {
    const { config } = this.context;
    const files = job.items.map((i) => i.file);
    const first = files.find((f) => f !== null) ?? null;
    let result: unknown;
    try {
      result = this.hooks.getBatch!({
        batchIndex: job.batchIndex,
        subset: job.subset,
        epoch: job.epoch,
        positions: job.items.map((i) => i.position),
        fileNames: files,
        classIds: job.items.map((i) => i.label),
        settings: config,
        sampleShape: this.sampleShape,
        dtype: this.renderer.dtype,
        random: rngFor(config.dataset.seed, job.subset, job.epoch, 'batch', job.batchIndex, 'hook:getBatch'),
        params,
      } as Parameters<NonNullable<Hooks['getBatch']>>[0]);
    } catch (err) {
      throw new HookError('getBatch', first, `batch ${job.batchIndex}: ${(err as Error)?.message ?? String(err)}`);
    }
    const n = this.renderer.rowElements;
    const count = job.items.length;
    if (
      Array.isArray(result) &&
      result.length === count &&
      result.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))
    ) {
      result.forEach((r, i) => {
        castInto(checkNumbers('getBatch', files[i], r, n), rows.subarray(i * n, (i + 1) * n));
      });
    } else {
      castInto(checkNumbers('getBatch', first, result, count * n), rows);
    }
  }
}
