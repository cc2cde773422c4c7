#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything its commands import, with zod, yaml and commander)
// into dist/src/bundle/: one file to load instead of ~200, which cuts `audiogen --help` and the build's start-up.
// Each command is its own chunk (code splitting), loaded when it runs. Run after tsc (npm run build, npm test).
// The worker processes are their own bundle, dist/src/bundle/worker.js (forked by workers/prestart.js): each worker
// loads one file too. Kept out of the CLI's bundle: workers/prestart.js (bin/audiogen.js imports it first and the
// pool adopts its workers: one copy of its state), and the other packages (wasm and CommonJS files they find by their
// own paths).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}dist/src/bundle`;
const BUNDLED_PACKAGES = /^(zod|yaml|commander)(\/|$)/;

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // commander is CommonJS: its require() of Node's modules needs a real require in an ES module.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
};
/** Packages the bundles leave to be found by their own paths. @type {import('esbuild').Plugin} */
const otherPackages = {
  name: 'audiogen-packages',
  setup(b) {
    // zod's namespace re-exports all 64 of its message locales (~360 kB of the bundle, parsed at every build's start);
    // audiogen uses English only, the one zod installs itself.
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (a) =>
      a.importer.includes('/node_modules/zod/') ? { path: 'zod-locales', namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
    }));
    b.onResolve({ filter: /^[^./]/ }, (a) =>
      BUNDLED_PACKAGES.test(a.path) ? undefined : { path: a.path, external: true },
    );
  },
};

rmSync(outdir, { recursive: true, force: true });
// The worker: one file, in the same folder as the chunks (relative URLs to wasm/ resolve alike).
await build({
  ...common,
  entryPoints: [`${root}dist/src/workers/worker.js`],
  outfile: `${outdir}/worker.js`,
  plugins: [otherPackages],
});
await build({
  ...common,
  entryPoints: [`${root}dist/src/cli/main.js`],
  outdir,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  plugins: [
    {
      name: 'audiogen-externals',
      setup(b) {
        // The chunks sit in dist/src/bundle/, one folder deep like the modules, so relative URLs still resolve.
        b.onResolve({ filter: /\/prestart\.js$/ }, () => ({
          path: '../workers/prestart.js',
          external: true,
        }));
      },
    },
    otherPackages,
  ],
});
