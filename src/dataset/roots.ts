// The folders a config names must exist before anything is listed: a missing one is a config error naming the
// key and the path (exit 2), with what to download when the path looks like Speech Commands.
import { statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../errors.js';

export const SPEECH_COMMANDS_URL = 'http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz';
export const MSWC_URL = 'https://mlcommons.org/datasets/multilingual-spoken-words/';

function statOf(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? String(err)})`;
  }
}

/** dataset.directory must be a folder. */
export function checkDatasetDirectory(dir: string): void {
  const stat = statOf(dir);
  if (typeof stat !== 'string' && stat.isDirectory()) return;
  const problems = [
    { path: 'dataset.directory', message: `${dir} ${typeof stat === 'string' ? stat : 'is not a folder'}` },
  ];
  // The shipped configs point at Speech Commands and MSWC: say where they come from (Speech Commands' archive has
  // no top folder).
  if (/speech[_-]?commands/i.test(basename(dir))) {
    problems.push({
      path: 'dataset.directory',
      message:
        `download Speech Commands v2 from ${SPEECH_COMMANDS_URL} and extract it there ` +
        `(mkdir -p ${dir} && tar -xzf speech_commands_v0.02.tar.gz -C ${dir}), or set dataset.directory to where it is`,
    });
  } else if (/(^|[/\\])mswc([/\\]|$)/i.test(dir)) {
    problems.push({
      path: 'dataset.directory',
      message: `download a language of the Multilingual Spoken Words Corpus and its splits from ${MSWC_URL} and extract them so that this folder holds <word>/*.opus, or set dataset.directory to where it is`,
    });
  }
  throw new ConfigError(problems);
}

/** dataset.classes[i] must be a folder of the dataset directory. */
export function checkClassFolder(dir: string, classes: readonly string[], name: string): void {
  const stat = statOf(join(dir, name));
  if (typeof stat !== 'string' && stat.isDirectory()) return;
  const key = `dataset.classes[${classes.indexOf(name)}]`;
  if (stat === 'does not exist') throw new ConfigError([{ path: key, message: `no folder "${name}" in ${dir}` }]);
  throw new ConfigError([
    { path: key, message: `"${name}" in ${dir} ${typeof stat === 'string' ? stat : 'is not a folder'}` },
  ]);
}

/** A folder key of the generator (bg_noise_dir, rir_dir) must name a folder. */
export function checkGeneratorFolder(key: 'generator.bg_noise_dir' | 'generator.rir_dir', dir: string): void {
  const stat = statOf(dir);
  if (typeof stat !== 'string' && stat.isDirectory()) return;
  throw new ConfigError([{ path: key, message: `${dir} ${typeof stat === 'string' ? stat : 'is not a folder'}` }]);
}
