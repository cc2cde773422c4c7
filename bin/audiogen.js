#!/usr/bin/env node
// The CLI entry, and the only place that runs it: every path ends the process with the command's exit code, so
// nothing (pre-started workers, open handles) can keep it alive. The TypeScript is compiled to dist/ and the CLI
// bundled into dist/src/bundle/cli.cjs, with V8's code cache (scripts/bundle-cli.mjs), by `npm install` (the prepare
// script).
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const EXIT_FAILED = 1;
const EXIT_INTERRUPTED = 130;
const argv = process.argv;

// A closed stdout (`audiogen plan ... | head`) is not an error. A command that streams to stdout (`build --stdout`)
// listens itself, to stop its workers and say so.
process.stdout.on('error', (err) => {
  if (process.stdout.listenerCount('error') > 1) return;
  if (err && err.code === 'EPIPE') process.exit(0);
});
// Until the CLI has loaded and taken over, an interrupt simply ends the process.
const early = () => process.exit(EXIT_INTERRUPTED);
process.on('SIGINT', early);
process.on('SIGTERM', early);

const main = async () => {
  // `build` forks its worker processes before loading the rest of the CLI, so their start-up overlaps it.
  const asksHelp = argv.slice(3).some((a) => a === '--help' || a === '-h');
  if (argv[2] === 'build' && !asksHelp) {
    const { prestartWorkers } = await import('../dist/src/workers/prestart.js');
    prestartWorkers(availableParallelism());
  }
  const { loadBundle } = await import('../dist/src/files/code-cache.js');
  const { run } = loadBundle(fileURLToPath(new URL('../dist/src/bundle/cli.cjs', import.meta.url))).exports;
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  return run(argv);
};

// Nothing left to wait for, yet the command has not finished: a defect, never a silent exit 0.
const unfinished = () => {
  process.stderr.write('audiogen: internal error (please report it): the command stopped without finishing\n');
  process.exit(EXIT_FAILED);
};
process.on('beforeExit', unfinished);

main().then(
  (code) => process.exit(code),
  (err) => {
    const missing = err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'ENOENT');
    if (missing && String(err.message).includes('dist/src/')) {
      process.stderr.write(
        'audiogen is not built: run `npm install` (or `npm run build`) in the audiogen folder first\n',
      );
    } else {
      process.stderr.write(`audiogen: internal error (please report it): ${err?.stack ? err.stack : String(err)}\n`);
    }
    process.exit(EXIT_FAILED);
  },
);
