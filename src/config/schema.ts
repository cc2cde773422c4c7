// The config schema: the single source of the config's shape, defaults, bounds and types (via z.infer).
// Key names are MLTK's ParallelAudioDataGenerator / flow_from_directory / AudioFeatureGeneratorSettings names.
// Every number has a documented bound (in its description and the README): a value past it fails validation
// instead of exhausting memory or time later.
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import {
  DEFAULT_EXTENSIONS,
  DTYPES,
  FRONTEND_DTYPES,
  FRONTEND_TYPES,
  LOG_SCALES,
  MEL_NORMS,
  MEL_SCALES,
  NOISE_COLORS,
  OUTPUT_FORMATS,
  SPEC_AUGMENT_OFF,
  SUBSETS,
} from './names.js';
import { pitchSemitones } from './derive.js';

export { DTYPES, FRONTEND_DTYPES, FRONTEND_TYPES, NOISE_COLORS, OUTPUT_FORMATS, SPEC_AUGMENT_OFF, SUBSETS };

/** Pitch shifts beyond this many semitones (4 octaves) are refused; beyond PITCH_WARN_SEMITONES, warned about. */
export const PITCH_MAX_SEMITONES = 48;
export const PITCH_WARN_SEMITONES = 12;

/** SpecAugment masks per axis at most; rir_probability when rir_dir is set and it is not. */
const SPEC_AUGMENT_MAX_MASKS = 100;
export const RIR_PROBABILITY = 0.5;

/** The longest path accepted (Linux PATH_MAX) and the longest class name (a folder name: NAME_MAX bytes). */
const PATH_MAX = 4096;
const NAME_MAX = 255;

/** C0 and C1 controls, DEL, and the Unicode line/paragraph separators: they would split a line of classes.txt. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const ordered = (what: string) => ({ message: `expected [min, max] with min <= max (${what})` });

/** A [min, max] pair with both values in [lo, hi]. */
const range = (lo: number, hi: number, what: string) =>
  z.tuple([z.number().min(lo).max(hi), z.number().min(lo).max(hi)]).refine(([a, b]) => a <= b, ordered(what));

const path = () => z.string().min(1).max(PATH_MAX);
/** A column name of a dataset manifest, and a value of one of its cells. */
const column = () => z.string().min(1).max(NAME_MAX);
const cell = () => z.string().max(PATH_MAX, { message: `expected a string of at most ${PATH_MAX} characters` });

/**
 * MLTK parameters that have no meaning here, per section: why, and what to use instead. Accepted with any value and
 * ignored with a warning, so an MLTK config carries over.
 */
const CALLABLE = 'a Python callable in MLTK';
export const IGNORED_KEYS = {
  dataset: {
    subset: ['one MLTK iterator per subset', 'every subset is baked in one build: list them in output.subsets'],
    class_counts: ['filled in by MLTK', 'the counts are printed by `audiogen validate` and recorded in manifest.json'],
    list_valid_filenames_in_directory_function: [CALLABLE, 'export listValidFilenames from the hooks: module instead'],
  },
  generator: {
    disable_gpu_in_subprocesses: ['MLTK\u2019s TensorFlow setting', 'audiogen uses no GPU'],
    get_batch_function: [CALLABLE, 'export getBatch from the hooks: module instead'],
    noaug_preprocessing_function: [CALLABLE, 'export noaugPreprocess from the hooks: module instead'],
    preprocessing_function: [CALLABLE, 'export preprocess from the hooks: module instead'],
    postprocessing_function: [CALLABLE, 'export postprocess from the hooks: module instead'],
  },
} as const satisfies Record<string, Record<string, readonly [string, string]>>;

/** The warning for an ignored MLTK key. */
export const ignoredMessage = ([why, instead]: readonly [string, string]) => `ignored (${why}): ${instead}`;

function ignoredShape<K extends string>(
  keys: Record<K, readonly [string, string]>,
): Record<K, z.ZodOptional<z.ZodUnknown>> {
  const shape = {} as Record<K, z.ZodOptional<z.ZodUnknown>>;
  for (const [key, reason] of Object.entries(keys) as [K, readonly [string, string]][]) {
    shape[key] = z
      .unknown()
      .optional()
      .describe(`MLTK parameter, any value accepted and ${ignoredMessage(reason)}`);
  }
  return shape;
}

