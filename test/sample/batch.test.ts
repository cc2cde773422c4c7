// One batch: every item's row rendered in item order with the parameters of its position; readClip names the clip
// (relative to the dataset) whenever it cannot be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BatchProcessor, needsSimdFFT, readClip, type BatchJob } from '../../src/sample/batch.js';
import { drawParams } from '../../src/sample/params.js';
import { AudiogenError } from '../../src/errors.js';
import { makeConfig, ROOT, tempDir, toneClips, toneWav, writeDataset } from '../helpers.js';

const { dataset, decoded } = toneClips();

/** Raw float32 audio of 100 ms (1600 samples), no trim, offset 0: a row is its clip followed by zeros. */
const plain = (generator: Record<string, unknown> = {}) =>
  makeConfig(dataset, '/out', {
    generator: { trim_threshold_db: null, disable_random_transforms: true, ...generator },
    frontend: { sample_length_ms: 100 },
  });

const items = [
  { position: 4, label: 0, file: 'yes/b_nohash_0.wav' },
  { position: 5, label: 1, file: 'no/c_nohash_0.wav' },
  { position: 6, label: 2, file: null },
  { position: 7, label: 0, file: 'yes/a_nohash_0.wav' },
];

test('a batch\u2019s rows are rendered in item order, each with the parameters drawn for its position', async () => {
  const config = plain();
  const processor = await BatchProcessor.create({ config, background: [], rirs: [] });
  assert.equal(processor.rowElements, 1600);
  const job: BatchJob = { subset: 'training', epoch: 0, batchIndex: 1, items };
  const rows = processor.newRows(items.length);
  rows.fill(0.25);
  const seen: number[] = [];
  const rendered = processor.render(job, rows, (i) => seen.push(i));
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.deepEqual(
    rendered.map((r) => r.params),
    items.map((it) => drawParams(config, [], 'training', 0, it.position)),
  );
  items.forEach((item, i) => {
    const row = (rows as Float32Array).subarray(i * 1600, (i + 1) * 1600);
    const clip = item.file === null ? new Float32Array(0) : decoded(item.file);
    assert.deepEqual(row.subarray(0, clip.length), clip, `row ${i}: its clip`);
    assert.ok(
      row.subarray(clip.length).every((v) => v === 0),
      `row ${i}: zeros after the clip`,
    );
  });
});

test('render gives the audio of each sample when asked, and the same rows either way', async () => {
  const config = plain({ disable_random_transforms: false, loudness_range: [0.5, 0.9] });
  const processor = await BatchProcessor.create({ config, background: [], rirs: [] });
  const job: BatchJob = { subset: 'training', epoch: 2, batchIndex: 0, items };
  const rows = processor.newRows(items.length);
  assert.equal(rows.length, 4 * 1600);
  const rendered = processor.render(job, rows, undefined, true);
  for (const [i, r] of rendered.entries()) {
    assert.deepEqual(r.params, drawParams(config, [], 'training', 2, items[i].position));
    assert.deepEqual(r.audio, rows.subarray(i * 1600, (i + 1) * 1600), 'raw audio: the row is the audio');
  }
  const again = processor.newRows(4);
  assert.ok(
    processor.render(job, again).every((r) => r.audio === null),
    'no audio kept unless asked',
  );
  assert.deepEqual(again, rows);
});

test('readClip decodes a clip, and names it relative to the dataset with the reason when it cannot', () => {
  const dir = tempDir();
  writeDataset(dir, {
    'yes/ok.wav': toneWav(0.01),
    'yes/text.wav': 'hello',
    'yes/short.wav': toneWav(0.01).subarray(0, 50),
  });
  execFileSync('mkfifo', [join(dir, 'yes', 'pipe.wav')]);
  mkdirSync(join(dir, 'yes', 'folder.wav'));
  assert.equal(readClip(dir, 'yes/ok.wav').channels[0].length, 160);
  const fails = (file: string, message: RegExp) =>
    assert.throws(
      () => readClip(dir, file),
      (err: unknown) => err instanceof AudiogenError && message.test(err.message),
      file,
    );
  fails('yes/text.wav', /^yes\/text\.wav: not a WAV file: /);
  fails('yes/short.wav', /^yes\/short\.wav: truncated: /);
  fails('yes/pipe.wav', /^yes\/pipe\.wav: is a FIFO \(named pipe\), not a regular file$/);
  fails('yes/folder.wav', /^yes\/folder\.wav: is a folder, not a regular file$/);
  fails('yes/missing.wav', /^yes\/missing\.wav: cannot read \(ENOENT\)$/);
});

