// What the dataset tests share: class folders of short tone clips.
import { tempDir, toneWav, writeDataset } from '../helpers.js';

/** A 50 ms tone: a valid clip. */
export const wav = toneWav(0.05);

/** A new dataset folder with `n` clips per class folder, named spk<i>_nohash_0.wav. */
export function dataset(counts: Record<string, number>): string {
  const files: Record<string, Buffer> = {};
  for (const [c, n] of Object.entries(counts)) for (let i = 0; i < n; i++) files[`${c}/spk${i}_nohash_0.wav`] = wav;
  return writeDataset(tempDir(), files);
}
