// output.format: webdataset — tar shards that are the same bytes for any worker count and across partitions and
// merge, resume like npy shards, and that readers nobody here wrote (Python's tarfile, Hugging Face datasets) read
// as the npy build of the same config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import { merge } from '../../src/build/merge.js';
import type { Manifest } from '../../src/io/manifest.js';
import type { TarShardRecord } from '../../src/io/shard-writer.js';
import { demoSubset, makeConfig, python, readTree, ROOT, tempDir } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'up', 'cat', 'dog'], 6);

type Parts = Parameters<typeof makeConfig>[2];
/** Spectrograms of every augmentation with validation, _unknown_ and _silence_; shards of 7 in batches of 4. */
function configFor(out: string, format: 'npy' | 'webdataset', parts: Parts = {}) {
  return makeConfig(dataset, out, {
    dataset: { classes: ['yes', 'no', 'up', '_unknown_', '_silence_'], batch_size: 4, ...parts.dataset },
    generator: {
      frontend_enabled: true,
      validation_split: 0.3,
      unknown_class_percentage: 0.5,
      silence_class_percentage: 0.5,
      offset_range: [0, 1],
      loudness_range: [0.5, 1.5],
      noise_colors: 'all',
      noise_color_range: [0, 0.05],
      speed_range: [0.9, 1.1],
      ...parts.generator,
    },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40, ...parts.frontend },
    output: { epochs: 2, samples_per_shard: 7, format, ...parts.output },
  });
}

/** The output without the build's own state folder (its log holds the inputs' times). */
const outputOf = (dir: string) =>
  Object.fromEntries(Object.entries(readTree(dir)).filter(([k]) => !k.startsWith('.audiogen/')));

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

test('a webdataset build is byte-identical with 1 worker, 2 workers and in-process: tars, classes.txt and a manifest listing them', async () => {
  const root = tempDir();
  await build(configFor(join(root, 'one'), 'webdataset', { generator: { cores: 1 } }));
  const two = await build(configFor(join(root, 'two'), 'webdataset', { generator: { cores: 2 } }));
  await build(configFor(join(root, 'debug'), 'webdataset', { generator: { debug: true } }));
  assert.equal(two.workers, 2);
  const one = outputOf(join(root, 'one'));
  assert.deepEqual(outputOf(join(root, 'two')), one);
  assert.deepEqual(outputOf(join(root, 'debug')), one);
  const names = Object.keys(one).sort();
  assert.ok(names.length > 6);
  assert.ok(
    names.every(
      (n) =>
        n === 'manifest.json' ||
        n === 'classes.txt' ||
        /^(training|validation)\/epoch-00[01]\/shard-\d{3}\.tar$/.test(n),
    ),
    `only tars, the manifest and classes.txt: ${names.join(', ')}`,
  );
  const m = manifestOf(join(root, 'one'));
  assert.equal(m.format_version, 1);
  assert.equal((m.config.output as { format: string }).format, 'webdataset');
  let listed = 0;
  for (const subset of ['training', 'validation'] as const) {
    for (const e of m.subsets[subset]!.epochs) {
      for (const s of e.shards as TarShardRecord[]) {
        assert.deepEqual(Object.keys(s), ['subset', 'epoch', 'shard', 'start', 'count', 'tar']);
        const bytes = readFileSync(join(root, 'one', s.tar.path));
        assert.equal(s.tar.bytes, bytes.length);
        assert.equal(s.tar.sha256, createHash('sha256').update(bytes).digest('hex'));
        listed++;
      }
    }
  }
  assert.equal(listed, names.length - 2);
});

