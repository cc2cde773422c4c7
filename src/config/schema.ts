// The config schema: the single source of the config's shape, defaults and types (via z.infer).
// Key names are MLTK's ParallelAudioDataGenerator / flow_from_directory / AudioFeatureGeneratorSettings names.
import { z } from 'zod';

const range = (lo: number, hi: number, what: string) =>
  z
    .tuple([z.number().min(lo).max(hi), z.number().min(lo).max(hi)])
    .refine(([a, b]) => a <= b, { message: `expected [min, max] with min <= max (${what})` });

const nonNegRange = (what: string) =>
  z
    .tuple([z.number().min(0), z.number().min(0)])
    .refine(([a, b]) => a <= b, { message: `expected [min, max] with min <= max (${what})` });

import { DTYPES, FRONTEND_DTYPES, NOISE_COLORS, SUBSETS } from './names.js';

export { DTYPES, FRONTEND_DTYPES, NOISE_COLORS, SUBSETS };

export const datasetSchema = z
  .strictObject({
    directory: z.string().min(1).describe('Dataset root: one sub-folder per class (relative paths are relative to the config file)'),
    classes: z
      .array(z.string().min(1))
      .min(1)
      .refine((c) => new Set(c).size === c.length, { message: 'class names must be unique' })
      .describe('Class folder names, in label order; may include _unknown_ and _silence_'),
    class_mode: z
      .enum(['categorical', 'binary', 'sparse', 'input'])
      .nullable()
      .default('categorical')
      .describe('Label format: categorical one-hot, binary, sparse int32 ids; input or null write no labels'),
    batch_size: z.int().min(1).default(32).describe('Samples per batch: the unit handed to a worker and seen by hooks'),
    shuffle: z.boolean().default(true).describe('Shuffle each epoch (its own permutation); false keeps the listing order'),
    seed: z.int().min(0).max(2 ** 32 - 1).default(0).describe('Seed of every random draw: permutations, splits of _unknown_, augmentations'),
    follow_links: z.boolean().default(false).describe('Follow symlinks inside class folders'),
    max_samples_per_class: z.int().min(-1).default(-1).describe('Cap per class (-1: all)'),
    shuffle_index_dir: z
      .string()
      .nullable()
      .default(null)
      .describe('If set, each class list is shuffled once and kept here as an index file, reused while its files exist'),
    validation_split_method: z
      .enum(['hash', 'index'])
      .default('hash')
      .describe('hash: stable per-file hash of the name up to _nohash_; index: MLTK positional split of each class list'),
  })
  .describe('flow_from_directory settings');

