// Runs batches: in worker processes (child_process.fork), or in this process when `debug` is set.
import type { ChildProcess } from 'node:child_process';
import { readSync } from 'node:fs';
import type { FolderLister } from '../dataset/dataset.js';
import type { FolderListing } from '../dataset/list.js';
import type { ProbeOutcome } from '../dataset/probe.js';
import { AudiogenError, interruptedBy } from '../errors.js';
import { Digests, type Sealer } from '../io/seal.js';
import { closeQuietly, discardWorkers, takeWorker } from './prestart.js';
import { unpackProbe, type FromWorker, type ToWorker } from './messages.js';
import { BatchRunner, type BatchOutput, type ShardBatch, type WorkerSetup } from './runner.js';

export interface Executor {
  run(batch: ShardBatch): Promise<BatchOutput>;
  /** Who hashes a shard's growing file and seals it (one worker, for all of the shard). */
  sealer(): Sealer;
  close(): Promise<void>;
  /** Stops everything now (interrupt or failure elsewhere); pending runs reject. */
  kill(): void;
}

export class InlineExecutor implements Executor {
  private constructor(private readonly runner: BatchRunner) {}
  static async start(setup: WorkerSetup): Promise<InlineExecutor> {
    return new InlineExecutor(await BatchRunner.create(setup));
  }
  async run(batch: ShardBatch): Promise<BatchOutput> {
    // Yield first so progress and signals are handled between batches.
    await new Promise((r) => setImmediate(r));
    return this.runner.run(batch);
  }
  private readonly digests = new Digests();
  sealer(): Sealer {
    return this.digests;
  }
  async close(): Promise<void> {}
  kill(): void {}
}

/** A request waiting for its worker's answer. */
interface Pending {
  /** What it is, for a worker that dies on it: `processing` `batch 3 of training epoch 0`, `probing` `clips`. */
  doing: 'processing' | 'probing' | 'listing' | 'sealing';
  what: string;
  /** The file of item i, to name the one a crash happened on. */
  fileOf: (item: number) => string | null;
  resolve: (msg: FromWorker) => void;
  reject: (e: Error) => void;
}

interface Worker {
  child: ChildProcess;
  pending: Map<number, Pending>;
  progressFd: number;
  /** Settles when the worker has its setup (or died first). */
  ready: Promise<void>;
}

/** The request id and item a dead worker was on, from what it noted before each sample or clip. */
function itemInProgress(w: Worker): { id: number; file: string } | null {
  try {
    const b = Buffer.alloc(8);
    if (readSync(w.progressFd, b, 0, 8, 0) < 8) return null;
    const id = b.readInt32LE(0);
    const p = w.pending.get(id);
    return p ? { id, file: p.fileOf(b.readInt32LE(4)) ?? '(a _silence_ clip)' } : null;
  } catch {
    return null;
  }
}

// Clips per probe request: small enough to spread a class over every worker, large enough that messages are few.
const PROBE_CHUNK = 256;

export class ForkPool implements Executor {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  private closing = false;
  /** When the first batch was handed to a worker, in ms since this process started (`performance.now()`). */
  firstBatchAt: number | null = null;
  /** This process's CPU time then: from there on it is feeding the workers. */
  firstBatchCpu: NodeJS.CpuUsage | null = null;
  /** CPU time (µs) each worker spent on requests (probes, batches, seals), as its last answer said. */
  private readonly workUs = new Map<Worker, number>();
  /** How the last worker to die went (`worker process 42 killed by SIGKILL`), for a batch that finds none left. */
  private lost: string | null = null;
  /** The file of a batch's item, for crash reports (given with the setup). */
  private fileAt: (batch: ShardBatch, item: number) => string | null = () => null;
  // Workers are killed when the build process ends however it ends, so none outlives it.
  private readonly onExit = () => this.kill();

  private constructor() {
    process.once('exit', this.onExit);
  }

