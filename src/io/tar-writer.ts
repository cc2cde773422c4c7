// One shard as a tar file (output.format: webdataset), under its temporary name until finalize() renames it:
// batches of members arrive in any order and are appended in position order.
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDir, outputError, tmpName } from './atomic.js';
import { InOrder } from './in-order.js';
import type { ShardSpec } from './layout.js';
import type { Sealer } from './seal.js';
import type { FileRecord } from './shard-writer.js';
import { TAR_END } from './tar.js';

export class TarShardWriter {
  private readonly final: string;
  private readonly tmp: string;
  private readonly fd: number;
  private readonly order: InOrder;
  private bytes = 0;
  private closed = false;

  constructor(
    outDir: string,
    readonly spec: ShardSpec,
    private readonly rel: string,
  ) {
    this.final = join(outDir, rel);
    this.tmp = tmpName(this.final);
    ensureDir(dirname(this.final));
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw outputError(this.tmp, err);
    }
    this.order = new InOrder(spec.start, (chunk) => this.append(chunk));
  }

  private append(chunk: Uint8Array): void {
    try {
      for (let done = 0; done < chunk.length; ) done += writeSync(this.fd, chunk, done, chunk.length - done);
    } catch (err) {
      throw outputError(this.tmp, err);
    }
    this.bytes += chunk.length;
  }

  /** The members of the samples at positions [start, start + count); settles once they are in the file. */
  add(start: number, count: number, members: Uint8Array): Promise<void> {
    return this.order.add(start, count, members);
  }

  /** Bytes appended so far, all final. */
  get complete(): number {
    return this.bytes;
  }

  get path(): string {
    return this.tmp;
  }

  /** Ends the archive, has it flushed and hashed (by a worker, in a build), and renames it. */
  async finalize(sealer: Sealer): Promise<FileRecord> {
    const end = this.spec.start + this.spec.count;
    if (this.order.position !== end)
      throw new Error(
        `shard ${this.rel} finalized with samples missing (${this.order.position - this.spec.start}/${this.spec.count})`,
      );
    this.append(TAR_END);
    // Marked closed first: an abort() meanwhile leaves the descriptor to this code.
    this.closed = true;
    closeSync(this.fd);
    const [sealed] = await sealer.seal([this.tmp]);
    try {
      renameSync(this.tmp, this.final);
    } catch (err) {
      throw outputError(this.final, err);
    }
    return { path: this.rel, bytes: sealed.bytes, sha256: sealed.sha256 };
  }

  /** Removes the temporary file (interrupt or failure); batches still waiting are refused. */
  abort(): void {
    this.order.fail(new Error(`shard ${this.rel} abandoned`));
    if (!this.closed) {
      this.closed = true;
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // never created or already renamed
    }
  }
}
