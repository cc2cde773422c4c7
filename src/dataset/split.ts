// Training/validation/testing split of one class's files: by fractions (hash or index), or by a subset known for
// each file (official lists, a manifest's subset column).
import { createHash } from 'node:crypto';
import type { Subset } from '../config/schema.js';

const MAX_NUM_WAVS_PER_CLASS = 2 ** 27 - 1;

/**
 * Where a name falls in [0, 100): TensorFlow speech_commands' `which_set` hash of the base name with everything
 * from `_nohash_` on removed, so all clips of a speaker share a subset and adding files never moves old ones.
 */
export function hashPercentage(file: string): number {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const name = base.replace(/_nohash_.*$/, '');
  const hex = createHash('sha1').update(name, 'utf8').digest('hex');
  // int(hex, 16) % 2^27 only depends on the last 27 bits.
  const low = parseInt(hex.slice(-8), 16) % (MAX_NUM_WAVS_PER_CLASS + 1);
  return low * (100 / MAX_NUM_WAVS_PER_CLASS);
}

export type Split = Record<Subset, string[]>;

export const emptySplit = (): Split => ({ training: [], validation: [], testing: [] });

/** The fractions of a split, and whether files are hashed or taken by position. */
export interface Fractions {
  method: 'hash' | 'index';
  validation: number;
  testing: number;
}

/**
 * `hash`: which_set(name, validation × 100, testing × 100): validation below the validation percentage, testing
 * below validation + testing, training above. `percentage` hashes something else than the file's name (a speaker).
 * `index`: Keras/MLTK positional split: the first int(validation × n) files are validation, the next
 * int(testing × n) testing.
 */
export function splitFiles(
  files: readonly string[],
  f: Fractions,
  percentage: (file: string) => number = hashPercentage,
): Split {
  if (f.validation <= 0 && f.testing <= 0) return { ...emptySplit(), training: [...files] };
  if (f.method === 'index') {
    const v = Math.floor(f.validation * files.length);
    const t = v + Math.floor(f.testing * files.length);
    return { validation: files.slice(0, v), testing: files.slice(v, t), training: files.slice(t) };
  }
  const validation = f.validation * 100;
  const testing = f.testing * 100;
  const split = emptySplit();
  for (const file of files) {
    const p = percentage(file);
    // which_set compares with testing_percentage + validation_percentage: the same float sum here.
    (p < validation ? split.validation : p < testing + validation ? split.testing : split.training).push(file);
  }
  return split;
}

/** Files by a subset known for each (null: left out), in their given order. */
export function splitBy(files: readonly string[], subsetOf: (file: string) => Subset | null): Split {
  const split = emptySplit();
  for (const file of files) {
    const s = subsetOf(file);
    if (s !== null) split[s].push(file);
  }
  return split;
}
