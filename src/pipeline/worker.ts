// Worker process entry: receives batches from the build, processes them, reports the drawn parameters.
import { AudiogenError, errorMessage, EXIT } from '../errors.js';
import { BatchProcessor } from './batch.js';
import type { FromWorker, ToWorker } from './messages.js';

let processor: BatchProcessor | null = null;
const send = (msg: FromWorker) => process.send!(msg);

// The build decides how to stop: a terminal's Ctrl-C reaches the whole process group, workers wait to be told.
process.on('SIGINT', () => {});
// Without the build (killed, even with -9) there is nobody to work for.
process.on('disconnect', () => process.exit(0));

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') {
    processor = new BatchProcessor(msg.config);
    send({ type: 'ready' });
    return;
  }
  try {
    if (!processor) throw new Error('worker received a batch before its config');
    send({ type: 'done', id: msg.id, result: processor.run(msg.job) });
  } catch (err) {
    const exitCode = err instanceof AudiogenError ? err.exitCode : EXIT.failed;
    send({ type: 'failed', id: msg.id, message: err instanceof AudiogenError ? err.message : String((err as Error)?.stack ?? errorMessage(err)), exitCode });
  }
});
