// Flags shared by commands that read a config, turned into validated config overrides.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, type LoadedConfig, type Override } from '../config/load.js';
import type { ConfigCheck } from '../config/checks.js';
import { frontendConfigCheck } from '../frontend/frontend.js';
import { formatProblem } from '../errors.js';

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

/** The rules of the rooms a config configures, beyond the config's own. */
export const CONFIG_CHECKS: readonly ConfigCheck[] = [frontendConfigCheck];

/** Loads a config for a command, with every room's rules (or the `checks` a command needs instead). */
export function loadCommandConfig(
  file: string,
  overrides: readonly Override[] = [],
  checks: readonly ConfigCheck[] = CONFIG_CHECKS,
): LoadedConfig {
  return loadConfig(file, overrides, checks);
}

/** Loads a config for a command and prints its warnings on stderr (`warning: …` lines). */
export function loadConfigWarned(
  file: string,
  overrides: readonly Override[] = [],
  checks: readonly ConfigCheck[] = CONFIG_CHECKS,
): LoadedConfig {
  const loaded = loadCommandConfig(file, overrides, checks);
  for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  return loaded;
}
