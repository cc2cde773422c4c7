// Prints the cost of resample() per second of audio (tables already built) and of building each table once.
import { performance } from 'node:perf_hooks';
import { resample, type ResampleQuality } from '../src/audio/resample.js';

const cases: [string, number, number, ResampleQuality][] = [
  ['44.1k -> 16k', 44100, 16000, 'best'],
  ['48k -> 16k', 48000, 16000, 'best'],
  ['22.05k -> 16k', 22050, 16000, 'best'],
  ['8k -> 16k', 8000, 16000, 'best'],
  ['16k -> 44.1k', 16000, 44100, 'best'],
  ['pitch +3 st (16k/1.18921 -> 16k)', 16000 / 1.18921, 16000, 'best'],
  ['pitch -3 st (16k*1.18921 -> 16k)', 16000 * 1.18921, 16000, 'best'],
  ['pitch +3 st, fast filter', 16000 / 1.18921, 16000, 'fast'],
  ['pitch -3 st, fast filter', 16000 * 1.18921, 16000, 'fast'],
];

const runs = Number(process.argv[2] ?? 30);
for (const [name, from, to, quality] of cases) {
  const n = Math.round(from);
  const input = new Float32Array(n);
  for (let i = 0; i < n; i++) input[i] = Math.sin((2 * Math.PI * 1000 * i) / from) + 0.1 * Math.sin(i * 0.37);
  const t0 = performance.now();
  resample(input.subarray(0, 16), from, to, quality); // builds the table
  const build = performance.now() - t0;
  for (let i = 0; i < 3; i++) resample(input, from, to, quality); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    resample(input, from, to, quality);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  console.log(
    `${name.padEnd(34)} ${median.toFixed(2).padStart(6)} ms per 1 s (median of ${runs}, best ${times[0].toFixed(2)})   table ${build.toFixed(1)} ms`,
  );
}
