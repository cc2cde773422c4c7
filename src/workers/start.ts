// A worker process's entry in the built package (workers/prestart.ts forks it): the bundled worker,
// dist/src/bundle/worker.cjs, loaded with its code cache. Under tsx (the tests) worker.ts is forked instead.
import { fileURLToPath } from 'node:url';
import { loadBundle } from '../files/code-cache.js';

loadBundle(fileURLToPath(new URL('../bundle/worker.cjs', import.meta.url)));