/** Drops the ignored MLTK keys from a parsed section, so they never reach the resolved config or its hash. */
function withoutKeys<T extends object, K extends keyof T>(keys: readonly K[]) {
  return (section: T): Omit<T, K> => {
    const copy = { ...section };
    for (const k of keys) delete copy[k];
    return copy;
  };
}

/** A seed for `seed: null` (MLTK's "random"): drawn once; the CLI prints it and the manifest records it. */
export function drawSeed(): number {
  return randomInt(0, 2 ** 32);
}

const datasetKeys = z.strictObject({
  directory: path().describe('Dataset root: one sub-folder per class (relative paths are relative to the config file)'),
  classes: z
    .array(
      z
        .string()
        .min(1)
        .max(NAME_MAX)
        .refine((c) => !CONTROL_CHARACTERS.test(c), {
          message: 'expected a folder name without control characters (newline, tab, ...)',
        }),
    )
    .min(1)
    .refine((c) => new Set(c).size === c.length, { message: 'class names must be unique' })
    .describe(
      'Class folder names (1..255 characters, no control characters), in label order; may include _unknown_ and _silence_',
    ),
  class_mode: z
    .enum(['categorical', 'binary', 'sparse', 'input'])
    .nullable()
    .default('categorical')
    .describe('Label format: categorical one-hot, binary, sparse int32 ids; input or null write no labels'),
  batch_size: z
    .int()
    .min(1)
    .max(65536)
    .default(32)
    .describe('Samples per batch (1..65536): the unit handed to a worker and seen by hooks'),
  shuffle: z
    .boolean()
    .default(true)
    .describe('Shuffle each epoch (its own permutation); false keeps the listing order'),
  seed: z
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullable()
    .default(0)
    .transform((s) => s ?? drawSeed())
    .describe(
      'Seed of every random draw (0..4294967295); null: drawn at random once, printed and recorded in the manifest',
    ),
  follow_links: z.boolean().default(false).describe('Follow symlinks inside class folders'),
  extensions: z
    .array(
      z.string().regex(/^\.[A-Za-z0-9][A-Za-z0-9_+-]{0,14}$/, {
        message: 'expected an extension such as ".flac": a dot, then 1 to 15 letters, digits, _, + or -',
      }),
    )
    .min(1)
    .max(32)
    .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length, {
      message: 'an extension is listed twice (extensions are compared in any case)',
    })
    .default([...DEFAULT_EXTENSIONS])
    .describe(
      'File extensions listed as clips, in any case (1..32 entries); the format is read from the contents: WAV, FLAC, Ogg Opus, Ogg Vorbis, MP3',
    ),
  max_samples_per_class: z
    .int()
    .min(-1)
    .max(100_000_000)
    .default(-1)
    .describe('Cap per class (-1: all; at most 100000000)'),
  shuffle_index_dir: path()
    .nullable()
    .default(null)
    .describe('If set, each class list is shuffled once and kept here as an index file, reused while its files exist'),
  validation_split_method: z
    .enum(['hash', 'index'])
    .default('hash')
    .describe('hash: stable per-file hash of the name up to _nohash_; index: MLTK positional split of each class list'),
  split_lists: z
    .strictObject({
      validation: path().optional().describe('List of the validation files (Speech Commands: validation_list.txt)'),
      testing: path().optional().describe('List of the testing files (Speech Commands: testing_list.txt)'),
    })
    .refine((l) => l.validation !== undefined || l.testing !== undefined, {
      message: 'expected validation, testing or both',
    })
    .nullable()
    .default(null)
    .describe(
      'Files of the official split: one path per line, relative to the dataset directory; listed files go to that subset, all others to training (list paths: relative to the dataset directory unless absolute)',
    ),
  manifest: path()
    .nullable()
    .default(null)
    .describe(
      'A CSV/TSV (with a header) or JSON Lines file describing the dataset, one clip per row, instead of class folders (relative to the dataset directory unless absolute)',
    ),
  columns: z
    .strictObject({
      path: column().describe('Column of the clip path, relative to the dataset directory'),
      label: column().describe('Column of the class name'),
      subset: column()
        .nullable()
        .default(null)
        .describe('Column of the subset (see subset_names): it decides the split'),
      speaker: column()
        .nullable()
        .default(null)
        .describe('Column of the speaker: the hash split hashes it instead of the file name'),
    })
    .nullable()
    .default(null)
    .describe('The manifest\u2019s columns (JSON Lines: keys); path and label are required'),
  subset_names: z
    .strictObject({
      training: cell().optional().describe('Value of the subset column for training (default: training)'),
      validation: cell().optional().describe('Value of the subset column for validation (default: validation)'),
      testing: cell().optional().describe('Value of the subset column for testing (default: testing)'),
    })
    .refine((n) => Object.keys(n).length > 0, { message: 'expected training, validation and/or testing' })
    .refine((n) => new Set(Object.values(n)).size === Object.values(n).length, {
      message: 'each subset needs its own value',
    })
    .nullable()
    .default(null)
    .describe(
      'Values of the subset column per subset (MSWC: TRAIN, DEV, TEST); rows with another value are left out and counted in a warning',
    ),
  where: z
    .record(column(), z.unknown())
    .superRefine((w, ctx) => {
      if (Object.keys(w).length === 0)
        ctx.addIssue({ code: 'custom', input: w, message: 'expected at least one column' });
      for (const [key, value] of Object.entries(w)) {
        const ok = (v: unknown) => typeof v === 'string' && v.length <= PATH_MAX;
        if (ok(value) || (Array.isArray(value) && value.length > 0 && value.every(ok))) continue;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: value,
          message:
            'expected the cell\u2019s text, a string (in quotes: "True", "12"), or a list of them; YAML reads True as true and 12 as a number',
        });
      }
    })
    .transform((w) =>
      Object.fromEntries(Object.entries(w).map(([k, v]) => [k, typeof v === 'string' ? [v] : (v as string[])])),
    )
    .nullable()
    .default(null)
    .describe(
      'Row filter of the manifest: keep rows whose cell in each named column is the value (or one of the list)',
    ),
  ...ignoredShape(IGNORED_KEYS.dataset),
});

