// The machine's own ceiling for N workers: the frontend alone (the features profile's settings, on the dataset's own
// clips) run in one process, then in N processes at once. `npm run bench -- --profiles scaling` starts these; a build
// cannot scale better from 1 to N workers than the machine does on pure computation.
//
//   node --import tsx bench/frontend-load.ts DATASET START_AT_EPOCH_MS SECONDS   (prints {"clips_per_second": n})
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav } from '../src/audio/wav.js';
import { frontendSchema } from '../src/config/schema.js';
import { AudioFeatureGenerator } from '../src/frontend/frontend.js';

/** The features profile's frontend. */
export const benchFrontend = {
  window_size_ms: 30,
  window_step_ms: 20,
  filterbank_n_channels: 40,
  noise_reduction_enable: true,
  pcan_enable: true,
};

/** The frontend, and up to 1,000 of the dataset's clips (spread over its word folders) as int16. */
export function frontendAndClips(dataset: string): { generator: AudioFeatureGenerator; clips: Int16Array[] } {
  const generator = new AudioFeatureGenerator(frontendSchema.parse(benchFrontend));
  const words = readdirSync(dataset).filter((d) => !d.startsWith('_') && !d.startsWith('.'));
  const clips: Int16Array[] = [];
  for (const word of words) {
    const dir = join(dataset, word);
    for (const f of readdirSync(dir).slice(0, Math.ceil(1000 / words.length))) {
      const audio = decodeWav(readFileSync(join(dir, f))).channels[0];
      clips.push(Int16Array.from(audio, (v) => Math.round(v * 32768)));
    }
  }
  return { generator, clips };
}

if (process.argv[1]?.endsWith('frontend-load.ts')) {
  const [dataset, startAt, seconds] = process.argv.slice(2);
  const { generator, clips } = frontendAndClips(dataset);
  const out = new Uint16Array(generator.frames * generator.channels);
  // One pass before the clock starts, so every process is warm when they all start together.
  for (const c of clips) generator.process(c, out);
  // Asleep until the agreed moment: the processes then run the same wall-clock window.
  const wait = Number(startAt) - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  const t0 = performance.now();
  const end = t0 + Number(seconds) * 1000;
  let done = 0;
  while (performance.now() < end) {
    for (const c of clips) generator.process(c, out);
    done += clips.length;
  }
  console.log(JSON.stringify({ clips_per_second: (done * 1000) / (performance.now() - t0) }));
}
