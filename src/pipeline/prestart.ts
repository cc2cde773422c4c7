// Worker processes started before the CLI has loaded anything else: `audiogen build` forks them first thing, so
// their Node start-up (~0.2 s each here) runs alongside the build's own instead of after it. The pool adopts them;
// the rest are killed once the build knows its worker count, or when the process exits.
import { fork, type ChildProcess } from 'node:child_process';

export const workerEntry = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export function forkWorker(): ChildProcess {
  return fork(workerEntry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

const waiting: ChildProcess[] = [];

/** Forks `count` idle workers for a build that is about to start. */
export function prestartWorkers(count: number): void {
  for (let i = 0; i < count; i++) {
    const child = forkWorker();
    // Until adopted, a worker that dies is simply no longer offered.
    child.on('exit', () => {
      const at = waiting.indexOf(child);
      if (at >= 0) waiting.splice(at, 1);
    });
    child.on('error', () => {});
    waiting.push(child);
  }
  process.once('exit', discardWorkers);
}

/** Kills the pre-started workers nobody took (the build knows how many it needs, or needs none). */
export function discardWorkers(): void {
  for (const child of waiting.splice(0)) child.kill('SIGKILL');
}

/** A pre-started worker that is still alive, or a new one. */
export function takeWorker(): ChildProcess {
  return waiting.shift() ?? forkWorker();
}
