// The audiogen command line: createProgram() declares the commands, run() parses argv and returns the exit code.
// bin/audiogen.js is the only place that runs it and ends the process.
import { Command, CommanderError } from 'commander';
import { AudiogenError, ConfigError, EXIT } from '../errors.js';
import { TOOL_VERSION } from '../io/manifest.js';
import {
  registerBuild,
  registerFeatures,
  registerMerge,
  registerPlan,
  registerPreview,
  registerRender,
  registerSchema,
  registerScore,
  registerStream,
  registerValidate,
} from './commands.js';

/** Every command, wired to `signal` (aborted on SIGINT/SIGTERM). Tests read the real command list from it. */
export function createProgram(signal: AbortSignal = new AbortController().signal): Command {
  const program = new Command('audiogen')
    .description(
      'pre-bake keyword-spotting training data: augmented audio to spectrograms (microfrontend, log-mel, MFCC) in .npy or WebDataset shards',
    )
    .version(TOOL_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerBuild(program, signal);
  registerValidate(program, signal);
  registerSchema(program);
  registerFeatures(program);
  registerRender(program, signal);
  registerPreview(program, signal);
  registerPlan(program, signal);
  registerMerge(program);
  registerStream(program, signal);
  registerScore(program);
  return program;
}

/** Runs one command line to its exit code; prints errors as messages, never as stack traces for user errors. */
export async function run(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means now.
    if (++signals > 1) process.exit(EXIT.interrupted);
    // Aborting first lets the progress display erase itself before the message prints.
    controller.abort(signal);
    process.stderr.write(`\n${signal}: stopping, removing unfinished files…\n`);
    // Whatever is still running ends within two seconds of the signal; the exit handlers kill the workers and the
    // next run removes any temporary file left.
    setTimeout(() => {
      process.stderr.write(
        `audiogen: interrupted by ${signal}: stopped without waiting for the clean-up; rerun the same command to resume\n`,
      );
      process.exit(EXIT.interrupted);
    }, 1500);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await createProgram(controller.signal).parseAsync(argv);
    return controller.signal.aborted ? EXIT.interrupted : EXIT.ok;
  } catch (err) {
    return report(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Prints an error the way users should see it and returns its exit code. */
export function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version exit 0; usage errors exit 2 (commander already printed them).
    return err.exitCode === 0 ? EXIT.ok : EXIT.config;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(err.problems.join('\n') + '\n');
    return err.exitCode;
  }
  if (err instanceof AudiogenError) {
    process.stderr.write(`audiogen: ${err.message.replace(/\n/g, '\naudiogen: ')}\n`);
    return err.exitCode;
  }
  process.stderr.write(`audiogen: internal error (please report it): ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.failed;
}
