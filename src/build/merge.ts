// `merge`: checks that every planned shard of a partitioned build is on disk with its recorded size and sha256,
// then writes classes.txt and the final manifest.json, the same bytes a one-machine build writes.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AudiogenError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { CLASSES, MANIFEST, shardId, STATE_DIR } from '../io/layout.js';
import { manifestJson, type Manifest } from '../io/manifest.js';
import { recordId, type ShardRecord } from '../io/shard-writer.js';
import { readState, STATE_FILE_PATTERN, type StateHeader } from '../io/state.js';
import { assignShards } from '../plan/partition.js';
import { buildManifest } from './manifest.js';
import { plannedShards, shardLookup } from '../plan/shards.js';
import { checkRecord, shardDefect } from './existing.js';
import { configOfManifest } from './read-manifest.js';

interface Log {
  file: string;
  index: number;
  count: number;
  header: StateHeader | null;
  shards: { record: ShardRecord; line: number }[];
}

function readLogs(outDir: string): Log[] {
  const dir = join(outDir, STATE_DIR);
  if (!existsSync(dir))
    throw new AudiogenError(`${outDir}: no build records (${STATE_DIR}/ is missing): nothing to merge`);
  const logs: Log[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = STATE_FILE_PATTERN.exec(name);
    if (!m) continue;
    const { header, shards } = readState(join(dir, name));
    logs.push({ file: name, index: Number(m[1]), count: Number(m[2]), header, shards });
  }
  if (logs.length === 0) throw new AudiogenError(`${outDir}: no partition records in ${STATE_DIR}/: nothing to merge`);
  return logs;
}

/** The one value every log agrees on, or an error naming who differs. */
function agreed<T>(logs: Log[], what: string, value: (l: Log) => T): T {
  const groups = new Map<string, string[]>();
  for (const l of logs) {
    const key = JSON.stringify(value(l));
    groups.set(key, [...(groups.get(key) ?? []), `partition ${l.index} of ${l.count}`]);
  }
  if (groups.size > 1) {
    const lines = [...groups.entries()].map(
      ([k, who]) => `  ${what} ${k.length > 20 ? k.slice(1, 13) : k}: ${who.join(', ')}`,
    );
    throw new AudiogenError(
      `partitions disagree on the ${what}; rerun the odd ones with the same config and --partitions, or remove their records:\n${lines.join('\n')}`,
    );
  }
  return value(logs[0]);
}

export interface MergeResult {
  manifest: Manifest;
  partitions: number;
  shards: number;
}

export async function merge(outDir: string): Promise<MergeResult> {
  const logs = readLogs(outDir);
  const unreadable = logs.filter((l) => !l.header);
  if (unreadable.length)
    throw new AudiogenError(
      `unreadable partition records: ${unreadable.map((l) => l.file).join(', ')}; rerun those partitions`,
    );
  const count = agreed(logs, 'partition count', (l) => l.count);
  const hash = agreed(logs, 'config hash', (l) => l.header!.config_hash);
  const datasetHash = agreed(logs, 'dataset hash', (l) => l.header!.dataset_hash);
  agreed(logs, 'epoch count', (l) => l.header!.epochs ?? (l.header!.config.output as { epochs: number }).epochs);
  const header = logs[0].header!;

  const config = configOfManifest(header, outDir);
  const planned = plannedShards(config, header.listing);
  const owners = assignShards(
    planned.map((s) => s.spec.count),
    count,
  );
  const shardAt = shardLookup(config, header.listing);
  const byPath = new Map<string, ShardRecord>();
  for (const l of logs) {
    for (const s of l.shards) {
      // Every path must be the one the layout computes: a record naming anything else is corruption, never hashed.
      checkRecord(join(outDir, STATE_DIR, l.file), s, shardAt);
      byPath.set(recordId(s.record), s.record);
    }
  }

  const problems: string[] = [];
  const present = new Set(logs.map((l) => l.index));
  for (let p = 0; p < count; p++)
    if (!present.has(p)) problems.push(`partition ${p} of ${count}: no record (it never ran here)`);
  for (const [i, s] of planned.entries()) {
    const owner = `partition ${owners[i]} of ${count}`;
    const record = byPath.get(shardId(s.files));
    if (!record) problems.push(`${shardId(s.files)}: missing (${owner})`);
    else {
      const defect = await shardDefect(outDir, record);
      if (defect) problems.push(`${defect} (${owner})`);
    }
  }
  if (problems.length > 0) {
    throw new AudiogenError(
      `${outDir}: cannot merge, ${problems.length} problem(s); rerun the partitions named (they resume) and merge again:\n` +
        problems.map((p) => `  ${p}`).join('\n'),
    );
  }
  const manifest = buildManifest({
    config,
    hash,
    datasetHash,
    summary: header.listing,
    records: byPath,
    complete: true,
  });
  writeFileAtomic(join(outDir, CLASSES), header.listing.classes.join('\n') + '\n');
  writeFileAtomic(join(outDir, MANIFEST), manifestJson(manifest));
  return { manifest, partitions: count, shards: planned.length };
}
