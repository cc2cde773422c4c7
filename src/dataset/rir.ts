// The room impulse responses of rir_dir: listed like bg_noise_dir (its own root, every file checked like a clip).
import type { Config } from '../config/schema.js';
import { listSideFolder, type BackgroundFile, type FileChecks } from './background.js';
import type { Tick } from './tick.js';

/** A room-impulse-response file, in draw order: `name` (relative to rir_dir) is what the index CSV records. */
export type RirFile = BackgroundFile;

export async function listRirs(config: Config, checks: FileChecks, tick: Tick): Promise<RirFile[]> {
  const dir = config.generator.rir_dir;
  return dir === null ? [] : listSideFolder(config, 'generator.rir_dir', dir, checks, tick);
}
