// A long listing stays responsive: its loops call tick(), which yields to the event loop about every 10 ms (so
// SIGINT/SIGTERM handlers run) and stops the listing with InterruptedError once the signal is aborted.
import { throwIfInterrupted } from '../errors.js';

/** Await it in every loop of the listing; resolves at once (undefined) unless it is time to yield. */
export type Tick = () => Promise<void> | undefined;

const SLICE_MS = 10;

export function ticker(signal?: AbortSignal): Tick {
  let last = performance.now();
  const check = () => throwIfInterrupted(signal);
  return () => {
    check();
    if (performance.now() - last < SLICE_MS) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      last = performance.now();
      check();
    });
  };
}

/** For callers without a signal or a time budget (tests, small folders). */
export const noTick: Tick = () => undefined;
