// Where a bake's batches go, per output.format: npy shard files (workers write the rows and labels themselves at
// their offsets and send the index rows, appended here), tar shard files, or one tar on a stream (`build --stdout`).
// A tar's samples are its members in position order: the workers encode them, and a batch's wait here for the
// batches before them.
import type { ChunkSink } from '../io/in-order.js';
import { InOrder } from '../io/in-order.js';
import { shardId } from '../io/layout.js';
import type { Sealer } from '../io/seal.js';
import { ShardWriter, type RowFiles, type ShardRecord } from '../io/shard-writer.js';
import { TAR_END } from '../io/tar.js';
import { TarShardWriter } from '../io/tar-writer.js';
import type { PlannedShard } from '../plan/shards.js';
import type { OutputLayout } from '../sample/output-layout.js';
import type { BatchOutput } from '../workers/runner.js';

/** One shard being written. */
export interface ShardOutput {
  /** Where workers write the rows and labels of the batch at `start` themselves (npy), or null: they send members. */
  rowFiles(start: number): RowFiles | null;
  /** Writes a finished batch; settles once it is written (a tar's batch waits for the ones before it). */
  add(start: number, count: number, output: BatchOutput): Promise<void> | void;
  /** Every batch added: closes and seals the shard; its record, or null for a stream (which records nothing). */
  finalize(): Promise<ShardRecord | null>;
  /** Abandons the shard: temporary files removed, batches still waiting refused. */
  abort(): void;
}

/** A batch's members (tar) or index rows (npy), or a clear error when the worker sent the other kind. */
function membersOf(start: number, output: BatchOutput): Uint8Array {
  if (!('members' in output)) throw new Error(`batch at position ${start} came back without its members`);
  return output.members;
}

/** Opens a shard; `sealer` (a worker, in a build) hashes its growing file ahead and seals it. */
export type OpenShard = (shard: PlannedShard, sealer: Sealer) => ShardOutput;

// Final bytes of a growing shard file handed to its sealer at a time: few messages, little left for the seal.
const AHEAD_BYTES = 8 << 20;

/** Hands a growing file's final bytes to its sealer as they accumulate; done() waits for what was handed. */
class HashAhead {
  private handed = 0;
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly sealer: Sealer,
    private readonly path: string,
  ) {}

  /** The file's first `complete` bytes are final. */
  grew(complete: number): void {
    if (complete - this.handed < AHEAD_BYTES) return;
    const ahead = this.sealer.ahead(this.path, this.handed, complete);
    // Awaited by done(); marked handled now, so a failure before then is not an unhandled rejection.
    ahead.catch(() => {});
    this.pending.push(ahead);
    this.handed = complete;
  }

  async done(): Promise<void> {
    await Promise.all(this.pending);
  }
}

/** Shards as files under `outDir`, in the config's output.format. */
export function fileOutputs(outDir: string, layout: OutputLayout, format: 'npy' | 'webdataset'): OpenShard {
  if (format === 'webdataset') {
    return (shard, sealer) => {
      if (!('tar' in shard.files)) throw new Error(`shard ${shardId(shard.files)} is not a tar shard`);
      const writer = new TarShardWriter(outDir, shard.spec, shard.files.tar);
      const ahead = new HashAhead(sealer, writer.path);
      const { subset, epoch, shard: n, start, count } = shard.spec;
      return {
        rowFiles: () => null,
        add: async (at, samples, output) => {
          await writer.add(at, samples, membersOf(at, output));
          ahead.grew(writer.complete);
        },
        finalize: async () => {
          await ahead.done();
          return { subset, epoch, shard: n, start, count, tar: await writer.finalize(sealer) };
        },
        abort: () => writer.abort(),
      };
    };
  }
  return (shard, sealer) => {
    if ('tar' in shard.files) throw new Error(`shard ${shard.files.tar} is not an npy shard`);
    const writer = new ShardWriter(outDir, shard.spec, shard.files, layout.x, layout.y, layout.columns);
    const ahead = new HashAhead(sealer, writer.xPath);
    return {
      rowFiles: (start) => writer.rowFiles(start),
      add: (at, samples, output) => {
        if (!('csv' in output)) throw new Error(`batch at position ${at} came back without its index rows`);
        writer.addRows(at, samples, output.csv);
        // The rows before the index rows written are final: a worker wrote them before it answered.
        ahead.grew(writer.xComplete);
      },
      finalize: async () => {
        await ahead.done();
        return writer.finalize(sealer);
      },
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
  /** Samples of the shards opened so far: where the next shard's first sample goes in the stream. */
  private opened = 0;
  /** Samples written to the stream. */
  get samples(): number {
    return this.order.position;
  }

  constructor(private readonly sink: ChunkSink) {
    this.order = new InOrder(0, sink);
  }

  readonly open: OpenShard = (shard) => {
    const base = this.opened - shard.spec.start;
    this.opened += shard.spec.count;
    return {
      rowFiles: () => null,
      add: (at, samples, output) => this.order.add(base + at, samples, membersOf(at, output)),
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
