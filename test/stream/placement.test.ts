// Placing words and background in a stream as TensorFlow's generate_streaming_test_wav.py does, deterministically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backgroundGeometry,
  mixInto,
  placeBackground,
  placeWords,
  type StreamSettings,
} from '../../src/stream/placement.js';

const settings = (over: Partial<StreamSettings> = {}): StreamSettings => ({
  sampleRate: 16000,
  clipMs: 1000,
  totalSamples: 16000 * 600,
  wordGapMs: 2000,
  unknownPercentage: 30,
  backgroundVolume: 0.1,
  negativeOnly: false,
  seed: 7,
  ...over,
});
const clips = new Map([
  ['yes', 5],
  ['no', 3],
  ['_unknown_', 4],
]);

test('a word every clip + gap (TF: 200 in 600 s at 1 s + 2 s), each at a point of its gap, keywords and ~30% unknown', () => {
  const words = placeWords(settings(), ['yes', 'no'], clips);
  assert.equal(words.length, 200);
  words.forEach((w, i) => {
    assert.ok(w.offset >= i * 48000 && w.offset < i * 48000 + 32000, `word ${i} at ${w.offset}`);
    assert.ok(w.clip >= 0 && w.clip < clips.get(w.label)!);
  });
  const unknown = words.filter((w) => w.label === '_unknown_').length;
  assert.ok(unknown > 40 && unknown < 80, `${unknown} unknown of 200`);
  assert.ok(words.some((w) => w.label === 'yes') && words.some((w) => w.label === 'no'));
  assert.deepEqual(placeWords(settings(), ['yes', 'no'], clips), words, 'the same seed, the same placement');
  assert.notDeepEqual(placeWords(settings({ seed: 8 }), ['yes', 'no'], clips), words);
});

test('negative-only streams hold only _unknown_ words; a label without clips leaves its slot empty', () => {
  assert.ok(placeWords(settings({ negativeOnly: true }), ['yes', 'no'], clips).every((w) => w.label === '_unknown_'));
  const noUnknown = placeWords(settings({ unknownPercentage: 100 }), ['yes'], new Map([['yes', 2]]));
  assert.deepEqual(noUnknown, []);
});

test('background segments one clip apart, a clip + 500 ms long with 250 ms ramps, volumes below the maximum', () => {
  const s = settings({ totalSamples: 16000 * 10 + 5 });
  assert.deepEqual(backgroundGeometry(s), { duration: 24000, stride: 16000, ramp: 4000 });
  const segments = placeBackground(s, [20000, 100000]);
  assert.equal(segments.length, 11, 'ceil(total / stride)');
  for (const [i, seg] of segments.entries()) {
    assert.equal(seg.offset, i * 16000);
    assert.ok(seg.volume >= 0 && seg.volume < 0.1);
    assert.ok(seg.fileOffset >= 0 && seg.fileOffset < [20000, 100000][seg.file] - 16000);
  }
  assert.deepEqual(placeBackground(s, []), [], 'no background files, no background');
  assert.deepEqual(placeBackground(settings({ backgroundVolume: 0 }), [20000]), []);
});

test("mixing follows TF's envelope and is the same whether the track is made in one block or many", () => {
  const source = Float32Array.from({ length: 3000 }, (_, i) => Math.sin(i / 7));
  const whole = new Float32Array(5000);
  mixInto(whole, 0, source, 100, 1000, 2500, 0.5, 500, 500);
  // TF: i < ramp_in: i / ramp_in; i > duration - ramp_out: (duration - i) / ramp_out; else 1.
  assert.equal(whole[999], 0);
  assert.equal(whole[1000], 0, 'the envelope starts at 0');
  assert.ok(Math.abs(whole[1250] - source[350] * 0.5 * 0.5) < 1e-7);
  assert.ok(Math.abs(whole[2000] - source[1100] * 0.5) < 1e-7);
  assert.ok(Math.abs(whole[3400] - source[2500] * 0.5 * (100 / 500)) < 1e-7);
  assert.equal(whole[3500], 0, 'the segment is 2500 long');
  const pieces = new Float32Array(5000);
  for (let start = 0; start < 5000; start += 777) {
    mixInto(pieces.subarray(start, Math.min(5000, start + 777)), start, source, 100, 1000, 2500, 0.5, 500, 500);
  }
  assert.deepEqual(pieces, whole);
  const short = new Float32Array(5000);
  mixInto(short, 0, source, 2900, 0, 2500, 1, 10, 10);
  assert.ok(
    short.subarray(100).every((v) => v === 0),
    'a segment ends where its source ends',
  );
});
