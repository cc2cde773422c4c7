// seed: null is drawn once per output folder: what an earlier build recorded there is reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordedSeed, settleDrawnSeed } from '../../src/build/seed.js';
import { ConfigError } from '../../src/errors.js';
import { makeConfig, tempDir } from '../helpers.js';

const header = (seed: unknown) =>
  JSON.stringify({ kind: 'audiogen-state', config_hash: 'x', config: { dataset: { seed } } });

test('the recorded seed comes from manifest.json, else from a state log header', () => {
  const out = tempDir();
  assert.equal(recordedSeed(out), null);
  assert.equal(recordedSeed(join(out, 'missing')), null);
  mkdirSync(join(out, '.audiogen'));
  writeFileSync(join(out, '.audiogen', 'shards-0-of-1.jsonl'), header(76) + '\n{"x": 1}\n' + header(77) + '\n');
  assert.equal(recordedSeed(out), 77, 'the last header wins, as when the log is read for a resume');
  // Another tool's manifest.json is no record.
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ config: { dataset: { seed: 1 } } }));
  assert.equal(recordedSeed(out), 77);
  writeFileSync(
    join(out, 'manifest.json'),
    JSON.stringify({ format: 'audiogen', config_hash: 'x', config: { dataset: { seed: 12345 } } }),
  );
  assert.equal(recordedSeed(out), 12345);
});

test('an unreadable or odd record is no recorded seed (and a FIFO does not block)', () => {
  const out = tempDir();
  mkdirSync(join(out, '.audiogen'));
  writeFileSync(join(out, 'manifest.json'), '{ torn');
  writeFileSync(join(out, '.audiogen', 'shards-0-of-1.jsonl'), header(-1) + '\n');
  writeFileSync(join(out, '.audiogen', 'shards-0-of-2.jsonl'), header(2 ** 32) + '\n');
  writeFileSync(join(out, '.audiogen', 'notes.jsonl'), header(5) + '\n');
  assert.equal(recordedSeed(out), null);
  const fifo = tempDir();
  execFileSync('mkfifo', [join(fifo, 'manifest.json')]);
  assert.equal(recordedSeed(fifo), null);
});

test('a drawn seed gives way to the recorded one; a partitioned build refuses to draw', () => {
  const out = tempDir();
  const config = makeConfig('/data', out, { dataset: { seed: 99 } });
  const fresh = settleDrawnSeed(config, 1);
  assert.equal(fresh.config.dataset.seed, 99);
  assert.equal(fresh.note, 'seed: drawn at random: 99 (recorded in the manifest; --seed 99 repeats it)');
  writeFileSync(
    join(out, 'manifest.json'),
    JSON.stringify({ format: 'audiogen', config_hash: 'x', config: { dataset: { seed: 4242 } } }),
  );
  const again = settleDrawnSeed(config, 1);
  assert.equal(again.config.dataset.seed, 4242);
  assert.match(
    again.note,
    /^seed: null: using 4242, the seed recorded in .* by an earlier build \(--seed 4242 repeats it\)$/,
  );
  assert.throws(
    () => settleDrawnSeed(makeConfig('/data', tempDir()), 2),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^dataset\.seed: null \(drawn at random\) cannot be used for a partitioned build/);
      return true;
    },
  );
});
