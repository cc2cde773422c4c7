// Where a bake's batches go, per output.format: npy shard files (workers write the x rows themselves at their
// offsets; y and the index CSV are written here), tar shard files, or one tar on a stream (`build --stdout`). A
// tar's samples are its members in position order: rows come back from the workers and wait for the batches
// before them.
import type { Config } from '../config/schema.js';
import { csvLine } from '../io/csv.js';
import type { ChunkSink } from '../io/in-order.js';
import { InOrder } from '../io/in-order.js';
import { shardId } from '../io/layout.js';
import { ShardWriter, type ShardRecord } from '../io/shard-writer.js';
import { TAR_END } from '../io/tar.js';
import { TarShardWriter } from '../io/tar-writer.js';
import { sampleKey, WdsEncoder } from '../io/webdataset.js';
import type { PlannedShard } from '../plan/shards.js';
import type { BatchItem } from '../sample/batch.js';
import { paramColumns, paramFields, type ParamColumn, type SampleParams } from '../sample/params.js';
import type { OutputLayout } from './manifest.js';

/** A batch back from a worker. */
export interface FinishedBatch {
  start: number;
  items: readonly BatchItem[];
  params: readonly SampleParams[];
  /** The x rows back to back; null when the worker wrote them into the shard's x file. */
  rows: Uint8Array | null;
}

/** One shard being written. */
export interface ShardOutput {
  /** Where workers write the rows of the batch at `start` themselves (npy), or null: they send them back. */
  rowFile(start: number): { xPath: string; xOffset: number } | null;
  /** Writes a finished batch; settles once it is written (a tar's batch waits for the ones before it). */
  add(batch: FinishedBatch): Promise<void> | void;
  /** Every batch added: closes the shard; its record, or null for a stream (which records nothing). */
  finalize(): Promise<ShardRecord | null>;
  /** Abandons the shard: temporary files removed, batches still waiting refused. */
  abort(): void;
}

export type OpenShard = (shard: PlannedShard) => ShardOutput;

/** Index rows as the CSV and the JSON members have them: position, label, class, file, every drawn parameter. */
class IndexRows {
  private readonly columns: ParamColumn[];
  private readonly names: string[];

  constructor(
    config: Config,
    private readonly classes: readonly string[],
  ) {
    this.columns = paramColumns(config);
    this.names = ['position', 'label', 'class', 'file', ...this.columns];
  }

  csv(items: readonly BatchItem[], params: readonly SampleParams[]): string {
    let out = '';
    items.forEach((item, i) => {
      out += csvLine([
        item.position,
        item.label,
        this.classes[item.label],
        item.file,
        ...paramFields(params[i], this.columns),
      ]);
    });
    return out;
  }

  /**
   * One JSON object per sample, keys in the CSV's column order. Values are the CSV's, typed: the integers as
   * integers, the drawn floats always with a decimal point (so typed readers see one type per key), text as
   * strings ("" where the CSV is empty: _silence_'s file).
   */
  json(item: BatchItem, params: SampleParams): string {
    const values = [
      item.position,
      item.label,
      this.classes[item.label],
      item.file ?? '',
      ...paramFields(params, this.columns),
    ];
    let out = '{';
    this.names.forEach((name, i) => {
      const v = values[i];
      const text = typeof v === 'string' ? JSON.stringify(v) : FLOAT_COLUMNS.has(name) ? floatText(v) : String(v);
      out += `${i ? ',' : ''}${JSON.stringify(name)}:${text}`;
    });
    return out + '}';
  }
}

/** The drawn parameters that are real numbers (bg_offset is a sample count). */
const FLOAT_COLUMNS = new Set(['offset', 'speed', 'pitch', 'vtlp', 'loudness', 'noise_factor']);

/** A finite number as JSON with a decimal point or an exponent: 1 -> 1.0, 0.25 -> 0.25, 1e-7 -> 1e-7. */
const floatText = (v: number) => {
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
};

/** Encodes finished batches as WebDataset members. */
class TarBatches {
  private readonly encoder: WdsEncoder;
  private readonly labelled: boolean;

  constructor(
    layout: OutputLayout,
    private readonly index: IndexRows,
  ) {
    this.encoder = new WdsEncoder(layout.x.dtype, layout.x.sampleShape);
    this.labelled = layout.y !== null;
  }

  members(shard: PlannedShard, b: FinishedBatch): Uint8Array {
    if (!b.rows) throw new Error(`batch at position ${b.start} came back without its rows`);
    const { subset, epoch } = shard.spec;
    const samples = b.items.map((item, i) => ({
      key: sampleKey(subset, epoch, item.position),
      label: this.labelled ? item.label : null,
      json: this.index.json(item, b.params[i]),
    }));
    return this.encoder.encode(samples, b.rows);
  }
}

/** Shards as files under `outDir`, in the config's output.format. */
export function fileOutputs(
  config: Config,
  outDir: string,
  layout: OutputLayout,
  classes: readonly string[],
): OpenShard {
  const index = new IndexRows(config, classes);
  if (config.output.format === 'webdataset') {
    const tar = new TarBatches(layout, index);
    return (shard) => {
      if (!('tar' in shard.files)) throw new Error(`shard ${shardId(shard.files)} is not a tar shard`);
      const writer = new TarShardWriter(outDir, shard.spec, shard.files.tar);
      const { subset, epoch, shard: n, start, count } = shard.spec;
      return {
        rowFile: () => null,
        add: (b) => writer.add(b.start, b.items.length, tar.members(shard, b)),
        finalize: async () => ({ subset, epoch, shard: n, start, count, tar: await writer.finalize() }),
        abort: () => writer.abort(),
      };
    };
  }
  return (shard) => {
    if ('tar' in shard.files) throw new Error(`shard ${shard.files.tar} is not an npy shard`);
    const writer = new ShardWriter(outDir, shard.spec, shard.files, layout.x, layout.y, layout.columns);
    return {
      rowFile: (start) => ({ xPath: writer.xTmpPath, xOffset: writer.xOffset(start) }),
      add: (b) =>
        writer.addBatch(
          b.start,
          b.items.map((i) => i.label),
          index.csv(b.items, b.params),
        ),
      finalize: () => writer.finalize(),
      abort: () => writer.abort(),
    };
  };
}

/**
 * One tar on a stream: the members of every shard opened, in the order they are opened (the build's order), each
 * shard's batches in position order; end() closes the archive.
 */
export class TarStream {
  private readonly order: InOrder;
  private readonly tar: TarBatches;
  /** Samples of the shards opened so far: where the next shard's first sample goes in the stream. */
  private opened = 0;
  /** Samples written to the stream. */
  get samples(): number {
    return this.order.position;
  }

  constructor(
    config: Config,
    layout: OutputLayout,
    classes: readonly string[],
    private readonly sink: ChunkSink,
  ) {
    this.tar = new TarBatches(layout, new IndexRows(config, classes));
    this.order = new InOrder(0, sink);
  }

  readonly open: OpenShard = (shard) => {
    const base = this.opened - shard.spec.start;
    this.opened += shard.spec.count;
    return {
      rowFile: () => null,
      add: (b) => this.order.add(base + b.start, b.items.length, this.tar.members(shard, b)),
      finalize: async () => null,
      abort: () => this.order.fail(new Error('the stream was abandoned')),
    };
  };

  /** Ends the archive once every opened shard is written. */
  async end(): Promise<void> {
    if (this.order.position !== this.opened)
      throw new Error(`the stream ends with samples missing (${this.order.position}/${this.opened})`);
    await this.sink(TAR_END);
  }
}
