// One shard being written: x (rows written by workers at fixed offsets), y (labels, written here), and the index
// CSV (rows appended in position order). All under temporary names until finalize() renames them.
import {
  openSync,
  closeSync,
  writeSync,
  fsync,
  ftruncateSync,
  renameSync,
  unlinkSync,
  createReadStream,
  statSync,
} from 'node:fs';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Dtype } from '../config/schema.js';
import type { ShardSpec } from './layout.js';
import { ensureDir, outputError, tmpName } from './atomic.js';
import { csvLine } from './csv.js';
import { encodeLabels, type LabelFormat } from './labels.js';
import type { NpyShardFiles } from './layout.js';
import { DTYPE_BYTES, npyHeader } from './npy.js';

export interface FileRecord {
  /** Relative to the output directory. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface ArrayRecord extends FileRecord {
  shape: number[];
  dtype: Dtype;
}

interface ShardRecordBase {
  subset: ShardSpec['subset'];
  epoch: number;
  shard: number;
  /** Positions [start, start + count) of the epoch. */
  start: number;
  count: number;
}

/** A finished shard of output.format npy: its x, y (null without labels) and index files. */
export interface NpyShardRecord extends ShardRecordBase {
  x: ArrayRecord;
  y: ArrayRecord | null;
  index: FileRecord;
}

/** A finished shard of output.format webdataset: its tar. */
export interface TarShardRecord extends ShardRecordBase {
  tar: FileRecord;
}

export type ShardRecord = NpyShardRecord | TarShardRecord;

/** The file that names a finished shard (its x, or its tar): what records are keyed by. */
export const recordId = (r: ShardRecord): string => ('tar' in r ? r.tar.path : r.x.path);

/** A finished shard's files, as recorded. */
export const recordFiles = (r: ShardRecord): FileRecord[] =>
  'tar' in r ? [r.tar] : [r.x, ...(r.y ? [r.y] : []), r.index];

export interface XFormat {
  dtype: Dtype;
  sampleShape: number[];
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const fsyncAsync = promisify(fsync);

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** Closes (when still open) and deletes a temporary file, ignoring what is already gone. */
function removeTmp(f: OpenFile, close: boolean): void {
  if (close) closeQuietly(f.fd);
  try {
    unlinkSync(f.tmp);
  } catch {
    // never created or already renamed
  }
}

interface OpenFile {
  final: string;
  tmp: string;
  fd: number;
}

function openTmp(outDir: string, rel: string): OpenFile {
  const final = join(outDir, rel);
  const tmp = tmpName(final);
  ensureDir(dirname(final));
  try {
    return { final, tmp, fd: openSync(tmp, 'w+') };
  } catch (err) {
    throw outputError(tmp, err);
  }
}

function writeAll(file: OpenFile, data: Uint8Array, position: number | null): void {
  try {
    let done = 0;
    while (done < data.length) {
      done += writeSync(file.fd, data, done, data.length - done, position === null ? null : position + done);
    }
  } catch (err) {
    throw outputError(file.tmp, err);
  }
}

export class ShardWriter {
  readonly xHeaderBytes: number;
  readonly rowBytes: number;
  private readonly x: OpenFile;
  private readonly y: OpenFile | null;
  private readonly index: OpenFile;
  private readonly yRowBytes: number;
  private readonly yHeaderBytes: number;
  private readonly csvPending = new Map<number, { rows: string; count: number }>();
  private csvNext: number;
  private closed = false;

