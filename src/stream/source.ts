// What a stream is made from: the held-out subset of the listed dataset (testing where there is one, else
// validation; never training, whose clips would flatter the score), its clips per keyword and `_unknown_`.
import type { Config } from '../config/schema.js';
import { SILENCE, UNKNOWN, type DatasetListing } from '../dataset/dataset.js';
import { ConfigError } from '../errors.js';
import type { StreamSource } from './make.js';

export function streamSource(config: Config, listing: DatasetListing): StreamSource {
  const subsets = listing.subsets as Partial<
    Record<string, DatasetListing['subsets'][keyof DatasetListing['subsets']]>
  >;
  const subset = subsets.testing ? 'testing' : subsets.validation ? 'validation' : null;
  if (subset === null) {
    throw new ConfigError([
      {
        path: 'generator.validation_split',
        message:
          'a stream is made from held-out clips (the testing subset, else validation), and this config has neither: ' +
          'set a validation split (training clips would flatter the score)',
      },
    ]);
  }
  const keywords = listing.classes.filter((c) => c !== UNKNOWN && c !== SILENCE);
  const clips = new Map<string, string[]>([...keywords, UNKNOWN].map((c) => [c, []]));
  for (const ref of subsets[subset]!.samples) {
    if (ref.file === null) continue;
    clips.get(listing.classes[ref.label])?.push(ref.file);
  }
  return {
    subset,
    datasetDir: config.dataset.directory,
    keywords,
    clips,
    background: listing.background,
    trimDb: config.generator.trim_threshold_db,
  };
}
