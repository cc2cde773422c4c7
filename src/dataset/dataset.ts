// The dataset as the plan sees it: for each subset, the samples (label + file) in class order, with _unknown_
// drawn from the other folders (or labels of a manifest) and _silence_ clips added.
import type { Config, Subset } from '../config/schema.js';
import type { ListingSummary } from '../io/manifest.js';
import { subsetsOf } from '../config/derive.js';
import { AudiogenError, ConfigError } from '../errors.js';
import { rngFor, shuffleInPlace } from '../random/rng.js';
import { classIndex } from './index-file.js';
import {
  isInside,
  listClassFiles,
  otherAudioNote,
  unknownSourceFolders,
  type FolderListing,
  type ListFolderOptions,
} from './list.js';
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emptySplit, splitBy, splitFiles, type Split } from './split.js';
import { missingListedWarning, readSplitLists } from './split-lists.js';
import { readDescribedDataset, rowFileProblem } from './rows.js';
import { SUBSETS } from '../config/names.js';
import { probeInline, type BadFile, type ClipProbe, type ProbeOutcome } from './probe.js';
import { checkClassFolder, checkDatasetDirectory } from './roots.js';
import { ticker } from './tick.js';
import { listBackground, type BackgroundFile } from './background.js';
import { listRirs, type RirFile } from './rir.js';

/** A clip's path: the dataset directory and its relative name (a plain join: the listing makes one per clip). */
export const clipPath = (dir: string, file: string): string => `${dir.endsWith('/') ? dir.slice(0, -1) : dir}/${file}`;

// Clips probed at a time: enough to keep every worker busy, few past a class's cap.
const PROBE_WINDOW = 1024;

export const UNKNOWN = '_unknown_';
export const SILENCE = '_silence_';

export interface SampleRef {
  label: number;
  /** Path relative to the dataset directory ('/'-separated); null for a _silence_ clip. */
  file: string | null;
}

export interface SubsetListing {
  samples: SampleRef[];
  /** Samples per class name, in class order. */
  classCounts: Record<string, number>;
}

