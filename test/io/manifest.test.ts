// The config a manifest records and the hash that names a build: only what changes the bytes counts, and the
// epoch count is not part of a build's identity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { configSchema, type Config } from '../../src/config/schema.js';
import {
  configChanges,
  configHash,
  identityOf,
  LATER_KEYS,
  manifestJson,
  outputConfig,
  type Manifest,
} from '../../src/io/manifest.js';
import { makeConfig } from '../helpers.js';

const base = (parts: Parameters<typeof makeConfig>[2] = {}) => makeConfig('/data', '/out', parts);

/** The same config with every object's keys in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    ) as T;
  }
  return value;
}

test('outputConfig drops the keys that only change how a build runs, and sorts every key', () => {
  const config = base({ generator: { cores: 7, debug: true, max_batches_pending: 9 }, output: { partitions: 4 } });
  const recorded = outputConfig(config) as Record<string, Record<string, unknown>>;
  for (const [section, key] of [
    ['generator', 'cores'],
    ['generator', 'debug'],
    ['generator', 'max_batches_pending'],
    ['output', 'directory'],
    ['output', 'partitions'],
  ]) {
    assert.equal(key in recorded[section], false, `${section}.${key} is not recorded`);
  }
  assert.equal(recorded.output.epochs, 1);
  assert.equal(recorded.dataset.directory, '/data', 'the dataset folder is part of what was built');
  const sorted = (o: Record<string, unknown>) => assert.deepEqual(Object.keys(o), Object.keys(o).sort());
  sorted(recorded);
  for (const section of Object.values(recorded))
    if (section && typeof section === 'object' && !Array.isArray(section)) sorted(section);
  assert.ok('cores' in config.generator, 'the config itself is left as it was');
});

test('configHash ignores key order, run-only keys and output.epochs; every other key changes it', () => {
  const hash = configHash(base());
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(configHash(reversedKeys(base())), hash);
  assert.equal(configHash(base({ generator: { cores: 2, debug: true, max_batches_pending: 1 } })), hash);
  assert.equal(configHash(makeConfig('/data', '/elsewhere', { output: { partitions: 3 } })), hash);
  assert.equal(configHash(base({ output: { epochs: 50 } })), hash, 'raising epochs adds epochs to the same build');
  assert.notEqual(configHash(base({ dataset: { seed: 1 } })), hash);
  assert.notEqual(configHash(base({ output: { samples_per_shard: 5 } })), hash);
  assert.notEqual(configHash(base({ generator: { offset_range: [0, 0.5] } })), hash);
  assert.notEqual(configHash(makeConfig('/data2', '/out')), hash);
});

test('reverb and SpecAugment are recorded only when configured: a config without them keeps its manifest and hash', () => {
  const plain = outputConfig(base()) as Record<string, Record<string, unknown>>;
  for (const key of ['rir_dir', 'rir_probability', 'spec_augment'])
    assert.equal(key in plain.generator, false, `${key} is not recorded while off`);
  // Written out as their defaults, they are still off: the same identity.
  const explicit = base({
    generator: { rir_dir: null, spec_augment: { time_masks: 0, freq_masks: 0, mask_value: 'mean' } },
  });
  assert.equal(configHash(explicit), configHash(base()));
  const spectrogram = { frontend_enabled: true };
  const on = base({
    generator: { ...spectrogram, rir_dir: '/rooms', spec_augment: { time_masks: 1, time_mask_max_frames: 4 } },
  });
  const recorded = outputConfig(on) as Record<string, Record<string, unknown>>;
  assert.equal(recorded.generator.rir_dir, '/rooms');
  assert.equal(recorded.generator.rir_probability, 0.5, 'the default probability is recorded as the value used');
  assert.deepEqual(recorded.generator.spec_augment, {
    freq_mask_max_channels: 0,
    freq_masks: 0,
    mask_value: 'mean',
    time_mask_max_frames: 4,
    time_masks: 1,
  });
  assert.notEqual(configHash(on), configHash(base({ generator: spectrogram })));
  assert.notEqual(
    configHash(base({ generator: { rir_dir: '/rooms', rir_probability: 0.4 } })),
    configHash(base({ generator: { rir_dir: '/rooms' } })),
  );
});

test('identityOf leaves out output.epochs without touching what it was given', () => {
  const recorded = outputConfig(base({ output: { epochs: 3 } }));
  const identity = identityOf(recorded) as { output: Record<string, unknown> };
  assert.equal('epochs' in identity.output, false);
  assert.equal((recorded.output as { epochs: number }).epochs, 3);
  assert.deepEqual(identityOf({ dataset: {} }), { dataset: {} }, 'a record without an output section');
});

test('configChanges: one "path: old -> new" line per changed leaf, arrays whole, added and removed keys included', () => {
  const before = outputConfig(base());
  const after = outputConfig(base({ dataset: { seed: 5 }, generator: { offset_range: [0, 0.5] } }));
  assert.deepEqual(configChanges(before, after), ['dataset.seed: 0 -> 5', 'generator.offset_range: [0,1] -> [0,0.5]']);
  assert.deepEqual(configChanges(before, before), []);
  assert.deepEqual(configChanges(reversedKeys(before), before), [], 'key order alone is no change');
  assert.deepEqual(configChanges({ a: { b: 1 } }, { a: { b: 1, c: 'x' }, d: null }), [
    'a.c: undefined -> "x"',
    'd: undefined -> null',
  ]);
  assert.deepEqual(configChanges({ a: [1, 2] }, { a: [1, 2, 3] }), ['a: [1,2] -> [1,2,3]']);
  assert.deepEqual(configChanges({ a: { b: 1 } }, { a: 7 }), ['a: {"b":1} -> 7']);
});

test('manifestJson: two-space JSON with a final newline, the same bytes for the same manifest', () => {
  const m = { format: 'audiogen', format_version: 1, subsets: {} } as unknown as Manifest;
  assert.equal(manifestJson(m), '{\n  "format": "audiogen",\n  "format_version": 1,\n  "subsets": {}\n}\n');
});

test('outputConfig of a real config has the same bytes however it was put together', () => {
  const c: Config = base({ generator: { loudness_range: [0.5, 1.5] } });
  assert.equal(JSON.stringify(outputConfig(reversedKeys(c))), JSON.stringify(outputConfig(c)));
});

test('keys added since builds were first made are recorded only when they change the output, so older builds keep their hash', () => {
  const before = outputConfig(base()) as Record<string, Record<string, unknown>>;
  for (const { path } of LATER_KEYS) assert.ok(!(path[1] in before[path[0]]), path.join('.'));
  // A build made before these keys existed recorded exactly this config: the same hash.
  const older = JSON.parse(JSON.stringify(before));
  assert.equal(
    createHash('sha256')
      .update(JSON.stringify(identityOf(older)))
      .digest('hex'),
    configHash(base()),
  );
  const testing = outputConfig(base({ generator: { testing_split: 0.1 } })) as Record<string, Record<string, unknown>>;
  assert.equal(testing.generator.testing_split, 0.1);
  assert.notEqual(configHash(base({ generator: { testing_split: 0.1 } })), configHash(base()));
  const lists = outputConfig(base({ dataset: { split_lists: { testing: 't.txt' } } })) as Record<
    string,
    Record<string, unknown>
  >;
  assert.deepEqual(lists.dataset.split_lists, { testing: '/data/t.txt' });
  const wds = outputConfig(base({ output: { format: 'webdataset' } })) as Record<string, Record<string, unknown>>;
  assert.equal(wds.output.format, 'webdataset');
  assert.notEqual(configHash(base({ output: { format: 'webdataset' } })), configHash(base()));
  assert.equal(configHash(base({ output: { format: 'npy' } })), configHash(base()));
  // Read back, a recorded config gets them again with their defaults.
  const again = configSchema.parse({ ...before, output: { ...(before.output as object), directory: '/out' } });
  assert.equal(again.generator.testing_split, 0);
  assert.equal(again.dataset.manifest, null);
  assert.equal(again.output.format, 'npy');
});
