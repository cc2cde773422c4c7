#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything its commands import, with zod, yaml and commander)
// into one CommonJS file, dist/src/bundle/cli.cjs, and the worker process (dist/src/workers/worker.js) into
// dist/src/bundle/worker.cjs, then saves V8's code cache of each beside it (<bundle>.cache, src/files/code-cache.ts):
// a start loads one file and deserializes its bytecode instead of resolving ~40 modules and compiling them, which
// cuts `audiogen --help`, the build's start-up and each worker's. CommonJS because Node 20 caches no code for ES
// modules. Left to be found by their own paths: the other packages (wasm and CommonJS files they find by their own
// paths). Run after tsc (npm run build, npm test).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}dist/src/bundle`;
const BUNDLED_PACKAGES = /^(zod|yaml|commander)(\/|$)/;

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // The modules find their wasm and package.json by import.meta.url: the bundle's own URL, one folder deep in
  // dist/src/ like theirs, so their relative URLs still resolve.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
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
// The last line names this build of the bundle; its cache starts with the same id (a stale cache is never used).
const footer = () => ({ js: `//# audiogen-bundle ${randomBytes(16).toString('hex')}` });
await build({
  ...common,
  entryPoints: [`${root}dist/src/workers/worker.js`],
  outfile: `${outdir}/worker.cjs`,
  footer: footer(),
  plugins: [otherPackages],
});
await build({
  ...common,
  entryPoints: [`${root}dist/src/cli/main.js`],
  outfile: `${outdir}/cli.cjs`,
  footer: footer(),
  plugins: [otherPackages],
});

// A script compiled from a code cache has no dynamic-import callback (Node 20): an import() left in a bundle would
// fail there, so the modules import through src/files/import.ts, and one written elsewhere stops the build here.
for (const bundle of ['worker.cjs', 'cli.cjs']) {
  const lines = readFileSync(`${outdir}/${bundle}`, 'utf8').split('\n');
  const at = lines.findIndex(
    (l) => /(^|[^\w$.])import\(/.test(l) && !/^\s*(\/\/|\*)/.test(l) && !/importer \? importer\(/.test(l),
  );
  if (at >= 0)
    throw new Error(`bundle-cli: ${bundle}:${at + 1} calls import(): use importModule (src/files/import.ts)`);
}

// The caches: each bundle run in a Node of its own (the flags and Node a start will have), through what a start
// runs: the worker's top level; the CLI's `validate` of a two-clip dataset (the config, zod and yaml, the listing),
// whose functions are then in the cache too (a validate of the demo ran in 60–85 ms against 94–104 with the cache
// of the CLI's top level alone).
const scratch = mkdtempSync(join(tmpdir(), 'audiogen-code-cache-'));
try {
  const wav = Buffer.alloc(44 + 3200);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + 3200, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(16000, 24);
  wav.writeUInt32LE(32000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(3200, 40);
  for (const word of ['yes', 'no']) {
    mkdirSync(join(scratch, 'data', word), { recursive: true });
    writeFileSync(join(scratch, 'data', word, 'a.wav'), wav);
  }
  const config = join(scratch, 'config.json');
  const settings = {
    dataset: { directory: join(scratch, 'data'), classes: ['yes', 'no'] },
    output: { directory: join(scratch, 'out') },
  };
  writeFileSync(config, JSON.stringify(settings));
  const save = (bundle, run) => {
    const code = `
      import { loadBundle, saveCodeCache } from ${JSON.stringify(`${root}dist/src/files/code-cache.js`)};
      const file = ${JSON.stringify(`${outdir}/${bundle}`)};
      const loaded = loadBundle(file);
      ${run}
      if (!saveCodeCache(file, loaded)) throw new Error('no code cache for ' + file);
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: scratch,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Without its cache a bundle still runs, only starts slower: say so, and let the install go on (the tests
    // check that both caches are there and taken).
    if (r.status !== 0)
      process.stderr.write(
        `bundle-cli: no code cache for ${bundle} (exit ${r.status}); it will compile at each start\n${r.stderr}`,
      );
  };
  save('worker.cjs', '');
  save(
    'cli.cjs',
    `const code = await loaded.exports.run([process.execPath, 'audiogen', 'validate', '--config', ${JSON.stringify(config)}, '--json']);
     if (code !== 0) throw new Error('validate exited with ' + code);`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