export const datasetSchema = datasetKeys
  .transform(withoutKeys(Object.keys(IGNORED_KEYS.dataset) as (keyof typeof IGNORED_KEYS.dataset)[]))
  .describe('flow_from_directory settings');

/** The microfrontend's variant: which reference its bits follow. */
const FRONTEND_VARIANT = z
  .enum(['mltk', 'tflm'])
  .default('mltk')
  .describe('mltk: MLTK AudioFeatureGenerator; tflm: TFLM micro_speech frontend (single-precision set-up)');

/** The keys every frontend type shares, with the same meaning (the sample, the framing, the mel filterbank). */
const sharedFrontendKeys = {
  sample_rate_hz: z
    .int()
    .min(1000)
    .max(384000)
    .default(16000)
    .describe('Target sample rate (1000..384000 Hz): every clip is resampled to it'),
  sample_length_ms: z
    .int()
    .min(1)
    .max(60000)
    .default(1000)
    .describe('Sample length (1..60000 ms): clips are cropped or zero-padded to it'),
  window_size_ms: z.int().min(1).max(1000).default(25).describe('Frontend analysis window (1..1000 ms)'),
  window_step_ms: z.int().min(1).max(1000).default(10).describe('Frontend step between windows (1..1000 ms)'),
  filterbank_n_channels: z
    .int()
    .min(1)
    .max(512)
    .default(32)
    .describe('Mel filterbank channels, the spectrogram width (1..512)'),
  filterbank_upper_band_limit: z
    .number()
    .positive()
    .lt(192000)
    .default(7500)
    .describe('Highest filterbank frequency, Hz (0 < x < 192000, and below the Nyquist frequency)'),
  filterbank_lower_band_limit: z
    .number()
    .min(0)
    .max(190000)
    .default(125)
    .describe('Lowest filterbank frequency, Hz (0 <= x <= 190000, and below the upper limit)'),
};

