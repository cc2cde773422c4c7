// Sample conversion of the WAV reader: each sample kind against values worked out by hand (scipy's integer / 2^(bits-1)
// scaling, G.711 expansion), both byte orders, interleaved channels, unaligned data; and the NaN/Inf scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleKind, WavFormat } from '../../src/audio/wav.js';
import { decodeSamples, firstNonFinite } from '../../src/audio/wav-samples.js';

const WIDTH: Record<SampleKind, number> = {
  uint8: 1,
  int16: 2,
  int24: 3,
  int32: 4,
  int64: 8,
  float32: 4,
  float64: 8,
  ulaw: 1,
  alaw: 1,
};
const format = (kind: SampleKind, channels = 1, bytesPerSample = WIDTH[kind]): WavFormat => ({
  kind,
  channelCount: channels,
  sampleRate: 16000,
  blockAlign: channels * bytesPerSample,
  bytesPerSample,
});

/** Decodes `bytes` (interleaved frames at `offset`) into one array per channel. */
function decode(bytes: Uint8Array, f: WavFormat, le = true, offset = 0): number[][] {
  const frames = (bytes.length - offset) / f.blockAlign;
  const out = Array.from({ length: f.channelCount }, () => new Float32Array(frames));
  decodeSamples(bytes, offset, frames, f, le, out);
  return out.map((c) => [...c]);
}

/** Signed integers as `width`-byte two's complement, little- or big-endian. */
function ints(values: (number | bigint)[], width: number, le = true): Uint8Array {
  const out = new Uint8Array(values.length * width);
  values.forEach((v, i) => {
    let u = BigInt.asUintN(8 * width, BigInt(v));
    for (let k = 0; k < width; k++, u >>= 8n) out[i * width + (le ? k : width - 1 - k)] = Number(u & 0xffn);
  });
  return out;
}

const f32 = (values: number[]) => values.map(Math.fround);

test('8-bit PCM is unsigned: (x - 128) / 128', () => {
  assert.deepEqual(decode(Uint8Array.from([0, 128, 255, 1, 192]), format('uint8')), [
    [-1, 0, 127 / 128, -127 / 128, 0.5],
  ]);
});

test('16-bit PCM: x / 32768, mono and stereo, little- and big-endian, at an unaligned offset', () => {
  const values = [-32768, 0, 16384, 32767, -1];
  const want = f32(values.map((v) => v / 32768));
  assert.deepEqual(decode(ints(values, 2), format('int16')), [want]);
  assert.deepEqual(decode(ints(values, 2, false), format('int16'), false), [want]);
  const odd = new Uint8Array(1 + values.length * 2);
  odd.set(ints(values, 2), 1);
  assert.deepEqual(decode(odd, format('int16'), true, 1), [want]);
  assert.deepEqual(decode(ints([1, -1, 2, -2, 3, -3], 2), format('int16', 2)), [
    f32([1, 2, 3].map((v) => v / 32768)),
    f32([-1, -2, -3].map((v) => v / 32768)),
  ]);
  assert.deepEqual(decode(ints([1, -1, 2, -2], 2, false), format('int16', 2), false), [
    f32([1 / 32768, 2 / 32768]),
    f32([-1 / 32768, -2 / 32768]),
  ]);
});

test('24-bit PCM: the sign from the top byte, / 2^23, in either byte order', () => {
  const values = [-(2 ** 23), 2 ** 23 - 1, 1, -1, 2 ** 22];
  const want = f32(values.map((v) => v / 2 ** 23));
  assert.deepEqual(decode(ints(values, 3), format('int24')), [want]);
  assert.deepEqual(decode(ints(values, 3, false), format('int24'), false), [want]);
  assert.deepEqual(decode(ints([1, -1, 2, -2], 3), format('int24', 2)), [
    f32([1, 2].map((v) => v / 2 ** 23)),
    f32([-1, -2].map((v) => v / 2 ** 23)),
  ]);
});

test('32-bit PCM: / 2^31, in either byte order', () => {
  const values = [-(2 ** 31), 2 ** 30, 2 ** 31 - 1, -1];
  const want = f32(values.map((v) => v / 2 ** 31));
  assert.deepEqual(decode(ints(values, 4), format('int32')), [want]);
  assert.deepEqual(decode(ints(values, 4, false), format('int32'), false), [want]);
});

