#!/usr/bin/env node
// Writes synthetic room impulse responses for the tests and the demo: a direct-path spike after a short pre-delay,
// then exponentially decaying Gaussian noise with a chosen RT60 (the time the energy takes to fall by 60 dB). Plain
// float32 WAVs, deterministic (a seeded generator), with rirs.json stating how each was made.
//
//   node scripts/make-rir-fixtures.mjs [OUT_DIR]      (default fixtures/rir)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = process.argv[2] ?? new URL('../fixtures/rir', import.meta.url).pathname;

/** The fixtures: RT60 and rate vary so the tests see a short and a long tail, and an RIR that needs resampling. */
const RIRS = [
  { file: 'small-room-rt60-0.3s-16k.wav', rate: 16000, rt60: 0.3, predelay: 0.004, seed: 1 },
  { file: 'hall-rt60-0.6s-32k.wav', rate: 32000, rt60: 0.6, predelay: 0.01, seed: 2 },
];
/** Gap between the direct path and the first reflections. */
const GAP_S = 0.001;
/** Standard deviation of the tail at its start: its peaks stay well below the direct path's 1.0. */
const TAIL_STD = 0.15;
/** Length as a multiple of RT60: the tail ends 72 dB down. */
const LENGTH_RT60 = 1.2;

/** mulberry32: a small seeded uniform generator in [0, 1). */
function uniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal values by Box–Muller. */
function normal(seed) {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export function makeRir({ rate, rt60, predelay, seed }) {
  const n = Math.round(rate * (predelay + LENGTH_RT60 * rt60));
  const h = new Float32Array(n);
  const direct = Math.round(predelay * rate);
  h[direct] = 1;
  const next = normal(seed);
  // Energy falls 60 dB in rt60 seconds: amplitude exp(-t · 3 ln 10 / rt60).
  const decay = (3 * Math.log(10)) / rt60;
  for (let i = direct + Math.round(GAP_S * rate); i < n; i++) {
    const t = (i - direct) / rate;
    h[i] = TAIL_STD * Math.exp(-decay * t) * next();
  }
  return { h, direct };
}

/** A mono IEEE-float WAV (format 3). */
function floatWav(samples, rate) {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVE', 8);
  head.write('fmt ', 12);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(3, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 4, 28);
  head.writeUInt16LE(4, 32);
  head.writeUInt16LE(32, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

mkdirSync(OUT, { recursive: true });
const made = [];
for (const spec of RIRS) {
  const { h, direct } = makeRir(spec);
  writeFileSync(join(OUT, spec.file), floatWav(h, spec.rate));
  made.push({ ...spec, direct, samples: h.length });
}
writeFileSync(join(OUT, 'rirs.json'), `${JSON.stringify(made, null, 2)}\n`);
process.stdout.write(`${made.length} RIRs -> ${OUT}\n`);
