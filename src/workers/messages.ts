// What crosses the process boundary between the build and its workers (a discriminated union, no `any`).
import type { BatchJob, BatchResult, WorkContext } from '../sample/batch.js';

export type ToWorker = { type: 'init'; context: WorkContext } | { type: 'batch'; id: number; job: BatchJob };

export type FromWorker =
  // cpuUs: the worker's CPU time so far (user + system, µs), so the build can report its workers' cost per sample.
  | { type: 'ready'; cpuUs: number }
  | { type: 'done'; id: number; result: BatchResult; cpuUs: number }
  | { type: 'failed'; id: number; message: string; exitCode: number };
