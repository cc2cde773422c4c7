// The rooms of src/ and the one direction imports run between them: a lower room never imports a higher one, and
// rooms of one rank do not import each other. Each room says in its README.md what it owns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './helpers.js';

/** Rank of each room, low to high (top-level files of src/ are rank 0). */
const RANK: Record<string, number> = {
  files: 0,
  config: 1,
  random: 1,
  wasm: 1,
  io: 2,
  dsp: 2,
  audio: 3,
  frontend: 3,
  dataset: 4,
  augment: 5,
  plan: 5,
  sample: 6,
  stream: 7,
  preview: 6,
  workers: 7,
  build: 8,
  cli: 9,
};

const SRC = join(ROOT, 'src');
const roomOf = (file: string) => {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? '.' : parts[0];
};
const rankOf = (room: string) => (room === '.' ? 0 : RANK[room]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every relative import of a file (static, type-only and dynamic), as absolute paths of .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

test('every folder of src/ is a room with a rank', () => {
  const rooms = readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  assert.deepEqual(
    rooms.filter((r) => RANK[r] === undefined),
    [],
  );
  assert.deepEqual(
    Object.keys(RANK).filter((r) => !rooms.includes(r)),
    [],
    'a room in the table that no longer exists',
  );
});

test('imports run one way: no room imports a room of its rank or above', () => {
  const upward: string[] = [];
  for (const file of sources(SRC)) {
    const from = roomOf(file);
    for (const target of importsOf(file)) {
      const to = roomOf(target);
      if (to === from) continue;
      if (rankOf(to) >= rankOf(from))
        upward.push(
          `${relative(SRC, file)} -> ${relative(SRC, target)} (${from} ${rankOf(from)} -> ${to} ${rankOf(to)})`,
        );
    }
  }
  assert.deepEqual(upward, []);
});

test('each room opens with a one-line statement of what it owns', () => {
  for (const room of Object.keys(RANK)) {
    const readme = join(SRC, room, 'README.md');
    assert.ok(existsSync(readme), `src/${room}/README.md is missing`);
    const lines = readFileSync(readme, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1, `src/${room}/README.md: one line`);
  }
});
