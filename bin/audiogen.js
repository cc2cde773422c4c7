#!/usr/bin/env node
// The CLI entry; the TypeScript is compiled to dist/ by `npm install` (the prepare script).
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli')) {
    console.error('audiogen is not built: run `npm install` (or `npm run build`) in the audiogen folder first');
    process.exit(1);
  }
  throw err;
});
