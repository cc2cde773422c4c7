// .npy files through numpy itself: numpy reads what we write, byte for byte what it would write, and our reader
// reads what numpy writes, for every dtype the project writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DTYPES, type Dtype } from '../../src/config/schema.js';
import { allocTyped, decodeNpy, encodeNpy, npyHeader, type TypedArray } from '../../src/io/npy.js';
import { python, tempDir } from '../helpers.js';

/** Values that test each dtype's edges: extremes, sign, and for floats -0, subnormals, infinities and NaN. */
const VALUES: Record<Dtype, number[]> = {
  float32: [
    0,
    -0,
    1.5,
    -2.25,
    3.4028234663852886e38,
    -3.4028234663852886e38,
    1.401298464324817e-45,
    Infinity,
    -Infinity,
    NaN,
    0.1,
    1e-7,
  ],
  float64: [0, -0, 1.5, -2.25, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, Infinity, -Infinity, NaN, 0.1, 1 / 3],
  int8: [0, 1, -1, 127, -128, 42, -42, 100, -100, 7, -7, 64],
  uint8: [0, 1, 255, 128, 127, 42, 200, 17, 99, 254, 3, 64],
  int16: [0, 1, -1, 32767, -32768, 1234, -1234, 256, -256, 255, -255, 30000],
  uint16: [0, 1, 65535, 32768, 32767, 1234, 60000, 256, 255, 666, 3, 40000],
  int32: [0, 1, -1, 2147483647, -2147483648, 123456789, -123456789, 65536, -65536, 65535, 7, -7],
};
const SHAPES: number[][] = [[12], [3, 4], [2, 3, 2], [1, 2, 3, 2]];

const typed = (dtype: Dtype, values: number[]): TypedArray => {
  const a = allocTyped(dtype, values.length);
  a.set(values);
  return a;
};
/** numpy's tolist() as JSON, with NaN and infinities as strings so JSON.parse reads them. */
const parseNumpyJson = (text: string) => JSON.parse(text.replace(/-?Infinity|NaN/g, (m) => `"${m}"`));
const asJson = (values: ArrayLike<number>) =>
  Array.from(values, (v) =>
    Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v,
  );

test('numpy loads what we write for every dtype and shape: its dtype, shape and values (sign of -0 included)', () => {
  const dir = tempDir();
  const cases: { path: string; dtype: Dtype; shape: number[]; values: number[] }[] = [];
  for (const dtype of DTYPES) {
    for (const shape of SHAPES) {
      const path = join(dir, `${dtype}-${shape.join('x')}.npy`);
      writeFileSync(path, encodeNpy(typed(dtype, VALUES[dtype]), dtype, shape));
      cases.push({ path, dtype, shape, values: VALUES[dtype] });
    }
  }
  const out = python(
    `
import json, sys, numpy as np
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        version = np.lib.format.read_magic(f)
    a = np.load(path, mmap_mode='r')
    print(json.dumps({'version': list(version), 'dtype': str(a.dtype), 'shape': list(a.shape), 'c': bool(a.flags.c_contiguous), 'values': a.ravel().tolist()}))
`,
    cases.map((c) => c.path),
  );
  const loaded = out.trim().split('\n').map(parseNumpyJson);
  assert.equal(loaded.length, cases.length);
  cases.forEach((c, i) => {
    const got = loaded[i];
    assert.deepEqual(got.version, [1, 0], c.path);
    assert.equal(got.dtype, c.dtype, c.path);
    assert.deepEqual(got.shape, c.shape, c.path);
    assert.equal(got.c, true, c.path);
    // float32 values as numpy widens them to Python floats: the same doubles a Float32Array gives.
    assert.deepEqual(got.values, asJson(typed(c.dtype, c.values)), c.path);
  });
});

test('what we write is byte for byte what numpy.save writes for the same array', () => {
  const dir = tempDir();
  const paths: string[] = [];
  for (const dtype of DTYPES) {
    for (const shape of [...SHAPES, [0, 5], [0]]) {
      const values = shape.includes(0) ? [] : VALUES[dtype];
      const path = join(dir, `${dtype}-${shape.join('x')}.npy`);
      writeFileSync(path, encodeNpy(typed(dtype, values), dtype, shape));
      paths.push(path);
    }
  }
  // numpy re-saves each array it loaded; the two files must be identical.
  python(
    `
import io, sys, numpy as np
for path in sys.argv[1:]:
    ours = open(path, 'rb').read()
    b = io.BytesIO()
    np.save(b, np.load(path))
    assert b.getvalue() == ours, (path, b.getvalue()[:128], ours[:128])
`,
    paths,
  );
});

