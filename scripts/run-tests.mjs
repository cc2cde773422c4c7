#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (through tsx), then the Python tests, and closes with a
// summary that names every skipped test or suite and why. The CLI tests run the shipped bin/audiogen.js, so the
// TypeScript is compiled to dist/ first, and the WebAssembly modules are rebuilt when a source is newer.
// Node 20's `--test DIR` finds no .ts files, so the files are listed here.
import { readdirSync, existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
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

const step = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status === 0;
if (!step([join(root, 'scripts/build-wasm.mjs'), '--if-stale'])) process.exit(1);
if (!step([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'])) process.exit(1);

let files = find(join(root, 'test'), '.test.ts');
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
const scratch = mkdtempSync(join(tmpdir(), 'audiogen-test-run-'));
const skipLog = join(scratch, 'skipped.jsonl');
const node = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/skip-reporter.mjs')}`,
    `--test-reporter-destination=${skipLog}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
let failed = node.status !== 0;

let pySkipped = [];
const pyTests = join(root, 'python', 'tests');
if (!only.length && existsSync(pyTests)) {
  const py = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', pyTests, '-t', root, '-v'], {
    cwd: root,
    encoding: 'utf8',
  });
  process.stdout.write(py.stdout);
  process.stderr.write(py.stderr);
  failed ||= py.status !== 0;
  // unittest -v prints "test_x (module.Class.test_x) ... skipped 'reason'".
  pySkipped = [...py.stderr.matchAll(/^(\S+) \((\S+)\)(?: \.\.\.|\n.*?\.\.\.) skipped '(.*)'$/gm)].map((m) => ({
    kind: 'test',
    name: `${m[2]}`,
    file: 'python/tests',
    reason: m[3],
  }));
}

const skipped = existsSync(skipLog)
  ? readFileSync(skipLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
skipped.push(...pySkipped);
rmSync(scratch, { recursive: true, force: true });
const suites = skipped.filter((s) => s.kind === 'suite').length;
console.log(
  `\n== ${failed ? 'FAILED' : 'passed'}; skipped: ${skipped.length - suites} test(s) and ${suites} suite(s)${skipped.length ? ':' : ''}`,
);
for (const s of skipped)
  console.log(
    `   ${s.kind} "${s.name}"${s.file ? ` (${relative(root, s.file.replace(/^file:\/\//, ''))})` : ''}: ${s.reason}`,
  );
process.exit(failed ? 1 : 0);
