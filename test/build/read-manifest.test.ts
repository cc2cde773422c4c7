// A built output read back (render, merge): its manifest, refused by name when it is not ours or too new, and the
// config it records, refused as an AudiogenError (not a ZodError) when this version would not accept it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configOfManifest, readBuiltManifest } from '../../src/build/read-manifest.js';
import { configSchema } from '../../src/config/schema.js';
import { AudiogenError } from '../../src/errors.js';
import { outputConfig } from '../../src/io/manifest.js';
import { makeConfig, tempDir } from '../helpers.js';

const failsWith = (pattern: RegExp) => (e: unknown) =>
  e instanceof AudiogenError && e.name === 'AudiogenError' && pattern.test(e.message);
/** An output folder whose manifest.json holds `text`. */
function withManifest(text: string): string {
  const out = tempDir();
  writeFileSync(join(out, 'manifest.json'), text);
  return out;
}
const recorded = () =>
  outputConfig(makeConfig('/data', '/built/here', { generator: { cores: 3 }, output: { epochs: 4 } })) as Record<
    string,
    Record<string, unknown>
  >;

test('readBuiltManifest reads an audiogen manifest of this format version or older', () => {
  for (const version of [1, 0]) {
    const m = readBuiltManifest(
      withManifest(JSON.stringify({ format: 'audiogen', format_version: version, epochs: 2 })),
    );
    assert.deepEqual([m.format_version, m.epochs], [version, 2]);
  }
});

test("readBuiltManifest names what is wrong: none, unreadable, a folder, another tool's, a newer format", () => {
  const empty = tempDir();
  assert.throws(
    () => readBuiltManifest(empty),
    failsWith(new RegExp(`^${empty}: no manifest\\.json: not an audiogen build \\(or not merged yet\\)$`)),
  );
  const broken = withManifest('{"format": "audiog');
  assert.throws(
    () => readBuiltManifest(broken),
    failsWith(new RegExp(`^${broken}/manifest\\.json: unreadable manifest \\(.*JSON.*\\)$`)),
  );
  const folder = tempDir();
  mkdirSync(join(folder, 'manifest.json'));
  assert.throws(
    () => readBuiltManifest(folder),
    failsWith(/manifest\.json: unreadable manifest \(.*is a folder, not a regular file\)$/),
  );
  const other = withManifest(JSON.stringify({ format: 'tfds', version: 3 }));
  assert.throws(() => readBuiltManifest(other), failsWith(/manifest\.json: not an audiogen manifest$/));
  const newer = withManifest(JSON.stringify({ format: 'audiogen', format_version: 2 }));
  assert.throws(
    () => readBuiltManifest(newer),
    failsWith(/manifest\.json: format_version 2 is newer than this audiogen understands \(1\)$/),
  );
});

test('configOfManifest gives the recorded config back, in the folder it is read from, with run-only keys at their defaults', () => {
  const config = configOfManifest({ config: recorded() }, '/read/from');
  assert.equal(config.output.directory, '/read/from');
  assert.equal(config.output.epochs, 4);
  assert.equal(config.dataset.directory, '/data');
  // cores: 3 was not recorded: the default comes back.
  assert.deepEqual(
    [config.generator.cores, config.generator.debug, config.generator.max_batches_pending],
    [
      configSchema.parse({ dataset: { directory: '/d', classes: ['a'] }, output: { directory: '/o' } }).generator.cores,
      false,
      4,
    ],
  );
  assert.deepEqual(outputConfig(config), outputConfig(makeConfig('/data', '/elsewhere', { output: { epochs: 4 } })));
});

test('a recorded config this version refuses (a value past a bound, an unknown key) is an AudiogenError naming the key', () => {
  const tooMany = recorded();
  tooMany.output.epochs = 1e12;
  assert.throws(
    () => configOfManifest({ config: tooMany }, '/o'),
    failsWith(
      /^\/o: its recorded config is not valid for this audiogen version \(output\.epochs: .*\); rebuild it, or use the audiogen that made it$/,
    ),
  );
  const renamed = recorded();
  renamed.generator.old_name = true;
  assert.throws(
    () => configOfManifest({ config: renamed }, '/o'),
    failsWith(/^\/o: its recorded config is not valid for this audiogen version \(generator: .*old_name.*\)/),
  );
  const missing = recorded();
  delete (missing as Record<string, unknown>).dataset;
  assert.throws(
    () => configOfManifest({ config: missing }, '/o'),
    failsWith(/^\/o: its recorded config is not valid for this audiogen version \(dataset: /),
  );
});