/** The microfrontend's own keys (AudioFeatureGeneratorSettings), after its variant. */
const microfrontendKeys = {
  noise_reduction_enable: z
    .boolean()
    .default(false)
    .describe('Per-channel noise estimate subtraction (always on in the tflm variant)'),
  noise_reduction_smoothing_bits: z
    .int()
    .min(0)
    .max(15)
    .default(10)
    .describe('Extra fixed-point bits of the noise estimate (0..15)'),
  noise_reduction_even_smoothing: z
    .number()
    .min(0)
    .max(1)
    .default(0.025)
    .describe('Noise estimate smoothing of even channels (0..1)'),
  noise_reduction_odd_smoothing: z
    .number()
    .min(0)
    .max(1)
    .default(0.06)
    .describe('Noise estimate smoothing of odd channels (0..1)'),
  noise_reduction_min_signal_remaining: z
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe('Fraction of the signal always kept (0..1)'),
  pcan_enable: z.boolean().default(false).describe('Per-channel amplitude normalization (needs noise reduction)'),
  pcan_strength: z.number().min(0).max(10).default(0.95).describe('PCAN gain exponent (0..10)'),
  pcan_offset: z.number().min(0).max(10000).default(80).describe('PCAN offset (0..10000)'),
  pcan_gain_bits: z.int().min(1).max(30).default(21).describe('PCAN fixed-point gain bits (1..30)'),
  log_scale_enable: z.boolean().default(true).describe('Log-scale the channels'),
  log_scale_shift: z.int().min(0).max(15).default(6).describe('Log scale fixed-point shift (0..15)'),
  activity_detection_enable: z.boolean().default(false).describe('Run the activity detector (mltk only)'),
  activity_detection_alpha_a: z.number().min(0).max(1).default(0.5).describe('Activity detector fast smoothing (0..1)'),
  activity_detection_alpha_b: z.number().min(0).max(1).default(0.8).describe('Activity detector slow smoothing (0..1)'),
  activity_detection_arm_threshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.75)
    .describe('Activity detector arm threshold (0..1)'),
  activity_detection_trip_threshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.8)
    .describe('Activity detector trip threshold (0..1)'),
  dc_notch_filter_enable: z.boolean().default(false).describe('DC notch filter before the window (mltk only)'),
  dc_notch_filter_coefficient: z.number().min(0).max(1).default(0.95).describe('DC notch filter coefficient (0..1)'),
  quantize_dynamic_scale_enable: z
    .boolean()
    .default(false)
    .describe('int8 output by dynamic range instead of the fixed 0..666 mapping'),
  quantize_dynamic_scale_range_db: z
    .number()
    .positive()
    .max(200)
    .default(40)
    .describe('Dynamic int8 range below the maximum (0 < x <= 200 dB)'),
};

/** The float frontends' own keys (librosa's STFT, mel filterbank, power_to_db and MFCC). */
const floatFrontendKeys = {
  fft_length: z
    .int()
    .min(16)
    .max(65536)
    .refine((n) => (n & (n - 1)) === 0, { message: 'expected a power of two' })
    .nullable()
    .default(null)
    .describe(
      'log_mel, mfcc: FFT length, a power of two (16..65536) at least the window; null: the smallest power of two >= the window',
    ),
  center: z
    .boolean()
    .default(true)
    .describe('log_mel, mfcc: centre frames on their step by padding half an FFT of zeros at both ends (librosa)'),
  mel_scale: z.enum(MEL_SCALES).default('slaney').describe('log_mel, mfcc: mel scale of the filterbank (librosa htk=)'),
  mel_norm: z
    .enum(MEL_NORMS)
    .default('slaney')
    .describe('log_mel, mfcc: slaney scales each filter to unit area (librosa norm=); none keeps peak 1'),
  log: z
    .enum(LOG_SCALES)
    .default('db')
    .describe(
      'log_mel, mfcc: ln: ln(mel + log_offset); db: 10 log10(max(mel, 1e-10)) floored top_db below the maximum',
    ),
  log_offset: z
    .number()
    .positive()
    .max(1000)
    .default(1e-6)
    .describe('log: ln only: added to the mel energies before the logarithm (0 < x <= 1000)'),
  top_db: z
    .number()
    .positive()
    .max(1000)
    .nullable()
    .default(80)
    .describe('log: db only: floor this many dB below the clip\u2019s maximum (0 < x <= 1000); null: no floor'),
  n_mfcc: z
    .int()
    .min(1)
    .max(512)
    .default(20)
    .describe('mfcc only: cepstral coefficients kept (1..512, at most filterbank_n_channels), the output width'),
};

