// The background-noise files of bg_noise_dir: .wav files (recursively, sorted), each checked like a dataset clip.
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { Config } from '../config/schema.js';
import type { BackgroundFile } from '../augment/background.js';
import { AudiogenError } from '../errors.js';
import { listClassFiles } from './list.js';

export function listBackground(config: Config, usable: (file: string, path: string) => boolean): BackgroundFile[] {
  const dir = config.generator.bg_noise_dir;
  if (dir === null) return [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AudiogenError(`generator.bg_noise_dir: ${dir} is not a folder`);
  }
  // bg_noise_dir is named explicitly (absolute or under the dataset), so its own links are followed.
  const names = listClassFiles(dir, '.', true);
  const files = names.map((name) => ({ name, path: `${dir}/${name}` })).filter((f) => usable(relative(config.dataset.directory, f.path), f.path));
  if (files.length === 0) throw new AudiogenError(`generator.bg_noise_dir: no usable .wav files in ${dir}`);
  return files;
}
