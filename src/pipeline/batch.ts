// Processes one batch: reads each clip, renders it, and writes the batch's rows into the shard's x file at their
// fixed offset. Used by workers and, with `debug: true`, by the main process itself.
import { readFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { BackgroundNoise } from '../augment/background.js';
import { decodeWav, WavError, type DecodedAudio } from '../audio/wav.js';
import { AudiogenError } from '../errors.js';
import { outputError } from '../io/atomic.js';
import { DTYPE_BYTES } from '../io/npy.js';
import { drawParams, sampleRng } from './params.js';
import { SampleRenderer } from './sample.js';
import type { BatchJob, BatchResult, WorkContext } from './messages.js';

export function readClip(datasetDir: string, file: string): DecodedAudio {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(datasetDir, file));
  } catch (err) {
    throw new AudiogenError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return decodeWav(bytes);
  } catch (err) {
    if (err instanceof WavError) throw new AudiogenError(`${file}: ${err.message}`);
    throw err;
  }
}

export class BatchProcessor {
  private readonly renderer: SampleRenderer;
  private readonly rowBytes: number;
  private readonly catalog: { name: string; samples: number }[];

  constructor(private readonly context: WorkContext) {
    const { config, background } = context;
    const noise = background.length > 0 ? new BackgroundNoise(background, config.frontend.sample_rate_hz) : null;
    this.catalog = noise?.catalog ?? [];
    this.renderer = new SampleRenderer(config, noise);
    this.rowBytes = this.renderer.rowElements * DTYPE_BYTES[this.renderer.dtype];
  }

  /** `beforeSample(i)` is called before item i is processed (crash reporting). */
  run(job: BatchJob, beforeSample?: (item: number) => void): BatchResult {
    const rows = Buffer.alloc(job.items.length * this.rowBytes);
    const row = this.renderer.newRow();
    const rowView = Buffer.from(row.buffer, row.byteOffset, row.byteLength);
    const params = job.items.map((item, i) => {
      beforeSample?.(i);
      const { config } = this.context;
      const p = drawParams(config, this.catalog, job.subset, job.epoch, item.position);
      const decoded = item.file === null ? null : readClip(config.dataset.directory, item.file);
      const noiseRng = sampleRng(config, job.subset, job.epoch, item.position, 'noise-samples');
      const audio = this.renderer.renderAudio(decoded, p, noiseRng);
      this.renderer.encodeRow(audio, this.renderer.features(audio), row);
      rowView.copy(rows, i * this.rowBytes);
      return p;
    });
    writeAt(job.xPath, job.xOffset, rows);
    return { params };
  }
}

function writeAt(path: string, offset: number, data: Buffer): void {
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
