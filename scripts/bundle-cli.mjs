#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything its commands import, with zod, yaml and commander)
// into dist/src/bundle/: one file to load instead of ~200, which cuts `audiogen --help` and the build's start-up.
// Each command is its own chunk (code splitting), loaded when it runs. Run after tsc (npm run build, npm test).
// Kept out of the bundle: the worker processes (forked from dist/src/workers/worker.js, their own module graph),
// workers/prestart.js (bin/audiogen.js imports it first and the pool adopts its workers: one copy of its state),
// and the other packages (wasm and CommonJS files they find by their own paths).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}dist/src/bundle`;
const BUNDLED_PACKAGES = /^(zod|yaml|commander)(\/|$)/;

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/src/cli/main.js`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // commander is CommonJS: its require() of Node's modules needs a real require in an ES module.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [
    {
      name: 'audiogen-externals',
      setup(b) {
        // The chunks sit in dist/src/bundle/, one folder deep like the modules, so relative URLs still resolve.
        b.onResolve({ filter: /\/prestart\.js$/ }, () => ({
          path: '../workers/prestart.js',
          external: true,
        }));
        b.onResolve({ filter: /^[^./]/ }, (a) =>
          BUNDLED_PACKAGES.test(a.path) ? undefined : { path: a.path, external: true },
        );
      },
    },
  ],
});