test('a batch whose clip cannot be read fails naming that clip', async () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': toneWav(0.05), 'yes/bad.wav': 'not audio' });
  const processor = await BatchProcessor.create({
    config: makeConfig(dir, '/out', { generator: { disable_random_transforms: true } }),
    background: [],
    rirs: [],
  });
  const job: BatchJob = {
    subset: 'training',
    epoch: 0,
    batchIndex: 0,
    items: [
      { position: 0, label: 0, file: 'yes/a.wav' },
      { position: 1, label: 0, file: 'yes/bad.wav' },
    ],
  };
  assert.throws(() => processor.render(job, processor.newRows(2)), /^AudiogenError: yes\/bad\.wav: not a WAV file/);
});

test('a clip too long to augment (a buffer cannot be allocated) fails naming the clip, in words; other errors pass', async () => {
  const processor = await BatchProcessor.create({ config: plain(), background: [], rirs: [] });
  const job: BatchJob = { subset: 'training', epoch: 0, batchIndex: 0, items: items.slice(0, 2) };
  // What an hour-long 96 kHz clip stretched by speed augmentation does inside the vocoder.
  const renderer = (processor as unknown as { renderer: { renderAudio: (...a: unknown[]) => unknown } }).renderer;
  const real = renderer.renderAudio.bind(renderer);
  let calls = 0;
  renderer.renderAudio = (...a: unknown[]) => {
    if (++calls === 2) throw new RangeError('WebAssembly.Memory.grow(): Unable to grow instance memory');
    return real(...a);
  };
  assert.throws(
    () => processor.render(job, processor.newRows(2)),
    (err: unknown) =>
      err instanceof AudiogenError &&
      err.message ===
        'no/c_nohash_0.wav: too long to augment at this rate and speed: a buffer it needs cannot be allocated (WebAssembly.Memory.grow(): Unable to grow instance memory); shorten or split the clip, or leave it out of the dataset',
  );
  // A defect is not dressed up as a long clip: it keeps its own type and stack.
  calls = 0;
  renderer.renderAudio = () => {
    throw new TypeError('x is not a function');
  };
  assert.throws(() => processor.render(job, processor.newRows(2)), TypeError);
});

test('PFFFT is loaded only for configs whose transforms reach it: reverb, speed, pitch and VTLP', () => {
  const needs = (generator: Record<string, unknown>) => needsSimdFFT(plain(generator));
  assert.equal(needs({}), false);
  assert.equal(
    needs({
      disable_random_transforms: false,
      loudness_range: [0.5, 1.5],
      noise_colors: 'all',
      noise_color_range: [0, 0.05],
    }),
    false,
  );
  assert.equal(needs({ disable_random_transforms: false, speed_range: [0.9, 1.1] }), true);
  assert.equal(needs({ disable_random_transforms: false, pitch_range: [-2, 2] }), true);
  assert.equal(needs({ disable_random_transforms: false, vtlp_range: [0.9, 1.1] }), true);
  assert.equal(needs({ rir_dir: ROOT, rir_probability: 0.5 }), true);
  // Disabled transforms draw none of them.
  assert.equal(needs({ disable_random_transforms: true, speed_range: [0.9, 1.1], vtlp_range: [0.9, 1.1] }), false);
  // In a fresh process (nothing loaded PFFFT before), each config renders a training batch; simdRealFFT, which
  // throws until PFFFT is loaded, tells whether create() loaded it.
  const renderFresh = (generator: Record<string, unknown>) => {
    const script = `import { makeConfig, toneClips } from ${JSON.stringify(join(ROOT, 'test/helpers.ts'))};
import { BatchProcessor } from ${JSON.stringify(join(ROOT, 'src/sample/batch.ts'))};
import { simdRealFFT } from ${JSON.stringify(join(ROOT, 'src/dsp/fft-simd.ts'))};
const config = makeConfig(toneClips().dataset, '/out', {
  generator: { trim_threshold_db: null, ...${JSON.stringify(generator)} },
  frontend: { sample_length_ms: 100 },
});
const p = await BatchProcessor.create({ config, background: [], rirs: [] });
const items = ${JSON.stringify(items)};
p.render({ subset: 'training', epoch: 0, batchIndex: 0, items }, p.newRows(items.length));
let loaded = true;
try { simdRealFFT(512); } catch { loaded = false; }
console.log(loaded ? 'loaded' : 'not loaded');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    // The first line: the helpers import node:test, whose (empty) report follows.
    return r.stdout.split('\n')[0];
  };
  assert.equal(renderFresh({ disable_random_transforms: true }), 'not loaded');
  assert.equal(
    renderFresh({ loudness_range: [0.5, 1.5], noise_colors: 'all', noise_color_range: [0, 0.05] }),
    'not loaded',
  );
  for (const transform of [{ speed_range: [0.8, 0.9] }, { pitch_range: [2, 3] }, { vtlp_range: [0.8, 0.9] }])
    assert.equal(renderFresh(transform), 'loaded', JSON.stringify(transform));
});