/** What the microfrontend resolves to: its keys with their defaults, in the order (and with the hash) of before. */
const microfrontendSettings = z.object({
  ...{ variant: FRONTEND_VARIANT },
  ...sharedFrontendKeys,
  ...microfrontendKeys,
});
const floatFrontendSettings = z.object({
  type: z.enum(['log_mel', 'mfcc']),
  ...sharedFrontendKeys,
  ...floatFrontendKeys,
});

export type MicrofrontendSettings = z.infer<typeof microfrontendSettings>;
type FloatParsed = z.infer<typeof floatFrontendSettings>;
/** A float frontend's settings: fft_length resolved, the offset or floor of its log, n_mfcc for MFCCs only. */
export type FloatFrontendSettings = Omit<
  FloatParsed,
  'type' | 'fft_length' | 'log' | 'log_offset' | 'top_db' | 'n_mfcc'
> & {
  fft_length: number;
} & ({ log: 'ln'; log_offset: number } | { log: 'db'; top_db: number | null }) &
  ({ type: 'log_mel' } | { type: 'mfcc'; n_mfcc: number });

/** Which frontend type a key belongs to; the shared keys belong to all. */
export const FRONTEND_KEYS = {
  microfrontend: ['variant', ...Object.keys(microfrontendKeys)],
  float: Object.keys(floatFrontendKeys),
} as const;

/** A key given as optional, its default (stated in the JSON Schema) filled in per type when the section resolves. */
function optionalKeys<S extends Record<string, z.ZodDefault>>(shape: S): { [K in keyof S]: z.ZodOptional<z.ZodType> } {
  const out = {} as { [K in keyof S]: z.ZodOptional<z.ZodType> };
  for (const [key, schema] of Object.entries(shape) as [keyof S, z.ZodDefault][]) {
    out[key] = (schema.unwrap() as z.ZodType).optional().meta({
      description: schema.description,
      default: schema.def.defaultValue as never,
    });
  }
  return out;
}

/** The smallest power of two holding the window (at least 16, at most 65536: a longer window is refused by name). */
function defaultFftLength(s: Pick<FloatParsed, 'window_size_ms' | 'sample_rate_hz'>): number {
  const window = Math.floor((s.window_size_ms * s.sample_rate_hz) / 1000);
  let n = 16;
  while (n < window && n < 65536) n *= 2;
  return n;
}

export const frontendSchema = z
  .strictObject({
    type: z
      .enum(FRONTEND_TYPES)
      .default('microfrontend')
      .describe(
        'microfrontend: MLTK/TFLM fixed-point spectrogram (uint16); log_mel: librosa log-mel (float32); mfcc: its MFCCs (float32)',
      ),
    ...optionalKeys({ variant: FRONTEND_VARIANT }),
    ...optionalKeys(sharedFrontendKeys),
    ...optionalKeys(floatFrontendKeys),
    ...optionalKeys(microfrontendKeys),
  })
  .superRefine((s, ctx) => {
    // Every key given must mean something for the type: one that would be ignored is an error naming it.
    const refuse = (key: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [key], input: (s as Record<string, unknown>)[key], message });
    const given = (key: string) => (s as Record<string, unknown>)[key] !== undefined;
    if (s.type === 'microfrontend') {
      for (const key of FRONTEND_KEYS.float.filter(given))
        refuse(key, 'a log_mel/mfcc setting: not used by the microfrontend (set type: log_mel or mfcc)');
      return;
    }
    for (const key of FRONTEND_KEYS.microfrontend.filter(given))
      refuse(key, `a microfrontend setting: not used by type ${s.type}`);
    const log = s.log ?? 'db';
    if (given('log_offset') && log !== 'ln') refuse('log_offset', `applies to log: ln only (log is ${log})`);
    if (given('top_db') && log !== 'db') refuse('top_db', `applies to log: db only (log is ${log})`);
    if (given('n_mfcc') && s.type !== 'mfcc') refuse('n_mfcc', `applies to type: mfcc only (type is ${s.type})`);
  })
  .transform((given): MicrofrontendSettings | FloatFrontendSettings => {
    if (given.type === 'microfrontend') return microfrontendSettings.parse(given);
    const { type, log, log_offset, top_db, n_mfcc, ...s } = floatFrontendSettings.parse(given);
    const shared = { ...s, fft_length: s.fft_length ?? defaultFftLength(s) };
    const scale = log === 'ln' ? { log, log_offset } : { log, top_db };
    return type === 'mfcc' ? { type, ...shared, ...scale, n_mfcc } : { type, ...shared, ...scale };
  })
  .describe('The frontend: MLTK\u2019s AudioFeatureGeneratorSettings (type: microfrontend), or log_mel / mfcc');

