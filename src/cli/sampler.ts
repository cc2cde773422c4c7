// One sample at a time, exactly as a build makes it: for `render` (re-create a row of a built dataset) and
// `preview` (listen to and look at what the settings do).
import type { Config, Subset } from '../config/schema.js';
import { listDataset, type DatasetListing } from '../dataset/dataset.js';
import { AudiogenError } from '../errors.js';
import type { TypedArray } from '../io/npy.js';
import { batchesOf, epochOrder, firstBatchIndices, planHash, type Plan } from '../plan/plan.js';
import { BatchProcessor } from '../sample/batch.js';
import { makePlan } from '../plan/shards.js';
import { samplesAt } from '../plan/packed.js';
import { hooksHash, loadHooks } from '../sample/hooks.js';
import type { BatchItem } from '../sample/batch.js';
import type { SampleParams } from '../sample/params.js';

export interface RenderedRow {
  subset: Subset;
  epoch: number;
  position: number;
  item: BatchItem;
  params: SampleParams;
  /** Audio after augmentation, before the frontend (null when a getBatch hook made the row). */
  audio: Float32Array | null;
  /** The row of x, in the output dtype. */
  row: TypedArray;
}

export class Sampler {
  private constructor(
    readonly config: Config,
    readonly listing: DatasetListing,
    readonly plan: Plan,
    private readonly processor: BatchProcessor,
  ) {}

  static async open(config: Config, signal?: AbortSignal): Promise<Sampler> {
    const hooks = await loadHooks(config.hooks);
    const listing = await listDataset(config, { write: false, listValidFilenames: hooks.listValidFilenames, signal });
    const plan = makePlan(config, listing, hooksHash(config.hooks));
    const processor = await BatchProcessor.create({ config, background: listing.background, rirs: listing.rirs });
    return new Sampler(config, listing, plan, processor);
  }

  get datasetHash(): string {
    return planHash(this.plan);
  }

  /** The sample at `position` of (subset, epoch): its whole batch is rendered, so batch-level hooks see the same batch. */
  render(subset: Subset, epoch: number, position: number): RenderedRow {
    const sub = this.plan.subsets.find((s) => s.subset === subset);
    if (!sub)
      throw new AudiogenError(
        `subset ${subset} is not part of this build (${this.plan.subsets.map((s) => s.subset).join(', ')})`,
      );
    if (!Number.isInteger(epoch) || epoch < 0 || epoch >= this.plan.epochs) {
      throw new AudiogenError(`epoch ${epoch} does not exist: the build has epochs 0..${this.plan.epochs - 1}`);
    }
    if (!Number.isInteger(position) || position < 0 || position >= sub.samples.length) {
      throw new AudiogenError(
        `position ${position} does not exist: ${subset} has positions 0..${sub.samples.length - 1}`,
      );
    }
    const batchSize = this.config.dataset.batch_size;
    const first = firstBatchIndices(sub.shards, batchSize);
    const shard = sub.shards.findIndex((s) => position >= s.start && position < s.start + s.count);
    const spec = { subset, epoch, shard, ...sub.shards[shard] };
    const batch = batchesOf(spec, batchSize, first[shard]).find(
      (b) => position >= b.start && position < b.start + b.count,
    )!;
    const order = epochOrder(sub.samples.length, this.config.dataset.shuffle, this.config.dataset.seed, subset, epoch);
    const items = samplesAt(sub.samples, order, batch.start, batch.count);
    const n = this.processor.rowElements;
    const rows = this.newRows(items.length);
    const job = { subset, epoch, batchIndex: batch.batchIndex, items };
    const rendered = this.processor.render(job, rows, undefined, true);
    const i = position - batch.start;
    return {
      subset,
      epoch,
      position,
      item: items[i],
      params: rendered[i].params,
      audio: rendered[i].audio,
      row: rows.subarray(i * n, (i + 1) * n),
    };
  }

  private newRows(count: number): TypedArray {
    return this.processor.newRows(count);
  }
}
