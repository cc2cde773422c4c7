// Making a test stream: held-out clips placed as TensorFlow's generate_streaming_test_wav.py places them, over
// background segments, written block by block (memory stays flat however long the stream): stream.wav, labels.csv
// (label, time_ms, onset_ms) and stream.json; each finished block also goes to `onBlock` (the streaming frontend).
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { resample } from '../audio/resample.js';
import { trimBounds } from '../audio/trim.js';
import { floatToPcm16, mixToMono, wavPcm16Header } from '../audio/wav.js';
import { BackgroundNoise } from '../augment/background.js';
import type { DatasetListing } from '../dataset/dataset.js';
import { InterruptedError } from '../errors.js';
import { ensureDir, outputError, tmpName, writeFileAtomic } from '../io/atomic.js';
import { readClip } from '../sample/batch.js';
import {
  backgroundGeometry,
  clipSamples,
  mixInto,
  placeBackground,
  placeWords,
  type StreamSettings,
  WORD_RAMP_SAMPLES,
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
  words: Record<string, number>;
  backgroundSegments: number;
}

/** A clip as the stream uses it: mono, at the target rate, cropped or zero-padded at its end to one clip. */
function loadClip(
  source: StreamSource,
  file: string,
  rate: number,
  length: number,
): { audio: Float32Array; onset: number } {
  const decoded = readClip(source.datasetDir, file);
  const mono = resample(mixToMono(decoded), decoded.sampleRate, rate);
  const audio = new Float32Array(length);
  audio.set(mono.subarray(0, length));
  const onset = source.trimDb === null ? 0 : trimBounds(audio, source.trimDb)[0];
  return { audio, onset };
}

export async function makeStream(
  settings: StreamSettings,
  source: StreamSource,
  outDir: string,
  opts: { onBlock?: (pcm: Int16Array) => void; signal?: AbortSignal } = {},
): Promise<StreamSummary> {
  const rate = settings.sampleRate;
  const clipLength = clipSamples(settings);
  const clipsPerLabel = new Map([...source.clips].map(([label, files]) => [label, files.length]));
  const words = placeWords(settings, source.keywords, clipsPerLabel);
  const noise =
    source.background.length > 0 && settings.backgroundVolume > 0 ? new BackgroundNoise(source.background, rate) : null;
  const catalog = noise?.catalog ?? [];
  const segments = placeBackground(
    settings,
    catalog.map((c) => c.samples),
  );
  const bg = backgroundGeometry(settings);
  const backgroundClips = catalog.map((c) => noise!.clip(c.name));

  ensureDir(outDir);
  const wavPath = join(outDir, 'stream.wav');
  const fd = openTmp(wavPath);
  const labels: string[] = [];
  const counts: Record<string, number> = {};
  try {
    write(fd, wavPcm16Header(settings.totalSamples, rate), wavPath);
    const block = new Float32Array(BLOCK);
    const pcm = new Int16Array(BLOCK);
    const loaded = new Map<WordPlacement, { audio: Float32Array; onset: number }>();
    let nextWord = 0;
    let nextSegment = 0;
    for (let start = 0; start < settings.totalSamples; start += BLOCK) {
      if (opts.signal?.aborted) throw new InterruptedError(String(opts.signal.reason ?? 'a signal'));
      const n = Math.min(BLOCK, settings.totalSamples - start);
      const view = block.subarray(0, n);
      view.fill(0);
      // Background first, then the words on top, as TF mixes them; segments and words come in stream order.
      while (nextSegment < segments.length && segments[nextSegment].offset + bg.duration <= start) nextSegment++;
      for (let i = nextSegment; i < segments.length && segments[i].offset < start + n; i++) {
        const seg = segments[i];
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
      while (nextWord < words.length && words[nextWord].offset + clipLength <= start) loaded.delete(words[nextWord++]);
      for (let i = nextWord; i < words.length && words[i].offset < start + n; i++) {
        const w = words[i];
        let clip = loaded.get(w);
        if (!clip) {
          clip = loadClip(source, source.clips.get(w.label)![w.clip], rate, clipLength);
          loaded.set(w, clip);
          labels.push(labelLine(w, clip.onset, rate));
          counts[w.label] = (counts[w.label] ?? 0) + 1;
        }
        mixInto(view, start, clip.audio, 0, w.offset, clipLength, 1, WORD_RAMP_SAMPLES, WORD_RAMP_SAMPLES);
      }
      const out = pcm.subarray(0, n);
      floatToPcm16(view, out);
      write(fd, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), wavPath);
      opts.onBlock?.(out);
      // A long stream stays interruptible.
      await new Promise((r) => setImmediate(r));
    }
    closeSync(fd);
  } catch (err) {
    closeQuietly(fd);
    rmSync(tmpName(wavPath), { force: true });
    throw err;
  }
  renameSync(tmpName(wavPath), wavPath);
  writeFileAtomic(join(outDir, 'labels.csv'), labels.join(''));
  return { samples: settings.totalSamples, words: counts, backgroundSegments: segments.length };
}

/** TF's labels line (`label, time_ms` with %f) plus the word's onset: the clip's start plus its trimmed start. */
function labelLine(w: WordPlacement, onset: number, rate: number): string {
  return `${w.label}, ${((w.offset * 1000) / rate).toFixed(6)}, ${(((w.offset + onset) * 1000) / rate).toFixed(6)}\n`;
}

function openTmp(path: string): number {
  try {
    return openSync(tmpName(path), 'w');
  } catch (err) {
    throw outputError(tmpName(path), err);
  }
}

function write(fd: number, data: Uint8Array, path: string): void {
  try {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
  } catch (err) {
    throw outputError(path, err);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