test("Python's tarfile reads every shard: per sample .npy (the npy build's row, byte for byte), .cls (its label) and .json (its index row)", async () => {
  const root = tempDir();
  await build(configFor(join(root, 'npy'), 'npy', { generator: { cores: 2 } }));
  await build(configFor(join(root, 'wds'), 'webdataset', { generator: { cores: 2 } }));
  const report = python(
    `
import csv, io, json, sys, tarfile
import numpy as np
npy, wds = sys.argv[1], sys.argv[2]
m = json.load(open(f'{npy}/manifest.json'))
w = json.load(open(f'{wds}/manifest.json'))
assert w['sample_shape'] == m['sample_shape'] and w['dtype'] == m['dtype'], (w['sample_shape'], w['dtype'])
checked = 0
for subset, entry in m['subsets'].items():
    for ep, wep in zip(entry['epochs'], w['subsets'][subset]['epochs']):
        for s, t in zip(ep['shards'], wep['shards']):
            assert (s['start'], s['count']) == (t['start'], t['count'])
            x = np.load(f"{npy}/{s['x']['path']}")
            y = np.load(f"{npy}/{s['y']['path']}")
            rows = list(csv.DictReader(open(f"{npy}/{s['index']['path']}", newline='')))
            with tarfile.open(f"{wds}/{t['tar']['path']}", 'r:') as tar:
                members = tar.getmembers()
                assert len(members) == 3 * s['count'], (len(members), s['count'])
                for i in range(s['count']):
                    pos = s['start'] + i
                    key = f"{subset}-e{ep['epoch']:03d}-{pos:08d}"
                    names = [mm.name for mm in members[3 * i:3 * i + 3]]
                    assert names == [key + '.npy', key + '.cls', key + '.json'], names
                    data = [tar.extractfile(mm).read() for mm in members[3 * i:3 * i + 3]]
                    a = np.load(io.BytesIO(data[0]), allow_pickle=False)
                    assert list(a.shape) == m['sample_shape'] and str(a.dtype) == m['dtype'], (a.shape, a.dtype)
                    assert a.tobytes() == x[i].tobytes(), f'{key}: row differs from the npy build'
                    assert data[0].endswith(x[i].tobytes())
                    assert int(data[1]) == int(np.argmax(y[i])) == int(rows[i]['label']), key
                    meta = json.loads(data[2])
                    assert list(meta) == list(rows[i]), (list(meta), list(rows[i]))
                    for k, v in rows[i].items():
                        j = meta[k]
                        if isinstance(j, str):
                            assert j == v, (key, k, j, v)
                        else:
                            assert float(j) == float(v), (key, k, j, v)
                    checked += 1
print(checked)
`,
    [join(root, 'npy'), join(root, 'wds')],
  );
  const m = manifestOf(join(root, 'npy'));
  const samples = (m.subsets.training!.samples + m.subsets.validation!.samples) * m.epochs;
  assert.equal(Number(report.trim()), samples);
  assert.ok(samples > 40);
});

test('the audiogen_data package reads a webdataset build as the npy build of the same config: rows, labels, index rows, verify()', async () => {
  const root = tempDir();
  await build(configFor(join(root, 'npy'), 'npy', { generator: { debug: true } }));
  await build(configFor(join(root, 'wds'), 'webdataset', { generator: { debug: true } }));
  const r = spawnSync(
    'python3',
    [
      '-c',
      `
import sys
import numpy as np
from audiogen_data import AudiogenDataset, webdataset_iter
n, w = AudiogenDataset(sys.argv[1]), AudiogenDataset(sys.argv[2])
assert (n.format, w.format) == ('npy', 'webdataset'), (n.format, w.format)
checked = 0
for subset in n.subsets:
    for e in range(n.num_epochs):
        (xn, yn), (xw, yw) = n.epoch(subset, e), w.epoch(subset, e)
        assert np.asarray(xw).tobytes() == np.asarray(xn).tobytes(), (subset, e)
        assert np.array_equal(np.asarray(yw), np.asarray(yn)), (subset, e)
        assert w.index(subset, e) == n.index(subset, e), (subset, e)
        streamed = [y for _, y, _ in webdataset_iter(w.tars(subset, e))]
        assert streamed == [int(np.argmax(v)) for v in np.asarray(yn)], (subset, e)
        checked += len(xn)
assert w.verify() == [] and n.verify() == []
print(checked)
`,
      join(root, 'npy'),
      join(root, 'wds'),
    ],
    // The package from the checkout (npm test also installs its wheel for python/tests).
    { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'python') } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(r.stdout.trim()) > 40, r.stdout);
});

test('the .json members type their values the same way in every sample: floats always with a decimal point', async () => {
  const out = join(tempDir(), 'wds');
  await build(configFor(out, 'webdataset', { generator: { debug: true, disable_random_transforms: true } }));
  const types = python(
    `
import glob, json, sys, tarfile
types = {}
for path in sorted(glob.glob(sys.argv[1] + '/*/epoch-*/shard-*.tar')):
    with tarfile.open(path) as t:
        for mm in t.getmembers():
            if mm.name.endswith('.json'):
                for k, v in json.loads(t.extractfile(mm).read()).items():
                    types.setdefault(k, set()).add(type(v).__name__)
print(json.dumps({k: sorted(v) for k, v in types.items()}))
`,
    [out],
  );
  assert.deepEqual(JSON.parse(types), {
    position: ['int'],
    label: ['int'],
    class: ['str'],
    file: ['str'],
    offset: ['float'],
    speed: ['float'],
    pitch: ['float'],
    vtlp: ['float'],
    loudness: ['float'],
    noise: ['str'],
    noise_factor: ['float'],
    bg_file: ['str'],
    bg_offset: ['int'],
  });
});

test('webdataset partitions built apart merge into the bytes of a one-machine build', async () => {
  const root = tempDir();
  const config = (out: string) => configFor(out, 'webdataset', { generator: { debug: true } });
  await build(config(join(root, 'whole')));
  for (const index of [1, 0, 2]) await build(config(join(root, 'parts')), { partition: { index, count: 3 } });
  assert.equal(existsSync(join(root, 'parts', 'manifest.json')), false);
  const r = await merge(join(root, 'parts'));
  assert.equal(r.partitions, 3);
  assert.deepEqual(outputOf(join(root, 'parts')), outputOf(join(root, 'whole')));
});

