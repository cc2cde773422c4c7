import { resolve } from 'node:path';
import { merge } from '../build/merge.js';

/** The `merge` command's action (its declaration, options and help are in commands.ts). */
export async function runMerge(out: string, flags: { json?: boolean }): Promise<void> {
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
}
