// Worker process entry: receives batches from the build, processes them, reports the drawn parameters.
import { fstatSync, writeSync } from 'node:fs';
import { AudiogenError, errorMessage, EXIT } from '../errors.js';
import { BatchProcessor } from '../sample/batch.js';
import type { FromWorker, ToWorker } from './messages.js';
import { PROGRESS_FD } from './prestart.js';

let processor: BatchProcessor | null = null;
let setupError: unknown = null;
// Before each sample the worker notes (batch id, item) at offset 0 of descriptor 4, so a crash can name the file.
const progressFd = (() => {
  try {
    return fstatSync(PROGRESS_FD).isFile() ? PROGRESS_FD : null;
  } catch {
    return null;
  }
})();
const progress = new Int32Array(2);
const progressBytes = new Uint8Array(progress.buffer);

// Without the build (killed, even with -9) there is nobody to work for: leave quietly, never with a stack trace.
const leave = () => process.exit(0);
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const send = (msg: FromWorker) => {
  if (!process.connected) return leave();
  process.send!(msg, undefined, {}, (err) => {
    if (err) leave();
  });
};

// The build decides how to stop: a terminal's Ctrl-C reaches the whole process group, workers wait to be told.
process.on('SIGINT', () => {});
process.on('disconnect', leave);

process.on('message', async (msg: ToWorker) => {
  if (msg.type === 'init') {
    try {
      processor = await BatchProcessor.create(msg.context);
    } catch (err) {
      // Set-up failures (e.g. a hook module that does not load) surface on the first batch.
      setupError = err;
    }
    send({ type: 'ready', cpuUs: cpuUs() });
    return;
  }
  try {
    if (setupError) throw setupError;
    if (!processor) throw new Error('worker received a batch before its config');
    const beforeSample = (item: number) => {
      if (progressFd === null) return;
      progress[0] = msg.id;
      progress[1] = item;
      writeSync(progressFd, progressBytes, 0, 8, 0);
    };
    const result = processor.run(msg.job, beforeSample);
    send({ type: 'done', id: msg.id, result, cpuUs: cpuUs() });
  } catch (err) {
    const exitCode = err instanceof AudiogenError ? err.exitCode : EXIT.failed;
    send({
      type: 'failed',
      id: msg.id,
      message: err instanceof AudiogenError ? err.message : String((err as Error)?.stack ?? errorMessage(err)),
      exitCode,
    });
  }
});