/** SpecAugment masks on the spectrogram (after the frontend, before normalization); all zero: off. */
export const specAugmentSchema = z
  .strictObject({
    time_masks: z
      .int()
      .min(0)
      .max(SPEC_AUGMENT_MAX_MASKS)
      .default(0)
      .describe('SpecAugment time masks per sample (0..100; 0: none)'),
    time_mask_max_frames: z
      .int()
      .min(0)
      .max(60000)
      .default(0)
      .describe(
        'Widest time mask in frames (0..60000, at most the spectrogram\u2019s frames): widths uniform in 0..max',
      ),
    freq_masks: z
      .int()
      .min(0)
      .max(SPEC_AUGMENT_MAX_MASKS)
      .default(0)
      .describe('SpecAugment frequency masks per sample (0..100; 0: none)'),
    freq_mask_max_channels: z
      .int()
      .min(0)
      .max(512)
      .default(0)
      .describe(
        'Widest frequency mask in channels (0..512, at most the spectrogram\u2019s channels): widths uniform in 0..max',
      ),
    mask_value: z
      .union([z.literal('mean'), z.number().min(-1_000_000).max(1_000_000)])
      .default('mean')
      .describe(
        'What masked cells hold: mean (the spectrogram\u2019s mean before masking) or a number in the output\u2019s units (-1000000..1000000), rounded and clamped for integer outputs',
      ),
  })
  .prefault({})
  .describe('SpecAugment: time and frequency masks on the spectrograms of augmented samples (all counts 0: off)');

