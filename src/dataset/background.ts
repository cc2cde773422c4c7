// The background-noise files of bg_noise_dir: files with one of dataset.extensions (recursively, sorted), each
// checked like a dataset clip. The folder is its own root: its files (and links) must stay inside it unless
// dataset.follow_links. rir_dir is listed by the same rules (rir.ts).
import { join, relative } from 'node:path';
import type { Config } from '../config/schema.js';
import { AudiogenError } from '../errors.js';
import { listClassFiles, otherAudioNote } from './list.js';
import type { BadFile } from './probe.js';
import { checkGeneratorFolder } from './roots.js';
import type { Tick } from './tick.js';

export interface FileChecks {
  /** Probes a clip (named relative to the dataset) and applies on_error; true when it can be used. */
  usable(file: string, path: string): Promise<boolean>;
  /** Applies on_error to a file the listing already knows is bad. */
  reject(bad: BadFile): void;
  warnings: string[];
}

/** A background-noise (or room-impulse-response) file, in draw order. */
export interface BackgroundFile {
  /** Path relative to its folder ('/'-separated): what the index CSV records. */
  name: string;
  path: string;
}

export async function listBackground(config: Config, checks: FileChecks, tick: Tick): Promise<BackgroundFile[]> {
  const dir = config.generator.bg_noise_dir;
  return dir === null ? [] : listSideFolder(config, 'generator.bg_noise_dir', dir, checks, tick);
}

/**
 * The audio files of a folder the generator reads besides the dataset (bg_noise_dir, rir_dir), sorted, each checked
 * like a clip; at least one must be usable.
 */
export async function listSideFolder(
  config: Config,
  key: 'generator.bg_noise_dir' | 'generator.rir_dir',
  dir: string,
  checks: FileChecks,
  tick: Tick,
): Promise<BackgroundFile[]> {
  checkGeneratorFolder(key, dir);
  // Messages name files relative to the dataset directory, like every other file.
  const label = relative(config.dataset.directory, dir) || '.';
  const listing = await listClassFiles(dir, '.', {
    followLinks: config.dataset.follow_links,
    tick,
    rootName: `${key} ${dir}`,
    label,
    extensions: config.dataset.extensions,
  });
  const name = (f: string) => (label === '.' ? f : `${label}/${f}`);
  for (const b of listing.bad) checks.reject({ file: name(b.file), reason: b.reason });
  const note = otherAudioNote(listing.otherAudio);
  if (note) checks.warnings.push(`${key}: ${note}`);
  const files: BackgroundFile[] = [];
  for (const f of listing.files) {
    const path = join(dir, f);
    if (await checks.usable(name(f), path)) files.push({ name: f, path: `${dir}/${f}` });
  }
  if (files.length === 0)
    throw new AudiogenError(`${key}: no usable audio files (${config.dataset.extensions.join(' ')}) in ${dir}`);
  return files;
}
