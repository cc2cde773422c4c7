// The build: plan -> batches to workers -> shard files -> state log -> manifest.
import { join } from 'node:path';
import type { Config, Subset } from '../config/schema.js';
import { subsetsOf, workerCount } from '../config/derive.js';
import { listDataset, type DatasetListing } from '../dataset/dataset.js';
import { AudiogenError, InterruptedError } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../io/atomic.js';
import { csvLine } from '../io/csv.js';
import { labelFormat } from '../io/labels.js';
import { CLASSES, MANIFEST, shardFiles } from '../io/layout.js';
import { configHash, manifestJson, outputConfig, type Manifest } from '../io/manifest.js';
import { ShardWriter, type ShardRecord } from '../io/shard-writer.js';
import { StateWriter, stateFile } from '../io/state.js';
import { planHash, allShards, batchesOf, epochOrder, firstBatchIndices, shardRanges, type Plan, type ShardSpec } from '../plan/plan.js';
import { buildManifest, outputLayout } from './describe.js';
import { PARAM_COLUMNS, type SampleParams } from './params.js';
import type { BatchItem } from './messages.js';
import { ForkPool, InlineExecutor, type Executor } from './pool.js';
import { inspectOutput, removeBuild, removePartials } from './resume.js';

export interface BuildEvents {
  /** A (subset, epoch) starts; `done` counts samples already on disk from an earlier run. */
  epochStart?(subset: Subset, epoch: number, total: number, done: number): void;
  progress?(subset: Subset, epoch: number, samples: number): void;
  epochDone?(subset: Subset, epoch: number): void;
  note?(message: string): void;
}

export interface BuildOptions {
  force?: boolean;
  events?: BuildEvents;
  signal?: AbortSignal;
}

export interface BuildSummary {
  outDir: string;
  upToDate: boolean;
  workers: number;
  shardsBuilt: number;
  shardsKept: number;
  samplesBuilt: number;
  seconds: number;
  samplesPerSecond: number;
  manifest: Manifest;
}

export function makePlan(config: Config, listing: DatasetListing): Plan {
  return {
    epochs: config.output.epochs,
    subsets: subsetsOf(config).map((subset) => {
      const samples = listing.subsets[subset]!.samples;
      return { subset, samples, shards: shardRanges(samples.length, config.output.samples_per_shard) };
    }),
  };
}

