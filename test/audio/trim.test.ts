import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../../src/io/npy.js';
import { trimBounds } from '../../src/audio/trim.js';

const trimDir = new URL('../../fixtures/conformance/trim/', import.meta.url);

interface TrimCase {
  input: string;
  top_db: number;
  start: number;
  end: number;
  length: number;
}

const { cases } = JSON.parse(readFileSync(new URL('cases.json', trimDir), 'utf8')) as { cases: TrimCase[] };

function loadFloat32(url: URL): Float32Array {
  const npy = decodeNpy(readFileSync(url));
  assert.equal(npy.dtype, 'float32', `${url.pathname} is not float32`);
  return npy.data as Float32Array;
}

test('gives the bounds librosa.effects.trim gives on every conformance case', () => {
  assert.ok(cases.length >= 48);
  for (const c of cases) {
    const y = loadFloat32(new URL(c.input, trimDir));
    assert.equal(y.length, c.length, `${c.input} length`);
    assert.deepEqual(trimBounds(y, c.top_db), [c.start, c.end], `${c.input} top_db=${c.top_db}`);
  }
});

test("follows librosa's float32 arithmetic where float64, sequential sums or skipping the rms round trip would not", () => {
  const edgeDir = new URL('../../fixtures/trim/', import.meta.url);
  const doc = JSON.parse(readFileSync(new URL('knife_edge.json', edgeDir), 'utf8')) as {
    base: string;
    split: number;
    cases: { gain: number; top_db: number; start: number; end: number; breaks: string; wrong: number[] }[];
  };
  const base = loadFloat32(new URL(doc.base, edgeDir));
  assert.equal(doc.cases.length, 3);
  for (const c of doc.cases) {
    const y = Float32Array.from(base);
    for (let i = doc.split; i < y.length; i++) y[i] = base[i] * c.gain;
    assert.notDeepEqual(c.wrong, [c.start, c.end]);
    assert.deepEqual(trimBounds(y, c.top_db), [c.start, c.end], `case breaking ${c.breaks}`);
  }
});

test('keeps a tone and drops the silence around it, on 512-sample frame boundaries', () => {
  const sr = 16000;
  const y = new Float32Array(sr);
  // 440 Hz at 0.5 from 0.3 s to 0.6 s, silence elsewhere.
  for (let i = 4800; i < 9600; i++) y[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr);
  const [start, end] = trimBounds(y, 40);
  assert.equal(start % 512, 0);
  assert.equal(end % 512, 0);
  // Centred 2048 frames reach 1024 samples either side of their centre, so the kept region overhangs the tone
  // by less than a frame plus a hop but must contain all of it.
  assert.ok(start <= 4800 && start > 4800 - 2048 - 512, `start ${start}`);
  assert.ok(end >= 9600 && end < 9600 + 2048 + 512, `end ${end}`);
  assert.ok(end - start < sr / 2);
});

test('a higher top_db never keeps less than a lower one', () => {
  const y = loadFloat32(new URL('inputs/cat_en-029-m7_nohash_0.npy', trimDir));
  let prev: [number, number] = [Infinity, -Infinity];
  for (const topDb of [5, 10, 20, 40, 80]) {
    const [s, e] = trimBounds(y, topDb);
    assert.ok(s <= prev[0], `start at ${topDb}`);
    assert.ok(e >= prev[1], `end at ${topDb}`);
    prev = [s, e];
  }
});

test('keeps all of an all-zero clip (every frame equals the reference) and nothing of an empty one', () => {
  assert.deepEqual(trimBounds(new Float32Array(3000), 60), [0, 3000]);
  assert.deepEqual(trimBounds(new Float32Array(0), 60), [0, 0]);
});

test('ends at the clip length when the last kept frame runs past it', () => {
  const y = new Float32Array(1000).fill(0.25);
  assert.deepEqual(trimBounds(y, 20), [0, 1000]);
});

test('rejects a NaN top_db', () => {
  assert.throws(() => trimBounds(new Float32Array(10), NaN), /topDb/);
});
