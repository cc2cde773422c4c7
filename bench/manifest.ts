// Prints what reading a dataset manifest costs: an MSWC-shaped split CSV of N rows (default 1,000,000; 128-hex
// speakers, one row in 11 VALID False) read, filtered, checked and grouped as a build lists it, clips not probed (that
// cost is the clip check's, the same as for class folders). Time and the heap the kept rows hold.
//   node --import tsx bench/manifest.ts [rows] [subset|speaker]
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseConfigText, resolvePaths } from '../src/config/load.js';
import { readDescribedDataset } from '../src/dataset/rows.js';
import { noTick } from '../src/dataset/tick.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const split = process.argv[3] === 'speaker' ? 'speaker' : 'subset';
const dir = mkdtempSync(join(tmpdir(), 'audiogen-bench-manifest-'));
try {
  const words = Array.from({ length: 500 }, (_, i) => `word${i}`);
  const speakers = Array.from({ length: 20_000 }, (_, i) => createHash('sha512').update(String(i)).digest('hex'));
  const lines = ['SET,LINK,WORD,VALID,SPEAKER,GENDER'];
  for (let i = 0; i < rows; i++) {
    const w = words[(i * 7) % words.length];
    const set = ['TRAIN', 'TRAIN', 'TRAIN', 'TRAIN', 'TRAIN', 'TRAIN', 'TRAIN', 'TRAIN', 'DEV', 'TEST'][i % 10];
    lines.push(
      `${set},${w}/common_voice_en_${20_000_000 + i}.opus,${w},${i % 11 === 3 ? 'False' : 'True'},${speakers[i % speakers.length]},NAN`,
    );
  }
  const csv = join(dir, 'en_splits.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  lines.length = 0;
  const columns =
    split === 'subset'
      ? '{path: LINK, label: WORD, subset: SET, speaker: SPEAKER}\n  subset_names: {training: TRAIN, validation: DEV, testing: TEST}'
      : '{path: LINK, label: WORD, speaker: SPEAKER}';
  const config = resolvePaths(
    parseConfigText(
      `dataset:\n  directory: ${dir}\n  manifest: en_splits.csv\n  columns: ${columns}\n  where: {VALID: "True"}\n  classes: [word1, word2, word3, _unknown_]\n${split === 'speaker' ? 'generator: {validation_split: 0.1, testing_split: 0.1}\n' : ''}output:\n  directory: ${join(dir, 'out')}\n`,
      'bench.yaml',
    ),
    dir,
  );
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const described = await readDescribedDataset(config.dataset, ['word1', 'word2', 'word3'], true, noTick);
  const seconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const heap = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  const size = statSync(csv).size / 2 ** 20;
  console.log(
    `${rows} rows (${size.toFixed(0)} MiB, split by ${split}): ${described.rows.size} kept in ${seconds.toFixed(2)} s ` +
      `(${Math.round(rows / seconds)} rows/s), heap ${heap.toFixed(0)} MiB held (${((heap * 2 ** 20) / described.rows.size).toFixed(0)} bytes a kept row)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
