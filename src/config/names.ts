// The config's enumerations, without zod: worker processes import these and never load the schema library.
export const SUBSETS = ['training', 'validation', 'testing'] as const;
export const DTYPES = ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32'] as const;
export const FRONTEND_DTYPES = ['uint16', 'float32', 'int8'] as const;
export const NOISE_COLORS = ['white', 'pink', 'brown', 'blue', 'violet'] as const;
