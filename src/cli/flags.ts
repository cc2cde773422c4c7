// Flags shared by commands that read a config, turned into config overrides; no zod or yaml, so `--help` stays light.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Override } from '../config/load.js';

export const toNumber = (flag: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError(`${flag} expects a number, got "${value}"`);
  return n;
};

export function addConfigOverrideFlags(cmd: Command): Command {
  return cmd
    .option('--out <dir>', 'output directory (overrides output.directory; relative to the current folder)')
    .option('--epochs <n>', 'epochs to bake (overrides output.epochs)', toNumber('--epochs'))
    .option(
      '--cores <n>',
      'worker processes, or a fraction < 1 of the cores (overrides generator.cores)',
      toNumber('--cores'),
    )
    .option('--seed <n>', 'random seed (overrides dataset.seed)', toNumber('--seed'));
}

export interface OverrideFlags {
  out?: string;
  epochs?: number;
  cores?: number;
  seed?: number;
}

export function overridesFrom(flags: OverrideFlags): Override[] {
  const out: Override[] = [];
  if (flags.out !== undefined) out.push({ path: ['output', 'directory'], value: resolve(flags.out), flag: '--out' });
  if (flags.epochs !== undefined) out.push({ path: ['output', 'epochs'], value: flags.epochs, flag: '--epochs' });
  if (flags.cores !== undefined) out.push({ path: ['generator', 'cores'], value: flags.cores, flag: '--cores' });
  if (flags.seed !== undefined) out.push({ path: ['dataset', 'seed'], value: flags.seed, flag: '--seed' });
  return out;
}
