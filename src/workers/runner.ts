// A batch from the worker's side: it finds the batch's samples in the plan it was given, renders them, and writes
// everything the shard needs from them — an npy shard's rows and labels at their offsets, its index rows as text to
// append — or encodes a tar shard's members. The build's message per batch names only positions, and its reply is
// one string or one buffer: the build process does almost nothing per sample.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Subset } from '../config/schema.js';
import { outputError } from '../io/atomic.js';
import { encodeLabels, type LabelFormat } from '../io/labels.js';
import type { TypedArray } from '../io/npy.js';
import type { RowFiles } from '../io/shard-writer.js';
import { sampleKey, WdsEncoder } from '../io/webdataset.js';
import { SampleLookup, type PackedSubset } from '../plan/packed.js';
import { BatchProcessor, type WorkContext } from '../sample/batch.js';
import { IndexRows } from '../sample/index-rows.js';
import { outputLayout } from '../sample/output-layout.js';

/** What a worker is given once: the build's context and the plan's samples. */
export interface WorkerSetup extends WorkContext {
  subsets: PackedSubset[];
}

/** A batch as the build hands it out: consecutive positions of one shard. */
export interface ShardBatch {
  subset: Subset;
  epoch: number;
  batchIndex: number;
  start: number;
  count: number;
  /** An npy shard's files, where the rows and labels go; null: the members come back (a tar shard, a stream). */
  files: RowFiles | null;
}

/** What comes back: an npy batch's index rows (CSV text), or a tar batch's members. */
export type BatchOutput = { csv: string } | { members: Uint8Array };

export class BatchRunner {
  private readonly samples: SampleLookup;
  private readonly index: IndexRows;
  private readonly labels: LabelFormat | null;
  private readonly encoder: WdsEncoder;
  /** One batch's rows, reused: a batch allocates only what it sends back. */
  private rows: TypedArray;

  private constructor(
    private readonly processor: BatchProcessor,
    setup: WorkerSetup,
  ) {
    const { config } = setup;
    this.samples = new SampleLookup(setup.subsets, config.dataset.shuffle, config.dataset.seed);
    const layout = outputLayout(config, config.dataset.classes.length);
    this.index = new IndexRows(config, config.dataset.classes);
    this.labels = layout.y;
    this.encoder = new WdsEncoder(layout.x.dtype, layout.x.sampleShape);
    this.rows = processor.newRows(config.dataset.batch_size);
  }

  static async create(setup: WorkerSetup): Promise<BatchRunner> {
    return new BatchRunner(await BatchProcessor.create(setup), setup);
  }

  /** Renders a batch; `beforeSample(i)` runs before item i (crash reports). */
  run(batch: ShardBatch, beforeSample?: (item: number) => void): BatchOutput {
    const items = this.samples.at(batch.subset, batch.epoch, batch.start, batch.count);
    const n = this.processor.rowElements;
    if (this.rows.length < items.length * n) this.rows = this.processor.newRows(items.length);
    const rows = this.rows.subarray(0, items.length * n);
    const job = { subset: batch.subset, epoch: batch.epoch, batchIndex: batch.batchIndex, items };
    const params = this.processor.render(job, rows, beforeSample).map((r) => r.params);
    const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
    if (batch.files === null) {
      const samples = items.map((item, i) => ({
        key: sampleKey(batch.subset, batch.epoch, item.position),
        label: this.labels ? item.label : null,
        json: this.index.json(item, params[i]),
      }));
      return { members: this.encoder.encode(samples, bytes) };
    }
    const { xPath, xOffset, yPath, yOffset } = batch.files;
    writeAt(xPath, xOffset, bytes);
    if (yPath !== null && this.labels) {
      const y = encodeLabels(
        this.labels,
        items.map((i) => i.label),
      );
      writeAt(yPath, yOffset, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    }
    return { csv: this.index.csv(items, params) };
  }
}

function writeAt(path: string, offset: number, data: Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (err) {
    throw outputError(path, err);
  }
  try {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
  } catch (err) {
    throw outputError(path, err);
  } finally {
    closeSync(fd);
  }
}
