// Training/validation split of one class's files.
import { createHash } from 'node:crypto';

const MAX_NUM_WAVS_PER_CLASS = 2 ** 27 - 1;

/**
 * Where a file falls in [0, 100): TensorFlow speech_commands' `which_set` hash of the base name with everything
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

export interface Split {
  training: string[];
  validation: string[];
}

/**
 * `hash`: validation when the name's hash percentage < validation_split × 100.
 * `index`: Keras/MLTK positional split: the first int(validation_split × n) files of the index are validation.
 */
export function splitFiles(files: readonly string[], method: 'hash' | 'index', validationSplit: number): Split {
  if (validationSplit <= 0) return { training: [...files], validation: [] };
  if (method === 'index') {
    const cut = Math.floor(validationSplit * files.length);
    return { validation: files.slice(0, cut), training: files.slice(cut) };
  }
  const split: Split = { training: [], validation: [] };
  for (const f of files) (hashPercentage(f) < validationSplit * 100 ? split.validation : split.training).push(f);
  return split;
}
