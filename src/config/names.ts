// The config's enumerations, without zod: worker processes import these and never load the schema library.
export const SUBSETS = ['training', 'validation', 'testing'] as const;
export const DTYPES = ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32'] as const;
export const FRONTEND_DTYPES = ['uint16', 'float32', 'int8'] as const;
export const NOISE_COLORS = ['white', 'pink', 'brown', 'blue', 'violet'] as const;
/** generator.spec_augment when not configured (the schema's defaults; a test holds the two together). */
export const SPEC_AUGMENT_OFF = {
  time_masks: 0,
  time_mask_max_frames: 0,
  freq_masks: 0,
  freq_mask_max_channels: 0,
  mask_value: 'mean',
} as const;
/** output.format: .npy shards with index CSVs, or WebDataset tar shards. */
export const OUTPUT_FORMATS = ['npy', 'webdataset'] as const;
export const FRONTEND_TYPES = ['microfrontend', 'log_mel', 'mfcc'] as const;
export const MEL_SCALES = ['slaney', 'htk'] as const;
export const MEL_NORMS = ['slaney', 'none'] as const;
export const LOG_SCALES = ['ln', 'db'] as const;
/** dataset.extensions' default: the files listed as clips (their format is read from their contents). */
export const DEFAULT_EXTENSIONS = ['.wav', '.flac', '.opus', '.ogg', '.mp3'];
