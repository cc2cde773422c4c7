// Baking a partition's missing shards: batches go to the workers (at most `limit` in flight), each returning batch
// is written into its shard, a shard whose batches are all back is finalized and logged, and an epoch whose shards
// are all done is announced. One small state object holds what is in flight.
import type { Config, Subset } from '../config/schema.js';
import type { BackgroundFile } from '../dataset/background.js';
import type { RirFile } from '../dataset/rir.js';
import { InterruptedError, interruptedBy } from '../errors.js';
import { shardId } from '../io/layout.js';
import { recordId, type ShardRecord } from '../io/shard-writer.js';
import type { StateWriter } from '../io/state.js';
import { packSubset } from '../plan/packed.js';
import { batchesOf, epochOrder, firstBatchIndices, type BatchSpec, type Plan, type SubsetPlan } from '../plan/plan.js';
import type { PlannedShard } from '../plan/shards.js';
import { InlineExecutor, type Executor, type ForkPool } from '../workers/pool.js';
import type { ShardBatch, WorkerSetup } from '../workers/runner.js';
import type { BuildEvents } from './build.js';
import type { OpenShard, ShardOutput } from './outputs.js';

export interface BakeInput {
  config: Config;
  plan: Plan;
  /** This partition's shards (or the streamed ones), in canonical order. */
  mine: readonly PlannedShard[];
  /** Where each shard's batches go: its files, or the stream. */
  open: OpenShard;
  background: BackgroundFile[];
  rirs: RirFile[];
  /** Pre-started workers, or null to run in this process (`debug`). */
  pool: ForkPool | null;
  /** Settles when the workers are ready, when the build sent them their setup already (startWorkers). */
  poolReady?: Promise<void>;
  workers: number;
  events: BuildEvents;
  signal?: AbortSignal;
  /** Finished shards by their x or tar path: the ones kept, and each one baked here as it finishes. */
  records: Map<string, ShardRecord>;
  /** The partition's log (null for a stream, which records nothing). */
  state: StateWriter | null;
  /** Called when an epoch of a subset has all its shards (the build rewrites the manifest for followers). */
  epochFinished: () => void;
}

/** An epoch of a subset being baked: how many of its shards are still open. */
interface EpochInProgress {
  subset: Subset;
  epoch: number;
  shardsLeft: number;
}

/** A shard being baked: where it goes and how many of its batches are still out. */
interface ShardInProgress {
  writer: ShardOutput;
  batchesLeft: number;
  epoch: EpochInProgress;
  /** Settles when the shard opened before it is recorded: shards are recorded in the order they were opened. */
  after: Promise<void>;
  /** Settles it for the shard opened next. */
  recorded: () => void;
}

type SetupInput = Pick<BakeInput, 'config' | 'plan' | 'mine' | 'background' | 'rirs'>;

/** What the workers are set up with: only the subsets with shards to bake (a partition of one subset, that one). */
function workerSetup({ config, plan, mine, background, rirs }: SetupInput): WorkerSetup {
  const wanted = new Set(mine.map((s) => s.spec.subset));
  const subsets = plan.subsets.filter((s) => wanted.has(s.subset)).map(packSubset);
  return { config, background, rirs, subsets };
}

/**
 * Sends the workers their setup (ForkPool.init: `sent`, then `ready`). The build calls it as soon as the plan is made
 * and waits for `sent` only, so the workers unpack the plan while it fingerprints the inputs and opens the output;
 * a failure waits for the bake, which awaits `ready`. An interrupt meanwhile kills the workers, which settles `sent`
 * even when a worker is not reading (stopped, say).
 */
export function startWorkers(
  pool: ForkPool,
  input: SetupInput,
  signal?: AbortSignal,
): { sent: Promise<void>; ready: Promise<void> } {
  const { config, plan } = input;
  // The file of a batch's item (a worker that crashed on it names it): the epoch's order, computed again.
  const fileAt = (batch: ShardBatch, item: number): string | null => {
    const sub = plan.subsets.find((s) => s.subset === batch.subset);
    if (!sub) return null;
    const order = epochOrder(sub.samples.length, config.dataset.shuffle, config.dataset.seed, sub.subset, batch.epoch);
    return sub.samples[order[batch.start + item]]?.file ?? null;
  };
  const started = pool.init(workerSetup(input), fileAt);
  started.ready.catch(() => {});
  const stop = () => pool.kill();
  signal?.addEventListener('abort', stop);
  return { sent: started.sent.finally(() => signal?.removeEventListener('abort', stop)), ready: started.ready };
}

export class Bake {
  private executor: Executor | null = null;
  private readonly open = new Set<ShardOutput>();
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  private samples = 0;
  private shards = 0;
  /** Settles when the last shard opened is recorded. */
  private lastRecorded: Promise<void> = Promise.resolve();
  private readonly onAbort = () => (this.executor ?? this.input.pool)?.kill();

  constructor(private readonly input: BakeInput) {}

