// Values derived from a validated config: sample length, output shapes and dtypes, subsets, worker count.
import { availableParallelism } from 'node:os';
import type { Config, FloatFrontendSettings, FrontendSettings, Subset, FrontendDtype } from './schema.js';
import { SUBSETS } from './names.js';

/** Audio samples per clip at the target rate (MLTK: int(sample_rate_hz * sample_length_ms / 1000)). */
export function sampleLength(f: Pick<FrontendSettings, 'sample_rate_hz' | 'sample_length_ms'>): number {
  return Math.floor((f.sample_rate_hz * f.sample_length_ms) / 1000);
}

/** The subsets a build bakes: output.subsets, else every subset the config gives samples (training always). */
export function subsetsOf(config: Config): Subset[] {
  if (config.output.subsets) return config.output.subsets;
  return SUBSETS.filter((s) => s === 'training' || subsetSource(config, s) !== null);
}

/**
 * What gives a subset its samples: a split fraction, a split list or the manifest's subset column, named as the key
 * that does it; null when nothing does (training is what the others leave, or what the subset column names).
 */
export function subsetSource(config: Config, subset: Subset): string | null {
  const d = config.dataset;
  const g = config.generator;
  if (d.manifest !== null && d.columns?.subset) {
    const named = d.subset_names === null || d.subset_names[subset] !== undefined;
    return named ? 'dataset.columns.subset' : null;
  }
  if (subset === 'training') return 'the files no other subset takes';
  if (d.split_lists?.[subset] !== undefined) return `dataset.split_lists.${subset}`;
  const fraction = subset === 'validation' ? g.validation_split : g.testing_split;
  return fraction > 0 ? `generator.${subset}_split` : null;
}

/** Whether the frontend is a float one (log_mel, mfcc) rather than the microfrontend (which records no type). */
export function isFloatFrontend(s: FrontendSettings): s is FloatFrontendSettings {
  return 'type' in s;
}

/**
 * The frontend's own output format: frontend_dtype, else dtype when the microfrontend can produce it, else float32.
 * The float frontends produce float32 only.
 */
export function frontendDtypeOf(config: Config): FrontendDtype {
  const g = config.generator;
  if (isFloatFrontend(config.frontend)) return 'float32';
  if (g.frontend_dtype) return g.frontend_dtype;
  return g.dtype === 'uint16' || g.dtype === 'int8' ? g.dtype : 'float32';
}

/** Worker processes: an integer is exact, a fraction < 1 of the available cores (at least 1). */
export function workerCount(cores: number, available = availableParallelism()): number {
  return cores >= 1 ? Math.round(cores) : Math.max(1, Math.floor(cores * available));
}

/**
 * The frontend's framing of a clip: samples, window and step in samples, and the frames (0 if none fit). The
 * microfrontend's frames are the windows that fit; the float frontends count as librosa.stft does: the FFTs that
 * fit, or with `center` one per step started (1 + samples div step).
 */
export function frontendGeometry(s: FrontendSettings): {
  samples: number;
  window: number;
  step: number;
  frames: number;
} {
  const samples = sampleLength(s);
  const window = Math.floor((s.window_size_ms * s.sample_rate_hz) / 1000);
  const step = Math.floor((s.window_step_ms * s.sample_rate_hz) / 1000);
  const span = isFloatFrontend(s) ? (s.center ? 0 : s.fft_length) : window;
  const frames = window > 0 && step > 0 && samples >= span ? Math.floor((samples - span) / step) + 1 : 0;
  return { samples, window, step, frames };
}

/** Clip length in samples, spectrogram frames and channels (MFCCs: n_mfcc) for these settings. */
export function frontendShape(s: FrontendSettings): { samples: number; frames: number; channels: number } {
  const g = frontendGeometry(s);
  const channels = isFloatFrontend(s) && s.type === 'mfcc' ? s.n_mfcc : s.filterbank_n_channels;
  return { samples: g.samples, frames: g.frames, channels };
}

/** Shape of one sample in x: [frames, channels(, 1)] for spectrograms, sample_shape (or [samples]) for audio. */
export function sampleShapeOf(config: Config): number[] {
  const g = config.generator;
  if (!g.frontend_enabled) return g.sample_shape ?? [sampleLength(config.frontend)];
  const { frames, channels } = frontendShape(config.frontend);
  return g.add_channel_dimension ? [frames, channels, 1] : [frames, channels];
}

/** pitch_range in semitones: integers are semitones; any non-integer bound means fractions of an octave (×12). */
export function pitchSemitones(range: readonly [number, number]): [number, number] {
  return Number.isInteger(range[0]) && Number.isInteger(range[1])
    ? [range[0], range[1]]
    : [range[0] * 12, range[1] * 12];
}
