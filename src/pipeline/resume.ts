// What an existing output directory already holds: a finished build, shards to keep, or a different config.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AudiogenError } from '../errors.js';
import { CLASSES, MANIFEST, STATE_DIR, type ShardFiles } from '../io/layout.js';
import { tmpName } from '../io/atomic.js';
import { configChanges, outputConfig, type Manifest } from '../io/manifest.js';
import { SUBSETS, type Config } from '../config/schema.js';
import { sha256File, type ShardRecord } from '../io/shard-writer.js';
import { readState } from '../io/state.js';

export type OutputState =
  | { kind: 'fresh' }
  | { kind: 'finished'; manifest: Manifest }
  | { kind: 'resume'; kept: ShardRecord[]; dropped: number };

/** Whether a recorded shard is still on disk with its recorded size and sha256. */
export async function shardIntact(outDir: string, s: ShardRecord, checkHash = true): Promise<boolean> {
  for (const f of [s.x, s.y, s.index]) {
    if (!f) continue;
    const path = join(outDir, f.path);
    try {
      if (statSync(path).size !== f.bytes) return false;
    } catch {
      return false;
    }
    if (checkHash && (await sha256File(path)) !== f.sha256) return false;
  }
  return true;
}

function readManifest(outDir: string): Manifest | null {
  const path = join(outDir, MANIFEST);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

const unlinkIfThere = (path: string) => rmSync(path, { force: true });

/**
 * Removes leftovers of an interrupted write (temporary *.partial files): everywhere for a whole build, only its
 * own shards' for a partition (others may be writing theirs right now).
 */
export function removePartials(dir: string, own: readonly ShardFiles[] | null): void {
  if (own) {
    for (const f of own) for (const rel of [f.x, f.y, f.index]) unlinkIfThere(tmpName(join(dir, rel)));
    return;
  }
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removePartials(path, null);
    else if (entry.name.endsWith('.partial')) unlinkSync(path);
  }
}

/** Removes a previous build's files: all of audiogen's own for a whole build, only its own shards for a partition. */
export function removeBuild(outDir: string, own: readonly ShardFiles[] | null): void {
  if (own) {
    for (const f of own) for (const rel of [f.x, f.y, f.index]) unlinkIfThere(join(outDir, rel));
    return;
  }
  for (const name of [MANIFEST, CLASSES, STATE_DIR, ...SUBSETS]) {
    rmSync(join(outDir, name), { recursive: true, force: true });
  }
}

export async function inspectOutput(opts: {
  outDir: string;
  stateFile: string;
  hash: string;
  datasetHash: string;
  config: Config;
  force: boolean;
}): Promise<OutputState> {
  const { outDir, stateFile, hash, datasetHash, config, force } = opts;
  const manifest = readManifest(outDir);
  const state = readState(stateFile);
  const previous = manifest ?? state.header;
  if (previous && previous.config_hash !== hash) {
    if (force) return { kind: 'fresh' };
    const changes = configChanges(previous.config, outputConfig(config as Config)).slice(0, 20);
    throw new AudiogenError(
      `${outDir} holds a build of a different config; rerun with --force to rebuild it, or choose another output directory. Changed:\n` +
        changes.map((c) => `  ${c}`).join('\n'),
    );
  }
  if (previous && previous.dataset_hash !== datasetHash) {
    if (force) return { kind: 'fresh' };
    throw new AudiogenError(
      `${outDir} was built from the same config but the dataset has changed since (files added, removed or now unreadable); rerun with --force to rebuild it`,
    );
  }
  if (force) return { kind: 'fresh' };
  if (manifest?.complete) return { kind: 'finished', manifest };
  if (!state.header) return { kind: 'fresh' };
  const kept: ShardRecord[] = [];
  for (const s of state.shards) if (await shardIntact(outDir, s)) kept.push(s);
  return { kind: 'resume', kept, dropped: state.shards.length - kept.length };
}
