// Milliseconds per 1-second 16 kHz clip for each augmentation DSP step, single thread, in CPU time (the machine is
// shared: time spent waiting for a core is not counted). Reported: the fastest of 7 batches (the least disturbed).
//   node --import tsx bench/augment.ts
import seedrandom from 'seedrandom';
import { coloredNoise } from '../src/augment/colored-noise.js';
import { timeStretch } from '../src/augment/time-stretch.js';
import { pitchShift, speedAndPitch } from '../src/augment/pitch-shift.js';
import { vtlp } from '../src/augment/vtlp.js';
import { addLooped } from '../src/augment/background.js';
import { resample } from '../src/audio/resample.js';
import { RealFFT } from '../src/dsp/fft.js';
import { NOISE_COLORS } from '../src/config/names.js';
import { simdFftBuild, loadSimdFFT } from '../src/dsp/fft-simd.js';
import { Reverb } from '../src/augment/reverb.js';
import { applyMasks, drawMasks } from '../src/augment/spec-augment.js';
import { rngFor } from '../src/random/rng.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

const SR = 16000;
const prng = seedrandom.xor4096('bench:augment');
const rng = () => prng.double();
const clip = new Float32Array(SR);
for (let i = 0; i < SR; i++) clip[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR) + 0.1 * (rng() - 0.5);

function bench(name: string, run: (i: number) => unknown, iterations = 40, scale = 1, unit = 'ms'): number {
  for (let i = 0; i < iterations; i++) run(i);
  let best = Infinity;
  let k = 0;
  for (let batch = 0; batch < 7; batch++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) run(k++);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e3 / iterations);
  }
  console.log(`${name.padEnd(40)} ${(best * scale).toFixed(3).padStart(8)} ${unit}`);
  return best;
}

// Parameters vary per run like the generator's draws (speed 0.9–1.1, pitch ±3 semitones, α 0.9–1.1).
const speeds = [0.9, 0.95, 1.05, 1.1];
const pitches = [-3, -1.5, 1.5, 3];
const alphas = [0.9, 0.95, 1.05, 1.1];

console.log(`1 s clips at ${SR} Hz, Node ${process.version}, engine simd (the STFT's FFT: ${await simdFftBuild()})`);
const fft = RealFFT.of(2048);
const x = new Float64Array(2048).map(() => rng() - 0.5);
const spec = new Float64Array(2050);
const back = new Float64Array(2048);
bench('  real FFT 2048 forward (reference)', () => fft.forward(x, spec), 2000, 1000, 'µs');
bench('  real FFT 2048 inverse (reference)', () => fft.inverse(spec, back), 2000, 1000, 'µs');
for (const color of NOISE_COLORS) bench(`colored noise ${color}`, () => coloredNoise(color, SR, rng));
bench('time stretch (rate 0.9–1.1)', (i) => timeStretch(clip, speeds[i % 4]));
bench('  resample 16 kHz·2^(±3/12) -> 16 kHz', (i) => resample(clip, SR / 2 ** (-pitches[i % 4] / 12), SR));
bench("  the same, 'fast' filter (pitch shift)", (i) => resample(clip, SR / 2 ** (-pitches[i % 4] / 12), SR, 'fast'));
bench('pitch shift (±1.5–3 semitones)', (i) => pitchShift(clip, SR, pitches[i % 4]));
bench('speed + pitch, two steps', (i) => pitchShift(timeStretch(clip, speeds[i % 4]), SR, pitches[(i >> 2) % 4]));
bench('speed + pitch, one pass', (i) => speedAndPitch(clip, SR, speeds[i % 4], pitches[(i >> 2) % 4]));
// The bench's full profile per clip: speed + pitch, then colored noise or a background crop (each half the clips).
const background = new Float32Array(SR).map(() => rng() - 0.5);
bench('full profile (speed + pitch + noise)', (i) => {
  const y = speedAndPitch(clip, SR, speeds[i % 4], pitches[(i >> 2) % 4]);
  if (i & 1) {
    const noise = coloredNoise(NOISE_COLORS[(i >> 1) % NOISE_COLORS.length], y.length, rng);
    for (let j = 0; j < y.length; j++) y[j] += 0.05 * noise[j];
  } else {
    addLooped(y, background, (i * 7919) % SR, 0.1);
  }
});
bench("vtlp, phase 'moved' (α 0.9–1.1)", (i) => vtlp(clip, SR, alphas[i % 4]));
bench("vtlp, phase 'coherent' (α 0.9–1.1)", (i) => vtlp(clip, SR, alphas[i % 4], { phase: 'coherent' }));

// Reverb with the fixture rooms (0.36 s and 0.73 s long at 16 kHz: a 32768-point FFT pair per clip); the RIRs are
// read and transformed on the first draws, as in a worker.
const rirDir = new URL('../fixtures/rir/', import.meta.url).pathname;
const rooms = ['small-room-rt60-0.3s-16k.wav', 'hall-rt60-0.6s-32k.wav'];
const reverb = new Reverb(
  rooms.map((name) => ({ name, path: rirDir + name })),
  SR,
  SR,
);
const wet = new Float32Array(SR);
bench('reverb (FFT convolution, RIR kept)', (i) => {
  wet.set(clip);
  reverb.apply(wet, rooms[i & 1]);
});
// SpecAugment on the micro_speech spectrogram (49 x 40): 2 time masks of 0..8 frames, 2 frequency masks of
// 0..6 channels, the mean as value; drawing includes seeding the two keyed streams, as the generator does.
const spectrogram = new Uint16Array(49 * 40).map((_, i) => (i * 7919) % 700);
const scratch = new Uint16Array(spectrogram.length);
bench(
  'SpecAugment: draw + masks, 49x40',
  (i) => {
    scratch.set(spectrogram);
    const time = drawMasks(rngFor(0, 'training', 0, i, 'spec-time-masks'), 2, 8, 49);
    const freq = drawMasks(rngFor(0, 'training', 0, i, 'spec-freq-masks'), 2, 6, 40);
    applyMasks(scratch, 40, time, freq, 'mean');
  },
  2000,
  1000,
  'µs',
);
bench(
  '  masks only (mean), 49x40',
  (i) => {
    scratch.set(spectrogram);
    applyMasks(
      scratch,
      40,
      [
        [i % 40, 8],
        [3, 5],
      ],
      [
        [i % 30, 6],
        [10, 4],
      ],
      'mean',
    );
  },
  2000,
  1000,
  'µs',
);
