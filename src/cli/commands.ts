// Every command's declaration: name, arguments, options and help. Each action imports its command's module when it
// runs, so `--help`, usage errors and each command load only what they use (zod and yaml only for a config).
import type { Command } from 'commander';
import { SUBSETS } from '../config/names.js';
import type { BuildFlags } from './build.js';
import { addConfigOverrideFlags, toNumber, type OverrideFlags } from './flags.js';
import type { ScoreFlags } from './score.js';
import type { StreamFlags } from './stream.js';

const subsetNames = `${SUBSETS.slice(0, -1).join(', ')} or ${SUBSETS[SUBSETS.length - 1]}`;

export function registerBuild(program: Command, signal: AbortSignal): void {
  const cmd = program
    .command('build')
    .description('bake augmented samples (spectrograms or raw audio) into epoch shards (.npy files or WebDataset tars)')
    .requiredOption('-c, --config <file>', 'config file (YAML or JSON)');
  addConfigOverrideFlags(cmd)
    .option('--partition <I/N>', 'build only partition I (0-based) of N; then `audiogen merge`')
    .option(
      '--partitions <n>',
      'partition count, with a Slurm array task or Kubernetes JOB_COMPLETION_INDEX',
      toNumber('--partitions'),
    )
    .option(
      '--force',
      "build even where the output directory holds another config's build or other files (only audiogen's own files are replaced)",
    )
    .option('--wait', 'if another build holds this output (or partition), wait for it instead of failing')
    .option('--verify-inputs', 'notice edited clips by their contents (sha256), not only by size and modification time')
    .option('-q, --quiet', 'no progress output')
    .option('--json', 'print a machine-readable summary on stdout at the end')
    .option(
      '--stdout',
      'stream one WebDataset tar to standard output instead of writing shards (output.format: webdataset); progress on stderr',
    )
    .option('--subset <name>', `with --stdout: stream only this subset (${SUBSETS.join(', ')})`)
    .option('--epoch <e>', 'with --stdout: stream only this epoch (0-based)', toNumber('--epoch'))
    .action(async (flags: BuildFlags) => (await import('./build.js')).runBuild(flags, signal));
}

export function registerValidate(program: Command, signal?: AbortSignal): void {
  const cmd = program
    .command('validate')
    .description('check a config and list its dataset: per-class sample counts, nothing processed or written')
    .requiredOption('-c, --config <file>', 'config file (YAML or JSON)');
  addConfigOverrideFlags(cmd)
    .option('--json', 'print the counts as JSON')
    .action(async (flags: OverrideFlags & { config: string; json?: boolean }) =>
      (await import('./validate.js')).runValidate(flags, signal),
    );
}

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the config JSON Schema (draft 2020-12) for editors')
    .action(async () => (await import('./schema.js')).runSchema());
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description(
      'run only the frontend on audio clips (WAV, FLAC, Opus, Vorbis, MP3), int16 .npy or float32 .npy and write each spectrogram as .npy',
    )
    .requiredOption(
      '-c, --config <file>',
      'config whose frontend settings (and generator.frontend_dtype / dtype) to use',
    )
    .requiredOption('--out <dir>', 'folder for <input basename>.npy')
    .option('--variant <name>', 'frontend variant: mltk or tflm (overrides frontend.variant)')
    .option('--json', 'print, per input, the output path, shape and whether activity was detected')
    .argument(
      '<inputs...>',
      'audio files, any format audiogen reads (resampled, cropped/zero-padded to the sample length), or .npy int16 PCM or float32 audio in [-1, 1]',
    )
    .action(async (inputs: string[], flags: { config: string; out: string; variant?: string; json?: boolean }) =>
      (await import('./features.js')).runFeatures(inputs, flags),
    );
}

export function registerRender(program: Command, signal?: AbortSignal): void {
  program
    .command('render')
    .description(
      're-create one sample of a built dataset (audio .wav + its row of x as .npy) and check it against the shard',
    )
    .argument('<build>', 'output directory of a build (holds manifest.json)')
    .requiredOption('--subset <name>', `subset: ${subsetNames}`)
    .requiredOption('--epoch <e>', 'epoch number (0-based)', toNumber('--epoch'))
    .requiredOption(
      '--position <p>',
      'position within the epoch (0-based, the index CSV position column)',
      toNumber('--position'),
    )
    .requiredOption('--to <dir>', 'folder for the .wav and .npy')
    .option('--json', 'print what was written as JSON')
    .action(
      async (
        buildDir: string,
        flags: { subset: string; epoch: number; position: number; to: string; json?: boolean },
      ) => (await import('./render.js')).runRender(buildDir, flags, signal),
    );
}

