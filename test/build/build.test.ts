import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readFileSync,
  statSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  copyFileSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import type { Manifest } from '../../src/io/manifest.js';
import type { NpyShardRecord } from '../../src/io/shard-writer.js';
import { DEMO_DATASET, FIXTURES, demoSubset, makeConfig, python, readTree, tempDir } from '../helpers.js';

const CLASSES = ['yes', 'no', 'up', 'cat', 'dog'];
const dataset = demoSubset(tempDir(), CLASSES, 10);

const files = readTree;

const shardsOnly = (f: Record<string, string>) =>
  Object.fromEntries(Object.entries(f).filter(([k]) => /\.(npy|csv)$/.test(k)));

function configFor(out: string, generator: Record<string, unknown> = {}) {
  return makeConfig(dataset, out, {
    dataset: { classes: ['yes', 'no', 'up', '_unknown_', '_silence_'], batch_size: 4 },
    generator: { validation_split: 0.3, unknown_class_percentage: 0.5, silence_class_percentage: 0.5, ...generator },
    output: { epochs: 2, samples_per_shard: 7 },
  });
}

test('the same seed gives byte-identical shards with 1 worker, 2 workers and in-process', async () => {
  const root = tempDir();
  const one = await build(configFor(join(root, 'one'), { cores: 1 }));
  const two = await build(configFor(join(root, 'two'), { cores: 2 }));
  await build(configFor(join(root, 'debug'), { debug: true }));
  assert.equal(one.workers, 1);
  assert.equal(two.workers, 2);
  const a = files(join(root, 'one'));
  assert.ok(Object.keys(shardsOnly(a)).length > 10);
  assert.deepEqual(shardsOnly(files(join(root, 'two'))), shardsOnly(a));
  assert.deepEqual(shardsOnly(files(join(root, 'debug'))), shardsOnly(a));
  assert.equal(
    readFileSync(join(root, 'one', 'manifest.json'), 'utf8'),
    readFileSync(join(root, 'two', 'manifest.json'), 'utf8'),
  );
  assert.ok(!Object.keys(a).some((k) => k.endsWith('.partial')), 'no temporary file left');
});

test('epochs differ from each other and another seed gives other shards', async () => {
  const root = tempDir();
  await build(configFor(join(root, 'a')));
  await build(
    makeConfig(dataset, join(root, 'b'), { ...configParts(), dataset: { ...configParts().dataset, seed: 99 } }),
  );
  const x0 = readFileSync(join(root, 'a', 'training/epoch-000/x-000.npy'));
  const x1 = readFileSync(join(root, 'a', 'training/epoch-001/x-000.npy'));
  const b0 = readFileSync(join(root, 'b', 'training/epoch-000/x-000.npy'));
  assert.notDeepEqual(x0, x1);
  assert.notDeepEqual(x0, b0);
});

function configParts() {
  return {
    dataset: { classes: ['yes', 'no', 'up', '_unknown_', '_silence_'], batch_size: 4 },
    generator: { validation_split: 0.3, unknown_class_percentage: 0.5, silence_class_percentage: 0.5 },
    output: { epochs: 2, samples_per_shard: 7 },
  };
}

test('numpy loads every shard with the shape, dtype, labels and hashes the manifest states', async () => {
  const out = join(tempDir(), 'out');
  await build(configFor(out));
  const report = python(
    `
import json, sys, csv, hashlib, numpy as np
out = sys.argv[1]
m = json.load(open(out + '/manifest.json'))
assert m['complete'] and m['format'] == 'audiogen'
n = 0
for sub, e in m['subsets'].items():
    assert len(e['epochs']) == m['epochs']
    for ep in e['epochs']:
        total = 0
        for s in ep['shards']:
            x = np.load(out + '/' + s['x']['path'], mmap_mode='r')
            y = np.load(out + '/' + s['y']['path'], mmap_mode='r')
            assert list(x.shape) == s['x']['shape'] == [s['count']] + m['sample_shape'], (x.shape, s)
            assert str(x.dtype) == m['dtype'] and str(y.dtype) == m['label']['dtype']
            assert list(y.shape) == [s['count'], len(m['classes'])]
            rows = list(csv.DictReader(open(out + '/' + s['index']['path'])))
            assert [int(r['position']) for r in rows] == list(range(s['start'], s['start'] + s['count']))
            for i, r in enumerate(rows):
                assert y[i].sum() == 1 and int(np.argmax(y[i])) == int(r['label']), (i, r)
                assert m['classes'][int(r['label'])] == r['class']
                if r['class'] == '_silence_':
                    assert r['file'] == '' and not x[i].any()
                else:
                    assert r['file'].split('/')[0] in ('yes', 'no', 'up', 'cat', 'dog') and x[i].any()
                    assert (r['class'] == '_unknown_') == (r['file'].split('/')[0] in ('cat', 'dog'))
            for f in (s['x'], s['y'], s['index']):
                data = open(out + '/' + f['path'], 'rb').read()
                assert len(data) == f['bytes'] and hashlib.sha256(data).hexdigest() == f['sha256']
            total += s['count']
            n += s['count']
        assert total == e['samples'] == sum(e['class_counts'].values())
print(n)
`,
    [out],
  );
  assert.ok(Number(report) > 50, report);
  assert.deepEqual(readFileSync(join(out, 'classes.txt'), 'utf8').trim().split('\n'), [
    'yes',
    'no',
    'up',
    '_unknown_',
    '_silence_',
  ]);
});

