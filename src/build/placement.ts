// Where a command may write: never into what it reads. An output folder that is, contains or lies inside the
// dataset, bg_noise_dir, rir_dir or shuffle_index_dir is refused before anything is written or deleted.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { isInside } from '../dataset/list.js';
import { ConfigError, type ConfigProblem } from '../errors.js';

/** The real path of `path`, resolving links in the part that exists (the rest may be created later). */
export function realPathOf(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realPathOf(parent), basename(abs));
  }
}

/** The folders a build reads, by config key. */
function inputFolders(config: Config): [string, string][] {
  const out: [string, string][] = [['dataset.directory', config.dataset.directory]];
  if (config.generator.bg_noise_dir !== null) out.push(['generator.bg_noise_dir', config.generator.bg_noise_dir]);
  if (config.generator.rir_dir !== null) out.push(['generator.rir_dir', config.generator.rir_dir]);
  if (config.dataset.shuffle_index_dir !== null)
    out.push(['dataset.shuffle_index_dir', config.dataset.shuffle_index_dir]);
  return out;
}

/** Refuses (config error, exit 2) an output folder that overlaps a folder the config reads. */
export function checkOutputPlacement(config: Config, output = config.output.directory, key = 'output.directory'): void {
  const out = realPathOf(output);
  const problems: ConfigProblem[] = [];
  for (const [name, dir] of inputFolders(config)) {
    const input = realPathOf(dir);
    const relation =
      out === input ? 'is' : isInside(input, out) ? 'lies inside' : isInside(out, input) ? 'contains' : null;
    if (relation)
      problems.push({
        path: key,
        message: `${output} ${relation} ${name} (${dir}); audiogen never writes where it reads: choose an output folder outside it`,
      });
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
