import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { decodeNpy } from '../../src/io/npy.js';
import { StftPlan, istft, periodicHann, stft } from '../../src/dsp/stft.js';
import { loadSimdFFT } from '../../src/dsp/fft-simd.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

const fixture = (name: string) => decodeNpy(readFileSync(new URL(`../../fixtures/augment/${name}`, import.meta.url)));

function noise(n: number, key: string): Float32Array {
  const rng = seedrandom.xor4096(key);
  return Float32Array.from({ length: n }, () => rng.double() - 0.5);
}

test('the window is the periodic Hann of scipy.signal.get_window("hann", n)', () => {
  const w = periodicHann(2048);
  assert.equal(w[0], 0);
  assert.equal(w[1024], 1);
  for (let j = 1; j < 2048; j++) {
    assert.ok(Math.abs(w[j] - w[2048 - j]) < 1e-15, `symmetric at ${j}`);
    assert.ok(Math.abs(w[j] - (0.5 - 0.5 * Math.cos((2 * Math.PI * j) / 2048))) < 1e-15, `value at ${j}`);
  }
});

test('frame count is 1 + floor(n / hop), as librosa.stft with center=True', () => {
  const plan = StftPlan.of(2048, 512);
  assert.equal(plan.frameCount(16000), 32);
  assert.equal(plan.frameCount(511), 1);
  assert.equal(plan.frameCount(512), 2);
  assert.equal(stft(new Float32Array(16000)).frames, 32);
});

test('stft matches the numpy transcription of librosa.stft (n_fft 512, hop 128)', () => {
  const y = fixture('signal.npy').data as Float32Array;
  const expected = fixture('stft_512_128.npy');
  const [frames, bins] = expected.shape;
  const spec = stft(y.subarray(0, 2000), { nFft: 512, hop: 128, engine: 'reference' });
  assert.equal(spec.frames, frames);
  let peak = 0;
  let err = 0;
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < bins; k++) {
      for (let c = 0; c < 2; c++) {
        const want = expected.data[(t * bins + k) * 2 + c];
        peak = Math.max(peak, Math.abs(want));
        err = Math.max(err, Math.abs(spec.data[t * (512 + 2) + 2 * k + c] - want));
      }
    }
  }
  // The fixture is stored as float32.
  assert.ok(err < 1e-6 * peak, `max error ${err} of peak ${peak}`);
});

test('istft(stft(y)) reconstructs y at every sample, for default and small frames, with both FFT engines', () => {
  // 'reference' is fft.js in float64; 'simd' is PFFFT in float32 (a float32 sample's own rounding is 6e-8 here).
  for (const [engine, tolerance] of [
    ['reference', 1e-7],
    ['simd', 1e-6],
  ] as const) {
    for (const [nFft, hop] of [
      [2048, 512],
      [512, 128],
      [256, 64],
    ]) {
      const y = noise(5000, `stft:${nFft}`);
      const back = istft(stft(y, { nFft, hop, engine }), y.length);
      assert.equal(back.length, y.length);
      let err = 0;
      for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(back[i] - y[i]));
      assert.ok(err < tolerance, `${engine} n_fft ${nFft}: max error ${err}`);
    }
  }
});

test("the simd engine (PFFFT, float32) gives the reference engine's spectrum to float32 precision", () => {
  const y = noise(16000, 'stft:engines');
  const reference = stft(y, { engine: 'reference' });
  const simd = stft(y, { engine: 'simd' });
  let peak = 0;
  let err = 0;
  for (let i = 0; i < reference.data.length; i++) {
    peak = Math.max(peak, Math.abs(reference.data[i]));
    err = Math.max(err, Math.abs(simd.data[i] - reference.data[i]));
  }
  assert.ok(err < 2e-6 * peak && err > 0, `max error ${err} of peak ${peak}`);
});

test('istft with a longer length pads with zeros, with a shorter one truncates', () => {
  const y = noise(5000, 'stft:length');
  const spec = stft(y, { engine: 'reference' });
  const longer = istft(spec, 7000);
  for (let i = 0; i < 5000; i++) assert.ok(Math.abs(longer[i] - y[i]) < 1e-7);
  for (let i = 5000; i < 7000; i++) assert.ok(Math.abs(longer[i]) < 1e-7, `sample ${i} = ${longer[i]}`);
  const shorter = istft(spec, 3000);
  assert.equal(shorter.length, 3000);
  for (let i = 0; i < 3000; i++) assert.ok(Math.abs(shorter[i] - y[i]) < 1e-7);
});

test('a plan refuses frames out of order and impossible hops', () => {
  const plan = StftPlan.of(256, 64);
  plan.beginSynthesis(4, 200);
  assert.throws(() => plan.synthesize(1, new Float64Array(258)), /in order/);
  assert.throws(() => new StftPlan(256, 0), /hop/);
  assert.throws(() => new StftPlan(300, 75), /power of two/);
});
