// y as class_mode says: one-hot in the x dtype (categorical), ids in the x dtype (binary), int32 ids (sparse),
// nothing (input, null); numpy reads every combination back as the labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DTYPES } from '../../src/config/schema.js';
import { encodeLabels, labelFormat } from '../../src/io/labels.js';
import { encodeNpy } from '../../src/io/npy.js';
import { python, tempDir } from '../helpers.js';

const MODES = ['categorical', 'binary', 'sparse', 'input', null] as const;

test('the label format of every class_mode and x dtype', () => {
  for (const dtype of DTYPES) {
    assert.deepEqual(labelFormat('categorical', dtype, 5), { dtype, shape: [5] });
    assert.deepEqual(labelFormat('binary', dtype, 2), { dtype, shape: [] });
    assert.deepEqual(labelFormat('sparse', dtype, 5), { dtype: 'int32', shape: [] });
    assert.equal(labelFormat('input', dtype, 5), null);
    assert.equal(labelFormat(null, dtype, 5), null);
  }
});

test('numpy reads the encoded labels back for every class_mode and dtype: one-hot rows or ids', () => {
  const dir = tempDir();
  const labels = [0, 2, 1, 2, 0];
  const cases: { path: string; mode: string; dtype: string; classes: number }[] = [];
  for (const mode of MODES) {
    for (const dtype of DTYPES) {
      const classes = mode === 'binary' ? 2 : 3;
      const format = labelFormat(mode, dtype, classes);
      if (!format) continue;
      const ids = labels.map((l) => l % classes);
      const path = join(dir, `${mode}-${dtype}.npy`);
      writeFileSync(path, encodeNpy(encodeLabels(format, ids), format.dtype, [ids.length, ...format.shape]));
      cases.push({ path, mode: String(mode), dtype: format.dtype, classes });
    }
  }
  assert.equal(cases.length, 3 * DTYPES.length);
  python(
    `
import json, sys, numpy as np
labels = [0, 2, 1, 2, 0]
for c in json.loads(sys.argv[1]):
    y = np.load(c['path'])
    ids = [l % c['classes'] for l in labels]
    assert str(y.dtype) == c['dtype'], c
    if c['mode'] == 'categorical':
        assert y.shape == (5, c['classes']), (c, y.shape)
        assert (y.sum(axis=1) == 1).all() and y.argmax(axis=1).tolist() == ids, (c, y)
    else:
        assert y.shape == (5,) and y.tolist() == ids, (c, y)
`,
    [JSON.stringify(cases)],
  );
});

test('no labels encode to an empty array', () => {
  assert.equal(encodeLabels({ dtype: 'float32', shape: [4] }, []).length, 0);
});
