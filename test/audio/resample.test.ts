import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../../src/io/npy.js';
import { ResampleLimitError, resample, resampledLength } from '../../src/audio/resample.js';

const SEMITONES_3 = 1.18921; // 2^(3/12), the ratio the pitch shifter hands over

function sine(seconds: number, freq: number, rate: number): Float32Array {
  const n = Math.round(seconds * rate);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.sin((2 * Math.PI * freq * i) / rate);
  return y;
}

/** Least-squares fit of a·sin + b·cos at `freq` over the interior (20 ms from each edge), and what it leaves. */
function fitSine(y: Float32Array, freq: number, rate: number) {
  const w = (2 * Math.PI * freq) / rate;
  const from = Math.ceil(0.02 * rate);
  const to = y.length - from;
  let ss = 0,
    sc = 0,
    cc = 0,
    ys = 0,
    yc = 0;
  for (let m = from; m < to; m++) {
    const s = Math.sin(w * m),
      c = Math.cos(w * m);
    ss += s * s;
    sc += s * c;
    cc += c * c;
    ys += y[m] * s;
    yc += y[m] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let residual = 0,
    energy = 0;
  for (let m = from; m < to; m++) {
    const e = y[m] - a * Math.sin(w * m) - b * Math.cos(w * m);
    residual += e * e;
    energy += y[m] * y[m];
  }
  return {
    amplitudeDb: 20 * Math.log10(Math.hypot(a, b)),
    /** Everything that is not the sine at `freq` (images, aliases, noise), relative to the signal. */
    residualDb: 10 * Math.log10(residual / energy),
    /** Phase error in radians against a sine starting at zero phase: the resampler must not delay. */
    phase: Math.atan2(b, a),
  };
}

function rmsDb(y: Float32Array, rate: number): number {
  const from = Math.ceil(0.02 * rate);
  let e = 0;
  for (let m = from; m < y.length - from; m++) e += y[m] * y[m];
  return 10 * Math.log10((2 * e) / (y.length - 2 * from)); // dB relative to a full-scale sine
}

test('keeps a sine at its frequency, amplitude (within 0.05 dB) and phase across the common rate pairs', () => {
  const cases: [number, number, number][] = [
    [44100, 16000, 1000],
    [44100, 16000, 6000],
    [48000, 16000, 1000],
    [48000, 16000, 6000],
    [22050, 16000, 440],
    [22050, 16000, 6000],
    [8000, 16000, 1000],
    [8000, 16000, 3000],
    [16000, 44100, 1000],
    [16000, 44100, 6000],
  ];
  for (const [from, to, freq] of cases) {
    const y = resample(sine(0.25, freq, from), from, to);
    const fit = fitSine(y, freq, to);
    const label = `${from} -> ${to} at ${freq} Hz`;
    assert.ok(Math.abs(fit.amplitudeDb) < 0.05, `${label}: amplitude ${fit.amplitudeDb} dB`);
    assert.ok(fit.residualDb < -90, `${label}: residual ${fit.residualDb} dB`);
    assert.ok(Math.abs(fit.phase) < 1e-4, `${label}: phase ${fit.phase} rad`);
  }
});

test('suppresses tones above the target Nyquist frequency by at least 90 dB', () => {
  const cases: [number, number, number][] = [
    [44100, 16000, 8500],
    [44100, 16000, 10000],
    [44100, 16000, 20000],
    [48000, 16000, 9000],
    [22050, 16000, 9000],
    [16000 * SEMITONES_3, 16000, 9000],
  ];
  for (const [from, to, freq] of cases) {
    const level = rmsDb(resample(sine(0.25, freq, from), from, to), to);
    assert.ok(level < -90, `${from} -> ${to}: ${freq} Hz tone left at ${level} dB`);
  }
  // The same filter passes a tone just inside the band, so the suppression is the filter, not silence.
  assert.ok(Math.abs(rmsDb(resample(sine(0.25, 6500, 44100), 44100, 16000), 16000)) < 0.1);
});

test('outputs ceil(n * to / from) samples', () => {
  const pairs: [number, number][] = [
    [44100, 16000],
    [48000, 16000],
    [22050, 16000],
    [8000, 16000],
    [16000, 44100],
    [16000, 8000],
  ];
  for (const [from, to] of pairs) {
    for (const n of [0, 1, 2, 440, 441, 442, 17821, 44100]) {
      const q = (n * to) / from; // exact whenever it is a whole number
      const expected = Number.isInteger(q) ? q : Math.ceil(q);
      assert.equal(resampledLength(n, from, to), expected, `${from} -> ${to}, n=${n}`);
      assert.equal(resample(new Float32Array(n), from, to).length, expected, `${from} -> ${to}, n=${n}`);
    }
  }
  assert.equal(resample(new Float32Array(16000), 16000 / SEMITONES_3, 16000).length, Math.ceil(16000 * SEMITONES_3));
});

test('puts an impulse at input sample t on output time t * to / from, symmetrically', () => {
  const cases: [number, number, number, number][] = [
    [44100, 16000, 2205, 800],
    [48000, 16000, 999, 333],
    [8000, 16000, 100, 200],
    [16000, 44100, 320, 882],
    [16000, 8000, 1000, 500],
  ];
  for (const [from, to, at, lands] of cases) {
    const x = new Float32Array(Math.round(from / 10));
    x[at] = 1;
    const y = resample(x, from, to);
    let peak = 0;
    for (let m = 1; m < y.length; m++) if (Math.abs(y[m]) > Math.abs(y[peak])) peak = m;
    assert.equal(peak, lands, `${from} -> ${to}`);
    for (let d = 1; d < 60; d++) {
      assert.ok(Math.abs(y[lands - d] - y[lands + d]) < 1e-6, `${from} -> ${to}: asymmetric at ±${d}`);
    }
  }
});

test('lands an impulse at its fractional output time on a non-integer ratio', () => {
  const from = 16000 / SEMITONES_3;
  const x = new Float32Array(4000);
  x[1000] = 1;
  const y = resample(x, from, 16000);
  let moment = 0,
    mass = 0;
  for (let m = 0; m < y.length; m++) {
    moment += m * y[m];
    mass += y[m];
  }
  assert.ok(Math.abs(mass - 16000 / from) < 1e-3, `gain ${mass}`); // unity DC gain: area scales with the rate
  assert.ok(Math.abs(moment / mass - (1000 * 16000) / from) < 1e-3, `centre ${moment / mass}`);
});

test('resamples a pitch-shift ratio (16000/1.18921 Hz and 16000*1.18921 Hz to 16 kHz) keeping the sine', () => {
  for (const from of [16000 / SEMITONES_3, 16000 * SEMITONES_3]) {
    for (const freq of [500, 1000, 4000]) {
      const fit = fitSine(resample(sine(0.25, freq, from), from, 16000), freq, 16000);
      assert.ok(Math.abs(fit.amplitudeDb) < 0.05, `${from} at ${freq} Hz: amplitude ${fit.amplitudeDb} dB`);
      assert.ok(fit.residualDb < -90, `${from} at ${freq} Hz: residual ${fit.residualDb} dB`);
      assert.ok(Math.abs(fit.phase) < 1e-4, `${from} at ${freq} Hz: phase ${fit.phase} rad`);
    }
  }
});

test('handles integer pairs too fine for an exact table (44101 -> 16000) through the interpolated table', () => {
  const fit = fitSine(resample(sine(0.25, 1000, 44101), 44101, 16000), 1000, 16000);
  assert.ok(
    Math.abs(fit.amplitudeDb) < 0.05 && fit.residualDb < -90 && Math.abs(fit.phase) < 1e-4,
    JSON.stringify(fit),
  );
});

test('passes DC at unity gain on both the exact and the interpolated paths', () => {
  for (const [from, to] of [
    [44100, 16000],
    [8000, 16000],
    [16000 / SEMITONES_3, 16000],
    [16000 * SEMITONES_3, 16000],
  ]) {
    const y = resample(new Float32Array(Math.round(from / 4)).fill(0.5), from, to);
    for (let m = 200; m < y.length - 200; m++)
      assert.ok(Math.abs(y[m] - 0.5) < 1e-6, `${from} -> ${to} at ${m}: ${y[m]}`);
  }
});

test('returns the input itself when the rates are equal', () => {
  const x = sine(0.01, 1000, 16000);
  assert.equal(resample(x, 16000, 16000), x);
});

test('matches scipy.signal.resample_poly given the same filter, on white noise, sample for sample', () => {
  const dir = new URL('../../fixtures/resample/', import.meta.url);
  const { cases } = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as {
    cases: { from: number; to: number; input: string; expected: string }[];
  };
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    const x = decodeNpy(readFileSync(new URL(c.input, dir))).data as Float32Array;
    const expected = decodeNpy(readFileSync(new URL(c.expected, dir))).data as Float32Array;
    const y = resample(x, c.from, c.to);
    assert.equal(y.length, expected.length, `${c.from} -> ${c.to} length`);
    for (let i = 0; i < y.length; i++) {
      assert.ok(Math.abs(y[i] - expected[i]) < 1e-6, `${c.from} -> ${c.to} at ${i}: ${y[i]} vs ${expected[i]}`);
    }
  }
});

