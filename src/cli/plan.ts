import { listDataset, summarize } from '../dataset/dataset.js';
import { AudiogenError, EXIT } from '../errors.js';
import { assignShards } from '../plan/partition.js';
import { plannedShards } from '../plan/shards.js';
import { loadHooks } from '../sample/hooks.js';
import { loadConfigWarned, overridesFrom, type OverrideFlags } from './options.js';

/** The `plan` command's action (its declaration, options and help are in commands.ts). */
export async function runPlan(
  flags: OverrideFlags & { config: string; partitions: number; json?: boolean },
  signal?: AbortSignal,
): Promise<void> {
  const n = flags.partitions;
  if (!Number.isInteger(n) || n < 1)
    throw new AudiogenError(`--partitions: expected a positive integer, got ${n}`, EXIT.config);
  const { config } = loadConfigWarned(flags.config, overridesFrom(flags));
  const { listValidFilenames } = await loadHooks(config.hooks);
  const shards = plannedShards(
    config,
    summarize(await listDataset(config, { write: false, listValidFilenames, signal })),
  );
  const owners = assignShards(
    shards.map((s) => s.spec.count),
    n,
  );
  const partitions = Array.from({ length: n }, (_, p) => {
    const mine = shards.filter((_, i) => owners[i] === p);
    return {
      partition: p,
      shards: mine.length,
      samples: mine.reduce((a, s) => a + s.spec.count, 0),
      files: mine.map((s) => ({
        ...('tar' in s.files ? { tar: s.files.tar } : { x: s.files.x }),
        subset: s.spec.subset,
        epoch: s.spec.epoch,
        shard: s.spec.shard,
        samples: s.spec.count,
      })),
    };
  });
  if (flags.json) {
    process.stdout.write(
      JSON.stringify({ partitions: n, shards: shards.length, assignment: partitions }, null, 2) + '\n',
    );
    return;
  }
  process.stdout.write(
    `${shards.length} shards, ${shards.reduce((a, s) => a + s.spec.count, 0)} samples over ${n} partition(s):\n`,
  );
  for (const p of partitions) {
    process.stdout.write(`partition ${p.partition}: ${p.shards} shards, ${p.samples} samples\n`);
    for (const f of p.files) process.stdout.write(`  ${'tar' in f ? f.tar : f.x} (${f.samples})\n`);
  }
}
