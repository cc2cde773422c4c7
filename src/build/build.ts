// The build: plan -> batches to workers -> shard files -> state log -> manifest. A partitioned build makes only
// its own shards and its own log; `merge` then writes the manifest.
import { join } from 'node:path';
import type { Config, Subset } from '../config/schema.js';
import { workerCount } from '../config/derive.js';
import { listDataset, summarize, type DatasetListing } from '../dataset/dataset.js';
import { writeFileAtomic } from '../io/atomic.js';
import { CLASSES, MANIFEST, shardId, type Partition } from '../io/layout.js';
import { configHash, manifestJson, outputConfig, type ListingSummary, type Manifest } from '../io/manifest.js';
import { recordId, type ShardRecord } from '../io/shard-writer.js';
import { readState, StateWriter, stateFile, type InputsFingerprint } from '../io/state.js';
import { compareInputs, fingerprintInputs, inputFiles, inputsToRecord } from '../plan/inputs.js';
import { WHOLE } from '../plan/partition.js';
import { planHash, type Plan } from '../plan/plan.js';
import { makePlan, ownedShards, plannedShards, shardLookup, type PlannedShard } from '../plan/shards.js';
import { buildManifest } from './manifest.js';
import { outputLayout, type OutputLayout } from '../sample/output-layout.js';
import { ForkPool } from '../workers/pool.js';
import { discardWorkers } from '../workers/prestart.js';
import {
  inspectOutput,
  readOwnManifest,
  refuseForeignOutput,
  removePartials,
  removePreviousBuild,
} from './existing.js';
import { throwIfInterrupted } from '../errors.js';
import { checkOutputPlacement } from './placement.js';
import { Bake, startWorkers } from './bake.js';
import { fileOutputs } from './outputs.js';
import { OutputLock } from '../io/lock.js';
import { hooksHash, loadHooks } from '../sample/hooks.js';
import { needsSimdFFT } from '../sample/batch.js';

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
  /** Wait for another build holding this output's lock instead of failing. */
  wait?: boolean;
  /** Fingerprint the input files by contents, not only by size and modification time. */
  verifyInputs?: boolean;
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
  /** Ms from this process's start (Node's time origin) to the build's start: Node, the CLI and the config loaded. */
  startedMs: number;
  /** Ms from this process's start to the dataset listed and every clip probed (the plan follows at once). */
  listedMs: number;
  /** Ms from this process's start (Node's time origin) to the first batch handed to a worker; null if none was. */
  firstBatchMs: number | null;
  /**
   * CPU time per sample built (µs, user + system): the build process's own from the start of build() (the CLI's
   * loading excluded, the listing included); the same from the first batch on (`feed`: what handing out batches and
   * writing what comes back costs, so how many workers one build process can keep busy); and its workers' on
   * probes, batches and seals (their start-up excluded). Null when nothing was built.
   */
  cpuUsPerSample: { build: number; feed: number; workers: number } | null;
  /** The final manifest of a whole build; null for a partition (merge writes it). */
  manifest: Manifest | null;
}

export async function build(config: Config, opts: BuildOptions = {}): Promise<BuildSummary> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  checkOutputPlacement(config);

  // Worker processes start loading now, while the dataset is listed; discarded if the build needs none.
  const workers = config.generator.debug ? 1 : workerCount(config.generator.cores);
  const pool = config.generator.debug ? null : ForkPool.fork(workers, { simdFFT: needsSimdFFT(config) });
  if (!pool) discardWorkers();
  try {
    return await buildWith(config, opts, { at: started, cpu: cpuAtStart }, pool, workers);
  } catch (err) {
    pool?.kill();
    throw err;
  }
}

/** What a build knows once its dataset is listed: the plan, the output and this partition's shards. */
interface Run {
  config: Config;
  opts: BuildOptions;
  events: BuildEvents;
  partition: Partition;
  /** A one-machine build (partition 0 of 1): it writes the manifest and classes.txt itself. */
  whole: boolean;
  outDir: string;
  hash: string;
  datasetHash: string;
  statePath: string;
  listing: DatasetListing;
  plan: Plan;
  summary: ListingSummary;
  layout: OutputLayout;
  /** This partition's shards, in canonical order. */
  mine: PlannedShard[];
  inputs: InputsFingerprint;
  /** When build() started: performance.now() and process.cpuUsage(). */
  started: Started;
  /** performance.now() when the dataset was listed and its clips probed. */
  listedAt: number;
  pool: ForkPool | null;
  /** The workers' setup, sent as soon as the plan was made (see startWorkers). */
  poolReady: Promise<void> | undefined;
  workers: number;
}

interface Started {
  at: number;
  cpu: NodeJS.CpuUsage;
}

