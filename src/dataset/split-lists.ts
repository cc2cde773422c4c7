// dataset.split_lists: the official split of a corpus as lists of files (Speech Commands' validation_list.txt and
// testing_list.txt). A listed file goes to that subset, every other file to training, as the Speech Commands
// README prescribes and torchaudio's SPEECHCOMMANDS does.
import { lstatSync } from 'node:fs';
import { posix, relative } from 'node:path';
import type { DatasetConfig, Subset } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { forEachLine, TextFileError } from './lines.js';
import type { Tick } from './tick.js';

type Listed = Exclude<Subset, 'training'>;
const LISTED: readonly Listed[] = ['validation', 'testing'];

export interface SplitLists {
  /** The subset each listed file goes to (paths relative to the dataset directory, normalized). */
  subsetOf: Map<string, Listed>;
  /** Each list as the user named it, with its entry count. */
  lists: { subset: Listed; shown: string; entries: number }[];
}

/**
 * Reads the lists: one path per line, relative to the dataset directory (blank lines skipped, surrounding spaces
 * trimmed, `./` and `//` normalized as torchaudio's normpath does). A path out of the dataset directory, or a file
 * in both lists, is a config error naming it.
 */
export async function readSplitLists(d: DatasetConfig, tick: Tick): Promise<SplitLists | null> {
  if (d.split_lists === null) return null;
  const subsetOf = new Map<string, Listed>();
  const lists: SplitLists['lists'] = [];
  for (const subset of LISTED) {
    const path = d.split_lists[subset];
    if (path === undefined) continue;
    const key = `dataset.split_lists.${subset}`;
    const shown = displayPath(d.directory, path);
    let entries = 0;
    try {
      await forEachLine(
        path,
        shown,
        (text, line) => {
          const raw = text.trim();
          if (raw === '') return;
          const entry = posix.normalize(raw);
          if (entry.startsWith('/') || entry === '..' || entry.startsWith('../') || entry === '.')
            throw new ConfigError([
              { path: key, message: `${shown}:${line}: "${raw}" is not a file inside the dataset directory` },
            ]);
          const other = subsetOf.get(entry);
          if (other === subset) return;
          if (other !== undefined)
            throw new ConfigError([
              {
                path: key,
                message: `${entry} is in both lists (${shown}:${line} and the ${other} list): a file belongs to one subset`,
              },
            ]);
          subsetOf.set(entry, subset);
          entries++;
        },
        tick,
      );
    } catch (err) {
      if (err instanceof TextFileError) throw new ConfigError([{ path: key, message: err.message }]);
      throw err;
    }
    lists.push({ subset, shown, entries });
  }
  return { subsetOf, lists };
}

/** The list's path as the user thinks of it: relative to the dataset directory when inside it. */
function displayPath(datasetDir: string, path: string): string {
  const rel = relative(datasetDir, path);
  return rel && !rel.startsWith('..') && !posix.isAbsolute(rel) ? rel : path;
}

/**
 * A warning for listed files that do not exist (the official lists name a few files some mirrors lack): those not
 * among the listed files and not on disk. Files of folders the build does not read exist, and are not counted.
 */
export function missingListedWarning(lists: SplitLists, listed: ReadonlySet<string>, root: string): string | null {
  const missing: Record<Listed, string[]> = { validation: [], testing: [] };
  for (const [entry, subset] of lists.subsetOf) {
    if (listed.has(entry)) continue;
    try {
      lstatSync(posix.join(root, entry));
    } catch {
      missing[subset].push(entry);
    }
  }
  const parts = lists.lists
    .filter((l) => missing[l.subset].length > 0)
    .map((l) => `${missing[l.subset].length} of the ${l.entries} files named in ${l.shown}`);
  if (parts.length === 0) return null;
  const first = [...missing.validation, ...missing.testing].sort().slice(0, 3);
  const total = missing.validation.length + missing.testing.length;
  return (
    `dataset.split_lists: ${parts.join(' and ')} do not exist in ${root} ` +
    `(${first.join(', ')}${total > first.length ? ', ...' : ''}); they are left out`
  );
}
