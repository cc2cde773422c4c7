// The MFCCs' DCT: scipy.fft.dct(type=2, norm="ortho"), truncated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dct } from '../../src/frontend/dct.js';

test('the full orthonormal DCT-II is an orthogonal matrix', () => {
  const n = 40;
  const dct = new Dct(n, n);
  const rows: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const unit = new Float64Array(n);
    unit[j] = 1;
    const col = new Float64Array(n);
    dct.apply(unit, 0, col, 0);
    rows.push(col);
  }
  // Columns of an orthogonal matrix are orthonormal.
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += rows[a][k] * rows[b][k];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `${a}·${b} = ${dot}`);
    }
});

test('coefficient k is sqrt(2/n)·Σ x_j cos(πk(2j+1)/2n) (k = 0: sqrt(1/n)·Σ x_j), read at an offset', () => {
  const n = 20;
  const x = Float64Array.from({ length: n + 3 }, (_, j) => Math.sin(j * 1.7) * 10 - j);
  const out = new Float64Array(13 + 1);
  new Dct(n, 13).apply(x, 3, out, 1);
  for (let k = 0; k < 13; k++) {
    let want = 0;
    for (let j = 0; j < n; j++) want += x[3 + j] * Math.cos((Math.PI * k * (2 * j + 1)) / (2 * n));
    want *= Math.sqrt((k === 0 ? 1 : 2) / n);
    assert.ok(Math.abs(out[1 + k] - want) < 1e-9, `coefficient ${k}: ${out[1 + k]} vs ${want}`);
  }
  assert.equal(out[0], 0);
});

test('a constant gives only c0 = c·sqrt(n); more coefficients than inputs is refused', () => {
  const out = new Float64Array(13);
  new Dct(40, 13).apply(new Float64Array(40).fill(-100), 0, out, 0);
  assert.ok(Math.abs(out[0] + 100 * Math.sqrt(40)) < 1e-9);
  for (let k = 1; k < 13; k++) assert.ok(Math.abs(out[k]) < 1e-9, `${k}: ${out[k]}`);
  assert.throws(() => new Dct(10, 11), /no coefficient 10/);
});