async function buildWith(
  config: Config,
  opts: BuildOptions,
  started: Started,
  pool: ForkPool | null,
  workers: number,
): Promise<BuildSummary> {
  const run = await prepare(config, opts, started, pool, workers);
  // A finished build of this very config needs no lock and no write (it may be a read-only copy).
  const before = run.whole && !opts.force ? readOwnManifest(run.outDir) : null;
  if (
    before?.complete &&
    before.config_hash === run.hash &&
    before.dataset_hash === run.datasetHash &&
    before.epochs === config.output.epochs
  ) {
    // Its inputs unchanged since (when its log is here to tell), and nothing new to record.
    const header = readState(run.statePath).header;
    const unchanged = header && compareInputs(header.inputs, run.inputs) === 'same';
    if (
      !header ||
      (unchanged && JSON.stringify(inputsToRecord(header.inputs, run.inputs)) === JSON.stringify(header.inputs))
    ) {
      return summaryOf(run, before, { built: 0, kept: 0, samples: 0, workers: 0, upToDate: true });
    }
  }
  refuseForeignOutput(run.outDir, opts.force ?? false);
  const lock = await OutputLock.acquire(run.outDir, run.partition, {
    wait: opts.wait,
    note: run.events.note,
    signal: opts.signal,
  });
  try {
    return await buildLocked(run);
  } finally {
    lock.release();
  }
}

/** Lists the dataset and plans the build (nothing is written yet). */
async function prepare(
  config: Config,
  opts: BuildOptions,
  started: Started,
  pool: ForkPool | null,
  workers: number,
): Promise<Run> {
  const events = opts.events ?? {};
  const partition = opts.partition ?? WHOLE;
  const whole = partition.count === 1;
  // Partitions never write shared files, index files included: they compute the same order in memory.
  // Loaded here too: a broken hook module fails before any worker starts, and the listing hook runs here.
  const hooks = await loadHooks(config.hooks);
  const listing = await listDataset(config, {
    write: whole,
    listValidFilenames: hooks.listValidFilenames,
    signal: opts.signal,
    // The workers walk the class folders and probe the clips, in parallel and off this process.
    probe: pool ? (paths) => pool.probe(paths, opts.signal) : undefined,
    listFolder: pool ? (root, folder, o) => pool.listFolder(root, folder, o, opts.signal) : undefined,
  });
  const listedAt = performance.now();
  for (const w of listing.warnings) events.note?.(`warning: ${w}`);
  const plan = makePlan(config, listing, hooksHash(config.hooks));
  const summary = summarize(listing);
  const mine = ownedShards(plannedShards(config, summary), partition);
  // The workers unpack the plan while this process fingerprints the inputs and opens the output.
  const workersStarted = pool
    ? startWorkers(pool, { config, plan, mine, background: listing.background, rirs: listing.rirs }, opts.signal)
    : undefined;
  await workersStarted?.sent;
  throwIfInterrupted(opts.signal);
  const files = inputFiles(
    config.dataset.directory,
    plan.subsets.flatMap((s) => s.samples.map((r) => r.file)),
    listing.background,
    listing.rirs,
  );
  const inputs = await fingerprintInputs(files, {
    contents: opts.verifyInputs,
    signal: opts.signal,
    known: listing.stats,
  });
  return {
    config,
    opts,
    events,
    partition,
    whole,
    outDir: config.output.directory,
    hash: configHash(config),
    datasetHash: planHash(plan),
    statePath: stateFile(config.output.directory, partition),
    listing,
    plan,
    summary,
    layout: outputLayout(config, listing.classes.length),
    mine,
    inputs,
    started,
    listedAt,
    pool,
    poolReady: workersStarted?.ready,
    workers,
  };
}

function summaryOf(
  run: Run,
  manifest: Manifest | null,
  n: { built: number; kept: number; samples: number; workers: number; upToDate: boolean },
): BuildSummary {
  // Nothing (more) to build: the early workers are not needed.
  if (n.built === 0) run.pool?.kill();
  const seconds = (performance.now() - run.started.at) / 1000;
  const cpu = process.cpuUsage(run.started.cpu);
  // In debug mode the samples run in this process: feeding them is the whole build.
  const feed = process.cpuUsage(run.pool?.firstBatchCpu ?? run.started.cpu);
  const perSample = (us: number) => Math.round(us / n.samples);
  return {
    outDir: run.outDir,
    partition: run.partition,
    upToDate: n.upToDate,
    workers: n.workers,
    shardsBuilt: n.built,
    shardsKept: n.kept,
    samplesBuilt: n.samples,
    seconds,
    samplesPerSecond: n.samples / seconds,
    startedMs: run.started.at,
    listedMs: run.listedAt,
    firstBatchMs: run.pool?.firstBatchAt ?? null,
    // In debug mode the samples run in this process: their cost is the build's.
    cpuUsPerSample:
      n.samples === 0
        ? null
        : {
            build: perSample(cpu.user + cpu.system),
            feed: perSample(feed.user + feed.system),
            workers: perSample(run.pool?.workerCpuUs() ?? 0),
          },
    manifest,
  };
}