test('we read what numpy writes for every dtype, including 0-d, empty and 4-d arrays', () => {
  const dir = tempDir();
  const cases: { dtype: Dtype; shape: number[] }[] = [];
  for (const dtype of DTYPES) for (const shape of [...SHAPES, [], [0, 3]]) cases.push({ dtype, shape });
  // -0 travels as a string too: JSON.stringify writes it as 0.
  const values = Object.fromEntries(
    DTYPES.map((d) => [d, asJson(typed(d, VALUES[d])).map((v) => (Object.is(v, -0) ? '-0' : v))]),
  );
  const spec = JSON.stringify({ values, cases, dir });
  python(
    `
import json, sys, numpy as np
spec = json.loads(sys.argv[1])
for c in spec['cases']:
    shape = tuple(c['shape'])
    n = int(np.prod(shape)) if shape else 1
    values = [float(v) if isinstance(v, str) else v for v in spec['values'][c['dtype']]]
    a = np.array((values * 2)[:n], dtype=c['dtype']).reshape(shape)
    np.save('%s/%s-%s.npy' % (spec['dir'], c['dtype'], 'x'.join(map(str, shape)) or 'scalar'), a)
`,
    [spec],
  );
  for (const { dtype, shape } of cases) {
    const got = decodeNpy(readFileSync(join(dir, `${dtype}-${shape.join('x') || 'scalar'}.npy`)));
    const n = shape.reduce((a, b) => a * b, 1);
    assert.equal(got.dtype, dtype);
    assert.deepEqual(got.shape, shape);
    assert.ok(got.data instanceof allocTyped(dtype, 0).constructor, `${dtype}: a ${got.data.constructor.name}`);
    assert.deepEqual(
      asJson(got.data),
      asJson(typed(dtype, [...VALUES[dtype], ...VALUES[dtype]].slice(0, n))),
      `${dtype} ${shape}`,
    );
  }
});

test("we read numpy's format versions 2.0 and 3.0, and refuse big-endian and Fortran-order files by name", () => {
  const dir = tempDir();
  python(
    `
import sys, numpy as np
d = sys.argv[1]
a = np.arange(6, dtype='<i2').reshape(2, 3)
for v in [(2, 0), (3, 0)]:
    with open('%s/v%d.npy' % (d, v[0]), 'wb') as f:
        np.lib.format.write_array(f, a, version=v)
np.save(d + '/big.npy', a.astype('>i2'))
np.save(d + '/fortran.npy', np.asfortranarray(a))
`,
    [dir],
  );
  for (const v of ['v2', 'v3']) {
    const got = decodeNpy(readFileSync(join(dir, `${v}.npy`)));
    assert.equal(got.dtype, 'int16');
    assert.deepEqual(got.shape, [2, 3]);
    assert.deepEqual([...got.data], [0, 1, 2, 3, 4, 5]);
  }
  assert.throws(() => decodeNpy(readFileSync(join(dir, 'big.npy'))), /unsupported \.npy dtype >i2/);
  assert.throws(() => decodeNpy(readFileSync(join(dir, 'fortran.npy'))), /Fortran-order \.npy is not supported/);
});

test('the header is padded with spaces to a multiple of 64 bytes and ends with a newline, for any shape', () => {
  for (const dtype of DTYPES) {
    for (const shape of [[], [1], [7, 9], [123456789, 49, 40, 1], [1, 2, 3, 4, 5, 6, 7, 8], Array(20).fill(99999)]) {
      const h = npyHeader(dtype, shape);
      assert.equal(h.length % 64, 0, `${dtype} ${shape}`);
      assert.equal(h.toString('latin1', 0, 8), '\x93NUMPY\x01\x00');
      assert.equal(h.readUInt16LE(8), h.length - 10);
      assert.equal(h[h.length - 1], 0x0a);
      const dict = h.toString('latin1', 10, h.length - 1);
      assert.match(dict, /^\{'descr': '[<|][a-z]\d', 'fortran_order': False, 'shape': \([\d, ]*\), \} *$/);
    }
  }
});

test('a typed array that is a view into a larger buffer is written from its own bytes only', () => {
  const big = new Int16Array([9, 9, 1, 2, 3, 9]);
  const view = big.subarray(2, 5);
  const got = decodeNpy(encodeNpy(view, 'int16', [3]));
  assert.deepEqual([...got.data], [1, 2, 3]);
});

test('a shape that does not hold the data, a bad magic and truncated data are errors, not wrong arrays', () => {
  assert.throws(() => encodeNpy(new Float32Array(5), 'float32', [2, 3]), /shape \(2, 3\) does not hold 5 values/);
  assert.throws(() => decodeNpy(Buffer.from('not an npy file at all')), /not a \.npy file \(bad magic\)/);
  const whole = encodeNpy(new Float64Array([1, 2, 3]), 'float64', [3]);
  assert.throws(() => decodeNpy(whole.subarray(0, whole.length - 1)), /\.npy data truncated: expected 24 bytes/);
});
