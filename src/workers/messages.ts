// What crosses the process boundary between the build and its workers (a discriminated union, no `any`).
import type { BatchJob, BatchResult, WorkContext } from '../sample/batch.js';

export type ToWorker = { type: 'init'; context: WorkContext } | { type: 'batch'; id: number; job: BatchJob };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: BatchResult }
  | { type: 'failed'; id: number; message: string; exitCode: number };
