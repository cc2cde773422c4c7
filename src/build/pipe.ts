// `build --stdout`: the build's samples as one WebDataset tar on a stream, every selected (subset, epoch) in the
// build's own order, members in position order. Nothing is written anywhere else — no shard file, state log, lock
// or manifest — so a stream stopped at any point leaves nothing behind. Memory stays bounded: a batch counts
// against the in-flight limit until it is on the stream, and a full pipe holds back the next one.
import type { Writable } from 'node:stream';
import { subsetsOf, workerCount } from '../config/derive.js';
import type { Config, Subset } from '../config/schema.js';
import { listDataset } from '../dataset/dataset.js';
import { AudiogenError, EXIT } from '../errors.js';
import { outputError } from '../io/atomic.js';
import { makePlan, plannedShards } from '../plan/shards.js';
import { summarize } from '../dataset/dataset.js';
import { hooksHash, loadHooks } from '../sample/hooks.js';
import { needsSimdFFT } from '../sample/batch.js';
import { ForkPool } from '../workers/pool.js';
import { discardWorkers } from '../workers/prestart.js';
import { Bake } from './bake.js';
import type { BuildEvents } from './build.js';
import { TarStream } from './outputs.js';

export interface StreamSelection {
  subset?: Subset;
  epoch?: number;
}

export interface StreamOptions {
  /** Where the tar goes (standard output). */
  out: Writable;
  select?: StreamSelection;
  events?: BuildEvents;
  signal?: AbortSignal;
}

export interface StreamSummary {
  /** Samples written to the stream, and those selected. */
  samples: number;
  selected: number;
  /** (subset, epoch) pairs selected, in stream order. */
  epochs: { subset: Subset; epoch: number }[];
  bytes: number;
  workers: number;
  seconds: number;
  samplesPerSecond: number;
  /** The reader closed the stream before the end (a trainer that exited): the build stopped there. */
  closedByReader: boolean;
}

/** The subsets and epochs a selection names, checked against the config (a usage error names the flag). */
export function selectEpochs(config: Config, select: StreamSelection = {}): { subset: Subset; epoch: number }[] {
  const subsets = subsetsOf(config);
  if (select.subset !== undefined && !subsets.includes(select.subset))
    throw new AudiogenError(
      `--subset ${select.subset}: this config bakes ${subsets.join(', ')} (output.subsets, or a split that gives the subset samples)`,
      EXIT.config,
    );
  const epochs = config.output.epochs;
  if (select.epoch !== undefined && !(Number.isInteger(select.epoch) && select.epoch >= 0 && select.epoch < epochs))
    throw new AudiogenError(
      `--epoch ${select.epoch}: expected an epoch number from 0 to ${epochs - 1} (output.epochs is ${epochs})`,
      EXIT.config,
    );
  const out: { subset: Subset; epoch: number }[] = [];
  for (let epoch = 0; epoch < epochs; epoch++)
    for (const subset of subsets)
      if ((select.subset ?? subset) === subset && (select.epoch ?? epoch) === epoch) out.push({ subset, epoch });
  return out;
}

/** Writes to a stream, waiting for a full pipe to drain; a reader that went away (EPIPE) is told apart. */
class StreamSink {
  bytes = 0;
  /** The reader closed the pipe. */
  closedByReader = false;
  private failure: Error | null = null;
  private readonly wake = new Set<() => void>();

  constructor(
    private readonly out: Writable,
    private readonly onClosed: () => void,
  ) {
    out.on('error', this.onError);
  }

  private readonly onError = (err: NodeJS.ErrnoException) => {
    if (this.failure) return;
    this.closedByReader = err.code === 'EPIPE' || err.code === 'ECONNRESET' || err.code === 'ERR_STREAM_DESTROYED';
    this.failure = this.closedByReader
      ? new AudiogenError('the reader closed standard output')
      : outputError('standard output', err);
    this.onClosed();
    for (const w of this.wake) w();
  };

  readonly write = (bytes: Uint8Array): void | Promise<void> => {
    if (this.failure) throw this.failure;
    this.bytes += bytes.length;
    let ready: boolean;
    try {
      ready = this.out.write(bytes);
    } catch (err) {
      throw outputError('standard output', err);
    }
    if (ready) return;
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.wake.delete(done);
        this.out.off('drain', done);
        if (this.failure) reject(this.failure);
        else resolve();
      };
      this.wake.add(done);
      this.out.on('drain', done);
    });
  };

  /** Resolves once everything written has left the process (or the stream failed). */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.out.write(Buffer.alloc(0), (err) => (err || this.failure ? reject(this.failure ?? err) : resolve()));
    });
  }

  /** Fails every write still waiting (the build stops). */
  release(): void {
    for (const w of this.wake) w();
  }
}

export async function buildToStream(config: Config, opts: StreamOptions): Promise<StreamSummary> {
  const started = performance.now();
  if (config.output.format !== 'webdataset')
    throw new AudiogenError(
      `--stdout streams WebDataset tar: set output.format: webdataset (it is ${config.output.format})`,
      EXIT.config,
    );
  const epochs = selectEpochs(config, opts.select);
  const events = opts.events ?? {};
  const workers = config.generator.debug ? 1 : workerCount(config.generator.cores);
  const pool = config.generator.debug ? null : ForkPool.fork(workers, { simdFFT: needsSimdFFT(config) });
  if (!pool) discardWorkers();

  // A reader that closes the pipe stops the build as an interrupt would, and is not an error.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const sink = new StreamSink(opts.out, () => stop.abort('the reader closed standard output'));
  let stream: TarStream | null = null;
  let selected = 0;
  try {
    const hooks = await loadHooks(config.hooks);
    // write: false: a shuffle index is computed in memory, as partitions do; nothing is written anywhere.
    const listing = await listDataset(config, {
      write: false,
      listValidFilenames: hooks.listValidFilenames,
      signal,
      probe: pool ? (paths) => pool.probe(paths, signal) : undefined,
    });
    for (const w of listing.warnings) events.note?.(`warning: ${w}`);
    const plan = makePlan(config, listing, hooksHash(config.hooks));
    const summary = summarize(listing);
    const wanted = new Set(epochs.map((e) => `${e.subset}:${e.epoch}`));
    const shards = plannedShards(config, summary).filter((s) => wanted.has(`${s.spec.subset}:${s.spec.epoch}`));
    selected = shards.reduce((a, s) => a + s.spec.count, 0);
    stream = new TarStream(sink.write);
    events.buildStart?.(selected, 0);
    await new Bake({
      config,
      plan,
      mine: shards,
      open: stream.open,
      background: listing.background,
      rirs: listing.rirs,
      pool,
      workers,
      events,
      signal,
      records: new Map(),
      state: null,
      epochFinished: () => {},
    }).run();
    await stream.end();
    await sink.flush();
  } catch (err) {
    pool?.kill();
    sink.release();
    if (!sink.closedByReader || opts.signal?.aborted) throw err;
  }
  const seconds = (performance.now() - started) / 1000;
  const samples = stream?.samples ?? 0;
  return {
    samples,
    selected,
    epochs,
    bytes: sink.bytes,
    workers,
    seconds,
    samplesPerSecond: samples / seconds,
    closedByReader: sink.closedByReader,
  };
}
