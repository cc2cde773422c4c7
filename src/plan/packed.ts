// A subset's samples as the workers get them: its file names in one string and its labels in one array, so a plan of
// a million clips crosses to each worker as two copies rather than a million objects. From it and the seed a worker
// finds a batch's samples itself: the build's message per batch names only positions.
import type { Subset } from '../config/schema.js';
import type { SampleRef } from '../dataset/dataset.js';
import { epochOrder, type SubsetPlan } from './plan.js';

export interface PackedSubset {
  subset: Subset;
  /** File names joined by NUL (no file name holds one); an empty name is a _silence_ sample. */
  files: string;
  labels: Int32Array;
}

export function packSubset(plan: SubsetPlan): PackedSubset {
  const labels = new Int32Array(plan.samples.length);
  const names: string[] = new Array(plan.samples.length);
  plan.samples.forEach((s, i) => {
    labels[i] = s.label;
    names[i] = s.file ?? '';
  });
  return { subset: plan.subset, files: names.join('\0'), labels };
}

export function unpackSubset(packed: PackedSubset): SampleRef[] {
  if (packed.labels.length === 0) return [];
  const names = packed.files.split('\0');
  if (names.length !== packed.labels.length)
    throw new Error(`packed ${packed.subset}: ${names.length} files for ${packed.labels.length} labels`);
  return names.map((name, i) => ({ label: packed.labels[i], file: name === '' ? null : name }));
}

/** One sample of a batch: its position in the epoch, its label and its file (null for _silence_). */
export interface PlacedSample {
  position: number;
  label: number;
  file: string | null;
}

/** The samples at positions [start, start + count) of an epoch in `order`. */
export function samplesAt(
  samples: readonly SampleRef[],
  order: Uint32Array,
  start: number,
  count: number,
): PlacedSample[] {
  const out: PlacedSample[] = [];
  for (let p = start; p < start + count; p++) {
    const ref = samples[order[p]];
    out.push({ position: p, label: ref.label, file: ref.file });
  }
  return out;
}

/** A plan's samples by subset, with the last epoch order of each kept (a worker's batches run epoch by epoch). */
export class SampleLookup {
  private readonly subsets = new Map<Subset, SampleRef[]>();
  private readonly orders = new Map<Subset, { epoch: number; order: Uint32Array }>();

  constructor(
    packed: readonly PackedSubset[],
    private readonly shuffle: boolean,
    private readonly seed: number,
  ) {
    for (const p of packed) this.subsets.set(p.subset, unpackSubset(p));
  }

  /** The samples at positions [start, start + count) of a subset's epoch. */
  at(subset: Subset, epoch: number, start: number, count: number): PlacedSample[] {
    const samples = this.subsets.get(subset);
    if (!samples) throw new Error(`no samples of ${subset} in this plan`);
    let kept = this.orders.get(subset);
    if (kept?.epoch !== epoch) {
      kept = { epoch, order: epochOrder(samples.length, this.shuffle, this.seed, subset, epoch) };
      this.orders.set(subset, kept);
    }
    if (start < 0 || start + count > samples.length)
      throw new Error(`positions ${start}..${start + count - 1} are outside ${subset}'s ${samples.length} samples`);
    return samplesAt(samples, kept.order, start, count);
  }
}
