// `seed: null` is drawn at random once per output folder: a rerun or resume into the same folder reads the seed
// back from what the earlier run recorded (the manifest, else a state log's header), so the folder stays one
// reproducible build instead of mixing shards of two seeds or being refused as "another config".
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { STATE_DIR } from '../io/layout.js';
import { readState, STATE_FILE_PATTERN } from '../io/state.js';
import { readOwnManifest } from './existing.js';

/** The seed an earlier build recorded in `outDir`, or null when there is none (or nothing readable). */
export function recordedSeed(outDir: string): number | null {
  const fromManifest = seedIn(readOwnManifest(outDir));
  if (fromManifest !== null) return fromManifest;
  let logs: string[];
  try {
    logs = readdirSync(join(outDir, STATE_DIR))
      .filter((n) => STATE_FILE_PATTERN.test(n))
      .sort();
  } catch {
    return null;
  }
  for (const name of logs) {
    let seed: number | null = null;
    try {
      seed = seedIn(readState(join(outDir, STATE_DIR, name)).header);
    } catch {
      // Not a log audiogen can read (the build itself reports it): no recorded seed there.
    }
    if (seed !== null) return seed;
  }
  return null;
}

function seedIn(record: unknown): number | null {
  const seed = (record as { config?: { dataset?: { seed?: unknown } } } | null)?.config?.dataset?.seed;
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32 ? seed : null;
}

/**
 * Settles a drawn seed (`seed: null`) for a build into `outDir`: the seed an earlier build recorded there wins.
 * Partitions would each draw their own, so a partitioned build needs a fixed seed. Returns the config to build
 * and the line to print.
 */
export function settleDrawnSeed(config: Config, partitions: number): { config: Config; note: string } {
  const outDir = config.output.directory;
  const recorded = recordedSeed(outDir);
  if (recorded === null && partitions > 1) {
    throw new ConfigError([
      {
        path: 'dataset.seed',
        message:
          'null (drawn at random) cannot be used for a partitioned build: each partition would draw its own; give a number (or --seed N)',
      },
    ]);
  }
  const seed = recorded ?? config.dataset.seed;
  const note =
    recorded === null
      ? `seed: drawn at random: ${seed} (recorded in the manifest; --seed ${seed} repeats it)`
      : `seed: null: using ${seed}, the seed recorded in ${outDir} by an earlier build (--seed ${seed} repeats it)`;
  return { config: { ...config, dataset: { ...config.dataset, seed } }, note };
}
