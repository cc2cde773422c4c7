// Where everything goes in a test stream, as TensorFlow's generate_streaming_test_wav.py places it: background
// segments one clip apart, each a clip plus 500 ms long with 250 ms ramps so neighbours cross-fade; a word every
// clip + gap, at a random point of the gap; unknown words at a given percentage. Every draw comes from a stream
// keyed by what it is for and its index, so a placement never depends on another's draws.
import { randomIndex, rngFor, uniform } from '../random/rng.js';

export interface StreamSettings {
  sampleRate: number;
  /** One clip (sample_length_ms): the word slot, and the background stride. */
  clipMs: number;
  /** Samples of the whole stream. */
  totalSamples: number;
  wordGapMs: number;
  /** Percent of word slots given an `_unknown_` word (TF's --unknown_percentage). */
  unknownPercentage: number;
  /** Background volumes are drawn uniformly in [0, this). */
  backgroundVolume: number;
  /** No keyword at all: every word slot an `_unknown_` word (for false accepts per hour). */
  negativeOnly: boolean;
  seed: number;
}

export interface BackgroundSegment {
  /** Start in the stream (samples). */
  offset: number;
  /** Index into the background files, and the start within it (samples at the target rate). */
  file: number;
  fileOffset: number;
  volume: number;
}

export interface WordPlacement {
  offset: number;
  /** A keyword, or `_unknown_`. */
  label: string;
  /** Index into that label's clips. */
  clip: number;
}

export const UNKNOWN = '_unknown_';
/** TF: background segments overlap their neighbours by this much, cross-faded over half of it each side. */
const BACKGROUND_CROSSOVER_MS = 500;
/** TF mixes each word in with 500-sample ramps at volume 1. */
export const WORD_RAMP_SAMPLES = 500;

/** Samples in `ms` milliseconds, as TF computes them: int(ms × rate / 1000). */
const samplesIn = (s: StreamSettings, ms: number) => Math.floor((ms * s.sampleRate) / 1000);

export const clipSamples = (s: StreamSettings) => samplesIn(s, s.clipMs);

export function backgroundGeometry(s: StreamSettings): { duration: number; stride: number; ramp: number } {
  return {
    duration: samplesIn(s, s.clipMs + BACKGROUND_CROSSOVER_MS),
    stride: samplesIn(s, s.clipMs),
    ramp: samplesIn(s, BACKGROUND_CROSSOVER_MS / 2),
  };
}

/** How many background segments the stream has: one per clip stride started (TF: ceil(total / stride)). */
export function backgroundCount(s: StreamSettings, files: number): number {
  if (files === 0 || s.backgroundVolume <= 0) return 0;
  return Math.ceil(s.totalSamples / backgroundGeometry(s).stride);
}

/** Background segment `i`; `fileLengths` are the files' lengths at the target rate. */
export function backgroundSegment(s: StreamSettings, fileLengths: readonly number[], i: number): BackgroundSegment {
  const rng = rngFor(s.seed, 'stream', 'background', i);
  const file = randomIndex(rng, fileLengths.length);
  // TF: randint(0, len - desired_samples); a file no longer than a clip is used from its start.
  const room = fileLengths[file] - clipSamples(s);
  const fileOffset = room > 0 ? randomIndex(rng, room) : 0;
  return { offset: i * backgroundGeometry(s).stride, file, fileOffset, volume: uniform(rng, 0, s.backgroundVolume) };
}

/** Background segments over the whole stream (what the stream maker draws one at a time). */
export function placeBackground(s: StreamSettings, fileLengths: readonly number[]): BackgroundSegment[] {
  return Array.from({ length: backgroundCount(s, fileLengths.length) }, (_, i) => backgroundSegment(s, fileLengths, i));
}

/** How many word slots the stream has: one per clip + gap that fits whole (TF: floor(total / stride)). */
export function wordCount(s: StreamSettings): number {
  return Math.floor(s.totalSamples / samplesIn(s, s.clipMs + s.wordGapMs));
}

/**
 * Word slot `i`, or null when its label has no held-out clips (the slot stays empty); `clipsPerLabel` counts the
 * held-out clips of each keyword and of `_unknown_`.
 */
export function wordPlacement(
  s: StreamSettings,
  keywords: readonly string[],
  clipsPerLabel: ReadonlyMap<string, number>,
  i: number,
): WordPlacement | null {
  const gap = samplesIn(s, s.wordGapMs);
  const stride = samplesIn(s, s.clipMs + s.wordGapMs);
  const rng = rngFor(s.seed, 'stream', 'word', i);
  const offset = i * stride + (gap > 0 ? randomIndex(rng, gap) : 0);
  const unknown = s.negativeOnly || randomIndex(rng, 100) < s.unknownPercentage;
  const label = unknown ? UNKNOWN : keywords[randomIndex(rng, keywords.length)];
  const clips = clipsPerLabel.get(label) ?? 0;
  if (clips === 0) return null;
  return { offset, label, clip: randomIndex(rng, clips) };
}

/** Word slots over the whole stream, empty ones left out (what the stream maker draws one at a time). */
export function placeWords(
  s: StreamSettings,
  keywords: readonly string[],
  clipsPerLabel: ReadonlyMap<string, number>,
): WordPlacement[] {
  const out: WordPlacement[] = [];
  for (let i = 0; i < wordCount(s); i++) {
    const w = wordPlacement(s, keywords, clipsPerLabel, i);
    if (w !== null) out.push(w);
  }
  return out;
}

/**
 * track[trackStart …] += source[sourceStart + i] × envelope(i) × volume for i in [0, duration), where the segment
 * lies within `block` (block starts at stream sample `blockStart`): TF's mix_in_audio_sample, one block at a time.
 * The envelope ramps up over `rampIn` samples and down over the last `rampOut` (i > duration − rampOut).
 */
export function mixInto(
  block: Float32Array,
  blockStart: number,
  source: Float32Array,
  sourceStart: number,
  trackStart: number,
  duration: number,
  volume: number,
  rampIn: number,
  rampOut: number,
): void {
  // As TF: the segment ends at its duration, at the end of the source, or at the end of the stream (the block's).
  const length = Math.min(duration, source.length - sourceStart);
  const from = Math.max(0, blockStart - trackStart);
  const to = Math.min(length, blockStart + block.length - trackStart);
  const rampOutIndex = duration - rampOut;
  for (let i = from; i < to; i++) {
    const envelope = i < rampIn ? i / rampIn : i > rampOutIndex ? (duration - i) / rampOut : 1;
    block[trackStart + i - blockStart] += source[sourceStart + i] * envelope * volume;
  }
}
