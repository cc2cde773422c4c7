// Sample conversion for the WAV reader: interleaved PCM / float / G.711 bytes -> per-channel floats in [-1, 1],
// scaled as scipy.io.wavfile.read's integers / 2^(container bits - 1).
import type { WavFormat } from './wav.js';
import { int16ToFloat } from './kernels.js';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function decodeSamples(
  bytes: Uint8Array,
  offset: number,
  frames: number,
  format: WavFormat,
  le: boolean,
  out: Float32Array[],
): void {
  const n = format.channelCount;
  const count = frames * n;
  switch (format.kind) {
    case 'int16': {
      const b = hostOrder(bytes, offset, count, 2, le);
      const v = new Int16Array(b.buffer, b.byteOffset, count);
      if (n === 1) int16ToFloat(b, 0, count, out[0]);
      else deinterleave(v, n, frames, 1 / 32768, out);
      return;
    }
    case 'int32': {
      const b = hostOrder(bytes, offset, count, 4, le);
      deinterleave(new Int32Array(b.buffer, b.byteOffset, count), n, frames, 2 ** -31, out);
      return;
    }
    case 'float32': {
      const b = hostOrder(bytes, offset, count, 4, le);
      deinterleave(new Float32Array(b.buffer, b.byteOffset, count), n, frames, 1, out);
      return;
    }
    case 'float64': {
      const b = hostOrder(bytes, offset, count, 8, le);
      deinterleave(new Float64Array(b.buffer, b.byteOffset, count), n, frames, 1, out);
      return;
    }
    case 'int24': {
      // Byte k of a little-endian sample is at k; of a big-endian one at 2 - k.
      const lo = le ? 0 : 2;
      const hi = le ? 2 : 0;
      for (let c = 0; c < n; c++) {
        const o = out[c];
        for (let i = 0, p = offset + 3 * c; i < frames; i++, p += 3 * n) {
          const u = bytes[p + lo] | (bytes[p + 1] << 8) | (bytes[p + hi] << 16);
          o[i] = ((u << 8) >> 8) * 2 ** -23;
        }
      }
      return;
    }
    case 'int64': {
      // 5- to 8-byte containers: the sample as a left-justified int64 split into a signed high and unsigned low word;
      // hi * 2^32 + lo rounds once, like numpy's int64 -> float64, and the / 2^63 is exact.
      const width = format.bytesPerSample;
      for (let c = 0; c < n; c++) {
        const o = out[c];
        for (let i = 0, p = offset + width * c; i < frames; i++, p += width * n) {
          let hi = 0;
          let lo = 0;
          for (let k = 0; k < width; k++) {
            const byte = bytes[le ? p + k : p + width - 1 - k]; // k-th least significant byte of the container
            const at = 8 - width + k; // its place in the left-justified 64-bit word
            if (at >= 4) hi |= byte << (8 * (at - 4));
            else lo += byte * 2 ** (8 * at);
          }
          o[i] = (hi * 0x1_0000_0000 + lo) * 2 ** -63;
        }
      }
      return;
    }
    case 'uint8':
      for (let c = 0; c < n; c++) {
        const o = out[c];
        for (let i = 0, p = offset + c; i < frames; i++, p += n) o[i] = (bytes[p] - 128) * (1 / 128);
      }
      return;
    case 'ulaw':
    case 'alaw': {
      const table = format.kind === 'ulaw' ? ULAW_TABLE : ALAW_TABLE;
      for (let c = 0; c < n; c++) {
        const o = out[c];
        for (let i = 0, p = offset + c; i < frames; i++, p += n) o[i] = table[bytes[p]];
      }
      return;
    }
  }
}

/**
 * Index of the first of `count` interleaved float samples at `offset` that decodes to NaN or ±Inf (a float64 beyond
 * float32's range included), or -1. Checks the values as decoded, so it agrees with decodeSamples.
 */
export function firstNonFinite(
  bytes: Uint8Array,
  offset: number,
  count: number,
  kind: 'float32' | 'float64',
  le: boolean,
): number {
  const width = kind === 'float32' ? 4 : 8;
  const b = hostOrder(bytes, offset, count, width, le);
  const v =
    kind === 'float32'
      ? new Float32Array(b.buffer, b.byteOffset, count)
      : new Float64Array(b.buffer, b.byteOffset, count);
  for (let i = 0; i < count; i++) {
    const x = Math.fround(v[i]);
    if (x - x !== 0) return i; // NaN and ±Inf are the values for which x - x is not 0
  }
  return -1;
}

/** `count` samples of `width` bytes in host byte order at an aligned address: a view when possible, else a copy. */
function hostOrder(bytes: Uint8Array, offset: number, count: number, width: number, le: boolean): Uint8Array {
  const length = count * width;
  if (le === HOST_LITTLE_ENDIAN && (bytes.byteOffset + offset) % width === 0) {
    return bytes.subarray(offset, offset + length);
  }
  const copy = new Uint8Array(length);
  copy.set(bytes.subarray(offset, offset + length));
  if (le !== HOST_LITTLE_ENDIAN) {
    for (let p = 0; p < copy.length; p += width) {
      for (let a = p, b = p + width - 1; a < b; a++, b--) {
        const t = copy[a];
        copy[a] = copy[b];
        copy[b] = t;
      }
    }
  }
  return copy;
}

function deinterleave(
  v: Int16Array | Int32Array | Float32Array | Float64Array,
  n: number,
  frames: number,
  scale: number,
  out: Float32Array[],
): void {
  for (let c = 0; c < n; c++) {
    const o = out[c];
    for (let i = 0, p = c; i < frames; i++, p += n) o[i] = v[p] * scale;
  }
}

/** ITU-T G.711 µ-law code to a 16-bit linear value (range ±32124). */
function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
}

/** ITU-T G.711 A-law code to a 16-bit linear value (range ±32256). */
function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function g711Table(expand: (code: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let code = 0; code < 256; code++) table[code] = expand(code) / 32768;
  return table;
}

const ULAW_TABLE = g711Table(ulawToLinear);
const ALAW_TABLE = g711Table(alawToLinear);
