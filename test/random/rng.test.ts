// Seeded streams keyed by purpose: the same key gives the same stream in any process, other keys other streams,
// so no draw depends on which worker made it or on which other draws exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bulkRngFor, randomIndex, rngFor, shuffleInPlace, uniform, type Rng } from '../../src/random/rng.js';
import { ROOT } from '../helpers.js';

const take = (rng: Rng, n: number) => Array.from({ length: n }, () => rng());

test('the same key gives the same stream, in this process and in another', () => {
  const here = take(rngFor(0, 'training', 3, 1207, 'offset'), 5);
  assert.deepEqual(take(rngFor(0, 'training', 3, 1207, 'offset'), 5), here);
  assert.ok(here.every((v) => v >= 0 && v < 1));
  const script = `import { rngFor } from ${JSON.stringify(join(ROOT, 'src/random/rng.ts'))};
const r = rngFor(0, 'training', 3, 1207, 'offset'); console.log(JSON.stringify([r(), r(), r(), r(), r()]));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), here);
});

test('streams of different keys are independent: no shared values, no correlation', () => {
  const keys = [['offset'], ['speed'], ['offset', 1], [1, 'offset']].map((tag) =>
    take(rngFor(0, 'training', 0, 5, ...tag), 2000),
  );
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const [a, b] = [keys[i], keys[j]];
      assert.equal(a.filter((v, k) => v === b[k]).length, 0);
      const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
      const [ma, mb] = [mean(a), mean(b)];
      const cov = a.reduce((s, v, k) => s + (v - ma) * (b[k] - mb), 0) / a.length;
      // 2000 pairs: |correlation| of independent uniforms stays well under 0.1.
      assert.ok(Math.abs(cov / (1 / 12)) < 0.1, `keys ${i} and ${j} correlate`);
    }
  }
  // A new kind of draw never shifts an existing one: each kind has its own stream.
  const offset = rngFor(0, 'training', 0, 5, 'offset');
  rngFor(0, 'training', 0, 5, 'new-draw')();
  assert.equal(offset(), keys[0][0]);
});

test('a stream is uniform over [0, 1): ten bins fill evenly', () => {
  const bins = new Array(10).fill(0);
  const rng = rngFor('uniformity');
  for (let i = 0; i < 20000; i++) bins[Math.floor(rng() * 10)]++;
  // Chi-square with 9 degrees of freedom: 27.9 is the 0.1% point.
  const chi = bins.reduce((s, b) => s + (b - 2000) ** 2 / 2000, 0);
  assert.ok(chi < 27.9, `chi-square ${chi}: ${bins}`);
});

test('bulkRngFor is keyed the same way: deterministic per key, in [0, 1)', () => {
  const a = take(bulkRngFor(1, 'noise'), 100);
  assert.deepEqual(take(bulkRngFor(1, 'noise'), 100), a);
  assert.notDeepEqual(take(bulkRngFor(2, 'noise'), 100), a);
  assert.ok(a.every((v) => v >= 0 && v < 1));
});

test('uniform draws in [lo, hi) and gives lo itself for an empty range; randomIndex stays below n', () => {
  const rng = rngFor('u');
  for (let i = 0; i < 1000; i++) {
    const v = uniform(rng, -2, 3);
    assert.ok(v >= -2 && v < 3);
  }
  let drawn = 0;
  const counted = () => {
    drawn++;
    return 0.5;
  };
  assert.equal(uniform(counted, 1.25, 1.25), 1.25);
  assert.equal(drawn, 0, 'an empty range draws nothing');
  assert.equal(
    randomIndex(() => 0.9999999999999999, 7),
    6,
  );
  assert.equal(
    randomIndex(() => 0, 7),
    0,
  );
});

test('shuffleInPlace is a permutation, the same one for the same stream, of arrays and Uint32Arrays alike', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const a = [...items];
  shuffleInPlace(a, rngFor('shuffle', 1));
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    items,
  );
  assert.notDeepEqual(a, items);
  const b = Uint32Array.from(items);
  shuffleInPlace(b, rngFor('shuffle', 1));
  assert.deepEqual([...b], a);
  const c = [...items];
  shuffleInPlace(c, rngFor('shuffle', 2));
  assert.notDeepEqual(c, a);
  for (const tiny of [[], [7]]) {
    shuffleInPlace(tiny, rngFor('x'));
    assert.ok(tiny.length < 2);
  }
});

test('shuffleInPlace draws every order of three items equally often', () => {
  const counts = new Map<string, number>();
  const rng = rngFor('fisher-yates');
  for (let i = 0; i < 6000; i++) {
    const x = ['a', 'b', 'c'];
    shuffleInPlace(x, rng);
    counts.set(x.join(''), (counts.get(x.join('')) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  // Chi-square with 5 degrees of freedom: 20.5 is the 0.1% point.
  const chi = [...counts.values()].reduce((s, n) => s + (n - 1000) ** 2 / 1000, 0);
  assert.ok(chi < 20.5, `chi-square ${chi}: ${JSON.stringify([...counts])}`);
});