  constructor(
    outDir: string,
    readonly spec: ShardSpec,
    private readonly files: NpyShardFiles,
    private readonly xFormat: XFormat,
    private readonly yFormat: LabelFormat | null,
    columns: readonly string[],
  ) {
    const rowElements = xFormat.sampleShape.reduce((a, b) => a * b, 1);
    this.rowBytes = rowElements * DTYPE_BYTES[xFormat.dtype];
    // Files opened so far: a failure half-way (a full disk) removes them, as abort() would.
    const opened: OpenFile[] = [];
    const open = (rel: string) => {
      const f = openTmp(outDir, rel);
      opened.push(f);
      return f;
    };
    try {
      this.x = open(files.x);
      const header = npyHeader(xFormat.dtype, [spec.count, ...xFormat.sampleShape]);
      this.xHeaderBytes = header.length;
      writeAll(this.x, header, 0);
      try {
        // Allocate the whole file now so workers can write rows at their offsets in any order.
        ftruncateSync(this.x.fd, header.length + spec.count * this.rowBytes);
      } catch (err) {
        throw outputError(this.x.tmp, err);
      }
      this.y = null;
      this.yRowBytes = 0;
      this.yHeaderBytes = 0;
      if (yFormat) {
        this.y = open(files.y);
        const yHeader = npyHeader(yFormat.dtype, [spec.count, ...yFormat.shape]);
        this.yHeaderBytes = yHeader.length;
        this.yRowBytes = yFormat.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[yFormat.dtype];
        writeAll(this.y, yHeader, 0);
      }
      this.index = open(files.index);
      writeAll(this.index, Buffer.from(csvLine(columns)), null);
    } catch (err) {
      for (const f of opened) removeTmp(f, true);
      throw err;
    }
    this.csvNext = spec.start;
  }

  get xTmpPath(): string {
    return this.x.tmp;
  }

  /** Byte offset in x of the row at this epoch position. */
  xOffset(position: number): number {
    return this.xHeaderBytes + (position - this.spec.start) * this.rowBytes;
  }

  /** Records a finished batch: its labels into y, its index rows in position order. */
  addBatch(start: number, labels: readonly number[], csvRows: string): void {
    if (this.y && this.yFormat) {
      const data = encodeLabels(this.yFormat, labels);
      const offset = this.yHeaderBytes + (start - this.spec.start) * this.yRowBytes;
      writeAll(this.y, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    }
    this.csvPending.set(start, { rows: csvRows, count: labels.length });
    for (let next = this.csvPending.get(this.csvNext); next; next = this.csvPending.get(this.csvNext)) {
      this.csvPending.delete(this.csvNext);
      writeAll(this.index, Buffer.from(next.rows), null);
      this.csvNext += next.count;
    }
  }

  /** Flushes, hashes and renames the files to their final names. */
  async finalize(): Promise<NpyShardRecord> {
    if (this.csvNext !== this.spec.start + this.spec.count) {
      throw new Error(
        `shard ${this.files.x} finalized with rows missing (${this.csvNext - this.spec.start}/${this.spec.count})`,
      );
    }
    const open = [this.x, this.y, this.index].filter((f): f is OpenFile => f !== null);
    // Off the event loop (libuv's thread pool): the build keeps handing out batches while the disk catches up.
    // Marked closed first: an abort() meanwhile leaves the descriptors to this code.
    this.closed = true;
    await Promise.all(
      open.map(async (f) => {
        try {
          await fsyncAsync(f.fd);
        } catch (err) {
          // The build fails; the descriptor is closed all the same (abort() leaves them to this code now).
          closeQuietly(f.fd);
          throw outputError(f.tmp, err);
        }
        closeSync(f.fd);
      }),
    );
    const record = async (f: OpenFile, rel: string): Promise<FileRecord> => {
      const sha256 = await sha256File(f.tmp);
      return { path: rel, bytes: statSync(f.tmp).size, sha256 };
    };
    const x = {
      ...(await record(this.x, this.files.x)),
      shape: [this.spec.count, ...this.xFormat.sampleShape],
      dtype: this.xFormat.dtype,
    };
    const y =
      this.y && this.yFormat
        ? {
            ...(await record(this.y, this.files.y)),
            shape: [this.spec.count, ...this.yFormat.shape],
            dtype: this.yFormat.dtype,
          }
        : null;
    const index = await record(this.index, this.files.index);
    for (const f of open) {
      try {
        renameSync(f.tmp, f.final);
      } catch (err) {
        throw outputError(f.final, err);
      }
    }
    const { subset, epoch, shard, start, count } = this.spec;
    return { subset, epoch, shard, start, count, x, y, index };
  }

  /** Removes the temporary files (interrupt or failure). */
  abort(): void {
    for (const f of [this.x, this.y, this.index]) if (f) removeTmp(f, !this.closed);
    // Closed once: the numbers may belong to other files by a second call.
    this.closed = true;
  }
}
