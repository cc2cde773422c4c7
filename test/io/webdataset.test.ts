// WebDataset samples: per sample <key>.npy, <key>.cls (with labels) and <key>.json, consecutive, in that order,
// read back with Python's tarfile and numpy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAR_END } from '../../src/io/tar.js';
import { sampleKey, WdsEncoder } from '../../src/io/webdataset.js';
import { python, tempDir } from '../helpers.js';

test('a sample key is <subset>-e<3-digit epoch>-<8-digit position>, with no dot in it', () => {
  assert.equal(sampleKey('training', 0, 0), 'training-e000-00000000');
  assert.equal(sampleKey('validation', 12, 345), 'validation-e012-00000345');
  assert.equal(sampleKey('testing', 999, 99_999_999), 'testing-e999-99999999');
  // Wider numbers keep every digit.
  assert.equal(sampleKey('training', 1000, 123_456_789), 'training-e1000-123456789');
});

/** Reads a tar with Python: per member its name and, for .npy, shape, dtype and values; else its text. */
function readWithPython(bytes: Buffer): [string, unknown][] {
  const path = join(tempDir(), 's.tar');
  writeFileSync(path, bytes);
  return JSON.parse(
    python(
      `
import io, json, sys, tarfile
import numpy as np
out = []
with tarfile.open(sys.argv[1], 'r|') as t:
    for m in t:
        data = t.extractfile(m).read()
        if m.name.endswith('.npy'):
            a = np.load(io.BytesIO(data), allow_pickle=False)
            out.append([m.name, [list(a.shape), str(a.dtype), a.ravel().tolist()]])
        else:
            out.append([m.name, data.decode()])
print(json.dumps(out))
`,
      [path],
    ),
  );
}

test('a batch encodes as consecutive members per sample: .npy with the sample shape and dtype, .cls, then .json', () => {
  const enc = new WdsEncoder('int16', [2, 3]);
  assert.equal(enc.rowBytes, 12);
  const rows = new Int16Array([1, 2, 3, 4, 5, 6, -7, -8, -9, 10, 11, 12]);
  const samples = [
    { key: 'training-e001-00000004', label: 3, json: '{"position":4,"file":"yes/a.wav"}' },
    { key: 'training-e001-00000005', label: 0, json: '{"position":5,"file":"caf\u00e9.wav"}' },
  ];
  const members = enc.encode(samples, new Uint8Array(rows.buffer));
  assert.deepEqual(readWithPython(Buffer.concat([members, TAR_END])), [
    ['training-e001-00000004.npy', [[2, 3], 'int16', [1, 2, 3, 4, 5, 6]]],
    ['training-e001-00000004.cls', '3'],
    ['training-e001-00000004.json', '{"position":4,"file":"yes/a.wav"}'],
    ['training-e001-00000005.npy', [[2, 3], 'int16', [-7, -8, -9, 10, 11, 12]]],
    ['training-e001-00000005.cls', '0'],
    ['training-e001-00000005.json', '{"position":5,"file":"caf\u00e9.wav"}'],
  ]);
});

test('without labels a sample has no .cls member; float rows keep their exact bits', () => {
  const enc = new WdsEncoder('float32', [3]);
  const rows = new Float32Array([0.1, -2.5e-8, 3.4e38]);
  const out = readWithPython(
    Buffer.concat([
      enc.encode([{ key: 'validation-e000-00000000', label: null, json: '{}' }], new Uint8Array(rows.buffer)),
      TAR_END,
    ]),
  );
  assert.deepEqual(
    out.map(([name]) => name),
    ['validation-e000-00000000.npy', 'validation-e000-00000000.json'],
  );
  assert.deepEqual(out[0][1], [[3], 'float32', Array.from(rows)]);
});

test('rows that do not match the samples are refused', () => {
  const enc = new WdsEncoder('uint8', [4]);
  assert.throws(
    () => enc.encode([{ key: 'k', label: 1, json: '{}' }], new Uint8Array(3)),
    /3 bytes of rows for 1 samples/,
  );
});
