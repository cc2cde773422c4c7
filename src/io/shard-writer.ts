// One shard being written: x and y (rows and labels written by workers at fixed offsets), and the index CSV (the
// workers' rows appended here in position order). All under temporary names until finalize() renames them.
import { openSync, closeSync, writeSync, ftruncateSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Dtype } from '../config/schema.js';
import type { ShardSpec } from './layout.js';
import { ensureDir, outputError, tmpName } from './atomic.js';
import { csvLine } from './csv.js';
import type { LabelFormat } from './labels.js';
import type { NpyShardFiles } from './layout.js';
import { DTYPE_BYTES, npyHeader } from './npy.js';
import type { SealedFile, Sealer } from './seal.js';

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

/** Where a batch's rows and labels go: the x and y files being written (y null without labels), byte offsets. */
export interface RowFiles {
  xPath: string;
  xOffset: number;
  yPath: string | null;
  yOffset: number;
}

export interface XFormat {
  dtype: Dtype;
  sampleShape: number[];
}

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

/** Writes an npy header and sizes the file for its rows, so workers can write them at their offsets in any order. */
function preallocate(file: OpenFile, header: Uint8Array, rowsBytes: number): number {
  writeAll(file, header, 0);
  try {
    ftruncateSync(file.fd, header.length + rowsBytes);
  } catch (err) {
    throw outputError(file.tmp, err);
  }
  return header.length;
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
  /** Where the workers write the rows and labels of the batch at a position. */
  readonly rowFiles: (start: number) => RowFiles;
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
      this.xHeaderBytes = preallocate(
        this.x,
        npyHeader(xFormat.dtype, [spec.count, ...xFormat.sampleShape]),
        spec.count * this.rowBytes,
      );
      this.y = null;
      this.yRowBytes = 0;
      this.yHeaderBytes = 0;
      if (yFormat) {
        this.y = open(files.y);
        this.yRowBytes = yFormat.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[yFormat.dtype];
        this.yHeaderBytes = preallocate(
          this.y,
          npyHeader(yFormat.dtype, [spec.count, ...yFormat.shape]),
          spec.count * this.yRowBytes,
        );
      }
      this.index = open(files.index);
      writeAll(this.index, Buffer.from(csvLine(columns)), null);
    } catch (err) {
      for (const f of opened) removeTmp(f, true);
      throw err;
    }
    this.csvNext = spec.start;
    const y = this.y;
    this.rowFiles = (start) => ({
      xPath: this.x.tmp,
      xOffset: this.xHeaderBytes + (start - spec.start) * this.rowBytes,
      yPath: y ? y.tmp : null,
      yOffset: this.yHeaderBytes + (start - spec.start) * this.yRowBytes,
    });
  }

  /** How many of x's bytes are final: the header and the rows of every batch whose index rows are written. */
  get xComplete(): number {
    return this.xHeaderBytes + (this.csvNext - this.spec.start) * this.rowBytes;
  }

  get xPath(): string {
    return this.x.tmp;
  }

  /** Appends a finished batch's index rows, in position order (a batch that comes back early waits here). */
  addRows(start: number, count: number, csvRows: string): void {
    this.csvPending.set(start, { rows: csvRows, count });
    for (let next = this.csvPending.get(this.csvNext); next; next = this.csvPending.get(this.csvNext)) {
      this.csvPending.delete(this.csvNext);
      writeAll(this.index, Buffer.from(next.rows), null);
      this.csvNext += next.count;
    }
  }

  /** Closes the files, has them flushed and hashed (by a worker, in a build), and renames them. */
  async finalize(sealer: Sealer): Promise<NpyShardRecord> {
    if (this.csvNext !== this.spec.start + this.spec.count) {
      throw new Error(
        `shard ${this.files.x} finalized with rows missing (${this.csvNext - this.spec.start}/${this.spec.count})`,
      );
    }
    const open = [this.x, this.y, this.index].filter((f): f is OpenFile => f !== null);
    // Marked closed first: an abort() meanwhile leaves the temporary files to be removed, not closed twice.
    this.closed = true;
    for (const f of open) closeQuietly(f.fd);
    const sealed = await sealer.seal(open.map((f) => f.tmp));
    const record = (f: OpenFile, rel: string): FileRecord => {
      const s: SealedFile = sealed[open.indexOf(f)];
      return { path: rel, bytes: s.bytes, sha256: s.sha256 };
    };
    const x = {
      ...record(this.x, this.files.x),
      shape: [this.spec.count, ...this.xFormat.sampleShape],
      dtype: this.xFormat.dtype,
    };
    const y =
      this.y && this.yFormat
        ? {
            ...record(this.y, this.files.y),
            shape: [this.spec.count, ...this.yFormat.shape],
            dtype: this.yFormat.dtype,
          }
        : null;
    const index = record(this.index, this.files.index);
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
