// Reverberation with room impulse responses: the convolution is the textbook one (aligned on the RIR's peak,
// cropped), energy is kept for a click and, within 1 dB, for broadband noise (not for a tone: one frequency sees
// |H(f)|²), and the room's RT60 is what the output decays with (Schroeder backward integration).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convolveAligned, prepareRir, Reverb, RIR_MAX_SECONDS } from '../../src/augment/reverb.js';
import { decodeWav } from '../../src/audio/wav.js';
import { AudiogenError } from '../../src/errors.js';
import { FIXTURES, tempDir } from '../helpers.js';
import { loadSimdFFT } from '../../src/dsp/fft-simd.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

const RATE = 16000;
const RIR_DIR = join(FIXTURES, 'rir');
interface FixtureRir {
  file: string;
  rate: number;
  rt60: number;
  direct: number;
  samples: number;
}
const FIXTURE_RIRS = JSON.parse(readFileSync(join(RIR_DIR, 'rirs.json'), 'utf8')) as FixtureRir[];
const rirFiles = FIXTURE_RIRS.map((r) => ({ name: r.file, path: join(RIR_DIR, r.file) }));
/** A fixture RIR as the reverb prepares it: first channel at 16 kHz, unit energy, its peak found. */
const prepared = (r: FixtureRir) => {
  const wav = decodeWav(readFileSync(join(RIR_DIR, r.file)));
  return prepareRir(wav.channels[0], wav.sampleRate, RATE)!;
};
const energy = (x: ArrayLike<number>) => {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += x[i] * x[i];
  return e;
};
const db = (ratio: number) => 10 * Math.log10(ratio);

/** A float32 WAV with one array per channel. */
function floatWav(channels: Float32Array[], rate: number): Buffer {
  const n = channels[0].length;
  const c = channels.length;
  const out = Buffer.alloc(44 + n * c * 4);
  out.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  out.writeUInt32LE(36 + n * c * 4, 4);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(3, 20);
  out.writeUInt16LE(c, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * c * 4, 28);
  out.writeUInt16LE(c * 4, 32);
  out.writeUInt16LE(32, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(n * c * 4, 40);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out.writeFloatLE(channels[j][i], 44 + (i * c + j) * 4);
  return out;
}

/** A seeded uniform stream in [-0.5, 0.5). */
function noise(seed: number) {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
}

/** Seconds the energy decay curve takes to fall 60 dB, from a line fitted between -5 and -25 dB (T20 × 3). */
function schroederRt60(y: Float32Array, rate: number): number {
  const edc = new Float64Array(y.length);
  let acc = 0;
  for (let i = y.length - 1; i >= 0; i--) edc[i] = acc += y[i] * y[i];
  const t: number[] = [];
  const level: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const l = db(edc[i] / edc[0]);
    if (l <= -5 && l >= -25) {
      t.push(i / rate);
      level.push(l);
    }
  }
  const mt = t.reduce((a, v) => a + v, 0) / t.length;
  const ml = level.reduce((a, v) => a + v, 0) / level.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < t.length; i++) {
    num += (t[i] - mt) * (level[i] - ml);
    den += (t[i] - mt) ** 2;
  }
  return -60 / (num / den);
}

test('the fixtures are what rirs.json says: a direct-path spike at the stated sample, then the tail', () => {
  assert.equal(FIXTURE_RIRS.length, 2);
  for (const r of FIXTURE_RIRS) {
    const wav = decodeWav(readFileSync(join(RIR_DIR, r.file)));
    assert.equal(wav.sampleRate, r.rate);
    assert.equal(wav.channels[0].length, r.samples);
    const h = wav.channels[0];
    let peak = 0;
    for (let i = 0; i < h.length; i++) if (Math.abs(h[i]) > Math.abs(h[peak])) peak = i;
    assert.equal(peak, r.direct, r.file);
    assert.equal(h[r.direct], 1);
  }
});