test("the interpolated path gives the exact path's bytes where its times fall on table rows", () => {
  // Non-integer rates take the interpolated table; at 2x and 4x every output time is a row of it (blend 0) and the
  // same filter row as the exact polyphase table's.
  const x = sine(0.1, 1000, 8000).map((v, i) => v + 0.1 * Math.sin(i * 0.37));
  for (const quality of ['best', 'fast'] as const) {
    assert.deepEqual(resample(x, 2.5, 5, quality), resample(x, 8000, 16000, quality), `${quality}, 2x`);
    assert.deepEqual(resample(x, 2.5, 10, quality), resample(x, 4000, 16000, quality), `${quality}, 4x`);
  }
});

test('the output does not depend on the calls before it (tables and buffers are reused)', () => {
  const x = sine(0.3, 1000, 44100);
  const first = resample(x, 44100, 16000);
  resample(sine(2, 300, 16000 / SEMITONES_3), 16000 / SEMITONES_3, 16000, 'fast');
  resample(sine(0.01, 300, 48000), 48000, 16000);
  assert.deepEqual(resample(x, 44100, 16000), first);
});

test('rejects rates that are not positive finite numbers', () => {
  const x = new Float32Array(10);
  for (const bad of [0, -16000, NaN, Infinity]) {
    assert.throws(() => resample(x, bad, 16000), /fromRate/);
    assert.throws(() => resample(x, 16000, bad), /toRate/);
  }
});

