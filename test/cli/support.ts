// What the command tests share: a small demo dataset with background noise, settings that turn every augmentation
// on, and what an in-process call writes on stderr.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DATASET, demoSubset, tempDir, writeConfig } from '../helpers.js';

/** 10 clips each of yes, no and cat, and the demo's background-noise files in _background_noise_. */
export function augmentedDataset(): string {
  const dataset = demoSubset(tempDir(), ['yes', 'no', 'cat'], 10);
  mkdirSync(join(dataset, '_background_noise_'));
  for (const f of readdirSync(join(DEMO_DATASET, '_background_noise_')))
    copyFileSync(join(DEMO_DATASET, '_background_noise_', f), join(dataset, '_background_noise_', f));
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

/** A raw-audio config file for a yes/no `dataset` (one worker), with sections merged over it. */
export function rawAudioConfig(
  dataset: string,
  dir: string,
  parts: { dataset?: object; generator?: object; output?: object } = {},
  name = 'kws.yaml',
): string {
  return writeConfig(
    dir,
    {
      dataset: { directory: dataset, classes: ['yes', 'no'], ...parts.dataset },
      generator: { frontend_enabled: false, cores: 1, ...parts.generator },
      output: { directory: join(dir, 'out'), ...parts.output },
    },
    name,
  );
}

/** What `fn` writes on stderr while it runs, and what it returns. */
export async function stderrOf<T>(fn: () => T | Promise<T>): Promise<{ result: T; stderr: string }> {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { result: await fn(), stderr };
  } finally {
    process.stderr.write = write;
  }
}