export async function build(config: Config, opts: BuildOptions = {}): Promise<BuildSummary> {
  const started = performance.now();
  const events = opts.events ?? {};
  const outDir = config.output.directory;
  const hash = configHash(config);
  const partition = { index: 0, count: 1 };
  const statePath = stateFile(outDir, partition);
  const subsets = subsetsOf(config);

  const listing = listDataset(config, { write: true });
  for (const w of listing.warnings) events.note?.(`warning: ${w}`);
  const plan = makePlan(config, listing);
  const layout = outputLayout(config, listing);

  const datasetHash = planHash(plan);
  const existing = await inspectOutput({ outDir, stateFile: statePath, hash, datasetHash, config, force: opts.force ?? false });
  const summary = (m: Manifest, built: number, kept: number, samples: number, workers: number): BuildSummary => {
    const seconds = (performance.now() - started) / 1000;
    return { outDir, upToDate: built === 0 && existing.kind === 'finished', workers, shardsBuilt: built, shardsKept: kept, samplesBuilt: samples, seconds, samplesPerSecond: samples / seconds, manifest: m };
  };
  if (existing.kind === 'finished') return summary(existing.manifest, 0, 0, 0, 0);

  ensureDir(outDir);
  if (existing.kind === 'fresh') removeBuild(outDir, subsets);
  removePartials(outDir);
  const state = new StateWriter(statePath);
  const kept = existing.kind === 'resume' ? existing.kept : [];
  state.start({ kind: 'audiogen-state', config_hash: hash, dataset_hash: datasetHash, config: outputConfig(config), partition });
  for (const s of kept) state.record(s);
  if (existing.kind === 'resume') {
    events.note?.(`resuming: ${kept.length} finished shards kept${existing.dropped ? `, ${existing.dropped} failed their check and are rebuilt` : ''}`);
  }
  writeFileAtomic(join(outDir, CLASSES), listing.classes.join('\n') + '\n');

  const records = new Map<string, ShardRecord>(kept.map((s) => [s.x.path, s]));
  const shards = allShards(plan);
  const shardsOfEpoch = (subset: Subset, epoch: number) => shards.filter((s) => s.subset === subset && s.epoch === epoch);
  const writeManifest = (complete: boolean) => {
    const m = buildManifest({ config, hash, listing, layout, plan, records, complete });
    writeFileAtomic(join(outDir, MANIFEST), manifestJson(m));
    return m;
  };

  const workers = config.generator.debug ? 1 : workerCount(config.generator.cores);
  const executor: Executor = config.generator.debug ? new InlineExecutor(config) : await ForkPool.start(config, workers);
  const limit = config.generator.debug ? 1 : workers * config.generator.max_batches_pending;
  const open = new Set<ShardWriter>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  let samplesBuilt = 0;
  let shardsBuilt = 0;
  const onAbort = () => executor.kill();
  opts.signal?.addEventListener('abort', onAbort);

  try {
    for (const sub of plan.subsets) {
      for (let epoch = 0; epoch < plan.epochs; epoch++) {
        const epochShards = shardsOfEpoch(sub.subset, epoch);
        const todo = epochShards.filter((s) => !records.has(fileOf(s).x));
        const doneAlready = epochShards.filter((s) => records.has(fileOf(s).x)).reduce((a, s) => a + s.count, 0);
        events.epochStart?.(sub.subset, epoch, sub.samples.length, doneAlready);
        if (todo.length === 0) {
          events.epochDone?.(sub.subset, epoch);
          continue;
        }
        const order = epochOrder(sub.samples.length, config.dataset.shuffle, config.dataset.seed, sub.subset, epoch);
        const firstBatch = firstBatchIndices(sub.shards, config.dataset.batch_size);
        let epochShardsLeft = todo.length;
        for (const spec of todo) {
          const writer = new ShardWriter(outDir, spec, fileOf(spec), layout.x, layout.y, layout.columns);
          open.add(writer);
          let batchesLeft = Math.ceil(spec.count / config.dataset.batch_size);
          for (const batch of batchesOf(spec, config.dataset.batch_size, firstBatch[spec.shard])) {
            if (opts.signal?.aborted || failure) break;
            const items: BatchItem[] = [];
            for (let p = batch.start; p < batch.start + batch.count; p++) {
              const ref = sub.samples[order[p]];
              items.push({ position: p, label: ref.label, file: ref.file });
            }
            const task = executor
              .run({ subset: sub.subset, epoch, batchIndex: batch.batchIndex, items, xPath: writer.xTmpPath, xOffset: writer.xOffset(batch.start) })
              .then(async (result) => {
                writer.addBatch(batch.start, items.map((i) => i.label), csvRows(items, result.params, listing.classes));
                samplesBuilt += items.length;
                events.progress?.(sub.subset, epoch, items.length);
                if (--batchesLeft > 0) return;
                const record = await writer.finalize();
                open.delete(writer);
                records.set(record.x.path, record);
                state.record(record);
                shardsBuilt++;
                if (--epochShardsLeft === 0) {
                  writeManifest(false);
                  events.epochDone?.(sub.subset, epoch);
                }
              })
              .catch((err) => {
                failure ??= err;
              });
            inFlight.add(task);
            task.finally(() => inFlight.delete(task));
            while (inFlight.size >= limit && !failure) await Promise.race(inFlight);
          }
          if (opts.signal?.aborted || failure) break;
        }
        if (opts.signal?.aborted || failure) break;
      }
      if (opts.signal?.aborted || failure) break;
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
  const manifest = writeManifest(true);
  return summary(manifest, shardsBuilt, kept.length, samplesBuilt, workers);

  function fileOf(s: ShardSpec) {
    const sub = plan.subsets.find((p) => p.subset === s.subset)!;
    return shardFiles(s.subset, s.epoch, s.shard, plan.epochs, sub.shards.length);
  }
}

function csvRows(items: BatchItem[], params: SampleParams[], classes: string[]): string {
  let out = '';
  items.forEach((item, i) => {
    const p = params[i];
    out += csvLine([item.position, item.label, classes[item.label], item.file, ...PARAM_COLUMNS.map((c) => p[c])]);
  });
  return out;
}
