// The random parameters of one sample, drawn from the sample's own seeded streams (one stream per parameter, so
// adding a parameter never changes the others). Every drawn value goes to the index CSV.
import { frontendShape, pitchSemitones } from '../config/derive.js';
import type { Config, GeneratorConfig, NoiseColor, Subset } from '../config/schema.js';
import { NOISE_COLORS } from '../config/names.js';
import { randomIndex, rngFor, uniform, type Rng } from '../random/rng.js';
import { drawMasks, formatMasks, type Mask } from '../augment/spec-augment.js';

export interface SampleParams {
  /** Where the trimmed clip sits: fraction of the free room placed before it. */
  offset: number;
  /** Time-stretch rate (1: unchanged). */
  speed: number;
  /** Pitch shift in semitones (0: unchanged). */
  pitch: number;
  /** VTLP warp factor (1: unchanged). */
  vtlp: number;
  /** Gain applied to the clip and to its noise. */
  loudness: number;
  /** The noise added: none, a color, or background. */
  noise: 'none' | NoiseColor | 'background';
  /** Noise factor (before loudness). */
  noise_factor: number;
  /** Background noise file (relative to bg_noise_dir), '' when none. */
  bg_file: string;
  /** Start of the crop in the background file, in samples at the target rate. */
  bg_offset: number;
  /** Room impulse response (relative to rir_dir) the placed sample was convolved with, '' when none. */
  rir_file: string;
  /** SpecAugment time masks, [first frame, frames], in draw order. */
  time_masks: readonly Mask[];
  /** SpecAugment frequency masks, [first channel, channels], in draw order. */
  freq_masks: readonly Mask[];
}

/** What a column holds: masks as "start:width;start:width". */
export type ParamColumn = keyof SampleParams;

/** Column order of the parameters every index CSV has. */
export const PARAM_COLUMNS = [
  'offset',
  'speed',
  'pitch',
  'vtlp',
  'loudness',
  'noise',
  'noise_factor',
  'bg_file',
  'bg_offset',
] as const satisfies readonly ParamColumn[];

/**
 * The parameter columns of a config's index CSVs: every CSV's, then rir_file with rir_dir and the masks with
 * spec_augment, so a config without them keeps the header (and bytes) it always had.
 */
export function paramColumns(config: Config): ParamColumn[] {
  const g = config.generator;
  const columns: ParamColumn[] = [...PARAM_COLUMNS];
  if (g.rir_dir !== null) columns.push('rir_file');
  if (specAugmentOn(g)) columns.push('time_masks', 'freq_masks');
  return columns;
}

/** The CSV fields of `columns` for one sample. */
export function paramFields(p: SampleParams, columns: readonly ParamColumn[]): (string | number)[] {
  return columns.map((c) => {
    const v = p[c];
    return typeof v === 'object' ? formatMasks(v) : v;
  });
}

/** Whether SpecAugment draws masks (a count above 0: the config's rules give each count its width). */
export function specAugmentOn(g: GeneratorConfig): boolean {
  return g.spec_augment.time_masks > 0 || g.spec_augment.freq_masks > 0;
}

const NO_MASKS: readonly Mask[] = Object.freeze([]);

export const IDENTITY: SampleParams = {
  offset: 0,
  speed: 1,
  pitch: 0,
  vtlp: 1,
  loudness: 1,
  noise: 'none',
  noise_factor: 0,
  bg_file: '',
  bg_offset: 0,
  rir_file: '',
  time_masks: NO_MASKS,
  freq_masks: NO_MASKS,
};

/** Whether this subset's samples are augmented (otherwise: the identity transform). */
export function augmentationEnabled(config: Config, subset: Subset): boolean {
  const g = config.generator;
  if (g.disable_random_transforms) return false;
  if (subset === 'testing') return g.testing_augmentation_enabled;
  return subset === 'training' || g.validation_augmentation_enabled;
}

export function noiseColorsOf(g: GeneratorConfig): NoiseColor[] {
  if (g.noise_colors === null || g.noise_colors === 'none') return [];
  return g.noise_colors === 'all' ? [...NOISE_COLORS] : g.noise_colors;
}

/** The random stream for one purpose of one sample. */
export function sampleRng(config: Config, subset: Subset, epoch: number, position: number, tag: string): Rng {
  return rngFor(config.dataset.seed, subset, epoch, position, tag);
}

/**
 * Draws a sample's parameters. `background` lists the background-noise files (relative names) and their lengths
 * at the target rate, `rirs` the room-impulse-response files, each in a fixed order.
 */
export function drawParams(
  config: Config,
  background: readonly { name: string; samples: number }[],
  subset: Subset,
  epoch: number,
  position: number,
  rirs: readonly string[] = [],
): SampleParams {
  if (!augmentationEnabled(config, subset)) return { ...IDENTITY };
  const g = config.generator;
  const rng = (tag: string) => sampleRng(config, subset, epoch, position, tag);
  const range = (r: readonly [number, number] | null, tag: string, none: number) =>
    r ? uniform(rng(tag), r[0], r[1]) : none;
  const p: SampleParams = {
    ...IDENTITY,
    offset: uniform(rng('offset'), g.offset_range[0], g.offset_range[1]),
    speed: range(g.speed_range, 'speed', 1),
    pitch: g.pitch_range ? range(pitchSemitones(g.pitch_range), 'pitch', 0) : 0,
    vtlp: range(g.vtlp_range, 'vtlp', 1),
    loudness: range(g.loudness_range, 'loudness', 1),
  };
  // Streams of their own, drawn only when configured: the draws above are those of a config without them.
  if (g.rir_dir !== null && rirs.length > 0 && rng('rir')() < (g.rir_probability ?? 0))
    p.rir_file = rirs[randomIndex(rng('rir-file'), rirs.length)];
  if (specAugmentOn(g)) {
    const s = g.spec_augment;
    const { frames, channels } = frontendShape(config.frontend);
    p.time_masks = drawMasks(rng('spec-time-masks'), s.time_masks, s.time_mask_max_frames, frames);
    p.freq_masks = drawMasks(rng('spec-freq-masks'), s.freq_masks, s.freq_mask_max_channels, channels);
  }
  const colors = noiseColorsOf(g);
  const useBackground = background.length > 0 && g.bg_noise_range !== null;
  const useColor = colors.length > 0 && g.noise_color_range !== null;
  if (!useColor && !useBackground) return p;
  // Both configured: one of the two, each with probability 1/2 (the reference's documented intent).
  const pickBackground = useBackground && (!useColor || rng('noise-kind')() < 0.5);
  if (pickBackground) {
    const file = background[randomIndex(rng('bg-file'), background.length)];
    p.noise = 'background';
    p.noise_factor = range(g.bg_noise_range, 'noise-factor', 0);
    p.bg_file = file.name;
    p.bg_offset = randomIndex(rng('bg-offset'), file.samples);
  } else {
    p.noise = colors[randomIndex(rng('noise-color'), colors.length)];
    p.noise_factor = range(g.noise_color_range, 'noise-factor', 0);
  }
  return p;
}