  /**
   * Starts `count` worker processes without work: they load their code while the build reads its config. They
   * probe the dataset's clips; init() then hands them the plan. kill() if the build turns out to need none.
   * `simdFFT`: the config's transforms need PFFFT, which the workers then load meanwhile.
   */
  static fork(count: number, opts: { simdFFT?: boolean } = {}): ForkPool {
    const pool = new ForkPool();
    for (let i = 0; i < count; i++) pool.spawn();
    discardWorkers();
    // A worker that died meanwhile is found by its next request: the send's failure is ignored here.
    if (opts.simdFFT)
      for (const w of pool.workers) w.child.send({ type: 'preload' } satisfies ToWorker, undefined, {}, () => {});
    return pool;
  }

  /**
   * Sends every worker the build's setup: `sent` settles when every copy has left this process (a large plan leaves
   * its pipe only while this process's event loop runs), `ready` when all workers are ready for batches.
   */
  init(
    setup: WorkerSetup,
    fileAt: (batch: ShardBatch, item: number) => string | null,
  ): { sent: Promise<void>; ready: Promise<void> } {
    this.fileAt = fileAt;
    // A worker that died has its send fail: settled all the same, its `ready` rejects.
    const sends = this.workers.map(
      (w) => new Promise<void>((resolve) => w.child.send({ type: 'init', setup }, undefined, {}, () => resolve())),
    );
    return {
      sent: Promise.all(sends).then(() => {}),
      ready: Promise.all(this.workers.map((w) => w.ready)).then(() => {}),
    };
  }