test('a rerun resumes a webdataset build: intact tars kept, a damaged one and leftovers rebuilt, new epochs added, the same bytes', async () => {
  const root = tempDir();
  const whole = join(root, 'whole');
  await build(configFor(whole, 'webdataset', { generator: { debug: true }, output: { epochs: 3 } }));
  const out = join(root, 'out');
  await build(configFor(out, 'webdataset', { generator: { debug: true } }));
  const m = manifestOf(out);
  const [damaged, kept] = m.subsets.training!.epochs[0].shards as TarShardRecord[];
  const bytes = readFileSync(join(out, damaged.tar.path));
  bytes[bytes.length - 1500] ^= 0xff;
  writeFileSync(join(out, damaged.tar.path), bytes);
  const partial = join(out, 'validation/epoch-001/shard-000.tar.partial');
  writeFileSync(partial, 'left by a killed build');
  const keptTime = readFileSync(join(out, kept.tar.path));
  const r = await build(configFor(out, 'webdataset', { generator: { debug: true }, output: { epochs: 3 } }));
  assert.ok(r.shardsKept > 0 && r.shardsBuilt > 0, JSON.stringify(r));
  assert.equal(existsSync(partial), false, 'the leftover temporary file is removed');
  assert.deepEqual(readFileSync(join(out, kept.tar.path)), keptTime);
  assert.deepEqual(outputOf(out), outputOf(whole));
});

test('a webdataset build replacing an npy build with --force deletes its npy shards and index files, not a user file', async () => {
  const out = join(tempDir(), 'out');
  await build(configFor(out, 'npy', { generator: { debug: true } }));
  writeFileSync(join(out, 'training', 'notes.txt'), 'mine');
  await assert.rejects(
    build(configFor(out, 'webdataset', { generator: { debug: true } })),
    /output\.format: "npy" -> "webdataset"|format/,
  );
  await build(configFor(out, 'webdataset', { generator: { debug: true } }), { force: true });
  const names = Object.keys(outputOf(out));
  assert.ok(!names.some((n) => /\.(npy|csv)$/.test(n)), names.join(', '));
  assert.ok(names.some((n) => n.endsWith('.tar')));
  assert.equal(readFileSync(join(out, 'training', 'notes.txt'), 'utf8'), 'mine');
});

test('without labels (class_mode input) a sample is its .npy and .json only', async () => {
  const out = join(tempDir(), 'wds');
  await build(
    configFor(out, 'webdataset', {
      dataset: { class_mode: 'input' },
      generator: { debug: true },
      output: { epochs: 1 },
    }),
  );
  const extensions = python(
    `
import glob, sys, tarfile
print(' '.join(sorted({m.name.split('.', 1)[1] for p in glob.glob(sys.argv[1] + '/*/epoch-*/*.tar') for m in tarfile.open(p).getmembers()})))
`,
    [out],
  );
  assert.equal(extensions.trim(), 'json npy');
  assert.equal(manifestOf(out).label, null);
});

test('Hugging Face datasets loads the tars as WebDataset: every sample with its array, class id and index row', async (t) => {
  const probe = spawnSync('python3', ['-c', 'import datasets'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return t.skip(
      "Hugging Face's `datasets` Python package is not installed (python3 -c 'import datasets' fails; pip install datasets)",
    );
  const out = join(tempDir(), 'wds');
  await build(configFor(out, 'webdataset', { generator: { debug: true } }));
  const m = manifestOf(out);
  const tars = (m.subsets.training!.epochs[0].shards as TarShardRecord[]).map((s) => join(out, s.tar.path));
  const report = python(
    `
import io, json, sys, tarfile
import numpy as np
from datasets import load_dataset
tars = json.loads(sys.argv[1])
ds = load_dataset('webdataset', data_files={'train': tars}, split='train')
expected = []
for p in tars:
    with tarfile.open(p) as t:
        ms = t.getmembers()
        for i in range(0, len(ms), 3):
            expected.append((ms[i].name.split('.')[0], np.load(io.BytesIO(t.extractfile(ms[i]).read())),
                             int(t.extractfile(ms[i + 1]).read()), json.loads(t.extractfile(ms[i + 2]).read())))
assert len(ds) == len(expected), (len(ds), len(expected))
for row, (key, x, y, meta) in zip(ds, expected):
    assert row['__key__'] == key, (row['__key__'], key)
    assert np.array_equal(np.asarray(row['npy'], dtype=x.dtype), x), key
    assert row['cls'] == y, key
    assert row['json']['file'] == meta['file'] and row['json']['position'] == meta['position'], key
print(len(ds))
`,
    [JSON.stringify(tars)],
  );
  assert.equal(Number(report.trim()), m.subsets.training!.samples);
});
