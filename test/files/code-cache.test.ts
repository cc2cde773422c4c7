import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadBundle, saveCodeCache } from '../../src/files/code-cache.js';
import { ROOT, tempDir } from '../helpers.js';

const ID = 'a'.repeat(32);

/** A small CommonJS bundle the way scripts/bundle-cli.mjs writes one: its id on the last line. */
function bundle(dir: string, body: string, id = ID): string {
  const file = join(dir, 'b.cjs');
  writeFileSync(file, `${body}\n//# audiogen-bundle ${id}\n`);
  return file;
}

/**
 * Loads `file` in a fresh Node (as a start does: in this process V8 would find the script compiled already and never
 * read the cache) and returns what the loader saw, with `call`'s result (an async function of the exports).
 */
function loadFresh(file: string, call = 'async (e) => e'): { cacheAccepted: boolean | null; result: unknown } {
  const code = `
    import { loadBundle } from ${JSON.stringify(join(ROOT, 'dist/src/files/code-cache.js'))};
    const loaded = loadBundle(${JSON.stringify(file)});
    const result = await (${call})(loaded.exports);
    process.stdout.write(JSON.stringify({ cacheAccepted: loaded.cacheAccepted, result }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('the built CLI bundle and the worker bundle load with the code caches the build saved beside them', () => {
  // npm test bundles first (scripts/run-tests.mjs): a cache V8 refused would mean every start compiles again.
  for (const name of ['cli', 'worker']) {
    const { cacheAccepted } = loadFresh(join(ROOT, `dist/src/bundle/${name}.cjs`), 'async () => null');
    assert.equal(cacheAccepted, true, name);
  }
});

test('a bundle loaded from its cache still imports ES modules (through files/import.ts)', () => {
  const dir = tempDir();
  const mod = join(dir, 'm.mjs');
  writeFileSync(mod, 'export const answer = 42;\n');
  // What importModule does inside a bundle: the loader's import(), not one compiled into the cached script.
  const file = bundle(dir, "module.exports.load = (url) => globalThis[Symbol.for('audiogen.import')](url);");
  assert.equal(saveCodeCache(file, loadBundle(file)), true);
  const got = loadFresh(file, `async (e) => (await e.load(${JSON.stringify(pathToFileURL(mod).href)})).answer`);
  assert.deepEqual(got, { cacheAccepted: true, result: 42 });
});

test('a cache saved for another build of the bundle is not offered to V8; the bundle runs without it', () => {
  const dir = tempDir();
  const file = bundle(dir, 'module.exports.v = 1;');
  saveCodeCache(file, loadBundle(file));
  // Rebuilt: same length, another id and body (V8's own check would not notice a same-length change).
  bundle(dir, 'module.exports.v = 2;', 'b'.repeat(32));
  assert.deepEqual(loadFresh(file), { cacheAccepted: null, result: { v: 2 } });
});

test('a cache made by another V8 (its header differs) is refused and the bundle compiles as usual', () => {
  const dir = tempDir();
  const file = bundle(dir, 'module.exports.v = 3;');
  saveCodeCache(file, loadBundle(file));
  const cache = readFileSync(`${file}.cache`);
  // After the bundle id: V8's magic number and version hash.
  cache.fill(7, ID.length, ID.length + 8);
  writeFileSync(`${file}.cache`, cache);
  assert.deepEqual(loadFresh(file), { cacheAccepted: false, result: { v: 3 } });
});

test('a file without a bundle id gets no cache saved', () => {
  const dir = tempDir();
  const file = join(dir, 'plain.cjs');
  writeFileSync(file, 'module.exports.v = 4;\n');
  const loaded = loadBundle(file);
  assert.deepEqual(loaded.exports, { v: 4 });
  assert.equal(saveCodeCache(file, loaded), false);
});