test('5- to 8-byte PCM: a left-justified 64-bit integer / 2^63', () => {
  const values = [-(2n ** 63n), 2n ** 62n, 1n, -1n, 2n ** 63n - 1n];
  assert.deepEqual(decode(ints(values, 8), format('int64')), [f32(values.map((v) => Number(v) / 2 ** 63))]);
  assert.deepEqual(decode(ints(values, 8, false), format('int64'), false), [
    f32(values.map((v) => Number(v) / 2 ** 63)),
  ]);
  // A 40-bit container holds the top 5 bytes: its integer / 2^39.
  const five = [-(2n ** 39n), 2n ** 38n, 1n, -1n];
  assert.deepEqual(decode(ints(five, 5), format('int64', 1, 5)), [f32(five.map((v) => Number(v) / 2 ** 39))]);
  assert.deepEqual(decode(ints(five, 5, false), format('int64', 1, 5), false), [
    f32(five.map((v) => Number(v) / 2 ** 39)),
  ]);
  assert.deepEqual(decode(ints([1n, -1n], 6), format('int64', 2, 6)), [
    [Math.fround(2 ** -47)],
    [Math.fround(-(2 ** -47))],
  ]);
});

test('IEEE floats pass through unchanged (values beyond [-1, 1] too), float64 rounded to float32', () => {
  const values = [0.25, -2, 1e-3, 100];
  const le32 = new Uint8Array(Float32Array.from(values).buffer);
  assert.deepEqual(decode(le32, format('float32')), [f32(values)]);
  const be32 = new Uint8Array(16);
  values.forEach((v, i) => {
    new DataView(be32.buffer).setFloat32(4 * i, v, false);
  });
  assert.deepEqual(decode(be32, format('float32'), false), [f32(values)]);
  const le64 = new Uint8Array(Float64Array.from([0.1, -3]).buffer);
  assert.deepEqual(decode(le64, format('float64', 2)), [[Math.fround(0.1)], [-3]]);
});

test('G.711: \u00b5-law and A-law codes expand to 16-bit values / 32768 (peaks \u00b132124 and \u00b132256)', () => {
  assert.deepEqual(decode(Uint8Array.from([0xff, 0x7f, 0x00, 0x80, 0xfe, 0x7e]), format('ulaw')), [
    f32([0, 0, -32124, 32124, 8, -8].map((v) => v / 32768)),
  ]);
  assert.deepEqual(decode(Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a, 0xd4]), format('alaw')), [
    f32([8, -8, 32256, -32256, 24].map((v) => v / 32768)),
  ]);
  assert.deepEqual(decode(Uint8Array.from([0x00, 0x80]), format('ulaw', 2)), [
    [Math.fround(-32124 / 32768)],
    [Math.fround(32124 / 32768)],
  ]);
  // Every code gives a distinct value, except \u00b5-law's two zeros.
  for (const kind of ['ulaw', 'alaw'] as const) {
    const all = decode(
      Uint8Array.from({ length: 256 }, (_, i) => i),
      format(kind),
    )[0];
    assert.equal(new Set(all).size, kind === 'ulaw' ? 255 : 256, kind);
    assert.ok(
      all.every((v) => Math.abs(v) < 1),
      kind,
    );
  }
});

test('firstNonFinite finds the first NaN or \u00b1Inf (a float64 beyond float32 included), or -1', () => {
  const le32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
  const le64 = (v: number[]) => new Uint8Array(Float64Array.from(v).buffer);
  assert.equal(firstNonFinite(le32([1, -1, 0.5]), 0, 3, 'float32', true), -1);
  assert.equal(firstNonFinite(le32([1, NaN, Infinity]), 0, 3, 'float32', true), 1);
  assert.equal(firstNonFinite(le32([-Infinity, 1]), 0, 2, 'float32', true), 0);
  assert.equal(firstNonFinite(le32([1, 2, NaN]), 0, 2, 'float32', true), -1, 'only `count` samples are looked at');
  assert.equal(firstNonFinite(le32([NaN, 1, Infinity]), 4, 2, 'float32', true), 1, 'counted from the offset');
  assert.equal(firstNonFinite(le64([3.4e38, -3.4e38, 0]), 0, 3, 'float64', true), -1);
  assert.equal(firstNonFinite(le64([0, 1e300]), 0, 2, 'float64', true), 1);
  assert.equal(firstNonFinite(le64([-1e39]), 0, 1, 'float64', true), 0);
  const be = new Uint8Array(12);
  [1, 2, NaN].forEach((v, i) => {
    new DataView(be.buffer).setFloat32(4 * i, v, false);
  });
  assert.equal(firstNonFinite(be, 0, 3, 'float32', false), 2);
  const odd = new Uint8Array(1 + 8);
  odd.set(le32([1, Infinity]), 1);
  assert.equal(firstNonFinite(odd, 1, 2, 'float32', true), 1);
});