export function registerPreview(program: Command, signal?: AbortSignal): void {
  const cmd = program
    .command('preview')
    .description(
      'render a few samples per class through the full pipeline: WAVs to listen to and a PNG grid of spectrograms',
    )
    .requiredOption('-c, --config <file>', 'config file (YAML or JSON)')
    .option('--count <n>', 'samples per class', toNumber('--count'), 4)
    .option('--out <dir>', 'folder for the WAVs, grid.png and index.csv', 'audiogen-preview')
    .option('--subset <name>', 'training (augmented), validation or testing', 'training')
    .option('--epoch <e>', "which epoch's draws to show", toNumber('--epoch'), 0)
    .option('--seed <n>', 'random seed (overrides dataset.seed)', toNumber('--seed'));
  cmd.action(
    async (flags: { config: string; count: number; out: string; subset: string; epoch: number; seed?: number }) =>
      (await import('./preview.js')).runPreview(flags, signal),
  );
}

export function registerPlan(program: Command, signal?: AbortSignal): void {
  const cmd = program
    .command('plan')
    .description('print how the shards of a build are assigned to N partitions (nothing is built)')
    .requiredOption('-c, --config <file>', 'config file (YAML or JSON)')
    .requiredOption('--partitions <n>', 'number of partitions', toNumber('--partitions'));
  addConfigOverrideFlags(cmd)
    .option('--json', 'print the assignment as JSON')
    .action(async (flags: OverrideFlags & { config: string; partitions: number; json?: boolean }) =>
      (await import('./plan.js')).runPlan(flags, signal),
    );
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('check every shard of a partitioned build (size and sha256) and write the final manifest.json')
    .argument('<out>', 'the output directory the partitions wrote to')
    .option('--json', 'print a machine-readable summary')
    .action(async (out: string, flags: { json?: boolean }) => (await import('./merge.js')).runMerge(out, flags));
}

export function registerStream(program: Command, signal?: AbortSignal): void {
  program
    .command('stream')
    .description(
      "make a long test stream from held-out clips (as TensorFlow's generate_streaming_test_wav.py): stream.wav, labels.csv, streaming features.npy, stream.json",
    )
    .requiredOption('-c, --config <file>', 'config file (YAML or JSON): dataset, held-out subset, frontend')
    .requiredOption('--out <dir>', 'folder for stream.wav, labels.csv, features.npy and stream.json')
    .option('--duration-s <s>', 'stream length in seconds (default 600; at least 1)', toNumber('--duration-s'))
    .option('--hours <h>', 'stream length in hours, instead of --duration-s', toNumber('--hours'))
    .option('--word-gap-ms <ms>', 'room for a word after each clip slot (0..600000)', toNumber('--word-gap-ms'), 2000)
    .option(
      '--unknown-percentage <p>',
      'percent of word slots given an _unknown_ word (0..100)',
      toNumber('--unknown-percentage'),
      30,
    )
    .option(
      '--background-volume <v>',
      'background segments at a volume drawn uniformly below this (0..1)',
      toNumber('--background-volume'),
      0.1,
    )
    .option('--seed <n>', "random seed (default: the config's dataset.seed)", toNumber('--seed'))
    .option('--negative-only', 'no keywords: only _unknown_ words, silence and background (false accepts per hour)')
    .option('--quiet', 'print nothing but errors')
    .option('--json', 'print a summary as JSON on stdout')
    .action(async (f: StreamFlags) => (await import('./stream.js')).runStream(f, signal));
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description(
      "score a model's detections on a stream against its labels: correct, wrong, missed, false accepts per hour",
    )
    .requiredOption('--labels <file>', "the stream's labels (labels.csv of `audiogen stream`, or TF's labels file)")
    .requiredOption('--detections <file>', 'the model\'s detections: "label, time_ms" lines in time order')
    .option('--rule <rule>', "tf (TensorFlow's calculate_accuracy_stats) or strict (one-to-one)", 'strict')
    .option(
      '--time-tolerance-ms <ms>',
      'how far a detection may be from its word',
      toNumber('--time-tolerance-ms'),
      750,
    )
    .option('--stream <dir>', 'the stream folder, for its duration (default: stream.json beside the labels)')
    .option('--duration-s <s>', "the stream's duration, instead of its stream.json", toNumber('--duration-s'))
    .option('--json', 'print the counts and rates as JSON')
    .action(async (flags: ScoreFlags) => (await import('./score.js')).runScore(flags));
}
