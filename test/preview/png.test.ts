import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { crc32, decodePng, encodePng } from '../../src/preview/png.js';

// 6×5 RGB PNG written by an independent Python encoder (zlib + struct), row y filtered with type y (None..Paeth).
const PY_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAYAAAAFCAIAAADpOgqxAAAAaklEQVR4nAFfAKD/AAAAAKVNyhglMHh4eLsdbRMs3gHWI3tYtqMrgDvmGcaMp1IGuGACQSEZDGEcffDj' +
  'XuoV55lBj+1gAxD50fb0P4OnTsb4KUxGF/Ks5wRhDn6Bhkx2mo8fscjowXNTmJAkSSpdZS4veAAAAABJRU5ErkJggg==';
const PY_PIXELS =
  '000000a54dca182530787878bb1d6d132cded6237b2ed91e5959593f721fcb1971d1d1d11744943a3a3ad6493c9d5c34b2b2b260be311b1b1b201e' +
  '69fedaa0939393eee8b9997f5c7c2999fdafe574747493253cd654afececec';

function chunks(png: Buffer): { type: string; data: Buffer; crc: number; crcInput: Buffer }[] {
  const out = [];
  for (let p = 8; p < png.length; ) {
    const len = png.readUInt32BE(p);
    out.push({
      type: png.toString('latin1', p + 4, p + 8),
      data: png.subarray(p + 8, p + 8 + len),
      crc: png.readUInt32BE(p + 8 + len),
      crcInput: png.subarray(p + 4, p + 8 + len),
    });
    p += 12 + len;
  }
  return out;
}

function randomPixels(n: number, seed: number): Uint8Array {
  const px = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) px[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return px;
}

test('crc32 gives the standard check value with zlib and with the fallback table', () => {
  const bytes = Buffer.from('123456789', 'latin1');
  assert.equal(crc32(bytes, false), 0xcbf43926);
  if (typeof zlib.crc32 === 'function') assert.equal(crc32(bytes, true), 0xcbf43926);
  assert.equal(crc32(Buffer.from('IEND', 'latin1'), false), 0xae426082);
});

test('decodePng recovers the exact pixels of a Python-written PNG that uses all five row filters', () => {
  const img = decodePng(Buffer.from(PY_PNG, 'base64'));
  assert.equal(img.width, 6);
  assert.equal(img.height, 5);
  assert.equal(Buffer.from(img.rgb).toString('hex'), PY_PIXELS);
});

test('encodePng writes signature, IHDR for 8-bit RGB, IDAT, IEND, each with a valid CRC', () => {
  const png = encodePng(7, 3, randomPixels(7 * 3 * 3, 1));
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const cs = chunks(png);
  assert.deepEqual(
    cs.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  assert.deepEqual([...cs[0].data], [0, 0, 0, 7, 0, 0, 0, 3, 8, 2, 0, 0, 0]);
  assert.equal(cs[2].data.length, 0);
  for (const c of cs) assert.equal(c.crc, crc32(c.crcInput, false), `${c.type} CRC`);
  assert.equal(cs[2].crc, 0xae426082);
});

test('encodePng round-trips exact pixels for odd sizes and random content', () => {
  for (const [w, h, seed] of [
    [1, 1, 3],
    [7, 3, 4],
    [200, 128, 5],
    [33, 2, 6],
  ]) {
    const rgb = randomPixels(w * h * 3, seed);
    const img = decodePng(encodePng(w, h, rgb));
    assert.equal(img.width, w);
    assert.equal(img.height, h);
    assert.deepEqual(img.rgb, rgb, `${w}×${h}`);
  }
});

test('encodePng filters a horizontal ramp with Sub on the first row and Up below, and round-trips it', () => {
  const w = 64,
    h = 4;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([x * 4, 255 - x * 4, 100], (y * w + x) * 3);
  const png = encodePng(w, h, rgb);
  const raw = zlib.inflateSync(chunks(png)[1].data);
  const filters = Array.from({ length: h }, (_, y) => raw[y * (w * 3 + 1)]);
  assert.deepEqual(filters, [1, 2, 2, 2]);
  assert.deepEqual(decodePng(png).rgb, rgb);
});

test('encodePng compresses a flat image to under 1% of its raw size', () => {
  const png = encodePng(400, 300, new Uint8Array(400 * 300 * 3).fill(30));
  assert.ok(png.length < (400 * 300 * 3) / 100, `flat 400×300 image took ${png.length} bytes`);
});

test('encodePng rejects a pixel buffer of the wrong length and non-positive sizes', () => {
  assert.throws(() => encodePng(2, 2, new Uint8Array(11)), /expected 12 RGB bytes/);
  assert.throws(() => encodePng(0, 2, new Uint8Array(0)), /positive integers/);
});

test('decodePng rejects a chunk whose CRC does not match', () => {
  const png = Buffer.from(encodePng(3, 3, randomPixels(27, 9)));
  png[png.length - 13] ^= 1; // last byte of the IDAT data
  assert.throws(() => decodePng(png), /bad CRC in IDAT/);
});
