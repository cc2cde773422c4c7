// The build: plan -> batches to workers -> shard files -> state log -> manifest. A partitioned build makes only
// its own shards and its own log; `merge` then writes the manifest.
import { join } from 'node:path';
import type { Config, Subset } from '../config/schema.js';
import { workerCount } from '../config/derive.js';
import { listDataset, type DatasetListing } from '../dataset/dataset.js';
import { InterruptedError } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../io/atomic.js';
import { csvLine } from '../io/csv.js';
import { CLASSES, MANIFEST } from '../io/layout.js';
import { configHash, manifestJson, outputConfig, type Manifest } from '../io/manifest.js';
import { ShardWriter, type ShardRecord } from '../io/shard-writer.js';
import { StateWriter, stateFile } from '../io/state.js';
import { assignShards, WHOLE, type Partition } from '../plan/partition.js';
import { batchesOf, epochOrder, firstBatchIndices, planHash, shardRanges, type Plan } from '../plan/plan.js';
import { buildManifest, outputLayout, plannedShards, summarize, type PlannedShard } from './describe.js';
import type { BatchItem } from './messages.js';
import { PARAM_COLUMNS, type SampleParams } from './params.js';
import { ForkPool, InlineExecutor, type Executor } from './pool.js';
import { discardWorkers } from './prestart.js';
import { inspectOutput, removeBuild, removePartials } from './resume.js';
import { hooksHash, loadHooks } from './hooks.js';

export interface BuildEvents {
  /** Before the first epoch: this partition's samples over all epochs and subsets, and those already on disk. */
  buildStart?(total: number, done: number): void;
  /** A (subset, epoch) starts; `total` counts this partition's samples, `done` those already on disk. */
  epochStart?(subset: Subset, epoch: number, total: number, done: number): void;
  progress?(subset: Subset, epoch: number, samples: number): void;
  epochDone?(subset: Subset, epoch: number): void;
  note?(message: string): void;
}

export interface BuildOptions {
  force?: boolean;
  events?: BuildEvents;
  signal?: AbortSignal;
  partition?: Partition;
}

export interface BuildSummary {
  outDir: string;
  partition: Partition;
  upToDate: boolean;
  workers: number;
  shardsBuilt: number;
  shardsKept: number;
  samplesBuilt: number;
  seconds: number;
  samplesPerSecond: number;
  /** The final manifest of a whole build; null for a partition (merge writes it). */
  manifest: Manifest | null;
}

export function makePlan(config: Config, listing: DatasetListing): Plan {
  return {
    epochs: config.output.epochs,
    background: listing.background.map((b) => b.name),
    hooks: hooksHash(config.hooks),
    subsets: Object.entries(listing.subsets).map(([subset, s]) => ({
      subset: subset as Subset,
      samples: s!.samples,
      shards: shardRanges(s!.samples.length, config.output.samples_per_shard),
    })),
  };
}

/** The shards a partition owns, in canonical order. */
export function ownedShards(shards: readonly PlannedShard[], partition: Partition): PlannedShard[] {
  const owners = assignShards(shards.map((s) => s.spec.count), partition.count);
  return shards.filter((_, i) => owners[i] === partition.index);
}

export async function build(config: Config, opts: BuildOptions = {}): Promise<BuildSummary> {
  const started = performance.now();

  // Worker processes start loading now, while the dataset is listed; discarded if the build needs none.
  const workers = config.generator.debug ? 1 : workerCount(config.generator.cores);
  const pool = config.generator.debug ? null : ForkPool.fork(workers);
  if (!pool) discardWorkers();
  try {
    return await buildWith(config, opts, started, pool, workers);
  } catch (err) {
    pool?.kill();
    throw err;
  }
}

