// The random parameters of one sample, drawn from the sample's own seeded streams (one stream per parameter, so
// adding a parameter never changes the others).
import type { Config, Subset } from '../config/schema.js';
import { rngFor, uniform } from '../plan/rng.js';

export interface SampleParams {
  /** Where the trimmed clip sits: fraction of the free room placed before it. */
  offset: number;
}

/** Column order of the parameters in index CSVs. */
export const PARAM_COLUMNS: readonly (keyof SampleParams)[] = ['offset'];

/** Whether this subset's samples are augmented (otherwise: the identity transform, offset 0). */
export function augmentationEnabled(config: Config, subset: Subset): boolean {
  const g = config.generator;
  if (g.disable_random_transforms) return false;
  return subset === 'training' || g.validation_augmentation_enabled;
}

export function drawParams(config: Config, subset: Subset, epoch: number, position: number): SampleParams {
  if (!augmentationEnabled(config, subset)) return { offset: 0 };
  const key = [config.dataset.seed, subset, epoch, position];
  const [lo, hi] = config.generator.offset_range;
  return { offset: uniform(rngFor(...key, 'offset'), lo, hi) };
}
