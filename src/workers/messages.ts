// What crosses the process boundary between the build and its workers (a discriminated union, no `any`). Kept
// compact: a batch is named by its positions, a probe's outcomes travel as two number arrays and the bad files.
import type { FolderListing } from '../dataset/list.js';
import type { ProbeOutcome } from '../dataset/probe.js';
import type { SealedFile } from '../io/seal.js';
import type { BatchOutput, ShardBatch, WorkerSetup } from './runner.js';

export type ToWorker =
  /** Load PFFFT now, while the dataset is listed: the config's transforms need it (no reply). */
  | { type: 'preload' }
  | { type: 'init'; setup: WorkerSetup }
  | { type: 'batch'; id: number; batch: ShardBatch }
  /** Clips to probe before planning (no init needed). */
  | { type: 'probe'; id: number; paths: string[] }
  /** A class folder to walk for clips before planning (no init needed): listClassFiles's arguments. */
  | { type: 'list'; id: number; root: string; folder: string; followLinks: boolean; extensions: string[] }
  /** Bytes [from, to) of a shard file being written are final: hash them ahead of its seal. */
  | { type: 'digest'; id: number; path: string; from: number; to: number }
  /** A finished shard's files to flush and hash. */
  | { type: 'seal'; id: number; paths: string[] };

/** Probe outcomes of a list of clips: size and time of each, and the reasons of the bad ones by index. */
export interface ProbeReply {
  sizes: Float64Array;
  mtimes: Float64Array;
  bad: [number, string][];
}

// workUs: the worker's CPU time (user + system, µs) so far, but for loading its code and its setup: what the build
// reports as its workers' cost per sample.
export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; id: number; output: BatchOutput; workUs: number }
  | { type: 'probe'; id: number; probed: ProbeReply; workUs: number }
  | { type: 'list'; id: number; listing: FolderListing; workUs: number }
  | { type: 'digest'; id: number; workUs: number }
  | { type: 'seal'; id: number; sealed: SealedFile[]; workUs: number }
  | { type: 'failed'; id: number; message: string; exitCode: number };

export function packProbe(outcomes: readonly ProbeOutcome[]): ProbeReply {
  const sizes = new Float64Array(outcomes.length);
  const mtimes = new Float64Array(outcomes.length);
  const bad: [number, string][] = [];
  outcomes.forEach((o, i) => {
    sizes[i] = o.size;
    mtimes[i] = o.mtimeMs;
    if (o.reason !== null) bad.push([i, o.reason]);
  });
  return { sizes, mtimes, bad };
}

export function unpackProbe(reply: ProbeReply): ProbeOutcome[] {
  const out: ProbeOutcome[] = [];
  for (let i = 0; i < reply.sizes.length; i++)
    out.push({ reason: null, size: reply.sizes[i], mtimeMs: reply.mtimes[i] });
  for (const [i, reason] of reply.bad) out[i].reason = reason;
  return out;
}