/** With the output's lock held: keeps what is done, removes what a fresh build replaces, builds the rest. */
async function buildLocked(run: Run): Promise<BuildSummary> {
  const { config, events, outDir, whole, mine } = run;
  const epochs = config.output.epochs;
  const existing = await inspectOutput({
    signal: run.opts.signal,
    outDir,
    stateFile: run.statePath,
    hash: run.hash,
    datasetHash: run.datasetHash,
    config,
    force: run.opts.force ?? false,
    shardAt: shardLookup(config, run.summary),
    inputs: run.inputs,
  });
  if (existing.kind === 'finished') {
    // Same inputs, maybe newly fingerprinted by contents or with new times (a touched file): recorded for next time.
    const inputs = existing.header && inputsToRecord(existing.header.inputs, run.inputs);
    if (existing.header && JSON.stringify(inputs) !== JSON.stringify(existing.header.inputs))
      new StateWriter(run.statePath).updateHeader({ ...existing.header, inputs: inputs! });
    return summaryOf(run, existing.manifest, { built: 0, kept: 0, samples: 0, workers: 0, upToDate: true });
  }

  if (existing.kind === 'fresh') removePreviousBuild(outDir, run.statePath, whole);
  removePartials(outDir, whole ? null : mine.map((s) => s.files));
  // Every intact shard of this log stays in it, also of epochs beyond the configured count (a later run may list them).
  const logged =
    existing.kind === 'resume'
      ? existing.kept.filter((s) => s.epoch >= epochs || mine.some((m) => shardId(m.files) === recordId(s)))
      : [];
  const kept = logged.filter((s) => s.epoch < epochs);
  const beyond = new Set(logged.filter((s) => s.epoch >= epochs).map((s) => s.epoch)).size;
  if (beyond > 0)
    events.note?.(
      `output.epochs is ${epochs}: ${beyond} more finished epoch(s) stay on disk but out of the manifest (raise epochs to list them again)`,
    );
  const state = new StateWriter(run.statePath);
  state.start({
    kind: 'audiogen-state',
    config_hash: run.hash,
    dataset_hash: run.datasetHash,
    config: outputConfig(config),
    epochs,
    partition: run.partition,
    listing: run.summary,
    inputs: existing.kind === 'resume' ? inputsToRecord(existing.inputs, run.inputs) : run.inputs,
  });
  for (const s of logged) state.record(s);
  if (existing.kind === 'resume' && kept.length > 0) {
    events.note?.(
      `resuming: ${kept.length} finished shards kept${existing.dropped ? `, ${existing.dropped} failed their check and are rebuilt` : ''}`,
    );
  }
  if (whole) writeFileAtomic(join(outDir, CLASSES), run.listing.classes.join('\n') + '\n');

  const records = new Map<string, ShardRecord>(kept.map((s) => [recordId(s), s]));
  const writeManifest = (complete: boolean) => {
    const m = buildManifest({
      config,
      hash: run.hash,
      datasetHash: run.datasetHash,
      summary: run.summary,
      records,
      complete,
    });
    writeFileAtomic(join(outDir, MANIFEST), manifestJson(m));
    return m;
  };
  // Written at once, so a trainer can start following before the first epoch is done.
  if (whole) writeManifest(false);
  if (mine.every((s) => records.has(shardId(s.files)))) {
    const upToDate = existing.kind === 'resume' && kept.length === mine.length;
    return summaryOf(run, whole ? writeManifest(true) : null, {
      built: 0,
      kept: kept.length,
      samples: 0,
      workers: 0,
      upToDate,
    });
  }
  const samplesIn = (shards: PlannedShard[]) => shards.reduce((a, s) => a + s.spec.count, 0);
  events.buildStart?.(samplesIn(mine), samplesIn(mine.filter((s) => records.has(shardId(s.files)))));
  const built = await new Bake({
    config,
    plan: run.plan,
    mine,
    open: fileOutputs(outDir, run.layout, config.output.format),
    background: run.listing.background,
    rirs: run.listing.rirs,
    pool: run.pool,
    poolReady: run.poolReady,
    workers: run.workers,
    events,
    signal: run.opts.signal,
    records,
    state,
    // A trainer following the build sees each finished epoch (one-machine builds only).
    epochFinished: () => whole && writeManifest(false),
  }).run();
  return summaryOf(run, whole ? writeManifest(true) : null, {
    ...built,
    kept: kept.length,
    workers: run.workers,
    upToDate: false,
  });
}
