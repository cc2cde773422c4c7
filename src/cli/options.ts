// Loading a command's config with every room's rules (zod and yaml load with it: commands import it when they run).
import { loadConfig, type LoadedConfig, type Override } from '../config/load.js';
import type { ConfigCheck } from '../config/checks.js';
import { frontendConfigCheck } from '../frontend/frontend.js';
import { formatProblem } from '../errors.js';

export { addConfigOverrideFlags, overridesFrom, toNumber, type OverrideFlags } from './flags.js';

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