export const generatorSchema = z
  .strictObject({
    cores: z
      .number()
      .positive()
      .refine((c) => c < 1 || Number.isInteger(c), { message: 'expected an integer worker count, or a fraction < 1 of the cores' })
      .default(0.25)
      .describe('Worker processes: an integer is an exact count, a float < 1 a fraction of the available cores'),
    debug: z.boolean().default(false).describe('Process everything in the main process (no workers)'),
    max_batches_pending: z.int().min(1).default(4).describe('Batches in flight per worker'),
    validation_split: z.number().min(0).lt(1).default(0).describe('Fraction of each class used for validation'),
    validation_augmentation_enabled: z.boolean().default(true).describe('Apply augmentations to the validation subset'),
    dtype: z.enum(DTYPES).default('float32').describe('Output dtype of x'),
    frontend_dtype: z
      .enum(FRONTEND_DTYPES)
      .nullable()
      .default(null)
      .describe('Frontend output: uint16 raw, float32 (uint16 cast) or int8 (TFLM micro features); default: dtype'),
    trim_threshold_db: z
      .number()
      .positive()
      .nullable()
      .default(20)
      .describe('Trim leading/trailing audio quieter than this many dB below the peak (librosa effects.trim); null: no trim'),
    offset_range: range(0, 1, 'offset_range')
      .default([0, 1])
      .describe('Where the trimmed clip sits in the sample: fraction of the free room before it'),
    unknown_class_percentage: z.number().min(0).default(1.0).describe('_unknown_ count relative to the smallest class'),
    silence_class_percentage: z.number().min(0).default(0.6).describe('_silence_ count relative to the smallest class'),
    disable_random_transforms: z.boolean().default(false).describe('Identity transform for every sample (offset 0)'),
    on_error: z
      .enum(['fail', 'skip'])
      .default('fail')
      .describe('A bad audio file: fail stops the build naming it; skip leaves it out and lists it in the manifest'),
    frontend_enabled: z.boolean().default(true).describe('Turn audio into a spectrogram with the AudioFeatureGenerator'),
    sample_shape: z
      .array(z.int().min(1))
      .min(1)
      .nullable()
      .default(null)
      .describe('Shape of a raw-audio sample (frontend_enabled: false); its product must equal the sample length'),
    add_channel_dimension: z.boolean().default(true).describe('Spectrogram shape [h, w, 1] instead of [h, w]'),
    samplewise_center: z.boolean().default(false).describe('Subtract each sample\u2019s mean'),
    samplewise_std_normalization: z.boolean().default(false).describe('Divide each sample by its std (+1e-6)'),
    samplewise_normalize_range: range(-Infinity, Infinity, 'samplewise_normalize_range')
      .nullable()
      .default(null)
      .describe('Scale each sample to [lo, hi], after the other normalizations'),
    rescale: z.number().nullable().default(null).describe('Multiply each sample by this value'),
    noise_colors: z
      .union([z.array(z.enum(NOISE_COLORS)).min(1), z.literal('all'), z.literal('none')])
      .nullable()
      .default(null)
      .describe('Noise colors to draw from (list, all or none)'),
    noise_color_range: nonNegRange('noise_color_range').nullable().default(null).describe('Colored noise factor [min, max]'),
    speed_range: z
      .tuple([z.number().positive(), z.number().positive()])
      .refine(([a, b]) => a <= b, { message: 'expected [min, max] with min <= max (speed_range)' })
      .nullable()
      .default(null)
      .describe('Time-stretch rate [min, max]; < 1 slower'),
    pitch_range: z
      .tuple([z.number(), z.number()])
      .refine(([a, b]) => a <= b, { message: 'expected [min, max] with min <= max (pitch_range)' })
      .nullable()
      .default(null)
      .describe('Pitch shift [min, max]: integers are semitones, floats fractions of an octave'),
    vtlp_range: z
      .tuple([z.number().positive(), z.number().positive()])
      .refine(([a, b]) => a <= b, { message: 'expected [min, max] with min <= max (vtlp_range)' })
      .nullable()
      .default(null)
      .describe('Vocal tract length perturbation warp factor [min, max]'),
    loudness_range: nonNegRange('loudness_range').nullable().default(null).describe('Gain [min, max]'),
    bg_noise_range: nonNegRange('bg_noise_range').nullable().default(null).describe('Background noise factor [min, max]'),
    bg_noise_dir: z
      .string()
      .nullable()
      .default(null)
      .describe('Folder of background-noise .wav files (absolute, or relative to the dataset directory)'),
  })
  .describe('ParallelAudioDataGenerator settings');

