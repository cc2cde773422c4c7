// `audiogen merge OUT`: check every partition's shards and write the final manifest.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { merge } from '../build/merge.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('check every shard of a partitioned build (size and sha256) and write the final manifest.json')
    .argument('<out>', 'the output directory the partitions wrote to')
    .option('--json', 'print a machine-readable summary')
    .action(async (out: string, flags: { json?: boolean }) => {
      const r = await merge(resolve(out));
      if (flags.json) {
        process.stdout.write(
          JSON.stringify({ output: resolve(out), partitions: r.partitions, shards: r.shards, complete: true }) + '\n',
        );
      } else {
        process.stderr.write(
          `merged ${r.shards} shards from ${r.partitions} partition(s) -> ${resolve(out)}/manifest.json\n`,
        );
      }
    });
}
