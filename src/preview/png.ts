// Minimal 8-bit RGB PNG codec on node:zlib: an encoder for preview images and its inverse for checking them.
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const COLOR_RGB = 2;

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG chunks use it; zlib.crc32 exists from Node 20.15/22.2, the table is the fallback for older 20.x. */
export function crc32(bytes: Uint8Array, useZlib = typeof zlib.crc32 === 'function'): number {
  if (useZlib) return zlib.crc32(bytes) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a),
    pb = Math.abs(p - b),
    pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Predictor of filter `type` for byte i of `row` (bpp = 3), given the previous row `up`. */
function predict(type: number, row: Uint8Array, up: Uint8Array, i: number): number {
  const a = i >= 3 ? row[i - 3] : 0,
    b = up[i],
    c = i >= 3 ? up[i - 3] : 0;
  switch (type) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    default:
      return paeth(a, b, c);
  }
}

/**
 * Writes the `type`-filtered bytes of the row at rgb[o..o+stride) into out (bpp = 3; the previous row is up[u..u+stride)),
 * and returns the sum of the residuals read as signed bytes (the usual "minimum sum of absolute differences" heuristic).
 */
function filterRow(
  type: number,
  rgb: Uint8Array,
  o: number,
  up: Uint8Array,
  u: number,
  stride: number,
  out: Uint8Array,
): number {
  switch (
    type // one loop per type keeps the per-byte work branch-free; Uint8Array stores wrap mod 256
  ) {
    case 0:
      for (let i = 0; i < stride; i++) out[i] = rgb[o + i];
      break;
    case 1:
      for (let i = 0; i < stride; i++) out[i] = rgb[o + i] - (i >= 3 ? rgb[o + i - 3] : 0);
      break;
    case 2:
      for (let i = 0; i < stride; i++) out[i] = rgb[o + i] - up[u + i];
      break;
    case 3:
      for (let i = 0; i < stride; i++) out[i] = rgb[o + i] - (((i >= 3 ? rgb[o + i - 3] : 0) + up[u + i]) >> 1);
      break;
    default:
      for (let i = 0; i < 3; i++) out[i] = rgb[o + i] - up[u + i];
      for (let i = 3; i < stride; i++) out[i] = rgb[o + i] - paeth(rgb[o + i - 3], up[u + i], up[u + i - 3]);
  }
  let cost = 0;
  for (let i = 0; i < stride; i++) {
    const r = out[i];
    cost += r < 128 ? r : 256 - r;
  }
  return cost;
}

/** Encodes width×height 8-bit RGB pixels (row-major, 3 bytes each) as PNG; each row takes the filter with the smallest residuals. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}×${height}`);
  }
  const stride = width * 3;
  if (rgb.length !== stride * height) {
    throw new Error(`encodePng: expected ${stride * height} RGB bytes for ${width}×${height}, got ${rgb.length}`);
  }
  const raw = new Uint8Array((stride + 1) * height);
  const trial = new Uint8Array(stride),
    zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    const row = raw.subarray(o + 1, o + 1 + stride);
    const up = y > 0 ? rgb : zero,
      u = y > 0 ? (y - 1) * stride : 0;
    let best = 0,
      bestCost = filterRow(0, rgb, y * stride, up, u, stride, row);
    for (let type = 1; type <= 4; type++) {
      const cost = filterRow(type, rgb, y * stride, up, u, stride, trial);
      if (cost < bestCost) {
        bestCost = cost;
        best = type;
        row.set(trial);
      }
    }
    raw[o] = best;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, COLOR_RGB, 0, 0, 0], 8); // bit depth, colour type, compression, filter method, no interlace
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Decodes an 8-bit RGB, non-interlaced PNG (any of the five row filters); checks every chunk CRC. */
export function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('decodePng: not a PNG (bad signature)');
  let width = 0,
    height = 0;
  const idat: Buffer[] = [];
  for (let p = 8; p < buf.length; ) {
    const len = buf.readUInt32BE(p),
      type = buf.toString('latin1', p + 4, p + 8);
    if (crc32(buf.subarray(p + 4, p + 8 + len)) !== buf.readUInt32BE(p + 8 + len))
      throw new Error(`decodePng: bad CRC in ${type}`);
    const data = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== COLOR_RGB || data[12] !== 0)
        throw new Error('decodePng: only 8-bit RGB non-interlaced is supported');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    p += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  if (raw.length !== (stride + 1) * height)
    throw new Error(`decodePng: image data is ${raw.length} bytes, expected ${(stride + 1) * height}`);
  const rgb = new Uint8Array(stride * height);
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)];
    if (type > 4) throw new Error(`decodePng: unknown filter type ${type} on row ${y}`);
    const row = rgb.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? rgb.subarray((y - 1) * stride, y * stride) : zero;
    for (let i = 0; i < stride; i++) row[i] = (raw[y * (stride + 1) + 1 + i] + predict(type, row, up, i)) & 0xff;
  }
  return { width, height, rgb };
}
