#!/usr/bin/env node
// Compiles each AssemblyScript module in assembly/ (a file that is not a shared part, named `_*.ts`) to
// wasm/<name>.wasm. Run by `npm run build` (and so by `npm install`) and by the test runner when a source is
// newer than its output. SIMD is on: Node has had WebAssembly SIMD since 16.4.
//
//   node scripts/build-wasm.mjs [--if-stale]
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import asc from 'assemblyscript/asc';

const root = new URL('..', import.meta.url).pathname;
const source = join(root, 'assembly');
const target = join(root, 'wasm');
const ifStale = process.argv.includes('--if-stale');

const files = readdirSync(source).filter((f) => f.endsWith('.ts') && !f.startsWith('_'));
const shared = readdirSync(source).filter((f) => f.startsWith('_') && f.endsWith('.ts'));
const newest = (names) => Math.max(0, ...names.map((f) => statSync(join(source, f)).mtimeMs));
mkdirSync(target, { recursive: true });
let failed = false;
for (const file of files) {
  const out = join(target, file.replace(/\.ts$/, '.wasm'));
  if (ifStale && existsSync(out) && statSync(out).mtimeMs >= newest([file, ...shared])) continue;
  const { error, stderr } = await asc.main([
    join(source, file),
    '--outFile', out,
    '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd',
    '--initialMemory', '1',
  ]);
  if (error) {
    console.error(`build-wasm: ${file}: ${error.message}\n${stderr.toString()}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
