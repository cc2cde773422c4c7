import { settleDrawnSeed } from '../build/seed.js';
import { AudiogenError, EXIT, formatProblem } from '../errors.js';
import { resolvePartition } from '../plan/partition.js';
import { build, type BuildSummary } from '../build/build.js';
import { buildToStream, type StreamSummary } from '../build/pipe.js';
import { SUBSETS, type Subset } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import { loadCommandConfig, overridesFrom, type OverrideFlags } from './options.js';
import { progressReporter } from './progress.js';

export interface BuildFlags extends OverrideFlags {
  config: string;
  quiet?: boolean;
  json?: boolean;
  force?: boolean;
  wait?: boolean;
  verifyInputs?: boolean;
  partition?: string;
  partitions?: number;
  stdout?: boolean;
  subset?: string;
  epoch?: number;
}

/** Flags that mean nothing for a stream (it writes no output directory), each refused with why. */
const NOT_WITH_STDOUT: [keyof BuildFlags, string, string][] = [
  ['out', '--out', 'a stream writes no output directory'],
  ['partition', '--partition', 'a stream is one process'],
  ['partitions', '--partitions', 'a stream is one process'],
  ['force', '--force', 'a stream writes no output directory'],
  ['wait', '--wait', 'a stream takes no lock'],
  ['verifyInputs', '--verify-inputs', 'a stream resumes nothing'],
  ['json', '--json', 'standard output carries the tar'],
];

function jsonSummary(s: BuildSummary, run: { seed: number; seedDrawn: boolean; warnings: string[] }): string {
  const m = s.manifest;
  return JSON.stringify({
    seed: run.seed,
    seed_drawn: run.seedDrawn,
    output: s.outDir,
    partition: s.partition,
    up_to_date: s.upToDate,
    workers: s.workers,
    shards_built: s.shardsBuilt,
    shards_kept: s.shardsKept,
    samples_built: s.samplesBuilt,
    seconds: Number(s.seconds.toFixed(3)),
    samples_per_second: Number(s.samplesPerSecond.toFixed(1)),
    build_started_ms: Math.round(s.startedMs),
    listed_ms: Math.round(s.listedMs),
    first_batch_ms: s.firstBatchMs === null ? null : Math.round(s.firstBatchMs),
    cpu_us_per_sample: s.cpuUsPerSample,
    ...(m && {
      epochs: m.epochs,
      sample_shape: m.sample_shape,
      dtype: m.dtype,
      subsets: Object.fromEntries(
        Object.entries(m.subsets).map(([k, v]) => [k, { samples: v!.samples, class_counts: v!.class_counts }]),
      ),
      skipped: m.skipped,
    }),
    warnings: [...run.warnings, ...(m?.warnings ?? [])],
  });
}

function textSummary(s: BuildSummary): string {
  const m = s.manifest;
  const who = s.partition.count > 1 ? `partition ${s.partition.index}/${s.partition.count}: ` : '';
  if (s.upToDate) return `${who}${s.outDir} is already built from this config: nothing to do\n`;
  let out = '';
  if (m && m.skipped.length > 0) {
    out += `skipped ${m.skipped.length} bad file(s) (generator.on_error: skip):\n`;
    for (const b of m.skipped) out += `  ${b.file}: ${b.reason}\n`;
  }
  out +=
    `${who}built ${s.samplesBuilt} samples in ${s.seconds.toFixed(1)} s (${Math.round(s.samplesPerSecond)} clips/s, ${s.workers} worker${s.workers === 1 ? '' : 's'})` +
    `${s.shardsKept ? `, ${s.shardsKept} shards kept from an earlier run` : ''}\n`;
  if (m) {
    const counts = Object.entries(m.subsets)
      .map(([k, v]) => `${k} ${v!.samples}`)
      .join(', ');
    out += `${m.epochs} epoch(s) of ${counts} samples, shape [${m.sample_shape.join(', ')}] ${m.dtype} -> ${s.outDir}/manifest.json\n`;
  } else {
    out += `when every partition is done: audiogen merge ${s.outDir}\n`;
  }
  return out;
}

