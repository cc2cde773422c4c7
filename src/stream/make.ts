// Making a test stream: held-out clips placed as TensorFlow's generate_streaming_test_wav.py places them, over
// background segments, rendered block by block into stream.wav, labels.csv (label, time_ms, onset_ms) and
// features.npy (the streaming frontend over the same samples), then stream.json. Placements are drawn as the blocks
// reach them and only clips sounding in the current block are held, so memory stays flat however long the stream.
import { resample } from '../audio/resample.js';
import { trimBounds } from '../audio/trim.js';
import { floatToPcm16, mixToMono, wavPcm16Header } from '../audio/wav.js';
import { BackgroundNoise } from '../augment/background.js';
import type { FrontendSettings } from '../config/schema.js';
import type { DatasetListing } from '../dataset/dataset.js';
import { AudiogenError, EXIT } from '../errors.js';
import { StreamingFrontend } from '../frontend/streaming.js';
import { DTYPE_BYTES, npyHeader } from '../io/npy.js';
import type { ReadBuffer } from '../audio/read.js';
import { readClip } from '../sample/batch.js';
import { StreamFiles } from './output.js';
import {
  backgroundCount,
  backgroundGeometry,
  backgroundSegment,
  type BackgroundSegment,
  clipSamples,
  mixInto,
  type StreamSettings,
  WORD_RAMP_SAMPLES,
  wordCount,
  wordPlacement,
  type WordPlacement,
} from './placement.js';

/** Samples rendered at a time: about 16 s at 16 kHz. */
const BLOCK = 1 << 18;

export interface StreamSource {
  /** The held-out subset the clips come from. */
  subset: string;
  datasetDir: string;
  /** Keyword classes (every class but `_unknown_` and `_silence_`), in class order. */
  keywords: string[];
  /** The subset's clips per label (keywords and `_unknown_`), files relative to the dataset directory. */
  clips: Map<string, string[]>;
  background: DatasetListing['background'];
  /** librosa trim threshold for the onset column; null: the onset is the clip's start. */
  trimDb: number | null;
}

export interface StreamSummary {
  samples: number;
  /** Words placed per label. */
  words: Record<string, number>;
  backgroundSegments: number;
  /** features.npy's shape and dtype. */
  frames: number;
  channels: number;
  dtype: string;
}

export interface MakeOptions {
  frontend: { settings: FrontendSettings; dtype: StreamingFrontend['dtype'] };
  /** stream.json's content, from the finished stream's summary. */
  describe: (summary: StreamSummary) => unknown;
  /** Called after each block with the samples made so far. */
  onProgress?: (samples: number) => void;
  signal?: AbortSignal;
}

// Clips are decoded into one reused buffer (copied out at once): a long stream reads thousands of clips, and fresh
// arrays for each would pile up as garbage between collections.
const readBuffer: ReadBuffer = { bytes: Buffer.alloc(1 << 16), samples: [] };

/**
 * A clip as the stream uses it: mono, at the target rate, cropped or zero-padded at its end to one clip, in `audio`
 * (a clip-long buffer reused from word to word).
 */
function loadClip(
  source: StreamSource,
  file: string,
  rate: number,
  audio: Float32Array,
): { audio: Float32Array; onset: number } {
  const decoded = readClip(source.datasetDir, file, readBuffer);
  const mono = resample(mixToMono(decoded), decoded.sampleRate, rate);
  audio.fill(0);
  audio.set(mono.subarray(0, audio.length));
  const onset = source.trimDb === null ? 0 : trimBounds(audio, source.trimDb)[0];
  return { audio, onset };
}

