// Worker process entry: walks class folders and probes clips before planning, then renders batches and seals finished
// shards for the build.
import { fstatSync, writeSync } from 'node:fs';
import { listClassFiles } from '../dataset/list.js';
import { probeClip } from '../dataset/probe.js';
import { loadSimdFFT } from '../dsp/fft-simd.js';
import { AudiogenError, errorMessage, EXIT } from '../errors.js';
import { Digests } from '../io/seal.js';
import { packProbe, type FromWorker, type ToWorker } from './messages.js';
import { PROGRESS_FD } from './prestart.js';
import { BatchRunner } from './runner.js';

let runner: BatchRunner | null = null;
// The hashes of the shard files this worker will seal, kept between requests.
const digests = new Digests();
let setupError: unknown = null;
// Before each sample or clip the worker notes (request id, item) at offset 0 of descriptor 4, so a crash can name
// the file.
const progressFd = (() => {
  try {
    return fstatSync(PROGRESS_FD).isFile() ? PROGRESS_FD : null;
  } catch {
    return null;
  }
})();
const progress = new Int32Array(2);
const progressBytes = new Uint8Array(progress.buffer);
const noteProgress = (id: number) => (item: number) => {
  if (progressFd === null) return;
  progress[0] = id;
  progress[1] = item;
  writeSync(progressFd, progressBytes, 0, 8, 0);
};

// Without the build (killed, even with -9) there is nobody to work for: leave quietly, never with a stack trace.
const leave = () => process.exit(0);
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
// The CPU spent loading and on the setup is start-up, not work: replies report the rest (see FromWorker).
let startupUs = cpuUs();
const workUs = () => cpuUs() - startupUs;
const send = (msg: FromWorker) => {
  if (!process.connected) return leave();
  process.send!(msg, undefined, {}, (err) => {
    if (err) leave();
  });
};

// The build decides how to stop: a terminal's Ctrl-C reaches the whole process group, workers wait to be told.
process.on('SIGINT', () => {});
process.on('disconnect', leave);

async function answer(msg: Exclude<ToWorker, { type: 'init' | 'preload' }>): Promise<FromWorker> {
  switch (msg.type) {
    case 'probe': {
      const note = noteProgress(msg.id);
      const outcomes = [];
      for (const [i, path] of msg.paths.entries()) {
        note(i);
        outcomes.push(await probeClip(path));
      }
      return { type: 'probe', id: msg.id, probed: packProbe(outcomes), workUs: workUs() };
    }
    case 'list': {
      const { root, folder, followLinks, extensions } = msg;
      return {
        type: 'list',
        id: msg.id,
        listing: await listClassFiles(root, folder, { followLinks, extensions }),
        workUs: workUs(),
      };
    }
    case 'digest':
      await digests.ahead(msg.path, msg.from, msg.to);
      return { type: 'digest', id: msg.id, workUs: workUs() };
    case 'seal':
      return { type: 'seal', id: msg.id, sealed: await digests.seal(msg.paths), workUs: workUs() };
    case 'batch': {
      if (setupError) throw setupError;
      if (!runner) throw new Error('worker received a batch before its setup');
      const output = runner.run(msg.batch, noteProgress(msg.id));
      return { type: 'batch', id: msg.id, output, workUs: workUs() };
    }
  }
}

process.on('message', async (msg: ToWorker) => {
  // PFFFT (the STFT's 'simd' FFT) loads while the worker walks and probes, not on the way to its first batch;
  // BatchProcessor.create awaits this same load and reports a failure.
  if (msg.type === 'preload') {
    loadSimdFFT().catch(() => {});
    return;
  }
  if (msg.type === 'init') {
    const before = cpuUs();
    try {
      runner = await BatchRunner.create(msg.setup);
    } catch (err) {
      // Set-up failures (e.g. a hook module that does not load) surface on the first batch.
      setupError = err;
    }
    startupUs += cpuUs() - before;
    send({ type: 'ready' });
    return;
  }
  try {
    send(await answer(msg));
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
