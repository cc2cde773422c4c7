// The audiogen command line: the only place that exits the process.
import { Command, CommanderError } from 'commander';
import { AudiogenError, ConfigError, EXIT } from '../errors.js';
import { TOOL_VERSION } from '../io/manifest.js';
import { registerBuild } from './build.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';
import { registerMerge } from './merge.js';
import { registerPlan } from './plan.js';
import { registerFeatures } from './features.js';
import { registerRender } from './render.js';
import { registerPreview } from './preview.js';

export async function main(argv: string[]): Promise<number> {
  // `audiogen plan ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means now.
    if (++signals > 1) process.exit(EXIT.interrupted);
    process.stderr.write(`\n${signal}: stopping, removing unfinished files…\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const program = new Command('audiogen')
    .description('pre-bake keyword-spotting training data: augmented audio to microfrontend spectrograms in .npy shards')
    .version(TOOL_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerBuild(program, controller.signal);
  registerValidate(program);
  registerSchema(program);
  registerFeatures(program);
  registerRender(program);
  registerPreview(program);
  registerPlan(program);
  registerMerge(program);

  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
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
    process.stderr.write(`audiogen: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
