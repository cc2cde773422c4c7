// dataset.manifest: a dataset described by a file (MSWC's split CSVs, Common Voice's TSVs, JSON Lines) instead of
// class folders. Each kept row names a clip (a path inside the dataset directory), its label and, when mapped, its
// subset and speaker. The rows are read once, filtered (dataset.where), checked (paths stay inside the dataset
// directory, a file is named once) and grouped by label.
import { realpathSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import type { DatasetConfig, Subset } from '../config/schema.js';
import { SUBSETS } from '../config/names.js';
import { AudiogenError, ConfigError } from '../errors.js';
import { TextFileError } from './lines.js';
import { isInside } from './list.js';
import { hashPercentage } from './split.js';
import { MissingColumnsError, readTable } from './table.js';
import type { Tick } from './tick.js';

export interface DescribedRow {
  /** Path relative to the dataset directory ('/'-separated, normalized). */
  file: string;
  line: number;
  /** The subset the subset column gives; null without one. */
  subset: Subset | null;
  /** which_set's percentage of the speaker; NaN without a speaker column (the file name is hashed). */
  speakerPercentage: number;
}

export interface DescribedDataset {
  /** The manifest as messages name it (relative to the dataset directory when inside it). */
  shown: string;
  /** Every kept row by file. */
  rows: Map<string, DescribedRow>;
  /** Files per label, sorted: the known classes and the labels that can feed _unknown_. */
  groups: Map<string, string[]>;
  warnings: string[];
}

// An empty path becomes `.` and is refused as one.
const NEEDS_NORMALIZING = /(^|\/)\.\.?(\/|$)|\/\/|^\/|^$/;

/** Labels that never feed _unknown_, as folders whose names start so are not classes (`_background_noise_`). */
const NOT_A_WORD = /^[_.~]/;

/**
 * Reads dataset.manifest: rows of the known classes, and (with `_unknown_` among the classes) rows of every other
 * label. `classes` are the known classes, in label order.
 */
export async function readDescribedDataset(
  d: DatasetConfig,
  classes: readonly string[],
  unknown: boolean,
  tick: Tick,
): Promise<DescribedDataset> {
  const file = d.manifest!;
  const columns = d.columns!;
  const shown = shownPath(d.directory, file);
  const names = subsetNames(d);
  const where = Object.entries(d.where ?? {});
  const wanted = [columns.path, columns.label, columns.subset, columns.speaker, ...where.map(([c]) => c)];
  const used = [...new Set(wanted.filter((c): c is string => c !== null))];
  const at = (c: string | null) => (c === null ? -1 : used.indexOf(c));
  const [iPath, iLabel, iSubset, iSpeaker] = [columns.path, columns.label, columns.subset, columns.speaker].map(at);
  const filters = where.map(([c, values]) => ({ index: at(c), values: new Set(values) }));
  const known = new Set(classes);

  const rows = new Map<string, DescribedRow>();
  const groups = new Map<string, string[]>();
  const otherSubsets = new Map<string, number>();
  let blank = 0;
  // Speakers seen per subset (a bit each), when both a subset and a speaker column are mapped.
  const speakerSubsets = iSubset >= 0 && iSpeaker >= 0 ? new Map<string, number>() : null;

  const onRow = (cells: string[], line: number) => {
    for (const f of filters) if (!f.values.has(cells[f.index])) return;
    const rawPath = cells[iPath];
    const label = cells[iLabel];
    if (rawPath === '' || label === '') {
      blank++;
      return;
    }
    let subset: Subset | null = null;
    if (iSubset >= 0) {
      const value = cells[iSubset];
      subset = names.get(value) ?? null;
      if (subset === null) {
        otherSubsets.set(value, (otherSubsets.get(value) ?? 0) + 1);
        return;
      }
    }
    if (!known.has(label) && !(unknown && !NOT_A_WORD.test(label))) return;
    if (speakerSubsets && subset !== null) {
      const speaker = cells[iSpeaker];
      speakerSubsets.set(speaker, (speakerSubsets.get(speaker) ?? 0) | (1 << SUBSETS.indexOf(subset)));
    }
    // posix.normalize costs more than the rest of a row: only paths with `//`, `.` or `..` parts need it.
    const path = NEEDS_NORMALIZING.test(rawPath) ? posix.normalize(rawPath) : rawPath;
    if (path.startsWith('/') || path === '..' || path.startsWith('../') || path === '.')
      throw new ConfigError([
        {
          path: 'dataset.manifest',
          message: `${shown}:${line}: "${rawPath}" is not a file inside the dataset directory ${d.directory}`,
        },
      ]);
    const before = rows.get(path);
    if (before)
      throw new ConfigError([
        {
          path: 'dataset.manifest',
          message: `${shown}:${line}: ${path} is named again (first on line ${before.line}): a clip belongs to one row`,
        },
      ]);
    const speakerPercentage = iSpeaker >= 0 && iSubset < 0 ? hashPercentage(cells[iSpeaker]) : Number.NaN;
    rows.set(path, { file: path, line, subset, speakerPercentage });
    const group = groups.get(label);
    if (group) group.push(path);
    else groups.set(label, [path]);
  };

  try {
    await readTable(file, shown, used, onRow, tick);
  } catch (err) {
    if (err instanceof MissingColumnsError) {
      const key = (c: string) =>
        c === columns.path
          ? 'dataset.columns.path'
          : c === columns.label
            ? 'dataset.columns.label'
            : c === columns.subset
              ? 'dataset.columns.subset'
              : c === columns.speaker
                ? 'dataset.columns.speaker'
                : `dataset.where.${c}`;
      // A garbage "header" can be a megabyte: name a few columns, shortened.
      const shortened = err.available
        .slice(0, 12)
        .map((c) => JSON.stringify(c.length > 40 ? `${c.slice(0, 40)}...` : c));
      const available = `${shortened.join(', ')}${err.available.length > 12 ? `, ... (${err.available.length} columns)` : ''}`;
      throw new ConfigError(
        err.missing.map((c) => ({
          path: key(c),
          message: `${err.message.replace(/: no column .*$/, '')}: no column ${JSON.stringify(c)} (it has ${available})`,
        })),
      );
    }
    if (err instanceof TextFileError) throw new ConfigError([{ path: 'dataset.manifest', message: err.message }]);
    throw err;
  }

  for (const files of groups.values()) files.sort(byCodeUnit);
  for (const [i, c] of classes.entries()) {
    if (!groups.has(c))
      throw new ConfigError([
        {
          path: `dataset.classes[${i}]`,
          message: `no rows labelled "${c}" in ${shown} (column ${columns.label}${where.length ? ', after dataset.where' : ''})`,
        },
      ]);
  }
  const warnings: string[] = [];
  if (blank > 0)
    warnings.push(
      `dataset.manifest: ${blank} row${blank === 1 ? '' : 's'} of ${shown} with an empty ${columns.path} or ${columns.label} left out`,
    );
  if (otherSubsets.size > 0) {
    const total = [...otherSubsets.values()].reduce((a, b) => a + b, 0);
    const values = [...otherSubsets]
      .sort((a, b) => b[1] - a[1] || byCodeUnit(a[0], b[0]))
      .slice(0, 5)
      .map(([v, n]) => `${JSON.stringify(v)} ${n}`);
    warnings.push(
      `dataset.subset_names: ${total} row${total === 1 ? '' : 's'} of ${shown} with another ${columns.subset} value left out (${values.join(', ')}${otherSubsets.size > 5 ? ', ...' : ''})`,
    );
  }
  if (speakerSubsets) {
    let spanning = 0;
    for (const bits of speakerSubsets.values()) if (bits & (bits - 1)) spanning++;
    if (spanning > 0)
      warnings.push(
        `dataset.columns.speaker: ${spanning} of the ${speakerSubsets.size} speakers of ${shown} appear in more than one subset (the subset column decides, so their clips are in both)`,
      );
  }
  return { shown, rows, groups, warnings };
}

/** Value of the subset column -> subset: dataset.subset_names, else the subsets' own names. */
function subsetNames(d: DatasetConfig): Map<string, Subset> {
  const names = new Map<string, Subset>();
  for (const s of SUBSETS) {
    const value = d.subset_names === null ? s : d.subset_names[s];
    if (value !== undefined) names.set(value, s);
  }
  return names;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function shownPath(datasetDir: string, path: string): string {
  const rel = relative(datasetDir, path);
  return rel && !rel.startsWith('..') && !posix.isAbsolute(rel) ? rel : path;
}

/**
 * Why a row's clip cannot be read, before it is probed: it does not exist, or is a link loop; null when it
 * resolves. A clip that resolves out of the dataset directory stops the listing (as a symlink out of a class
 * folder does) unless dataset.follow_links.
 */
export function rowFileProblem(root: string, rootReal: string, file: string, followLinks: boolean): string | null {
  let real: string;
  try {
    real = realpathSync(join(root, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    if (code === 'ELOOP') return 'is a symlink loop';
    return `cannot be read (${code ?? String(err)})`;
  }
  if (!followLinks && !isInside(rootReal, real))
    throw new AudiogenError(
      `${file}: resolves outside the dataset directory (to ${real}); set dataset.follow_links to allow it`,
    );
  return null;
}