const generatorKeys = z.strictObject({
  cores: z
    .number()
    .positive()
    .max(1024)
    .refine((c) => c < 1 || Number.isInteger(c), {
      message: 'expected an integer worker count, or a fraction < 1 of the cores',
    })
    .default(0.25)
    .describe(
      'Worker processes: an integer is an exact count (at most 1024), a float 0 < x < 1 a fraction of the available cores',
    ),
  debug: z.boolean().default(false).describe('Process everything in the main process (no workers)'),
  max_batches_pending: z.int().min(1).max(64).default(4).describe('Batches in flight per worker (1..64)'),
  validation_split: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe('Fraction of each class used for validation (0 <= x < 1)'),
  validation_augmentation_enabled: z.boolean().default(true).describe('Apply augmentations to the validation subset'),
  testing_split: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe(
      'Fraction of each class used for testing (0 <= x < 1; validation_split + testing_split < 1): hash, after validation in which_set; index, the files after the validation ones',
    ),
  testing_augmentation_enabled: z
    .boolean()
    .default(false)
    .describe('Apply augmentations to the testing subset (default: the identity transform)'),
  dtype: z.enum(DTYPES).default('float32').describe('Output dtype of x'),
  frontend_dtype: z
    .enum(FRONTEND_DTYPES)
    .nullable()
    .default(null)
    .describe('Frontend output: uint16 raw, float32 (uint16 cast) or int8 (TFLM micro features); default: dtype'),
  trim_threshold_db: z
    .number()
    .positive()
    .max(200)
    .nullable()
    .default(20)
    .describe(
      'Trim leading/trailing audio quieter than this many dB below the peak (0 < x <= 200; librosa effects.trim); null: no trim',
    ),
  offset_range: range(0, 1, 'offset_range')
    .default([0, 1])
    .describe('Where the trimmed clip sits in the sample: fraction of the free room before it, each in 0..1'),
  unknown_class_percentage: z
    .number()
    .min(0)
    .max(100)
    .default(1.0)
    .describe('_unknown_ count relative to the smallest class (0..100: 1.0 is as many)'),
  silence_class_percentage: z
    .number()
    .min(0)
    .max(100)
    .default(0.6)
    .describe('_silence_ count relative to the smallest class (0..100: 1.0 is as many)'),
  disable_random_transforms: z.boolean().default(false).describe('Identity transform for every sample (offset 0)'),
  on_error: z
    .enum(['fail', 'skip'])
    .default('fail')
    .describe('A bad audio file: fail stops the build naming it; skip leaves it out and lists it in the manifest'),
  frontend_enabled: z.boolean().default(true).describe('Turn audio into a spectrogram with the AudioFeatureGenerator'),
  sample_shape: z
    .array(z.int().min(1).max(23_040_000))
    .min(1)
    .max(8)
    .nullable()
    .default(null)
    .describe(
      'Shape of a raw-audio sample (frontend_enabled: false; 1..8 sizes of 1..23040000); its product must equal the sample length',
    ),
  add_channel_dimension: z.boolean().default(true).describe('Spectrogram shape [h, w, 1] instead of [h, w]'),
  samplewise_center: z.boolean().default(false).describe('Subtract each sample\u2019s mean'),
  samplewise_std_normalization: z.boolean().default(false).describe('Divide each sample by its std (+1e-6)'),
  samplewise_normalize_range: range(-1_000_000, 1_000_000, 'samplewise_normalize_range')
    .nullable()
    .default(null)
    .describe('Scale each sample to [lo, hi], after the other normalizations; each in -1000000..1000000'),
  rescale: z
    .number()
    .min(-1_000_000)
    .max(1_000_000)
    .nullable()
    .default(null)
    .describe('Multiply each sample by this value (-1000000..1000000)'),
  noise_colors: z
    .union([z.array(z.enum(NOISE_COLORS)).min(1), z.literal('all'), z.literal('none')])
    .nullable()
    .default(null)
    .describe('Noise colors to draw from (list, all or none)'),
  noise_color_range: range(0, 10, 'noise_color_range')
    .nullable()
    .default(null)
    .describe('Colored noise factor [min, max], each in 0..10'),
  speed_range: range(0.1, 10, 'speed_range')
    .nullable()
    .default(null)
    .describe('Time-stretch rate [min, max], each in 0.1..10; < 1 slower'),
  pitch_range: z
    .tuple([
      z.number().min(-PITCH_MAX_SEMITONES).max(PITCH_MAX_SEMITONES),
      z.number().min(-PITCH_MAX_SEMITONES).max(PITCH_MAX_SEMITONES),
    ])
    .superRefine((r, ctx) => {
      // MLTK's rule: any non-integer bound makes both fractions of an octave (x 12); the bound holds after it.
      const semitones = pitchSemitones(r);
      for (const i of [0, 1]) {
        // Past the plain bound the item's own check has said so already.
        if (Math.abs(r[i]) <= PITCH_MAX_SEMITONES && Math.abs(semitones[i]) > PITCH_MAX_SEMITONES) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            input: r[i],
            message: `expected at most \u00b148 semitones, got ${r[i]} (${+semitones[i].toFixed(2)} semitones: with a non-integer bound, each bound is \u00d7 12)`,
          });
        }
      }
    })
    .refine(([a, b]) => a <= b, ordered('pitch_range'))
    .nullable()
    .default(null)
    .describe(
      'Pitch shift [min, max], at most \u00b148 semitones: integers are semitones, non-integers fractions of an octave (\u00d7 12)',
    ),
  vtlp_range: range(0.5, 2, 'vtlp_range')
    .nullable()
    .default(null)
    .describe('Vocal tract length perturbation warp factor [min, max], each in 0.5..2'),
  loudness_range: range(0, 10, 'loudness_range').nullable().default(null).describe('Gain [min, max], each in 0..10'),
  bg_noise_range: range(0, 10, 'bg_noise_range')
    .nullable()
    .default(null)
    .describe('Background noise factor [min, max], each in 0..10'),
  bg_noise_dir: path()
    .nullable()
    .default(null)
    .describe('Folder of background-noise .wav files (absolute, or relative to the dataset directory)'),
  rir_dir: path()
    .nullable()
    .default(null)
    .describe(
      'Folder of room-impulse-response .wav files for reverberation (absolute, or relative to the dataset directory)',
    ),
  rir_probability: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe(
      'Probability that a sample is convolved with a drawn room impulse response (0..1; default 0.5 with rir_dir)',
    ),
  spec_augment: specAugmentSchema,
  frontend_settings: frontendSchema
    .optional()
    .describe('MLTK\u2019s name for the frontend section (AudioFeatureGeneratorSettings): give one of the two'),
  ...ignoredShape(IGNORED_KEYS.generator),
});