test('an RIR is prepared at the target rate with unit energy, its peak found, the caller\u2019s samples untouched', () => {
  const h = Float32Array.from([0, 0.1, -2, 0.5, 0.25]);
  const p = prepareRir(h, RATE, RATE)!;
  assert.equal(p.peak, 2);
  assert.ok(Math.abs(energy(p.h) - 1) < 1e-6, String(energy(p.h)));
  assert.deepEqual([...h], [0, 0.1, -2, 0.5, 0.25].map(Math.fround));
  assert.equal(prepareRir(new Float32Array(10), RATE, RATE), null, 'a silent RIR has no unit-energy form');
  const hall = FIXTURE_RIRS[1];
  const resampled = prepared(hall);
  assert.equal(resampled.h.length, hall.samples / 2, '32 kHz -> 16 kHz');
  assert.equal(resampled.peak, hall.direct / 2, 'the direct path stays where it was in time');
  assert.ok(Math.abs(energy(resampled.h) - 1) < 1e-6);
});

test('an impulse convolved with an RIR returns the RIR, aligned on its peak, with unit energy', () => {
  for (const r of FIXTURE_RIRS) {
    const rir = prepared(r);
    const at = 2000;
    const x = new Float32Array(RATE);
    x[at] = 1;
    const y = convolveAligned(x, rir);
    let worst = 0;
    for (let n = 0; n < y.length; n++) {
      const k = n - at + rir.peak;
      const want = k >= 0 && k < rir.h.length ? rir.h[k] : 0;
      worst = Math.max(worst, Math.abs(y[n] - want));
    }
    assert.ok(worst < 1e-6, `${r.file}: largest difference ${worst}`);
    assert.ok(Math.abs(energy(y) - 1) < 1e-5, `${r.file}: energy ${energy(y)}`);
    let peak = 0;
    for (let n = 0; n < y.length; n++) if (Math.abs(y[n]) > Math.abs(y[peak])) peak = n;
    assert.equal(peak, at, 'the direct path lands where the impulse was: the word does not move');
  }
});

test('the FFT convolution is the direct sum, samples before the peak included, with no wrap-around', () => {
  const next = noise(7);
  // Content before the peak (it rings ahead of the word), a peak, a tail longer than what follows the input.
  const h = Float32Array.from({ length: 300 }, (_, i) => (i === 100 ? 3 : next()));
  const rir = prepareRir(h, RATE, RATE)!;
  assert.equal(rir.peak, 100);
  for (const n of [1000, 77, 4096]) {
    const x = Float32Array.from({ length: n }, next);
    const y = convolveAligned(x, rir);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      let want = 0;
      for (let k = 0; k < rir.h.length; k++) {
        const j = i + rir.peak - k;
        if (j >= 0 && j < n) want += rir.h[k] * x[j];
      }
      worst = Math.max(worst, Math.abs(y[i] - want));
    }
    assert.ok(worst < 1e-5, `${n} samples: largest difference ${worst}`);
  }
});

test('a click keeps its energy, a noise burst\u2019s stays within 1 dB, a pure tone\u2019s does not', () => {
  for (const r of FIXTURE_RIRS) {
    const rir = prepared(r);
    const click = new Float32Array(RATE);
    click[1000] = 0.5;
    assert.ok(Math.abs(db(energy(convolveAligned(click, rir)) / energy(click))) < 0.001, `${r.file}: click`);
    const next = noise(11);
    const burst = new Float32Array(RATE);
    for (let i = 1600; i < 4800; i++) burst[i] = next();
    const change = db(energy(convolveAligned(burst, rir)) / energy(burst));
    assert.ok(Math.abs(change) < 1, `${r.file}: noise burst ${change.toFixed(2)} dB`);
    // A tone sees one value of the room's response: far from 0 dB at most frequencies.
    const changes = [310, 520, 870, 1130, 1490, 1900, 2450, 3010, 3700, 4400].map((f) => {
      const tone = new Float32Array(RATE);
      for (let i = 1600; i < 6400; i++) tone[i] = 0.5 * Math.sin((2 * Math.PI * f * i) / RATE);
      return db(energy(convolveAligned(tone, rir)) / energy(tone));
    });
    const off = changes.filter((c) => Math.abs(c) > 1).length;
    assert.ok(off >= 5, `${r.file}: tones ${changes.map((c) => c.toFixed(1)).join(' ')} dB`);
    assert.ok(Math.max(...changes) - Math.min(...changes) > 6, `${r.file}: ${changes.join(' ')}`);
  }
});

