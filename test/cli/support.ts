// What the render, preview and sampler tests share: a small demo dataset with background noise, and settings that
// turn every augmentation on.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DATASET, demoSubset, tempDir } from '../helpers.js';

/** 10 clips each of yes, no and cat, and the demo's background-noise files in _background_noise_. */
export function augmentedDataset(): string {
  const dataset = demoSubset(tempDir(), ['yes', 'no', 'cat'], 10);
  mkdirSync(join(dataset, '_background_noise_'));
  for (const f of readdirSync(join(DEMO_DATASET, '_background_noise_'))) copyFileSync(join(DEMO_DATASET, '_background_noise_', f), join(dataset, '_background_noise_', f));
  return dataset;
}

/** generator keys for every augmentation: loudness, colored and background noise, speed, pitch, VTLP. */
export const augmented = {
  loudness_range: [0.6, 1.4],
  noise_colors: 'all',
  noise_color_range: [0, 0.05],
  bg_noise_dir: '_background_noise_',
  bg_noise_range: [0, 0.3],
  speed_range: [0.9, 1.1],
  pitch_range: [-2, 2],
  vtlp_range: [0.9, 1.1],
};
