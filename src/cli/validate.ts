import { subsetsOf } from '../config/derive.js';
import { listDataset } from '../dataset/dataset.js';
import { sampleShapeOf } from '../config/derive.js';
import { loadHooks } from '../sample/hooks.js';
import { AudiogenError, ConfigError, formatProblem, type ConfigProblem } from '../errors.js';
import { loadCommandConfig, overridesFrom, type OverrideFlags } from './options.js';

/** The `validate` command's action (its declaration, options and help are in commands.ts). */
export async function runValidate(
  flags: OverrideFlags & { config: string; json?: boolean },
  signal?: AbortSignal,
): Promise<void> {
  try {
    await validate(flags, signal);
  } catch (err) {
    // --json: the problems on stdout as records as well; the text lines still go to stderr (exit 2 for a config).
    if (flags.json && err instanceof AudiogenError)
      process.stdout.write(JSON.stringify({ valid: false, errors: errorRecords(err) }) + '\n');
    throw err;
  }
}

function errorRecords(err: AudiogenError): Record<string, unknown>[] {
  const details: ConfigProblem[] = err instanceof ConfigError ? err.details : [{ path: null, message: err.message }];
  return details.map((p) => ({
    path: p.path,
    message: p.message,
    line: p.line ?? null,
    column: p.column ?? null,
    ...(p.flag && { flag: p.flag }),
  }));
}

async function validate(
  flags: OverrideFlags & { config: string; json?: boolean },
  signal?: AbortSignal,
): Promise<void> {
  const loaded = loadCommandConfig(flags.config, overridesFrom(flags));
  const { config } = loaded;
  const configWarnings = loaded.warnings.map(formatProblem);
  for (const w of configWarnings) process.stderr.write(`warning: ${w}\n`);
  const { listValidFilenames } = await loadHooks(config.hooks);
  const listing = await listDataset(config, { write: false, listValidFilenames, signal });
  const subsets = subsetsOf(config);
  if (flags.json) {
    const counts = Object.fromEntries(subsets.map((s) => [s, listing.subsets[s]!.classCounts]));
    const warnings = [...configWarnings, ...listing.warnings];
    process.stdout.write(
      JSON.stringify({
        valid: true,
        classes: listing.classes,
        counts,
        sample_shape: sampleShapeOf(config),
        warnings,
        skipped: listing.skipped,
      }) + '\n',
    );
    return;
  }
  const width = Math.max(5, ...listing.classes.map((c) => c.length));
  const header = ['class'.padEnd(width), ...subsets.map((s) => s.padStart(10))].join('  ');
  const lines = listing.classes.map(
    (c, label) =>
      [`${c.padEnd(width)}`, ...subsets.map((s) => String(listing.subsets[s]!.classCounts[c]).padStart(10))].join(
        '  ',
      ) + `   (label ${label})`,
  );
  const total = [
    'total'.padEnd(width),
    ...subsets.map((s) => String(listing.subsets[s]!.samples.length).padStart(10)),
  ].join('  ');
  process.stdout.write(
    `config OK: ${flags.config}\ndataset: ${config.dataset.directory}\n\n${header}\n${lines.join('\n')}\n${total}\n\n` +
      `per epoch; ${config.output.epochs} epoch(s), sample shape [${sampleShapeOf(config).join(', ')}] ${config.generator.dtype}\n`,
  );
  for (const w of listing.warnings) process.stdout.write(`warning: ${w}\n`);
  for (const b of listing.skipped) process.stdout.write(`bad file left out (on_error: skip): ${b.file}: ${b.reason}\n`);
}
