// Never write where we read: an output folder that is, lies inside or contains a folder the config reads is a
// config error, however the paths are spelled (symlinks, folders not made yet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputPlacement, realPathOf } from '../../src/build/placement.js';
import { ConfigError, EXIT } from '../../src/errors.js';
import { makeConfig, tempDir } from '../helpers.js';

/** A root with data/ (the dataset) and noise/ (background files). */
function root(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'data', 'yes'), { recursive: true });
  mkdirSync(join(dir, 'noise'));
  return dir;
}
const config = (
  dir: string,
  out: string,
  generator: Record<string, unknown> = {},
  dataset: Record<string, unknown> = {},
) => makeConfig(join(dir, 'data'), out, { generator, dataset });

/** Asserts a config error on output.directory whose lines are `lines`. */
function refused(fn: () => void, lines: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.exitCode, EXIT.config);
    assert.deepEqual(e.problems, lines);
    assert.ok(e.details.every((d) => d.path === 'output.directory'));
    return true;
  });
}
const never = 'audiogen never writes where it reads: choose an output folder outside it';

test('an output folder that is, lies inside or contains the dataset is refused naming the relation', () => {
  const dir = root();
  const data = join(dir, 'data');
  refused(
    () => checkOutputPlacement(config(dir, data)),
    [`output.directory: ${data} is dataset.directory (${data}); ${never}`],
  );
  const inside = join(data, 'yes', 'out');
  refused(
    () => checkOutputPlacement(config(dir, inside)),
    [`output.directory: ${inside} lies inside dataset.directory (${data}); ${never}`],
  );
  refused(
    () => checkOutputPlacement(config(dir, dir)),
    [`output.directory: ${dir} contains dataset.directory (${data}); ${never}`],
  );
});

test('siblings, and names that only share a prefix with the dataset, are fine', () => {
  const dir = root();
  for (const out of [join(dir, 'out'), join(dir, 'data2'), join(dir, 'data-out'), join(dir, 'dat')])
    checkOutputPlacement(config(dir, out));
});

test('a folder inside the dataset whose name starts with two dots still lies inside it', () => {
  const dir = root();
  const out = join(dir, 'data', '..out');
  refused(
    () => checkOutputPlacement(config(dir, out)),
    [`output.directory: ${out} lies inside dataset.directory (${join(dir, 'data')}); ${never}`],
  );
});

test('symlinks are followed: a link to the dataset, or a path through a linked parent, is the dataset', () => {
  const dir = root();
  const data = join(dir, 'data');
  symlinkSync(data, join(dir, 'link'));
  symlinkSync(dir, join(dir, 'up'));
  refused(
    () => checkOutputPlacement(config(dir, join(dir, 'link'))),
    [`output.directory: ${join(dir, 'link')} is dataset.directory (${data}); ${never}`],
  );
  // Not made yet, under a linked folder: the part that exists is resolved.
  const later = join(dir, 'up', 'data', 'new', 'out');
  refused(
    () => checkOutputPlacement(config(dir, later)),
    [`output.directory: ${later} lies inside dataset.directory (${data}); ${never}`],
  );
  // The dataset given through a link, the output beside its real folder's contents.
  refused(
    () => checkOutputPlacement(makeConfig(join(dir, 'link'), join(data, 'out'))),
    [`output.directory: ${join(data, 'out')} lies inside dataset.directory (${join(dir, 'link')}); ${never}`],
  );
});

test('bg_noise_dir and shuffle_index_dir are read folders too; every overlap is listed', () => {
  const dir = root();
  const noise = join(dir, 'noise');
  const index = join(dir, 'index');
  refused(
    () => checkOutputPlacement(config(dir, join(noise, 'out'), { bg_noise_dir: noise, bg_noise_range: [0, 0.1] })),
    [`output.directory: ${join(noise, 'out')} lies inside generator.bg_noise_dir (${noise}); ${never}`],
  );
  refused(
    () =>
      checkOutputPlacement(
        config(dir, dir, { bg_noise_dir: noise, bg_noise_range: [0, 0.1] }, { shuffle_index_dir: index }),
      ),
    [
      `output.directory: ${dir} contains dataset.directory (${join(dir, 'data')}); ${never}`,
      `output.directory: ${dir} contains generator.bg_noise_dir (${noise}); ${never}`,
      `output.directory: ${dir} contains dataset.shuffle_index_dir (${index}); ${never}`,
    ],
  );
});

test('rir_dir is a read folder too: an output inside it or containing it is refused', () => {
  const dir = root();
  const rooms = join(dir, 'rooms');
  mkdirSync(rooms);
  refused(
    () => checkOutputPlacement(config(dir, join(rooms, 'out'), { rir_dir: rooms })),
    [`output.directory: ${join(rooms, 'out')} lies inside generator.rir_dir (${rooms}); ${never}`],
  );
  refused(
    () => checkOutputPlacement(config(dir, rooms, { rir_dir: rooms })),
    [`output.directory: ${rooms} is generator.rir_dir (${rooms}); ${never}`],
  );
  checkOutputPlacement(config(dir, join(dir, 'out'), { rir_dir: rooms }));
});

test('realPathOf resolves links in the part of a path that exists and keeps the rest as written', () => {
  const dir = root();
  symlinkSync(join(dir, 'data'), join(dir, 'link'));
  assert.equal(realPathOf(join(dir, 'link')), join(dir, 'data'));
  assert.equal(realPathOf(join(dir, 'link', 'a', 'b')), join(dir, 'data', 'a', 'b'));
  assert.equal(realPathOf(join(dir, 'missing', '..', 'link')), join(dir, 'data'));
  assert.equal(realPathOf('/'), '/');
});
