// The config schema: the reference's defaults, the types and rules of single keys, MLTK's ignored keys and the
// frontend_settings alias, seed: null, and the JSON Schema editors get from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.js';

const base = `dataset:
  directory: data
  classes: [yes, no]
output:
  directory: out
`;

test('a minimal config gets the reference defaults', () => {
  const c = parseConfigText(base + 'generator:\n  frontend_enabled: false\n', 'kws.yaml');
  assert.equal(c.dataset.class_mode, 'categorical');
  assert.equal(c.dataset.shuffle, true);
  assert.equal(c.generator.cores, 0.25);
  assert.equal(c.generator.max_batches_pending, 4);
  assert.equal(c.generator.trim_threshold_db, 20);
  assert.deepEqual(c.generator.offset_range, [0, 1]);
  assert.equal(c.generator.unknown_class_percentage, 1.0);
  assert.equal(c.generator.silence_class_percentage, 0.6);
  assert.equal(c.generator.dtype, 'float32');
  assert.equal(c.frontend.window_size_ms, 25);
  assert.equal(c.frontend.filterbank_n_channels, 32);
  assert.equal(c.output.epochs, 1);
  assert.equal(c.output.samples_per_shard, 0);
});