test("the 'fast' filter keeps a sine within 0.1 dB and rejects aliases by 60 dB, for pitch-shift ratios", () => {
  for (const ratio of [SEMITONES_3, 1 / SEMITONES_3]) {
    const from = 16000 / ratio;
    const kept = resample(sine(0.25, 1000, from), from, 16000, 'fast');
    const fit = fitSine(kept, 1000, 16000);
    assert.ok(Math.abs(fit.amplitudeDb) < 0.1, `${ratio}: amplitude ${fit.amplitudeDb} dB`);
    assert.ok(fit.residualDb < -60, `${ratio}: residual ${fit.residualDb} dB`);
  }
  // A 9 kHz tone at 16000·1.18921 Hz is above the 8 kHz output Nyquist: it must not fold back.
  const from = 16000 * SEMITONES_3;
  const alias = resample(sine(0.25, 9000, from), from, 16000, 'fast');
  assert.ok(rmsDb(alias, 16000) < -60, `alias at ${rmsDb(alias, 16000)} dB`);
});

test('absurd lengths and ratios are refused with a clear error before anything is allocated, never a RangeError', () => {
  // 64k samples at 1 Hz to 16 kHz would be a billion samples (4 GB); 0xFFFFFFF0 Hz down to 16 kHz a 14 GB filter.
  assert.throws(
    () => resample(new Float32Array(65536), 1, 16000),
    (e: Error) =>
      e instanceof ResampleLimitError &&
      !(e instanceof RangeError) &&
      /^resample: 65536 samples from 1 to 16000 Hz would make 1048576000 samples, more than the 268435456 allowed$/.test(
        e.message,
      ),
  );
  assert.throws(
    () => resample(new Float32Array(16), 0xfffffff0, 16000),
    (e: Error) =>
      !(e instanceof RangeError) &&
      /^resample: 4294967280 to 16000 Hz needs a filter of \d+ x \d+ coefficients, more than the 16777216 allowed$/.test(
        e.message,
      ),
  );
  assert.throws(() => resample(new Float32Array(16), 0xffffffff, 16000), /needs a filter of/);
  // The WAV reader's whole range of rates stays within both bounds.
  for (const rate of [1000, 7999, 44100, 767999, 768000])
    assert.ok(resample(new Float32Array(rate), rate, 16000).length >= 16000, String(rate));
});