  private spawn(): void {
    const { child, progressFd } = takeWorker();
    let ready!: () => void;
    let failed!: (err: Error) => void;
    const worker: Worker = {
      child,
      pending: new Map(),
      progressFd,
      ready: new Promise<void>((resolve, reject) => {
        ready = resolve;
        failed = reject;
      }),
    };
    // Rejections are collected by init(); a pool killed before init() has nobody waiting.
    worker.ready.catch(() => {});
    this.workers.push(worker);
    child.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') return ready();
      const p = worker.pending.get(msg.id);
      if (!p) return;
      worker.pending.delete(msg.id);
      if (msg.type === 'failed') return p.reject(new AudiogenError(msg.message, msg.exitCode));
      this.workUs.set(worker, msg.workUs);
      p.resolve(msg);
    });
    // A send to a worker that just died fails with EPIPE; its exit handler reports the batch.
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      const cause = signal ? `killed by ${signal}` : `exited with code ${code}`;
      failed(new AudiogenError(`worker process ${child.pid} ${cause} while starting`));
      const current = itemInProgress(worker);
      closeQuietly(progressFd);
      for (const [id, p] of worker.pending) {
        const item = current?.id === id ? `, ${p.doing === 'processing' ? 'sample' : 'file'} ${current.file}` : '';
        p.reject(new AudiogenError(`worker process ${child.pid} ${cause} while ${p.doing} ${p.what}${item}`));
      }
      worker.pending.clear();
      if (!this.closing) {
        this.lost = `worker process ${child.pid} ${cause}`;
        this.workers.splice(this.workers.indexOf(worker), 1);
      }
    });
  }

  private post(worker: Worker, msg: ToWorker): void {
    worker.child.send(msg);
  }

  private leastBusy(): Worker | undefined {
    return this.workers.reduce<Worker | undefined>(
      (best, w) => (!best || w.pending.size < best.pending.size ? w : best),
      undefined,
    );
  }

  /** Sends a request to `to`, by default the least busy worker; resolves with its answer. */
  private request(
    doing: Pending['doing'],
    what: string,
    fileOf: Pending['fileOf'],
    msg: (id: number) => Exclude<ToWorker, { type: 'init' }>,
    to = this.leastBusy(),
  ): Promise<FromWorker> {
    const worker = to && this.workers.includes(to) ? to : undefined;
    if (!worker) {
      return Promise.reject(
        new AudiogenError(
          this.lost ? `${this.lost} between batches, before ${what}` : `no worker process left for ${what}`,
        ),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { doing, what, fileOf, resolve, reject });
      try {
        this.post(worker, msg(id));
      } catch (err) {
        worker.pending.delete(id);
        reject(new AudiogenError(`worker process ${worker.child.pid} cannot take ${what}: ${(err as Error).message}`));
      }
    });
  }

  async run(batch: ShardBatch): Promise<BatchOutput> {
    const what = `batch ${batch.batchIndex} of ${batch.subset} epoch ${batch.epoch}`;
    const reply = this.request(
      'processing',
      what,
      (item) => this.fileAt(batch, item),
      (id) => ({ type: 'batch', id, batch }),
    );
    if (this.firstBatchAt === null) {
      this.firstBatchAt = performance.now();
      this.firstBatchCpu = process.cpuUsage();
    }
    const msg = await reply;
    if (msg.type !== 'batch') throw new Error(`${what}: a ${msg.type} reply`);
    return msg.output;
  }

  /**
   * Probes clips on the workers, a chunk per request spread over them; outcomes in the paths' order. An abort of
   * `signal` stops the workers at once (a probe of a million clips is not waited for) and rejects with
   * InterruptedError.
   */
  probe(paths: readonly string[], signal?: AbortSignal): Promise<ProbeOutcome[]> {
    return this.untilAborted(() => this.probeChunks(paths), signal);
  }

  /** Walks a class folder on the least busy worker (listClassFiles there); an abort as for probe(). */
  listFolder(
    root: string,
    folder: string,
    opts: Parameters<FolderLister>[2],
    signal?: AbortSignal,
  ): Promise<FolderListing> {
    return this.untilAborted(async () => {
      const reply = await this.request(
        'listing',
        `folder ${folder}`,
        () => null,
        (id) => ({ type: 'list', id, root, folder, followLinks: opts.followLinks, extensions: [...opts.extensions] }),
      );
      if (reply.type !== 'list') throw new Error(`listing ${folder}: a ${reply.type} reply`);
      return reply.listing;
    }, signal);
  }

  /** Runs `work` on the workers; an abort of `signal` kills them at once and rejects with InterruptedError. */
  private async untilAborted<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw interruptedBy(signal);
    const stop = () => this.kill();
    signal?.addEventListener('abort', stop);
    try {
      return await work();
    } catch (err) {
      if (signal?.aborted) throw interruptedBy(signal);
      throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  private async probeChunks(paths: readonly string[]): Promise<ProbeOutcome[]> {
    const chunks: Promise<ProbeOutcome[]>[] = [];
    for (let at = 0; at < paths.length; at += PROBE_CHUNK) {
      const chunk = paths.slice(at, at + PROBE_CHUNK);
      const reply = this.request(
        'probing',
        'clips',
        (item) => chunk[item] ?? null,
        (id) => ({ type: 'probe', id, paths: chunk }),
      );
      chunks.push(
        reply.then((msg) => {
          if (msg.type !== 'probe') throw new Error(`probing clips: a ${msg.type} reply`);
          return unpackProbe(msg.probed);
        }),
      );
    }
    return (await Promise.all(chunks)).flat();
  }

  /** The least busy worker now hashes the shard's growing file and seals it: the hash lives in that process. */
  sealer(): Sealer {
    const worker = this.leastBusy();
    return {
      ahead: async (path, from, to) => {
        const msg = await this.request(
          'sealing',
          path,
          () => path,
          (id) => ({ type: 'digest', id, path, from, to }),
          worker,
        );
        if (msg.type !== 'digest') throw new Error(`${path}: a ${msg.type} reply`);
      },
      seal: async (paths) => {
        const msg = await this.request(
          'sealing',
          paths[0],
          (item) => paths[item] ?? null,
          (id) => ({ type: 'seal', id, paths: [...paths] }),
          worker,
        );
        if (msg.type !== 'seal') throw new Error(`${paths[0]}: a ${msg.type} reply`);
        return msg.sealed;
      },
    };
  }

  /** The workers' CPU time (µs) on requests so far, summed over every worker that ran (dead ones included). */
  workerCpuUs(): number {
    let sum = 0;
    for (const us of this.workUs.values()) sum += us;
    return sum;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.disconnect();
          }),
      ),
    );
    process.off('exit', this.onExit);
  }

  kill(): void {
    this.closing = true;
    for (const w of this.workers) w.child.kill('SIGKILL');
    process.off('exit', this.onExit);
  }
}
