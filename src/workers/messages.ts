// What crosses the process boundary between the build and its workers (a discriminated union, no `any`).
import type { Config, Subset } from '../config/schema.js';
import type { SampleParams } from '../sample/params.js';
import type { BackgroundFile } from '../augment/background.js';

/** What every worker needs besides the batches: the config and the background-noise files. */
export interface WorkContext {
  config: Config;
  background: BackgroundFile[];
}

export interface BatchItem {
  position: number;
  label: number;
  /** Relative to the dataset directory; null for _silence_. */
  file: string | null;
}

/** A batch: consecutive positions of one shard. The worker writes their x rows into the shard's file itself. */
export interface BatchJob {
  subset: Subset;
  epoch: number;
  batchIndex: number;
  items: BatchItem[];
  /** Absolute path of the shard's x file being written, and the byte offset of the batch's first row. */
  xPath: string;
  xOffset: number;
}

export interface BatchResult {
  /** Drawn parameters per item, in item order. */
  params: SampleParams[];
}

export type ToWorker =
  | { type: 'init'; context: WorkContext }
  | { type: 'batch'; id: number; job: BatchJob };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: BatchResult }
  | { type: 'failed'; id: number; message: string; exitCode: number };