  /** Bakes every missing shard; resolves with the counts, or rejects (interrupt, a failed batch) with nothing open. */
  async run(): Promise<{ built: number; samples: number }> {
    const { signal } = this.input;
    // An interrupt from here on stops the workers at once, also while they load.
    signal?.addEventListener('abort', this.onAbort);
    try {
      this.executor = await this.startExecutor();
      // Epoch by epoch, each subset in turn: a trainer following the build gets validation epoch e with training e.
      for (let epoch = 0; epoch < this.input.plan.epochs && !this.stopped(); epoch++) {
        for (const sub of this.input.plan.subsets) {
          if (this.stopped()) break;
          await this.bakeEpoch(sub, epoch);
        }
      }
      await Promise.allSettled([...this.inFlight]);
      if (signal?.aborted) throw interruptedBy(signal);
      if (this.failure) throw this.failure;
      await this.executor.close();
    } catch (err) {
      this.executor?.kill();
      await Promise.allSettled([...this.inFlight]);
      for (const w of this.open) w.abort();
      if (signal?.aborted && !(err instanceof InterruptedError)) throw interruptedBy(signal);
      throw err;
    } finally {
      signal?.removeEventListener('abort', this.onAbort);
    }
    return { built: this.shards, samples: this.samples };
  }

  private stopped(): boolean {
    return this.input.signal?.aborted === true || this.failure !== null;
  }

  private async startExecutor(): Promise<Executor> {
    const { pool, signal } = this.input;
    try {
      if (!pool) return await InlineExecutor.start(workerSetup(this.input));
      await (this.input.poolReady ?? startWorkers(pool, this.input).ready);
      return pool;
    } catch (err) {
      if (signal?.aborted) throw interruptedBy(signal);
      throw err;
    }
  }

  /** Hands out every batch of the missing shards of one subset's epoch (finished ones are only announced). */
  private async bakeEpoch(sub: SubsetPlan, epoch: number): Promise<void> {
    const { config, mine, records, events } = this.input;
    const shards = mine.filter((s) => s.spec.subset === sub.subset && s.spec.epoch === epoch);
    if (shards.length === 0) return;
    const pending = shards.filter((s) => !records.has(shardId(s.files)));
    const samplesIn = (list: readonly PlannedShard[]) => list.reduce((a, s) => a + s.spec.count, 0);
    events.epochStart?.(sub.subset, epoch, samplesIn(shards), samplesIn(shards) - samplesIn(pending));
    if (pending.length === 0) {
      events.epochDone?.(sub.subset, epoch);
      return;
    }
    const firstBatch = firstBatchIndices(sub.shards, config.dataset.batch_size);
    const progress: EpochInProgress = { subset: sub.subset, epoch, shardsLeft: pending.length };
    for (const planned of pending) {
      if (this.stopped()) return;
      const { spec } = planned;
      // One worker hashes the shard's growing file and seals it.
      const writer = this.input.open(planned, this.executor!.sealer());
      this.open.add(writer);
      let recorded!: () => void;
      const shard: ShardInProgress = {
        writer,
        batchesLeft: Math.ceil(spec.count / config.dataset.batch_size),
        epoch: progress,
        after: this.lastRecorded,
        recorded: () => recorded(),
      };
      this.lastRecorded = new Promise<void>((resolve) => (recorded = resolve));
      // An empty subset still gets its (empty) shard files, so every planned epoch exists.
      if (shard.batchesLeft === 0) await this.finishShard(shard);
      for (const batch of batchesOf(spec, config.dataset.batch_size, firstBatch[spec.shard])) {
        if (this.stopped()) return;
        this.dispatch(sub, batch, shard);
        await this.throttle();
      }
    }
  }

  /** Sends one batch to a worker; what it sends back is written into the shard when it returns. */
  private dispatch(sub: SubsetPlan, batch: BatchSpec, shard: ShardInProgress): void {
    const { writer } = shard;
    const job: ShardBatch = {
      subset: sub.subset,
      epoch: shard.epoch.epoch,
      batchIndex: batch.batchIndex,
      start: batch.start,
      count: batch.count,
      files: writer.rowFiles(batch.start),
    };
    const task = this.executor!.run(job)
      .then(async (output) => {
        // Settles once the batch is written: a tar's batches wait for the ones before them, inside the throttle.
        await writer.add(batch.start, batch.count, output);
        this.samples += batch.count;
        this.input.events.progress?.(sub.subset, shard.epoch.epoch, batch.count);
        if (--shard.batchesLeft === 0) await this.finishShard(shard);
      })
      .catch((err) => {
        this.failure ??= err;
        // The shard will not be finished: the ones opened after it must not wait for it to be recorded.
        shard.recorded();
      });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /** Waits while `limit` batches are out or unwritten: memory stays bounded whatever the dataset's size. */
  private async throttle(): Promise<void> {
    const { config, pool, workers } = this.input;
    const limit = pool ? workers * config.generator.max_batches_pending : 1;
    while (this.inFlight.size >= limit && !this.stopped()) await Promise.race(this.inFlight);
  }

  /** Seals a shard whose batches are all written (in parallel with others), then records it after the one before. */
  private async finishShard(shard: ShardInProgress): Promise<void> {
    try {
      const record = await shard.writer.finalize();
      this.open.delete(shard.writer);
      // In the order opened, whichever worker seals first: the state log's bytes do not depend on the workers.
      await shard.after;
      if (record) {
        this.input.records.set(recordId(record), record);
        this.input.state?.record(record);
      }
      this.shards++;
      if (--shard.epoch.shardsLeft === 0) {
        this.input.epochFinished();
        this.input.events.epochDone?.(shard.epoch.subset, shard.epoch.epoch);
      }
    } finally {
      shard.recorded();
    }
  }
}