test('RT60 measured on the output by Schroeder backward integration is the fixture\u2019s within 15%', () => {
  const reverb = new Reverb(rirFiles, RATE, RATE);
  for (const r of FIXTURE_RIRS) {
    const x = new Float32Array(RATE);
    x[800] = 1;
    reverb.apply(x, r.file);
    const rt60 = schroederRt60(x, RATE);
    assert.ok(Math.abs(rt60 / r.rt60 - 1) < 0.15, `${r.file}: RT60 ${rt60.toFixed(3)} s, made with ${r.rt60} s`);
  }
});

test('the reverb reads each RIR file\u2019s first channel at its own rate, and applies it in place', () => {
  const dir = tempDir();
  const next = noise(3);
  const first = Float32Array.from({ length: 4800 }, (_, i) => (i === 480 ? 1 : 0.05 * next() * Math.exp(-i / 900)));
  const second = Float32Array.from({ length: 4800 }, (_, i) => (i === 10 ? 1 : 0));
  writeFileSync(join(dir, 'room.wav'), floatWav([first, second], 48000));
  const reverb = new Reverb([{ name: 'room.wav', path: join(dir, 'room.wav') }], RATE, 4000);
  assert.deepEqual(reverb.names, ['room.wav']);
  const x = Float32Array.from({ length: 4000 }, next);
  const want = convolveAligned(x, prepareRir(first, 48000, RATE)!);
  reverb.apply(x, 'room.wav');
  assert.deepEqual(x, want);
  // Drawn again: the same (kept) response.
  const again = Float32Array.from({ length: 4000 }, noise(5));
  const wantAgain = convolveAligned(again, prepareRir(first, 48000, RATE)!);
  reverb.apply(again, 'room.wav');
  assert.deepEqual(again, wantAgain);
});

test('past its memory bound the reverb drops the least recently drawn RIR and reads it again when drawn: same output', () => {
  const x = Float32Array.from({ length: RATE }, noise(9));
  const want = FIXTURE_RIRS.map((r) => convolveAligned(x, prepared(r)));
  // One 32768-point spectrum (262 KB) fits, two do not.
  const reverb = new Reverb(rirFiles, RATE, RATE, 300_000);
  for (let round = 0; round < 3; round++)
    for (const [i, r] of FIXTURE_RIRS.entries()) {
      const y = Float32Array.from(x);
      reverb.apply(y, r.file);
      assert.deepEqual(y, want[i], `${r.file}, round ${round}`);
      assert.equal(reverb.kept, 1);
    }
  const roomy = new Reverb(rirFiles, RATE, RATE);
  for (const r of FIXTURE_RIRS) roomy.apply(Float32Array.from(x), r.file);
  assert.equal(roomy.kept, 2);
});

test('an RIR that is too long, silent or unreadable fails naming the file', () => {
  const dir = tempDir();
  const long = new Float32Array(1000 * RIR_MAX_SECONDS + 100);
  long[0] = 1;
  writeFileSync(join(dir, 'long.wav'), floatWav([long], 1000));
  writeFileSync(join(dir, 'silent.wav'), floatWav([new Float32Array(100)], RATE));
  writeFileSync(join(dir, 'broken.wav'), 'RIFF0000WAVEjunk');
  const names = ['long.wav', 'silent.wav', 'broken.wav'];
  const reverb = new Reverb(
    names.map((name) => ({ name, path: join(dir, name) })),
    RATE,
    RATE,
  );
  const x = new Float32Array(RATE);
  const fails = (name: string, message: RegExp) =>
    assert.throws(
      () => reverb.apply(x, name),
      (err: unknown) => err instanceof AudiogenError && message.test(err.message),
    );
  fails(
    'long.wav',
    /^room impulse response file .*long\.wav: 10\.1 s long; a room impulse response may last at most 10 s$/,
  );
  fails('silent.wav', /^room impulse response file .*silent\.wav: every sample is zero/);
  fails('broken.wav', /^room impulse response file .*broken\.wav: /);
});