test('validation without augmentation places every clip at offset 0', async () => {
  const out = join(tempDir(), 'out');
  await build(configFor(out, { validation_augmentation_enabled: false }));
  const csv = readFileSync(join(out, 'validation/epoch-000/index-000.csv'), 'utf8').trim().split('\n');
  assert.equal(
    csv[0],
    'position,label,class,file,offset,speed,pitch,vtlp,loudness,noise,noise_factor,bg_file,bg_offset',
  );
  const offset = (line: string) => line.split(',')[4];
  assert.ok(csv.slice(1).every((l) => offset(l) === '0'));
  const train = readFileSync(join(out, 'training/epoch-000/index-000.csv'), 'utf8').trim().split('\n').slice(1);
  assert.ok(train.some((l) => offset(l) !== '0'));
});

test('the dataset directory is never written to', async () => {
  const before = files(dataset);
  const stamp = statSync(dataset).mtimeMs;
  await build(makeConfig(dataset, join(tempDir(), 'out'), { dataset: { classes: ['yes', 'no'] } }));
  assert.deepEqual(files(dataset), before);
  assert.equal(statSync(dataset).mtimeMs, stamp);
});

test('a finished build is not redone; another config against it is refused with what changed; --force rebuilds', async () => {
  const out = join(tempDir(), 'out');
  const first = await build(configFor(out));
  assert.ok(first.shardsBuilt > 0 && !first.upToDate);
  const again = await build(configFor(out));
  assert.equal(again.upToDate, true);
  assert.equal(again.shardsBuilt, 0);
  const changed = configFor(out, { offset_range: [0, 0.5] });
  await assert.rejects(
    build(changed),
    /holds a build of a different config.*--force[\s\S]*generator\.offset_range: \[0,1\] -> \[0,0\.5\]/,
  );
  const forced = await build(changed, { force: true });
  assert.equal(forced.shardsBuilt, first.shardsBuilt);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.deepEqual((m.config.generator as { offset_range: number[] }).offset_range, [0, 0.5]);
  assert.ok(!existsSync(join(out, 'training/epoch-000/x-000.npy.partial')));
});

test('with every augmentation on, the same seed gives byte-identical shards with 1 and 2 workers', async () => {
  const root = tempDir();
  const data = demoSubset(join(root, 'data'), ['yes', 'no', 'cat'], 6);
  const bg = join(root, 'noise');
  mkdirSync(bg);
  for (const f of readdirSync(join(DEMO_DATASET, '_background_noise_')))
    copyFileSync(join(DEMO_DATASET, '_background_noise_', f), join(bg, f));
  const parts = (cores: number) => ({
    dataset: { classes: ['yes', 'no', '_unknown_', '_silence_'], batch_size: 3 },
    generator: {
      cores,
      validation_split: 0.3,
      loudness_range: [0.5, 1.5],
      noise_colors: 'all',
      noise_color_range: [0, 0.1],
      bg_noise_dir: bg,
      bg_noise_range: [0, 0.5],
      speed_range: [0.85, 1.15],
      pitch_range: [-3, 3],
      vtlp_range: [0.9, 1.1],
    },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { epochs: 2, samples_per_shard: 5 },
  });
  await build(makeConfig(data, join(root, 'one'), parts(1)));
  await build(makeConfig(data, join(root, 'two'), parts(2)));
  const one = files(join(root, 'one'));
  assert.deepEqual(shardsOnly(files(join(root, 'two'))), shardsOnly(one));
  const csv = Object.entries(one)
    .filter(([k]) => k.endsWith('.csv'))
    .map(([, v]) => Buffer.from(v, 'base64').toString())
    .join('');
  for (const kind of ['background', 'white', 'pink'])
    assert.ok(csv.includes(`,${kind},`), `some sample got ${kind} noise`);
});