export async function makeStream(
  settings: StreamSettings,
  source: StreamSource,
  outDir: string,
  opts: MakeOptions,
): Promise<StreamSummary> {
  const rate = settings.sampleRate;
  const clipLength = clipSamples(settings);
  const clipsPerLabel = new Map([...source.clips].map(([label, files]) => [label, files.length]));
  const noise =
    source.background.length > 0 && settings.backgroundVolume > 0 ? new BackgroundNoise(source.background, rate) : null;
  const catalog = noise?.catalog ?? [];
  const fileLengths = catalog.map((c) => c.samples);
  const backgroundClips = catalog.map((c) => noise!.clip(c.name));
  const bg = backgroundGeometry(settings);
  const segments = backgroundCount(settings, catalog.length);
  const slots = wordCount(settings);

  const frontend = new StreamingFrontend(opts.frontend.settings, opts.frontend.dtype);
  const frames = StreamingFrontend.framesIn(opts.frontend.settings, settings.totalSamples);
  const bytesPerValue = DTYPE_BYTES[frontend.dtype];
  const files = new StreamFiles(outDir);
  const counts: Record<string, number> = {};
  try {
    files.write('stream.wav', wavPcm16Header(settings.totalSamples, rate));
    files.write('features.npy', npyHeader(frontend.dtype, [frames, frontend.channels]));
    const writeFrames = (values: { buffer: ArrayBufferLike; byteOffset: number }, count: number) => {
      files.write(
        'features.npy',
        new Uint8Array(values.buffer, values.byteOffset, count * frontend.channels * bytesPerValue),
      );
    };
    const block = new Float32Array(BLOCK);
    const pcm = new Int16Array(BLOCK);
    // What sounds in the current block, and the next placement of each kind not yet reached.
    const activeSegments: BackgroundSegment[] = [];
    const activeWords: { w: WordPlacement; audio: Float32Array }[] = [];
    // Clip buffers of words that have ended, for the next words: a long stream allocates few.
    const spare: Float32Array[] = [];
    let nextSegment = 0;
    let nextSlot = 0;
    for (let start = 0; start < settings.totalSamples; start += BLOCK) {
      if (opts.signal?.aborted) {
        throw new AudiogenError(
          `interrupted by ${String(opts.signal.reason ?? 'a signal')}: the unfinished stream was removed`,
          EXIT.interrupted,
        );
      }
      const n = Math.min(BLOCK, settings.totalSamples - start);
      const end = start + n;
      const view = block.subarray(0, n);
      view.fill(0);
      // Background first, then the words on top, as TF mixes them.
      while (nextSegment < segments && nextSegment * bg.stride < end) {
        activeSegments.push(backgroundSegment(settings, fileLengths, nextSegment++));
      }
      for (const seg of activeSegments) {
        mixInto(
          view,
          start,
          backgroundClips[seg.file],
          seg.fileOffset,
          seg.offset,
          bg.duration,
          seg.volume,
          bg.ramp,
          bg.ramp,
        );
      }
      dropFinished(activeSegments, (seg) => seg.offset + bg.duration <= end);
      while (nextSlot < slots) {
        const w = wordPlacement(settings, source.keywords, clipsPerLabel, nextSlot);
        // A slot's word starts within its slot: slots beyond this block start beyond it too.
        if (w !== null && w.offset >= end) break;
        nextSlot++;
        if (w === null) continue;
        const buffer = spare.pop() ?? new Float32Array(clipLength);
        const clip = loadClip(source, source.clips.get(w.label)![w.clip], rate, buffer);
        activeWords.push({ w, audio: clip.audio });
        files.write('labels.csv', Buffer.from(labelLine(w, clip.onset, rate)));
        counts[w.label] = (counts[w.label] ?? 0) + 1;
      }
      for (const { w, audio } of activeWords) {
        mixInto(view, start, audio, 0, w.offset, clipLength, 1, WORD_RAMP_SAMPLES, WORD_RAMP_SAMPLES);
      }
      dropFinished(activeWords, ({ w, audio }) => {
        const done = w.offset + clipLength <= end;
        if (done) spare.push(audio);
        return done;
      });
      const out = pcm.subarray(0, n);
      floatToPcm16(view, out);
      files.write('stream.wav', new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      frontend.push(out, writeFrames);
      opts.onProgress?.(end);
      // A long stream stays interruptible.
      await new Promise((r) => setImmediate(r));
    }
    if (frontend.frames !== frames) throw new Error(`features: ${frontend.frames} frames made, ${frames} announced`);
    const summary: StreamSummary = {
      samples: settings.totalSamples,
      words: counts,
      backgroundSegments: segments,
      frames,
      channels: frontend.channels,
      dtype: frontend.dtype,
    };
    files.commit(opts.describe(summary));
    return summary;
  } catch (err) {
    files.abort();
    throw err;
  }
}

/** Removes, in place, the entries `done` says are finished (they are few: the ones sounding in one block). */
function dropFinished<T>(list: T[], done: (item: T) => boolean): void {
  let kept = 0;
  for (const item of list) if (!done(item)) list[kept++] = item;
  list.length = kept;
}

/** TF's labels line (`label, time_ms` with %f) plus the word's onset: the clip's start plus its trimmed start. */
function labelLine(w: WordPlacement, onset: number, rate: number): string {
  return `${w.label}, ${((w.offset * 1000) / rate).toFixed(6)}, ${(((w.offset + onset) * 1000) / rate).toFixed(6)}\n`;
}