/** The `build` command's action (its declaration, options and help are in commands.ts). */
export async function runBuild(flags: BuildFlags, signal: AbortSignal): Promise<void> {
  checkStreamFlags(flags);
  const loaded = loadCommandConfig(flags.config, overridesFrom(flags));
  let { config } = loaded;
  const warnings = loaded.warnings.map(formatProblem);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (flags.stdout) return streamBuild(flags, loaded, signal);
  const { partition, source } = resolvePartition({
    flag: flags.partition,
    partitions: flags.partitions,
    configPartitions: config.output.partitions,
    env: process.env,
  });
  if (loaded.seedDrawn) {
    const settled = settleDrawnSeed(config, partition.count);
    config = settled.config;
    process.stderr.write(`${settled.note}\n`);
  }
  const progress = progressReporter({ quiet: !!flags.quiet, epochs: config.output.epochs, signal });
  if (partition.count > 1)
    progress.note?.(`building partition ${partition.index} of ${partition.count} (from ${source})`);
  let summary: BuildSummary;
  try {
    summary = await build(config, {
      force: flags.force,
      wait: flags.wait,
      verifyInputs: flags.verifyInputs,
      events: progress,
      signal,
      partition,
    });
  } finally {
    progress.stop();
  }
  if (flags.json)
    process.stdout.write(
      jsonSummary(summary, { seed: config.dataset.seed, seedDrawn: loaded.seedDrawn, warnings }) + '\n',
    );
  else if (!flags.quiet) process.stderr.write(textSummary(summary));
}

/** --stdout's own rules, before the config is read: usage errors (exit 2) naming the flag. */
function checkStreamFlags(flags: BuildFlags): void {
  if (!flags.stdout) {
    const stray = flags.subset !== undefined ? '--subset' : flags.epoch !== undefined ? '--epoch' : null;
    if (stray) throw new AudiogenError(`${stray}: selects what --stdout streams; use it with --stdout`, EXIT.config);
    return;
  }
  for (const [key, flag, why] of NOT_WITH_STDOUT)
    if (flags[key] !== undefined && flags[key] !== false)
      throw new AudiogenError(`${flag} cannot be used with --stdout: ${why}`, EXIT.config);
  if (flags.subset !== undefined && !(SUBSETS as readonly string[]).includes(flags.subset))
    throw new AudiogenError(`--subset: expected ${SUBSETS.join(', ')}, got "${flags.subset}"`, EXIT.config);
  if (process.stdout.isTTY)
    throw new AudiogenError(
      '--stdout writes a binary tar and standard output is a terminal: pipe it into a trainer (audiogen build ... --stdout | python3 train.py) or redirect it to a file',
      EXIT.config,
    );
}

function streamSummary(s: StreamSummary): string {
  const what = s.epochs.map((e) => `${e.subset} ${e.epoch}`).join(', ');
  if (s.closedByReader)
    return `audiogen: standard output was closed by its reader after ${s.samples} of ${s.selected} samples: stopped, workers ended\n`;
  return (
    `streamed ${s.samples} samples (${what}) as a WebDataset tar of ${s.bytes} bytes in ${s.seconds.toFixed(1)} s ` +
    `(${Math.round(s.samplesPerSecond)} clips/s, ${s.workers} worker${s.workers === 1 ? '' : 's'})\n`
  );
}

/** `build --stdout`: the selected epochs as one tar on standard output; nothing written under output.directory. */
async function streamBuild(flags: BuildFlags, loaded: LoadedConfig, signal: AbortSignal): Promise<void> {
  const { config } = loaded;
  // No output directory is read: a drawn seed is printed, never looked up in an earlier build.
  if (loaded.seedDrawn)
    process.stderr.write(`seed: drawn at random: ${config.dataset.seed} (--seed ${config.dataset.seed} repeats it)\n`);
  if (config.output.format !== 'webdataset')
    throw new AudiogenError(
      `--stdout streams WebDataset tar: set output.format: webdataset in ${flags.config} (it is ${config.output.format})`,
      EXIT.config,
    );
  const progress = progressReporter({ quiet: !!flags.quiet, epochs: config.output.epochs, signal });
  let summary: StreamSummary;
  try {
    summary = await buildToStream(config, {
      out: process.stdout,
      select: { subset: flags.subset as Subset | undefined, epoch: flags.epoch },
      events: progress,
      signal,
    });
  } finally {
    progress.stop();
  }
  // A stream that ended early is worth saying even with --quiet: the reader did not get every sample.
  if (summary.closedByReader || !flags.quiet) process.stderr.write(streamSummary(summary));
}