async function buildWith(config: Config, opts: BuildOptions, started: number, pool: ForkPool | null, workers: number): Promise<BuildSummary> {
  const events = opts.events ?? {};
  const partition = opts.partition ?? WHOLE;
  const whole = partition.count === 1;
  const outDir = config.output.directory;
  const hash = configHash(config);
  const statePath = stateFile(outDir, partition);

  // Partitions never write shared files, index files included: they compute the same order in memory.
  // Loaded here too: a broken hook module fails before any worker starts, and the listing hook runs here.
  const hooks = await loadHooks(config.hooks);
  const listing = listDataset(config, { write: whole, listValidFilenames: hooks.listValidFilenames });
  for (const w of listing.warnings) events.note?.(`warning: ${w}`);
  const plan = makePlan(config, listing);
  const summary = summarize(listing);
  const layout = outputLayout(config, listing.classes.length);
  const datasetHash = planHash(plan);
  const mine = ownedShards(plannedShards(config, summary), partition);

  const existing = await inspectOutput({ outDir, stateFile: statePath, hash, datasetHash, config, force: opts.force ?? false });
  const result = (manifest: Manifest | null, built: number, kept: number, samples: number, workers: number): BuildSummary => {
    // Nothing (more) to build: the early workers are not needed.
    if (built === 0) pool?.kill();
    const seconds = (performance.now() - started) / 1000;
    const upToDate = built === 0 && (existing.kind === 'finished' || (existing.kind === 'resume' && kept === mine.length));
    return { outDir, partition, upToDate, workers, shardsBuilt: built, shardsKept: kept, samplesBuilt: samples, seconds, samplesPerSecond: samples / seconds, manifest };
  };
  if (existing.kind === 'finished') return result(existing.manifest, 0, 0, 0, 0);

  ensureDir(outDir);
  if (existing.kind === 'fresh') removeBuild(outDir, whole ? null : mine.map((s) => s.files));
  removePartials(outDir, whole ? null : mine.map((s) => s.files));
  const kept = existing.kind === 'resume' ? existing.kept.filter((s) => mine.some((m) => m.files.x === s.x.path)) : [];
  const state = new StateWriter(statePath);
  state.start({ kind: 'audiogen-state', config_hash: hash, dataset_hash: datasetHash, config: outputConfig(config), partition, listing: summary });
  for (const s of kept) state.record(s);
  if (existing.kind === 'resume' && kept.length > 0) {
    events.note?.(`resuming: ${kept.length} finished shards kept${existing.dropped ? `, ${existing.dropped} failed their check and are rebuilt` : ''}`);
  }
  if (whole) writeFileAtomic(join(outDir, CLASSES), listing.classes.join('\n') + '\n');

  const records = new Map<string, ShardRecord>(kept.map((s) => [s.x.path, s]));
  const writeManifest = (complete: boolean) => {
    const m = buildManifest({ config, hash, datasetHash, summary, records, complete });
    writeFileAtomic(join(outDir, MANIFEST), manifestJson(m));
    return m;
  };

  // Written at once, so a trainer can start following before the first epoch is done.
  if (whole) writeManifest(false);
  const todo = mine.filter((s) => !records.has(s.files.x));
  if (todo.length === 0) {
    return result(whole ? writeManifest(true) : null, 0, kept.length, 0, 0);
  }
  const samplesIn = (shards: PlannedShard[]) => shards.reduce((a, s) => a + s.spec.count, 0);
  events.buildStart?.(samplesIn(mine), samplesIn(mine) - samplesIn(todo));

  const context = { config, background: listing.background };
  let executor: Executor;
  if (pool) {
    await pool.init(context);
    executor = pool;
  } else {
    executor = await InlineExecutor.start(context);
  }
  const limit = config.generator.debug ? 1 : workers * config.generator.max_batches_pending;
  const open = new Set<ShardWriter>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  let samplesBuilt = 0;
  let shardsBuilt = 0;
  const stopped = () => opts.signal?.aborted || failure !== null;
  const onAbort = () => executor.kill();
  opts.signal?.addEventListener('abort', onAbort);

  try {
    // Epoch by epoch, each subset in turn: a trainer following the build gets validation epoch e with training epoch e.
    for (let epoch = 0; epoch < plan.epochs && !stopped(); epoch++) {
      for (const sub of plan.subsets) {
        if (stopped()) break;
        const firstBatch = firstBatchIndices(sub.shards, config.dataset.batch_size);
        const epochShards = mine.filter((s) => s.spec.subset === sub.subset && s.spec.epoch === epoch);
        if (epochShards.length === 0) continue;
        const pending = epochShards.filter((s) => !records.has(s.files.x));
        const total = epochShards.reduce((a, s) => a + s.spec.count, 0);
        const doneAlready = total - pending.reduce((a, s) => a + s.spec.count, 0);
        events.epochStart?.(sub.subset, epoch, total, doneAlready);
        if (pending.length === 0) {
          events.epochDone?.(sub.subset, epoch);
          continue;
        }
        const order = epochOrder(sub.samples.length, config.dataset.shuffle, config.dataset.seed, sub.subset, epoch);
        let epochShardsLeft = pending.length;
        const finishShard = async (writer: ShardWriter) => {
          const record = await writer.finalize();
          open.delete(writer);
          records.set(record.x.path, record);
          state.record(record);
          shardsBuilt++;
          if (--epochShardsLeft === 0) {
            // A trainer following the build sees each finished epoch (one-machine builds only).
            if (whole) writeManifest(false);
            events.epochDone?.(sub.subset, epoch);
          }
        };
        for (const { spec, files } of pending) {
          if (stopped()) break;
          const writer = new ShardWriter(outDir, spec, files, layout.x, layout.y, layout.columns);
          open.add(writer);
          let batchesLeft = Math.ceil(spec.count / config.dataset.batch_size);
          // An empty subset still gets its (empty) shard files, so every planned epoch exists.
          if (batchesLeft === 0) await finishShard(writer);
          for (const batch of batchesOf(spec, config.dataset.batch_size, firstBatch[spec.shard])) {
            if (stopped()) break;
            const items: BatchItem[] = [];
            for (let p = batch.start; p < batch.start + batch.count; p++) {
              const ref = sub.samples[order[p]];
              items.push({ position: p, label: ref.label, file: ref.file });
            }
            const job = { subset: sub.subset, epoch, batchIndex: batch.batchIndex, items, xPath: writer.xTmpPath, xOffset: writer.xOffset(batch.start) };
            const task = executor
              .run(job)
              .then(async (res) => {
                writer.addBatch(batch.start, items.map((i) => i.label), csvRows(items, res.params, listing.classes));
                samplesBuilt += items.length;
                events.progress?.(sub.subset, epoch, items.length);
                if (--batchesLeft === 0) await finishShard(writer);
              })
              .catch((err) => {
                failure ??= err;
              });
            inFlight.add(task);
            void task.finally(() => inFlight.delete(task));
            while (inFlight.size >= limit && !stopped()) await Promise.race(inFlight);
          }
        }
      }
    }
    await Promise.allSettled([...inFlight]);
    if (opts.signal?.aborted) throw new InterruptedError(String(opts.signal.reason ?? 'a signal'));
    if (failure) throw failure;
    await executor.close();
  } catch (err) {
    executor.kill();
    await Promise.allSettled([...inFlight]);
    for (const w of open) w.abort();
    if (opts.signal?.aborted && !(err instanceof InterruptedError)) throw new InterruptedError(String(opts.signal.reason ?? 'a signal'));
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return result(whole ? writeManifest(true) : null, shardsBuilt, kept.length, samplesBuilt, workers);
}

function csvRows(items: BatchItem[], params: SampleParams[], classes: string[]): string {
  let out = '';
  items.forEach((item, i) => {
    const p = params[i];
    out += csvLine([item.position, item.label, classes[item.label], item.file, ...PARAM_COLUMNS.map((c) => p[c])]);
  });
  return out;
}
