#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (through tsx), then the Python tests.
// Node 20's `--test DIR` finds no .ts files, so the files are listed here.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function find(dir, suffix) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...find(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

// The AssemblyScript modules the DSP loads: rebuilt when a source changed since the last build.
const wasm = spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (wasm.status !== 0) process.exit(1);

let files = find(join(root, 'test'), '.test.ts');
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
const node = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
let failed = node.status !== 0;

const pyTests = join(root, 'python', 'tests');
if (!only.length && existsSync(pyTests)) {
  const py = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', pyTests, '-t', root, '-v'], {
    cwd: root,
    stdio: 'inherit',
  });
  failed ||= py.status !== 0;
}
process.exit(failed ? 1 : 0);
