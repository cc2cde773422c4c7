// NumPy .npy format v1.0: little-endian, C order; the header is padded so data starts on a 64-byte boundary.
import type { Dtype } from '../config/schema.js';

export type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array;

const DESCR: Record<Dtype, string> = {
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
};

export const DTYPE_BYTES: Record<Dtype, number> = {
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
};

const CTOR = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
} as const;

export function allocTyped(dtype: Dtype, length: number): TypedArray {
  return new CTOR[dtype](length);
}

/** The header bytes (magic through padding) of a v1.0 .npy holding `shape` of `dtype`. */
export function npyHeader(dtype: Dtype, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  if (total - 10 > 0xffff) throw new Error(`.npy header too long for shape (${shape.join(', ')})`);
  const header = Buffer.alloc(total, 0x20);
  header.write('\x93NUMPY', 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  return header;
}

/** A whole .npy file in memory (for small arrays: features of one clip, test fixtures). */
export function encodeNpy(data: TypedArray, dtype: Dtype, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`shape (${shape.join(', ')}) does not hold ${data.length} values`);
  const header = npyHeader(dtype, shape);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([header, body]);
}

export interface NpyArray {
  dtype: Dtype;
  shape: number[];
  data: TypedArray;
}

const FROM_DESCR: Record<string, Dtype> = Object.fromEntries(
  Object.entries(DESCR).flatMap(([dtype, descr]) => [
    [descr, dtype as Dtype],
    [descr.replace('<', '|'), dtype as Dtype],
    [descr.replace('|', '<'), dtype as Dtype],
  ]),
);

/** Parses a v1/v2/v3 little-endian C-order .npy of one of the supported dtypes. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file (bad magic)');
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const dict = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`unreadable .npy header: ${dict.trim()}`);
  const dtype = FROM_DESCR[descr];
  if (!dtype) throw new Error(`unsupported .npy dtype ${descr}`);
  if (fortran === 'True') throw new Error('Fortran-order .npy is not supported');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const byteLength = count * DTYPE_BYTES[dtype];
  if (buf.length < offset + byteLength) throw new Error(`.npy data truncated: expected ${byteLength} bytes`);
  // Copy so the typed array is aligned whatever the header length.
  const copy = new Uint8Array(byteLength);
  copy.set(buf.subarray(offset, offset + byteLength));
  const data = new CTOR[dtype](copy.buffer, 0, count);
  return { dtype, shape, data };
}
