// `audiogen schema` through the shipped bin: the config's JSON Schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers.js';

test('schema prints a JSON Schema that knows every section and rejects unknown keys', () => {
  const r = runCli(['schema']);
  assert.equal(r.code, 0);
  const schema = JSON.parse(r.stdout);
  assert.match(schema.$schema, /json-schema\.org/);
  assert.deepEqual(Object.keys(schema.properties), ['dataset', 'generator', 'frontend', 'output', 'hooks']);
  assert.deepEqual(schema.required.sort(), ['dataset', 'output']);
  assert.equal(schema.properties.generator.additionalProperties, false);
  assert.ok(schema.properties.frontend.properties.filterbank_n_channels);
});
