// `audiogen build`: bake the configured subsets and epochs into shards.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { build } from '../pipeline/build.js';
import { addConfigOverrideFlags, overridesFrom, type OverrideFlags } from './options.js';
import { progressReporter } from './progress.js';

interface BuildFlags extends OverrideFlags {
  config: string;
  quiet?: boolean;
  json?: boolean;
  force?: boolean;
}

export function registerBuild(program: Command, signal: AbortSignal): void {
  const cmd = program
    .command('build')
    .description('bake augmented samples (spectrograms or raw audio) into epoch shards of .npy files')
    .requiredOption('-c, --config <file>', 'config file (YAML or JSON)');
  addConfigOverrideFlags(cmd)
    .option('--force', 'rebuild even if the output directory holds a build of another config')
    .option('-q, --quiet', 'no progress output')
    .option('--json', 'print a machine-readable summary on stdout at the end')
    .action(async (flags: BuildFlags) => {
      const { config } = loadConfig(flags.config, overridesFrom(flags));
      const progress = progressReporter({ quiet: !!flags.quiet, epochs: config.output.epochs });
      let summary;
      try {
        summary = await build(config, { force: flags.force, events: progress, signal });
      } finally {
        progress.stop();
      }
      const m = summary.manifest;
      if (flags.json) {
        const subsets = Object.fromEntries(Object.entries(m.subsets).map(([k, v]) => [k, { samples: v!.samples, class_counts: v!.class_counts }]));
        process.stdout.write(
          JSON.stringify({
            output: summary.outDir,
            up_to_date: summary.upToDate,
            workers: summary.workers,
            shards_built: summary.shardsBuilt,
            shards_kept: summary.shardsKept,
            samples_built: summary.samplesBuilt,
            seconds: Number(summary.seconds.toFixed(3)),
            samples_per_second: Number(summary.samplesPerSecond.toFixed(1)),
            epochs: m.epochs,
            sample_shape: m.sample_shape,
            dtype: m.dtype,
            subsets,
            skipped: m.skipped,
          }) + '\n',
        );
      } else if (!flags.quiet) {
        if (m.skipped.length > 0) {
          process.stderr.write(`skipped ${m.skipped.length} bad file(s) (generator.on_error: skip):\n`);
          for (const b of m.skipped) process.stderr.write(`  ${b.file}: ${b.reason}\n`);
        }
        if (summary.upToDate) {
          process.stderr.write(`${summary.outDir} is already built from this config: nothing to do\n`);
        } else {
          const counts = Object.entries(m.subsets).map(([k, v]) => `${k} ${v!.samples}`).join(', ');
          process.stderr.write(
            `built ${summary.samplesBuilt} samples in ${summary.seconds.toFixed(1)} s (${Math.round(summary.samplesPerSecond)} clips/s, ${summary.workers} worker${summary.workers === 1 ? '' : 's'})` +
              `${summary.shardsKept ? `, ${summary.shardsKept} shards kept from an earlier run` : ''}\n` +
              `${m.epochs} epoch(s) of ${counts} samples, shape [${m.sample_shape.join(', ')}] ${m.dtype} -> ${summary.outDir}/manifest.json\n`,
          );
        }
      }
    });
}
