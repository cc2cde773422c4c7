// Runs batches: in worker processes (child_process.fork), or in this process when `debug` is set.
import type { ChildProcess } from 'node:child_process';
import { readSync } from 'node:fs';
import { AudiogenError } from '../errors.js';
import { BatchProcessor } from '../sample/batch.js';
import { closeQuietly, discardWorkers, takeWorker } from './prestart.js';
import type { BatchJob, BatchResult, WorkContext } from '../sample/batch.js';
import type { FromWorker, ToWorker } from './messages.js';

export interface Executor {
  run(job: BatchJob): Promise<BatchResult>;
  close(): Promise<void>;
  /** Stops everything now (interrupt or failure elsewhere); pending runs reject. */
  kill(): void;
}

export class InlineExecutor implements Executor {
  private constructor(private readonly processor: BatchProcessor) {}
  static async start(context: WorkContext): Promise<InlineExecutor> {
    return new InlineExecutor(await BatchProcessor.create(context));
  }
  async run(job: BatchJob): Promise<BatchResult> {
    // Yield first so progress and signals are handled between batches.
    await new Promise((r) => setImmediate(r));
    return this.processor.run(job);
  }
  async close(): Promise<void> {}
  kill(): void {}
}

interface Pending {
  job: BatchJob;
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

interface Worker {
  child: ChildProcess;
  pending: Map<number, Pending>;
  progressFd: number;
  /** Settles when the worker has its context (or died first). */
  ready: Promise<void>;
}

/** The batch id and file a dead worker was on, from what it noted before each sample. */
function sampleInProgress(w: Worker): { id: number; file: string } | null {
  try {
    const b = Buffer.alloc(8);
    if (readSync(w.progressFd, b, 0, 8, 0) < 8) return null;
    const id = b.readInt32LE(0);
    const item = w.pending.get(id)?.job.items[b.readInt32LE(4)];
    return item ? { id, file: item.file ?? '(a _silence_ clip)' } : null;
  } catch {
    return null;
  }
}

export class ForkPool implements Executor {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  private closing = false;
  /** When the first batch was handed to a worker, in ms since this process started (`performance.now()`). */
  firstBatchAt: number | null = null;
  /** CPU time (µs) the workers spent after they were ready, on batches, as their last results said. */
  private readonly batchCpuUs = new Map<Worker, { ready: number; last: number }>();
  /** How the last worker to die went (`worker process 42 killed by SIGKILL`), for a batch that finds none left. */
  private lost: string | null = null;
  // Workers are killed when the build process ends however it ends, so none outlives it.
  private readonly onExit = () => this.kill();

  private constructor() {
    process.once('exit', this.onExit);
  }

  /**
   * Starts `count` worker processes without work: they load their code while the build lists the dataset.
   * init() then hands them the context; kill() if the build turns out to need none.
   */
  static fork(count: number): ForkPool {
    const pool = new ForkPool();
    for (let i = 0; i < count; i++) pool.spawn();
    discardWorkers();
    return pool;
  }

  /** Sends every worker the build's context; resolves when all are ready for batches. */
  async init(context: WorkContext): Promise<void> {
    for (const w of this.workers) this.post(w, { type: 'init', context });
    await Promise.all(this.workers.map((w) => w.ready));
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
      if (msg.type === 'ready') {
        this.batchCpuUs.set(worker, { ready: msg.cpuUs, last: msg.cpuUs });
        return ready();
      }
      const p = worker.pending.get(msg.id);
      if (!p) return;
      worker.pending.delete(msg.id);
      if (msg.type === 'done') {
        const cpu = this.batchCpuUs.get(worker);
        if (cpu) cpu.last = msg.cpuUs;
        p.resolve(msg.result);
      } else p.reject(new AudiogenError(msg.message, msg.exitCode));
    });
    // A send to a worker that just died fails with EPIPE; its exit handler reports the batch.
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      const cause = signal ? `killed by ${signal}` : `exited with code ${code}`;
      failed(new AudiogenError(`worker process ${child.pid} ${cause} while starting`));
      const current = sampleInProgress(worker);
      closeQuietly(progressFd);
      for (const [id, p] of worker.pending) {
        const where = `batch ${p.job.batchIndex} of ${p.job.subset} epoch ${p.job.epoch}`;
        const sample = current?.id === id ? `, sample ${current.file}` : '';
        p.reject(new AudiogenError(`worker process ${child.pid} ${cause} while processing ${where}${sample}`));
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

  run(job: BatchJob): Promise<BatchResult> {
    const worker = this.workers.reduce<Worker | undefined>(
      (best, w) => (!best || w.pending.size < best.pending.size ? w : best),
      undefined,
    );
    if (!worker) {
      const where = `batch ${job.batchIndex} of ${job.subset} epoch ${job.epoch}`;
      return Promise.reject(
        new AudiogenError(
          this.lost ? `${this.lost} between batches, before ${where}` : `no worker process left to run ${where}`,
        ),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { job, resolve, reject });
      try {
        this.post(worker, { type: 'batch', id, job });
        this.firstBatchAt ??= performance.now();
      } catch (err) {
        worker.pending.delete(id);
        reject(
          new AudiogenError(
            `worker process ${worker.child.pid} cannot take batch ${job.batchIndex}: ${(err as Error).message}`,
          ),
        );
      }
    });
  }

  /** The workers' CPU time (µs) on batches so far, summed over every worker that ran (dead ones included). */
  workerCpuUs(): number {
    let sum = 0;
    for (const { ready, last } of this.batchCpuUs.values()) sum += last - ready;
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
