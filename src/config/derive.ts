// Values derived from a validated config: sample length, output shapes and dtypes, subsets, worker count.
import { availableParallelism } from 'node:os';
import type { Config, FrontendSettings, Subset, FrontendDtype } from './schema.js';

/** Audio samples per clip at the target rate (MLTK: int(sample_rate_hz * sample_length_ms / 1000)). */
export function sampleLength(f: Pick<FrontendSettings, 'sample_rate_hz' | 'sample_length_ms'>): number {
  return Math.floor((f.sample_rate_hz * f.sample_length_ms) / 1000);
}

export function subsetsOf(config: Config): Subset[] {
  if (config.output.subsets) return config.output.subsets;
  return config.generator.validation_split > 0 ? ['training', 'validation'] : ['training'];
}

/** The frontend's own output format: frontend_dtype, else dtype when the frontend can produce it, else float32. */
export function frontendDtypeOf(config: Config): FrontendDtype {
  const g = config.generator;
  if (g.frontend_dtype) return g.frontend_dtype;
  return g.dtype === 'uint16' || g.dtype === 'int8' ? g.dtype : 'float32';
}

/** Worker processes: an integer is exact, a fraction < 1 of the available cores (at least 1). */
export function workerCount(cores: number, available = availableParallelism()): number {
  return cores >= 1 ? Math.round(cores) : Math.max(1, Math.floor(cores * available));
}
