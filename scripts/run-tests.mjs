#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (through tsx), then the Python tests, and closes with a
// summary that names every skipped test or suite and why. The CLI tests run the shipped bin/audiogen.js, so the
// TypeScript is compiled to dist/ (and the CLI bundled) first, and the WebAssembly modules are rebuilt when a source is newer.
// Node 20's `--test DIR` finds no .ts files, so the files are listed here. `npm test -- <part of a path>` runs the
// matching TypeScript files; `npm test -- python` the Python tests alone.
import { readdirSync, existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
if (!step([join(root, 'scripts/bundle-cli.mjs')])) process.exit(1);

let files = find(join(root, 'test'), '.test.ts');
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
const scratch = mkdtempSync(join(tmpdir(), 'audiogen-test-run-'));
const skipLog = join(scratch, 'skipped.jsonl');
// `npm test -- python` runs the Python tests alone: no TypeScript file matches, and node --test would then look for
// test files by its own rules.
const python = !only.length || only.some((o) => `python${sep}tests`.startsWith(o) || o.startsWith(`python${sep}`));
// The TypeScript tests run python3 too (tar readers, the examples): they get the same installed package, first on
// PATH, so `npm test` on a fresh machine needs no global install.
const setup = pythonWithPackage();
const node =
  (files.length || !python) &&
  spawnSync(
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
    { cwd: root, stdio: 'inherit', env: setup.env },
  );
let failed = node !== false && node.status !== 0;

/** A Python with the audiogen_data package installed from the wheel scripts/build-wheel.mjs writes, as users
 * install it: a venv in dist/python-env that sees the machine's numpy (--system-site-packages; --without-pip reuses
 * the machine's pip, 0.2 s instead of 5). Without venv or pip, python3 with PYTHONPATH=python, said in the summary. */
function pythonWithPackage() {
  const wheel = spawnSync(process.execPath, [join(root, 'scripts/build-wheel.mjs')], { cwd: root, encoding: 'utf8' });
  if (wheel.status !== 0) {
    process.stderr.write(`scripts/build-wheel.mjs failed:\n${wheel.stderr}`);
    process.exit(1);
  }
  const env = join(root, 'dist', 'python-env');
  const python = join(env, 'bin', 'python');
  const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  const install = () =>
    run(python, ['-m', 'pip', 'install', '--no-index', '--no-deps', '--force-reinstall', '-q', wheel.stdout.trim()]);
  let installed = existsSync(python) && install().status === 0;
  for (const flags of [['--without-pip'], []]) {
    if (installed) break;
    rmSync(env, { recursive: true, force: true });
    installed =
      run('python3', ['-m', 'venv', '--system-site-packages', ...flags, env]).status === 0 && install().status === 0;
  }
  if (installed) return { python, env: { ...process.env, PATH: `${join(env, 'bin')}:${process.env.PATH}` }, note: '' };
  return {
    python: 'python3',
    env: { ...process.env, PYTHONPATH: join(root, 'python'), AUDIOGEN_PYTHON_FROM_SOURCE: '1' },
    note: 'python3 -m venv or pip is unavailable: the Python tests import python/ by path instead of the installed wheel',
  };
}

const pySkipped = [];
const pyTests = join(root, 'python', 'tests');
if (python && existsSync(pyTests)) {
  if (setup.note)
    pySkipped.push({ kind: 'suite', name: 'installed audiogen_data', file: 'python/tests', reason: setup.note });
  const py = spawnSync(setup.python, ['-m', 'unittest', 'discover', '-s', pyTests, '-t', root, '-v'], {
    cwd: root,
    encoding: 'utf8',
    env: setup.env,
  });
  process.stdout.write(py.stdout);
  process.stderr.write(py.stderr);
  failed ||= py.status !== 0;
  // unittest -v prints "test_x (module.Class.test_x) ... skipped 'reason'".
  pySkipped.push(
    ...[...py.stderr.matchAll(/^(\S+) \((\S+)\)(?: \.\.\.|\n.*?\.\.\.) skipped '(.*)'$/gm)].map((m) => ({
      kind: 'test',
      name: `${m[2]}`,
      file: 'python/tests',
      reason: m[3],
    })),
  );
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