export interface DatasetListing {
  classes: string[];
  subsets: Partial<Record<Subset, SubsetListing>>;
  /** Non-fatal observations (e.g. fewer _unknown_ files than asked for). */
  warnings: string[];
  /** Index files used (class name -> path). */
  indexFiles: Record<string, string>;
  /** Files left out because they cannot be decoded (on_error: skip). */
  skipped: BadFile[];
  /** Background-noise files (bg_noise_dir), in draw order. */
  background: BackgroundFile[];
  /** Room-impulse-response files (rir_dir), in draw order. */
  rirs: RirFile[];
  /**
   * Size and time of every clip found usable, by its name relative to the dataset directory (the plan's own
   * strings, so the build's input fingerprint looks them up cheaply and needs no second stat).
   */
  stats: Map<string, FileStat>;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/** Candidates sent to be probed: from `at` in their list, their problems, the outcomes to come (paths not kept). */
interface ProbeWindow {
  at: number;
  window: string[];
  /** A manifest row's problem per candidate (not probed), or null without a manifest. */
  problems: (string | null)[] | null;
  outcomes: Promise<ProbeOutcome[]>;
}

/** The reference's list_valid_filenames_in_directory_function (a hook): returns [className, files] or files. */
export type ListValidFilenames = (
  baseDirectory: string,
  searchClass: string,
  whiteListFormats: string[],
  split: [number, number],
  followLinks: boolean,
  shuffleIndexDirectory: string | null,
) => [string, string[]] | string[];

export interface ListOptions {
  /** Write shuffled index files (build) or only read them (validate). */
  write: boolean;
  /** The listValidFilenames hook, if any: replaces the folder walk of each class. */
  listValidFilenames?: ListValidFilenames;
  /** Stops the listing (InterruptedError) when aborted; the listing yields to the event loop so signals are seen. */
  signal?: AbortSignal;
  /** Probes clips (the build's workers do it in parallel); by default one after the other in this process. */
  probe?: ClipProbe;
  /**
   * Walks a class folder elsewhere (the build's workers, every class at once); by default here, one after the
   * other. Either way its clips are then indexed, probed and taken in class order.
   */
  listFolder?: FolderLister;
}

/** Lists the clips of `folder` in `root`, as listClassFiles does (its messages name the folder). */
export type FolderLister = (
  root: string,
  folder: string,
  opts: Required<Pick<ListFolderOptions, 'followLinks' | 'extensions'>>,
) => Promise<FolderListing>;
/** A class's files from the listValidFilenames hook: paths relative to the dataset directory, inside the class folder. */
function filesFromHook(hook: ListValidFilenames, config: Config, className: string): string[] {
  const d = config.dataset;
  let result: unknown;
  try {
    result = hook(d.directory, className, [...d.extensions], [0, 1], d.follow_links, d.shuffle_index_dir);
  } catch (err) {
    throw new AudiogenError(
      `hook listValidFilenames failed on class "${className}": ${(err as Error)?.message ?? String(err)}`,
    );
  }
  const bad = (why: string) => new AudiogenError(`hook listValidFilenames for class "${className}": ${why}`);
  if (result instanceof Promise) throw bad('returned a Promise; it must return its list synchronously');
  const files =
    Array.isArray(result) && result.length === 2 && Array.isArray(result[1]) && typeof result[0] === 'string'
      ? result[1]
      : result;
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string'))
    throw bad('expected [className, files] or files, a list of strings');
  const root = realpathSync(d.directory);
  return files
    .map((f: string) => {
      const rel = f.replace(/\\/g, '/');
      const inside = isInside(join(root, className), resolve(root, rel));
      if (!rel.startsWith(`${className}/`) || !inside)
        throw bad(`"${f}" is not a file inside the class folder ${className}/ of the dataset directory`);
      if (!existsSync(join(root, rel))) throw bad(`"${f}" does not exist`);
      return rel.slice(className.length + 1);
    })
    .sort();
}

export async function listDataset(config: Config, opts: ListOptions): Promise<DatasetListing> {
  const d = config.dataset;
  const g = config.generator;
  const subsets = subsetsOf(config);
  const warnings: string[] = [];
  const indexFiles: Record<string, string> = {};
  const skipped: BadFile[] = [];
  const tick = ticker(opts.signal);
  checkDatasetDirectory(d.directory);
  const known = d.classes.filter((c) => c !== UNKNOWN && c !== SILENCE);
  if (known.length === 0)
    throw new AudiogenError(`dataset.classes: needs at least one class besides ${UNKNOWN} and ${SILENCE}`);
  const wantsUnknown = d.classes.includes(UNKNOWN);
  const lists = await readSplitLists(d, tick);
  const described = d.manifest === null ? null : await readDescribedDataset(d, known, wantsUnknown, tick);
  if (described) {
    if (opts.listValidFilenames)
      throw new ConfigError([
        { path: 'hooks', message: 'listValidFilenames lists class folders; it does not apply to dataset.manifest' },
      ]);
    warnings.push(...described.warnings);
  }
  const rootReal = realpathSync(d.directory);

  /** A bad file stops the listing (fail) or is recorded and left out (skip). */
  const reject = (bad: BadFile): void => {
    if (g.on_error === 'fail') {
      throw new AudiogenError(`${bad.file}: ${bad.reason} (set generator.on_error: skip to leave bad files out)`);
    }
    skipped.push(bad);
  };
  const probe = opts.probe ?? probeInline(tick);
  const stats = new Map<string, FileStat>();
  /** A window of candidates (relative to the dataset) sent to be probed now; its outcomes are awaited later. */
  const startWindow = (candidates: readonly string[], at: number, want: number): ProbeWindow => {
    const window = candidates.slice(at, at + Math.max(PROBE_WINDOW, want));
    // A manifest's row must first resolve inside the dataset directory.
    const problems = described ? window.map((f) => rowFileProblem(d.directory, rootReal, f, d.follow_links)) : null;
    const paths: string[] = [];
    for (let i = 0; i < window.length; i++) if (!problems?.[i]) paths.push(clipPath(d.directory, window[i]));
    const outcomes = probe(paths);
    // Awaited in order later; marked handled now, so a failure meanwhile is not an unhandled rejection.
    outcomes.catch(() => {});
    return { at, window, problems, outcomes };
  };
  /**
   * The first `want` files of `candidates` (relative to the dataset) that decode, in order; each bad one before
   * them is rejected. Probed a window at a time (`first` may be under way), so a capped class probes little past
   * its cap.
   */
  const firstUsable = async (
    candidates: readonly string[],
    want: number,
    first = startWindow(candidates, 0, want),
  ): Promise<string[]> => {
    const out: string[] = [];
    for (let w: ProbeWindow | null = first; w; ) {
      const { window, problems } = w;
      const outcomes = await w.outcomes;
      await tick();
      for (let i = 0, next = 0; i < window.length && out.length < want; i++) {
        const file = window[i];
        const problem = problems?.[i];
        if (problem) {
          reject({ file, reason: `${problem} (${described!.shown}:${described!.rows.get(file)!.line})` });
          continue;
        }
        const o = outcomes[next++];
        if (o.reason !== null) reject({ file, reason: o.reason });
        else {
          stats.set(file, { size: o.size, mtimeMs: o.mtimeMs });
          out.push(file);
        }
      }
      const at: number = w.at + window.length;
      w = at < candidates.length && out.length < want ? startWindow(candidates, at, want - out.length) : null;
    }
    return out;
  };
  /** Whether one file decodes (`file` names it in messages): background noise and room impulse responses. */
  const usable = async (file: string, path = clipPath(d.directory, file)): Promise<boolean> => {
    const [o] = await probe([path]);
    if (o.reason !== null) {
      reject({ file, reason: o.reason });
      return false;
    }
    return true;
  };

  /** Files named by the listing, for the split lists' missing-file count. */
  const listed = new Set<string>();
  /** Which subset each file goes to. */
  const assign = (files: string[]): Split => {
    if (lists) return splitBy(files, (f) => lists.subsetOf.get(f) ?? 'training');
    if (described && d.columns!.subset !== null) return splitBy(files, (f) => described.rows.get(f)!.subset);
    const fractions = { method: d.validation_split_method, validation: g.validation_split, testing: g.testing_split };
    if (described && d.columns!.speaker !== null)
      return splitFiles(files, fractions, (f) => described.rows.get(f)!.speakerPercentage);
    return splitFiles(files, fractions);
  };

  /**
   * A group's files (relative to the dataset directory) in index order, as the folder listing names them, and the
   * entries that cannot be clips (the caller rejects them, in its order).
   */
  const folderFiles = async (
    folder: string,
    check: boolean,
    walked?: Promise<FolderListing>,
  ): Promise<{ files: string[]; bad: BadFile[] }> => {
    let listing: string[];
    const bad: BadFile[] = [];
    if (opts.listValidFilenames) listing = filesFromHook(opts.listValidFilenames, config, folder);
    else {
      const found = await (walked ??
        listClassFiles(d.directory, folder, { followLinks: d.follow_links, tick, extensions: d.extensions }));
      for (const b of found.bad) bad.push({ file: `${folder}/${b.file}`, reason: b.reason });
      const note = otherAudioNote(found.otherAudio);
      if (note)
        warnings.push(`${check ? `class "${folder}"` : `folder "${folder}" (a source of ${UNKNOWN})`}: ${note}`);
      listing = found.files;
    }
    const index = classIndex({
      className: folder,
      listing,
      shuffleIndexDir: d.shuffle_index_dir,
      seed: d.seed,
      write: opts.write,
    });
    if (index.path) indexFiles[folder] = index.path;
    const files = index.files.map((f) => `${folder}/${f}`);
    if (lists) for (const f of files) listed.add(f);
    return { files, bad };
  };

  const cap = d.max_samples_per_class >= 0 ? d.max_samples_per_class : Infinity;
  /** An unknown source's files in index order, capped: its clips are checked when drawn. */
  const unknownSplit = async (group: string): Promise<Split> => {
    if (described) return assign(described.groups.get(group)!.slice(0, cap));
    const { files, bad } = await folderFiles(group, false);
    for (const b of bad) reject(b);
    return assign(files.slice(0, cap));
  };

  const knownSplits = new Map<string, Split>();
  if (!described) for (const c of known) checkClassFolder(d.directory, d.classes, c);
  // Each class is sent to be probed as soon as its listing is here (the workers probe while the next is listed, here or
  // by them); the outcomes are then taken class by class, in order, as if one class were done after the other.
  const classes: { files: string[]; bad: BadFile[]; first: ProbeWindow }[] = [];
  let listingFailure: { error: unknown } | null = null;
  // Walked elsewhere, every class folder is asked for at once; the answers are taken in class order all the same.
  const lister = described || opts.listValidFilenames ? undefined : opts.listFolder;
  const walks = lister
    ? known.map((c) => lister(d.directory, c, { followLinks: d.follow_links, extensions: d.extensions }))
    : [];
  // Awaited in order below (or not at all after an earlier failure): marked handled now.
  for (const w of walks) w.catch(() => {});
  for (const [i, c] of known.entries()) {
    try {
      const { files, bad } = described
        ? { files: described.groups.get(c)!, bad: [] }
        : await folderFiles(c, true, walks[i]);
      classes.push({ files, bad, first: startWindow(files, 0, cap) });
    } catch (error) {
      listingFailure = { error };
      break;
    }
  }
  for (const [i, c] of known.entries()) {
    if (i === classes.length) throw listingFailure!.error;
    const { files, bad, first } = classes[i];
    for (const b of bad) reject(b);
    const split = assign(await firstUsable(files, cap, first));
    if (SUBSETS.every((s) => split[s].length === 0)) {
      const prefix = described ? null : `${c}/`;
      const bad = skipped.filter((b) =>
        prefix ? b.file.startsWith(prefix) : described!.groups.get(c)!.includes(b.file),
      ).length;
      const where = described
        ? `rows labelled "${c}" in ${described.shown}`
        : `audio files (${d.extensions.join(' ')}) in ${d.directory}/${c}`;
      throw new AudiogenError(
        `class "${c}": no ${bad ? 'usable ' : ''}${where}${bad ? ` (${bad} left out as unreadable)` : ''}`,
      );
    }
    knownSplits.set(c, split);
  }
  if (!lists && !(described && d.columns!.subset !== null)) {
    for (const subset of ['validation', 'testing'] as const) {
      const off = splitWarning(knownSplits, subset, d.validation_split_method, g[`${subset}_split`]);
      if (off) warnings.push(off);
    }
  }

  let unknownPool: Split | null = null;
  if (wantsUnknown) {
    let sources: string[];
    if (described) sources = [...described.groups.keys()].filter((l) => !d.classes.includes(l)).sort();
    else {
      const { folders, bad } = unknownSourceFolders(d.directory, d.classes);
      for (const b of bad) reject(b);
      sources = folders;
    }
    if (sources.length === 0) {
      throw new AudiogenError(
        described
          ? `class "${UNKNOWN}": no rows of ${described.shown} with other labels to draw unknown samples from`
          : `class "${UNKNOWN}": no other class folders in ${d.directory} to draw unknown samples from`,
      );
    }
    unknownPool = emptySplit();
    for (const source of sources) {
      const s = await unknownSplit(source);
      for (const subset of SUBSETS) unknownPool[subset].push(...s[subset]);
    }
  }
  if (lists) {
    const missing = missingListedWarning(lists, listed, d.directory);
    if (missing) warnings.push(missing);
  }

  const background = await listBackground(config, { usable, reject, warnings }, tick);
  const rirs = await listRirs(config, { usable, reject, warnings }, tick);
  const result: DatasetListing = {
    classes: [...d.classes],
    subsets: {},
    warnings,
    indexFiles,
    skipped,
    background,
    rirs,
    stats,
  };
  for (const subset of subsets) {
    const samples: SampleRef[] = [];
    const classCounts: Record<string, number> = {};
    const minKnown = Math.min(...known.map((c) => knownSplits.get(c)![subset].length));
    for (const [label, name] of d.classes.entries()) {
      let files: (string | null)[];
      if (name === UNKNOWN) {
        const pool = [...unknownPool![subset]];
        const want = Math.floor(g.unknown_class_percentage * minKnown);
        shuffleInPlace(pool, rngFor(d.seed, 'unknown', subset));
        const drawn = await firstUsable(pool, want);
        if (drawn.length < want) {
          warnings.push(
            `${subset}: ${UNKNOWN} asks for ${want} samples, only ${drawn.length} usable files are available`,
          );
        }
        files = drawn.sort();
      } else if (name === SILENCE) {
        files = new Array(Math.floor(g.silence_class_percentage * minKnown)).fill(null);
      } else {
        files = knownSplits.get(name)![subset];
        if (files.length === 0) warnings.push(`${subset}: class "${name}" has no samples in this subset`);
      }
      classCounts[name] = files.length;
      for (const file of files) samples.push({ label, file });
    }
    result.subsets[subset] = { samples, classCounts };
  }
  return result;
}

/** One line when the realised fraction of a subset is more than 0.05 from the one asked, overall or per class. */
function splitWarning(
  splits: ReadonlyMap<string, Split>,
  subset: 'validation' | 'testing',
  method: 'hash' | 'index',
  asked: number,
): string | null {
  if (asked <= 0) return null;
  let n = 0;
  let taken = 0;
  const far: { name: string; realised: number }[] = [];
  for (const [name, split] of splits) {
    const count = SUBSETS.reduce((a, s) => a + split[s].length, 0);
    n += count;
    taken += split[subset].length;
    const realised = split[subset].length / count;
    if (Math.abs(realised - asked) > 0.05) far.push({ name, realised });
  }
  const overall = taken / Math.max(1, n);
  if (Math.abs(overall - asked) <= 0.05 && far.length === 0) return null;
  far.sort((a, b) => Math.abs(b.realised - asked) - Math.abs(a.realised - asked));
  const classes = far.length
    ? `; classes farthest from it: ${far
        .slice(0, 4)
        .map((c) => `${c.name} ${c.realised.toFixed(2)}`)
        .join(', ')}${far.length > 4 ? ` and ${far.length - 4} more` : ''}`
    : '';
  const why =
    method === 'hash'
      ? 'the hash split keeps each speaker in one subset, so a small dataset lands away from the fraction (validation_split_method: index splits each class exactly)'
      : `the index split takes int(${subset}_split x n) files of each class`;
  return `generator.${subset}_split: ${asked} asked, ${overall.toFixed(2)} realised (${taken} of ${n} files of the known classes)${classes}: ${why}`;
}

/** The listing as a build records it: class names, counts per subset, files left out, warnings. */
export function summarize(listing: DatasetListing): ListingSummary {
  const subsets: ListingSummary['subsets'] = {};
  for (const [name, s] of Object.entries(listing.subsets)) {
    subsets[name as Subset] = { samples: s!.samples.length, class_counts: s!.classCounts };
  }
  return { classes: listing.classes, subsets, skipped: listing.skipped, warnings: listing.warnings };
}