test('with reverb and SpecAugment on as well, 1 and 2 workers give the same bytes, and the index records both', async () => {
  const root = tempDir();
  const data = demoSubset(join(root, 'data'), ['yes', 'no', 'cat'], 6);
  const parts = (cores: number) => ({
    dataset: { classes: ['yes', 'no', '_unknown_', '_silence_'], batch_size: 3 },
    generator: {
      cores,
      frontend_enabled: true,
      validation_split: 0.3,
      loudness_range: [0.5, 1.5],
      noise_colors: 'all',
      noise_color_range: [0, 0.1],
      speed_range: [0.85, 1.15],
      rir_dir: join(FIXTURES, 'rir'),
      spec_augment: { time_masks: 2, time_mask_max_frames: 8, freq_masks: 2, freq_mask_max_channels: 6 },
    },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { epochs: 2, samples_per_shard: 5 },
  });
  await build(makeConfig(data, join(root, 'one'), parts(1)));
  await build(makeConfig(data, join(root, 'two'), parts(2)));
  const one = files(join(root, 'one'));
  assert.deepEqual(shardsOnly(files(join(root, 'two'))), shardsOnly(one));
  const m = JSON.parse(readFileSync(join(root, 'one', 'manifest.json'), 'utf8')) as Manifest;
  assert.deepEqual(m.index_columns.slice(-3), ['rir_file', 'time_masks', 'freq_masks']);
  const csv = readFileSync(join(root, 'one', 'training/epoch-000/index-000.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.match(csv[0], /,bg_offset,rir_file,time_masks,freq_masks$/);
  assert.ok(
    csv.slice(1).some((l) => /,(small-room|hall)-rt60-[^,]+\.wav,\d+:\d+;\d+:\d+,\d+:\d+;\d+:\d+$/.test(l)),
    csv.join('\n'),
  );
  assert.ok(
    csv.slice(1).some((l) => /,0,,\d+:\d+;\d+:\d+,\d+:\d+;\d+:\d+$/.test(l)),
    'a sample without reverb',
  );
});

test('a read-only dataset directory is enough (root: a read-only bind mount; others: chmod)', async (t) => {
  const root = tempDir();
  const src = demoSubset(join(root, 'src'), ['yes', 'no'], 3);
  let data = src;
  if (process.getuid?.() === 0) {
    // Its own folder, unmounted before it is removed (the test's temporary folders go first).
    const mnt = mkdtempSync(join(tmpdir(), 'audiogen-ro-'));
    data = join(mnt, 'ro');
    mkdirSync(data);
    const bind = spawnSync('mount', ['--bind', src, data]);
    const ro = bind.status === 0 && spawnSync('mount', ['-o', 'remount,ro,bind', data]).status === 0;
    t.after(() => {
      if (bind.status === 0) spawnSync('umount', [data]);
      rmSync(mnt, { recursive: true, force: true });
    });
    if (!ro) return t.skip('cannot make a read-only bind mount here');
    assert.throws(() => writeFileSync(join(data, 'probe'), 'x'), /EROFS/);
  } else {
    for (const d of [src, join(src, 'yes'), join(src, 'no')]) chmodSync(d, 0o555);
  }
  const idx = join(root, 'index');
  const summary = await build(
    makeConfig(data, join(root, 'out'), { dataset: { classes: ['yes', 'no'], shuffle_index_dir: idx } }),
  );
  assert.equal(summary.samplesBuilt, 6);
  assert.ok(existsSync(join(idx, 'yes.txt')), 'index files go to shuffle_index_dir');
});

test('an empty subset still gets its empty shard files and its epochs in the manifest, with no partial file left', async () => {
  const root = tempDir();
  const data = demoSubset(join(root, 'data'), ['yes'], 2);
  const out = join(root, 'out');
  // Two clips of one speaker: a 1% hash split leaves validation empty.
  await build(
    makeConfig(data, out, {
      dataset: { classes: ['yes'] },
      generator: { validation_split: 0.01 },
      output: { epochs: 2 },
    }),
  );
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(m.subsets.validation!.samples, 0);
  assert.equal(m.subsets.validation!.epochs.length, 2);
  const shard = m.subsets.validation!.epochs[1].shards[0] as NpyShardRecord;
  assert.deepEqual(shard.x.shape, [0, 16000]);
  assert.ok(existsSync(join(out, shard.x.path)) && existsSync(join(out, shard.index.path)));
  assert.ok(!Object.keys(readTree(out)).some((k) => k.endsWith('.partial')));
});
