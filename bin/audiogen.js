#!/usr/bin/env node
// The CLI entry; the TypeScript is compiled to dist/ by `npm install` (the prepare script).
// `build` forks its worker processes before loading the rest of the CLI, so their start-up overlaps it.
import { availableParallelism } from 'node:os';

const main = async () => {
  if (process.argv[2] === 'build') {
    const { prestartWorkers } = await import('../dist/src/pipeline/prestart.js');
    prestartWorkers(availableParallelism());
  }
  await import('../dist/src/cli/main.js');
};
main().catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/')) {
    console.error('audiogen is not built: run `npm install` (or `npm run build`) in the audiogen folder first');
    process.exit(1);
  }
  throw err;
});
