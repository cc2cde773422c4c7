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

/**
 * A packed subset's samples, kept packed: a worker of a million-clip plan holds one string and two typed arrays (a
 * few dozen bytes a clip), not a million objects for its collector to trace; a batch's file names are cut out as
 * needed.
 */
class PackedSamples {
  /** Where each name starts in `files`; one more entry, one past the end of the last name. */
  private readonly starts: Uint32Array;

  constructor(private readonly packed: PackedSubset) {
    const n = packed.labels.length;
    this.starts = new Uint32Array(n + 1);
    let names = 0;
    if (n > 0) {
      names = 1;
      for (let at = packed.files.indexOf('\0'); at >= 0; at = packed.files.indexOf('\0', at + 1)) {
        if (names <= n) this.starts[names] = at + 1;
        names++;
      }
    }
    if (names !== n) throw new Error(`packed ${packed.subset}: ${names} files for ${n} labels`);
    this.starts[n] = packed.files.length + 1;
  }

  get length(): number {
    return this.packed.labels.length;
  }

  label(i: number): number {
    return this.packed.labels[i];
  }

  /** The file of sample i, null for a _silence_ sample. */
  file(i: number): string | null {
    const start = this.starts[i];
    const end = this.starts[i + 1] - 1;
    return end === start ? null : this.packed.files.slice(start, end);
  }
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
  private readonly subsets = new Map<Subset, PackedSamples>();
  private readonly orders = new Map<Subset, { epoch: number; order: Uint32Array }>();

  constructor(
    packed: readonly PackedSubset[],
    private readonly shuffle: boolean,
    private readonly seed: number,
  ) {
    for (const p of packed) this.subsets.set(p.subset, new PackedSamples(p));
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
    const out: PlacedSample[] = [];
    for (let p = start; p < start + count; p++) {
      const i = kept.order[p];
      out.push({ position: p, label: samples.label(i), file: samples.file(i) });
    }
    return out;
  }
}
