// Runs batches: in worker processes (child_process.fork), or in this process when `debug` is set.
import { fork, type ChildProcess } from 'node:child_process';
import type { Config } from '../config/schema.js';
import { AudiogenError } from '../errors.js';
import { BatchProcessor } from './batch.js';
import type { BatchJob, BatchResult, FromWorker, ToWorker } from './messages.js';

export interface Executor {
  run(job: BatchJob): Promise<BatchResult>;
  close(): Promise<void>;
  /** Stops everything now (interrupt or failure elsewhere); pending runs reject. */
  kill(): void;
}

export class InlineExecutor implements Executor {
  private readonly processor: BatchProcessor;
  constructor(config: Config) {
    this.processor = new BatchProcessor(config);
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
}

const workerEntry = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export class ForkPool implements Executor {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  private closing = false;

  private constructor() {}

  static async start(config: Config, count: number): Promise<ForkPool> {
    const pool = new ForkPool();
    await Promise.all(Array.from({ length: count }, () => pool.spawn(config)));
    return pool;
  }

  private spawn(config: Config): Promise<void> {
    const child = fork(workerEntry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker: Worker = { child, pending: new Map() };
    this.workers.push(worker);
    return new Promise((resolve, reject) => {
      child.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') return resolve();
        const p = worker.pending.get(msg.id);
        if (!p) return;
        worker.pending.delete(msg.id);
        if (msg.type === 'done') p.resolve(msg.result);
        else p.reject(new AudiogenError(msg.message, msg.exitCode));
      });
      child.on('exit', (code, signal) => {
        const cause = signal ? `killed by ${signal}` : `exited with code ${code}`;
        reject(new AudiogenError(`worker process ${child.pid} ${cause} while starting`));
        for (const p of worker.pending.values()) {
          const files = p.job.items.map((i) => i.file ?? '(silence)');
          const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? `, … (${files.length} files)` : '');
          p.reject(
            new AudiogenError(
              `worker process ${child.pid} ${cause} while processing batch ${p.job.batchIndex} of ${p.job.subset} epoch ${p.job.epoch} (${shown})`,
            ),
          );
        }
        worker.pending.clear();
        if (!this.closing) this.workers.splice(this.workers.indexOf(worker), 1);
      });
      this.post(worker, { type: 'init', config });
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
    if (!worker) return Promise.reject(new AudiogenError('no worker process left to run the batch'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { job, resolve, reject });
      this.post(worker, { type: 'batch', id, job });
    });
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
  }

  kill(): void {
    this.closing = true;
    for (const w of this.workers) w.child.kill('SIGKILL');
  }
}
