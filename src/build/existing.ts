// What an existing output directory holds — nothing of ours, a finished build, shards to keep, or a build of
// another config — and the only deletions a build ever makes: files its own state logs name (checked against the
// layout), its own temporary names, and the layout's top-level files.
import { lstatSync, readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { AudiogenError, EXIT, throwIfInterrupted } from '../errors.js';
import { outputError, tmpName } from '../io/atomic.js';
import {
  CLASSES,
  isLayoutFolder,
  isShardPath,
  MANIFEST,
  shardId,
  shardPaths,
  STATE_DIR,
  type ShardFiles,
} from '../io/layout.js';
import { configChanges, identityOf, outputConfig, type Manifest } from '../io/manifest.js';
import { readRegularFile } from '../files/read.js';
import { sha256File } from '../io/seal.js';
import { recordFiles, type ShardRecord } from '../io/shard-writer.js';
import { readState, STATE_FILE_PATTERN, type InputsFingerprint, type StateHeader, type StateLog } from '../io/state.js';
import { compareInputs } from '../plan/inputs.js';
import type { ShardLookup } from '../plan/shards.js';

export type OutputState =
  | { kind: 'fresh' }
  /** `header`: this partition's log header, to be updated when it lacks the inputs' contents now computed. */
  | { kind: 'finished'; manifest: Manifest; header: StateHeader | null }
  /** `kept`: intact shards of this partition's log, including epochs beyond the configured count. */
  | { kind: 'resume'; kept: ShardRecord[]; dropped: number; inputs: InputsFingerprint | undefined };

/** The first of a shard's files that is missing or differs from its record, or null when all are intact. */
export async function shardDefect(outDir: string, s: ShardRecord, checkHash = true): Promise<string | null> {
  for (const f of recordFiles(s)) {
    const path = join(outDir, f.path);
    try {
      if (statSync(path).size !== f.bytes) return `${f.path}: size differs from its record`;
    } catch {
      return `${f.path}: missing`;
    }
    if (checkHash && (await sha256File(path)) !== f.sha256) return `${f.path}: sha256 differs from its record`;
  }
  return null;
}

/** An audiogen manifest in the output directory, or null (none, unreadable, or another tool's). */
export function readOwnManifest(outDir: string): Manifest | null {
  try {
    const m = JSON.parse(readRegularFile(join(outDir, MANIFEST)).toString('utf8')) as Manifest;
    return m && m.format === 'audiogen' && typeof m.config_hash === 'string' ? m : null;
  } catch {
    return null;
  }
}

const isAudiogenOutput = (outDir: string) => {
  try {
    return statSync(join(outDir, STATE_DIR)).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Refuses to build into a folder that holds something and is not an audiogen output (no .audiogen/), unless
 * `force`: nothing is written or deleted before this check.
 */
export function refuseForeignOutput(outDir: string, force: boolean): void {
  let entries: string[];
  try {
    const st = statSync(outDir);
    if (!st.isDirectory()) throw new AudiogenError(`output.directory: ${outDir} is a file, not a folder`, EXIT.config);
    entries = readdirSync(outDir).sort();
  } catch (err) {
    if (err instanceof AudiogenError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new AudiogenError(
      `output.directory: cannot read ${outDir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      EXIT.config,
    );
  }
  if (entries.length === 0 || force || isAudiogenOutput(outDir)) return;
  const foreign = entries.find((e) => e !== MANIFEST) ?? entries[0];
  const what = foreign === MANIFEST ? `${MANIFEST}, which audiogen did not write for this config` : `"${foreign}"`;
  throw new AudiogenError(
    `${outDir} is not empty and is not an audiogen output (no ${STATE_DIR}/): it holds ${what}${entries.length > 1 ? ` and ${entries.length - 1} more` : ''}. ` +
      `Choose a new or empty folder, or pass --force to build here anyway (audiogen then writes and deletes only its own files).`,
    EXIT.config,
  );
}

/** A corrupt record in a state log: named, never used, never used to delete anything. */
function corrupt(log: string, line: number, what: string): AudiogenError {
  return new AudiogenError(
    `${log}: line ${line} is corrupt: ${what}. audiogen will not use or delete what it names: remove that line (or the log) and rerun, or rebuild with --force`,
  );
}

/** Checks a record of this config's log against the layout: the paths must be the ones the layout computes. */
export function checkRecord(
  log: string,
  { record: r, line }: { record: ShardRecord; line: number },
  shardAt: ShardLookup,
): void {
  const planned = Number.isInteger(r.epoch) && r.epoch >= 0 ? shardAt(r.subset, r.epoch, r.shard) : null;
  if (!planned)
    throw corrupt(
      log,
      line,
      `it names ${JSON.stringify(r.subset)} epoch ${r.epoch} shard ${r.shard}, which this build does not have`,
    );
  if (planned.spec.start !== r.start || planned.spec.count !== r.count)
    throw corrupt(log, line, `its positions differ from the plan's for ${shardId(planned.files)}`);
  const rec = r as unknown as Partial<Record<string, { path?: unknown } | null>>;
  const files = planned.files;
  const expect: [string, string | null][] =
    'tar' in files
      ? [['tar', files.tar]]
      : [
          ['x', files.x],
          ['y', planned.hasY ? files.y : null],
          ['index', files.index],
        ];
  for (const [key, want] of expect) {
    const got = rec[key] && typeof rec[key].path === 'string' ? rec[key].path : null;
    if (got !== want)
      throw corrupt(
        log,
        line,
        `its ${key} file is ${JSON.stringify(got)} where the layout has ${JSON.stringify(want)}`,
      );
  }
}

export async function inspectOutput(opts: {
  outDir: string;
  stateFile: string;
  hash: string;
  datasetHash: string;
  config: Config;
  force: boolean;
  shardAt: ShardLookup;
  inputs: InputsFingerprint;
  signal?: AbortSignal;
}): Promise<OutputState> {
  const { outDir, stateFile, hash, datasetHash, config, force, shardAt, inputs, signal } = opts;
  const manifest = readOwnManifest(outDir);
  const state = readState(stateFile);
  const previous = state.header ?? manifest;
  if (previous && previous.config_hash !== hash) {
    if (force) return { kind: 'fresh' };
    const changes = configChanges(identityOf(previous.config ?? {}), identityOf(outputConfig(config))).slice(0, 20);
    throw new AudiogenError(
      `${outDir} holds a build of a different config; rerun with --force to rebuild it, or choose another output directory. ` +
        (changes.length
          ? `Changed:\n${changes.map((c) => `  ${c}`).join('\n')}`
          : 'It was made by another audiogen version.'),
    );
  }
  if (previous && previous.dataset_hash !== datasetHash) {
    if (force) return { kind: 'fresh' };
    throw new AudiogenError(
      `${outDir} was built from the same config but the dataset has changed since (files added, removed or now unreadable); rerun with --force to rebuild it`,
    );
  }
  if (state.header && compareInputs(state.header.inputs, inputs) === 'changed') {
    if (force) return { kind: 'fresh' };
    throw new AudiogenError(
      `${outDir} was built from the same files, but some have changed since (${inputs.content && state.header.inputs?.content ? 'contents' : 'sizes or modification times'} differ): ` +
        `rerun with --force to rebuild it${inputs.content ? '' : ', or with --verify-inputs to compare contents instead of times (a copy that kept the contents)'}`,
    );
  }
  if (force) return { kind: 'fresh' };
  if (manifest?.complete && manifest.config_hash === hash && manifest.epochs === config.output.epochs) {
    return { kind: 'finished', manifest, header: state.header };
  }
  if (!state.header) return { kind: 'fresh' };
  for (const r of state.shards) checkRecord(stateFile, r, shardAt);
  const kept: ShardRecord[] = [];
  for (const { record } of state.shards) {
    // Checking a large build's shards takes a while: an interrupt stops it.
    throwIfInterrupted(signal);
    if ((await shardDefect(outDir, record)) === null) kept.push(record);
  }
  return { kind: 'resume', kept, dropped: state.shards.length - kept.length, inputs: state.header.inputs };
}

const removeFile = (path: string) => {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(path, err);
  }
};

/** Removes the subset and epoch folders under `outDir` that are empty (never a folder holding anything). */
function removeEmptyFolders(outDir: string): void {
  for (const subset of safeList(outDir)) {
    if (!isLayoutFolder(subset)) continue;
    for (const epoch of safeList(join(outDir, subset))) {
      if (isLayoutFolder(`${subset}/${epoch}`)) tryRmdir(join(outDir, subset, epoch));
    }
    tryRmdir(join(outDir, subset));
  }
}

function safeList(dir: string): string[] {
  try {
    return lstatSync(dir).isDirectory() ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (a user's file, or shards kept), or already gone
  }
}

/** The shard files a log names, restricted to layout-shaped paths (a corrupt record cannot point elsewhere). */
function loggedFiles(logPath: string): string[] {
  let state: StateLog;
  try {
    state = readState(logPath);
  } catch {
    return [];
  }
  const files = (r: Partial<Record<string, { path?: unknown } | null>>) => [r.x, r.y, r.index, r.tar];
  return state.shards
    .flatMap(({ record }) => files(record as unknown as Partial<Record<string, { path?: unknown } | null>>))
    .flatMap((f) => (f && typeof f.path === 'string' && isShardPath(f.path) ? [f.path] : []));
}

/**
 * Removes a previous build before a fresh one: the shard files its state logs name (all logs for a whole build,
 * only its own for a partition), those logs, and for a whole build manifest.json and classes.txt. A user's file
 * anywhere, even inside training/, survives.
 */
export function removePreviousBuild(outDir: string, ownLog: string, whole: boolean): void {
  const stateDir = join(outDir, STATE_DIR);
  const logs = whole
    ? safeList(stateDir)
        .filter((n) => STATE_FILE_PATTERN.test(n))
        .map((n) => join(stateDir, n))
    : [ownLog];
  for (const log of logs) {
    for (const rel of loggedFiles(log)) removeFile(join(outDir, rel));
    removeFile(log);
  }
  if (whole) {
    removeFile(join(outDir, MANIFEST));
    removeFile(join(outDir, CLASSES));
    removeEmptyFolders(outDir);
  }
}

/**
 * Removes leftovers of an interrupted write, by their temporary names only: every shard file's for a whole build
 * (no partition can be running beside it: the locks see to that), only its own shards' for a partition.
 */
export function removePartials(outDir: string, own: readonly ShardFiles[] | null): void {
  if (own) {
    for (const f of own) for (const rel of shardPaths(f)) removeFile(tmpName(join(outDir, rel)));
    return;
  }
  for (const name of [MANIFEST, CLASSES]) removeFile(tmpName(join(outDir, name)));
  for (const subset of safeList(outDir)) {
    if (!isLayoutFolder(subset)) continue;
    for (const epoch of safeList(join(outDir, subset))) {
      if (!isLayoutFolder(`${subset}/${epoch}`)) continue;
      for (const name of safeList(join(outDir, subset, epoch))) {
        if (name.endsWith('.partial') && isShardPath(`${subset}/${epoch}/${name.slice(0, -'.partial'.length)}`)) {
          removeFile(join(outDir, subset, epoch, name));
        }
      }
    }
  }
}
