// Worker processes started before the CLI has loaded anything else: `audiogen build` forks them first thing, so
// their Node start-up (~0.2 s each here) runs alongside the build's own instead of after it. The pool adopts them;
// the rest are killed once the build knows its worker count, or when the process exits.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

// The compiled worker is bundled into one file (scripts/bundle-cli.mjs) that start.js loads; under tsx (tests) the
// source runs. '../workers/' resolves alike from dist/src/workers/ and from the CLI's bundle in dist/src/bundle/.
export const workerEntry = new URL(
  import.meta.url.endsWith('.ts') ? './worker.ts' : '../workers/start.js',
  import.meta.url,
);

/** The descriptor a worker notes its current (batch, item) in; the file behind it has no name. */
export const PROGRESS_FD = 4;

export interface ForkedWorker {
  child: ChildProcess;
  /** The build's descriptor of the worker's progress file (read after a crash to name the sample); its owner closes it. */
  progressFd: number;
}

/**
 * Forks a worker with its progress file as descriptor 4. The file is unlinked at once: both processes keep it
 * open, and nothing is left on disk however either of them ends (kill -9 included).
 */
export function forkWorker(): ForkedWorker {
  const path = join(tmpdir(), `audiogen-progress-${process.pid}-${randomBytes(6).toString('hex')}`);
  const progressFd = openSync(path, 'w+', 0o600);
  unlinkSync(path);
  try {
    const child = fork(workerEntry, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', progressFd],
    });
    return { child, progressFd };
  } catch (err) {
    closeQuietly(progressFd);
    throw err;
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

const PRESTARTED: unique symbol = Symbol.for('audiogen.prestartedWorkers');
// bin/audiogen.js pre-starts the workers with this module before the CLI's bundle, which holds its own copy of it:
// the two copies share one list through a global.
const shared = globalThis as { [PRESTARTED]?: ForkedWorker[] };
shared[PRESTARTED] ??= [];
const waiting: ForkedWorker[] = shared[PRESTARTED];

/** Forks `count` idle workers for a build that is about to start. */
export function prestartWorkers(count: number): void {
  for (let i = 0; i < count; i++) {
    const w = forkWorker();
    // Until adopted, a worker that dies is simply no longer offered.
    w.child.on('exit', () => {
      const at = waiting.indexOf(w);
      if (at >= 0) {
        waiting.splice(at, 1);
        closeQuietly(w.progressFd);
      }
    });
    w.child.on('error', () => {});
    waiting.push(w);
  }
  process.once('exit', discardWorkers);
}

/** Kills the pre-started workers nobody took (the build knows how many it needs, or needs none). */
export function discardWorkers(): void {
  for (const w of waiting.splice(0)) {
    w.child.kill('SIGKILL');
    closeQuietly(w.progressFd);
  }
}

/** A pre-started worker that is still alive, or a new one. */
export function takeWorker(): ForkedWorker {
  return waiting.shift() ?? forkWorker();
}