export const generatorSchema = generatorKeys
  .superRefine((g, ctx) => {
    // Checked before the default is filled in below: a probability without a folder would be ignored.
    if (g.rir_probability !== null && g.rir_dir === null)
      ctx.addIssue({
        code: 'custom',
        path: ['rir_dir'],
        input: g.rir_dir,
        message: 'required with rir_probability: the folder of room-impulse-response .wav files',
      });
  })
  .transform(withoutKeys(Object.keys(IGNORED_KEYS.generator) as (keyof typeof IGNORED_KEYS.generator)[]))
  .transform((g) => ({ ...g, rir_probability: g.rir_dir === null ? null : (g.rir_probability ?? RIR_PROBABILITY) }))
  .describe('ParallelAudioDataGenerator settings');

export const outputSchema = z
  .strictObject({
    directory: path().describe('Output folder (relative paths are relative to the config file)'),
    epochs: z
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe('Epochs to bake (1..1000: folders epoch-000..epoch-999), each with its own permutation and draws'),
    subsets: z
      .array(z.enum(SUBSETS))
      .min(1)
      .refine((s) => new Set(s).size === s.length, { message: 'subsets must be unique' })
      .nullable()
      .default(null)
      .describe('Subsets to bake; default: training, plus validation when validation_split > 0'),
    samples_per_shard: z
      .int()
      .min(0)
      .max(10_000_000)
      .default(0)
      .describe('Samples per shard file (0..10000000); 0: one shard per epoch'),
    format: z
      .enum(OUTPUT_FORMATS)
      .default('npy')
      .describe(
        'Shard files: npy (x/y .npy and an index CSV per shard) or webdataset (one tar per shard: <key>.npy, <key>.cls, <key>.json per sample)',
      ),
    partitions: z
      .int()
      .min(1)
      .max(10000)
      .nullable()
      .default(null)
      .describe(
        'Partition count for Kubernetes Indexed Jobs (1..10000; JOB_COMPLETION_INDEX); --partitions overrides it',
      ),
  })
  .describe('Where and how much to write');

export const configSchema = z
  .strictObject({
    dataset: datasetSchema,
    generator: generatorSchema.prefault({}),
    frontend: frontendSchema.optional().describe('AudioFeatureGeneratorSettings (MLTK: generator.frontend_settings)'),
    output: outputSchema,
    hooks: path()
      .nullable()
      .default(null)
      .describe(
        'ES module of user hooks (noaugPreprocess, preprocess, postprocess, getBatch, listValidFilenames); runs code',
      ),
  })
  .superRefine((c, ctx) => {
    if (c.frontend !== undefined && c.generator.frontend_settings !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['generator', 'frontend_settings'],
        input: c.generator.frontend_settings,
        message: 'MLTK\u2019s name of the frontend section, given as well as frontend: give one of the two',
      });
    }
  })
  .transform(({ dataset, generator: { frontend_settings, ...generator }, frontend, output, hooks }) => ({
    dataset,
    generator,
    // generator.frontend_settings is the frontend section under MLTK's name.
    frontend: frontend ?? frontend_settings ?? frontendSchema.parse({}),
    output,
    hooks,
  }))
  .describe('audiogen build configuration');

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type DatasetConfig = Config['dataset'];
export type GeneratorConfig = Config['generator'];
export type FrontendSettings = z.infer<typeof frontendSchema>;
export type FrontendType = (typeof FRONTEND_TYPES)[number];
export type MelScale = (typeof MEL_SCALES)[number];
export type MelNorm = (typeof MEL_NORMS)[number];
export type OutputConfig = z.infer<typeof outputSchema>;
export type Subset = (typeof SUBSETS)[number];
export type Dtype = (typeof DTYPES)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type FrontendDtype = (typeof FRONTEND_DTYPES)[number];
export type NoiseColor = (typeof NOISE_COLORS)[number];
export type SpecAugment = z.infer<typeof specAugmentSchema>;