export const frontendSchema = z
  .strictObject({
    variant: z
      .enum(['mltk', 'tflm'])
      .default('mltk')
      .describe('mltk: MLTK AudioFeatureGenerator; tflm: TFLM micro_speech frontend (single-precision set-up)'),
    sample_rate_hz: z.int().min(1000).max(384000).default(16000).describe('Target sample rate: every clip is resampled to it'),
    sample_length_ms: z.int().min(1).default(1000).describe('Sample length: clips are cropped or zero-padded to it'),
    window_size_ms: z.int().min(1).default(25).describe('Frontend analysis window'),
    window_step_ms: z.int().min(1).default(10).describe('Frontend step between windows'),
    filterbank_n_channels: z.int().min(1).max(512).default(32).describe('Mel filterbank channels (spectrogram width)'),
    filterbank_upper_band_limit: z.number().positive().default(7500).describe('Highest filterbank frequency, Hz'),
    filterbank_lower_band_limit: z.number().min(0).default(125).describe('Lowest filterbank frequency, Hz'),
    noise_reduction_enable: z.boolean().default(false).describe('Per-channel noise estimate subtraction (always on in the tflm variant)'),
    noise_reduction_smoothing_bits: z.int().min(0).max(15).default(10).describe('Extra fixed-point bits of the noise estimate'),
    noise_reduction_even_smoothing: z.number().min(0).max(1).default(0.025).describe('Noise estimate smoothing of even channels'),
    noise_reduction_odd_smoothing: z.number().min(0).max(1).default(0.06).describe('Noise estimate smoothing of odd channels'),
    noise_reduction_min_signal_remaining: z.number().min(0).max(1).default(0.05).describe('Fraction of the signal always kept'),
    pcan_enable: z.boolean().default(false).describe('Per-channel amplitude normalization (needs noise reduction)'),
    pcan_strength: z.number().min(0).default(0.95).describe('PCAN gain exponent'),
    pcan_offset: z.number().min(0).default(80).describe('PCAN offset'),
    pcan_gain_bits: z.int().min(1).max(30).default(21).describe('PCAN fixed-point gain bits'),
    log_scale_enable: z.boolean().default(true).describe('Log-scale the channels'),
    log_scale_shift: z.int().min(0).max(15).default(6).describe('Log scale fixed-point shift'),
    activity_detection_enable: z.boolean().default(false).describe('Run the activity detector (mltk only)'),
    activity_detection_alpha_a: z.number().min(0).max(1).default(0.5).describe('Activity detector fast smoothing'),
    activity_detection_alpha_b: z.number().min(0).max(1).default(0.8).describe('Activity detector slow smoothing'),
    activity_detection_arm_threshold: z.number().min(0).max(1).default(0.75).describe('Activity detector arm threshold'),
    activity_detection_trip_threshold: z.number().min(0).max(1).default(0.8).describe('Activity detector trip threshold'),
    dc_notch_filter_enable: z.boolean().default(false).describe('DC notch filter before the window (mltk only)'),
    dc_notch_filter_coefficient: z.number().min(0).max(1).default(0.95).describe('DC notch filter coefficient'),
    quantize_dynamic_scale_enable: z.boolean().default(false).describe('int8 output by dynamic range instead of the fixed 0..666 mapping'),
    quantize_dynamic_scale_range_db: z.number().positive().default(40).describe('Dynamic int8 range below the maximum, dB'),
  })
  .describe('AudioFeatureGeneratorSettings');

export const outputSchema = z
  .strictObject({
    directory: z.string().min(1).describe('Output folder (relative paths are relative to the config file)'),
    epochs: z.int().min(1).default(1).describe('Epochs to bake, each with its own permutation and draws'),
    subsets: z
      .array(z.enum(SUBSETS))
      .min(1)
      .refine((s) => new Set(s).size === s.length, { message: 'subsets must be unique' })
      .nullable()
      .default(null)
      .describe('Subsets to bake; default: training, plus validation when validation_split > 0'),
    samples_per_shard: z.int().min(0).default(0).describe('Samples per shard file; 0: one shard per epoch'),
    partitions: z
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe('Partition count for Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX); --partitions overrides it'),
  })
  .describe('Where and how much to write');

export const configSchema = z
  .strictObject({
    dataset: datasetSchema,
    generator: generatorSchema.prefault({}),
    frontend: frontendSchema.prefault({}),
    output: outputSchema,
    hooks: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('ES module of user hooks (noaugPreprocess, preprocess, postprocess, getBatch, listValidFilenames); runs code'),
  })
  .describe('audiogen build configuration');

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type DatasetConfig = z.infer<typeof datasetSchema>;
export type GeneratorConfig = z.infer<typeof generatorSchema>;
export type FrontendSettings = z.infer<typeof frontendSchema>;
export type OutputConfig = z.infer<typeof outputSchema>;
export type Subset = (typeof SUBSETS)[number];
export type Dtype = (typeof DTYPES)[number];
export type FrontendDtype = (typeof FRONTEND_DTYPES)[number];
export type NoiseColor = (typeof NOISE_COLORS)[number];
