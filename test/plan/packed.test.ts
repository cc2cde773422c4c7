// The plan as a worker holds it: packed, and each batch's samples found in it by position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleRef } from '../../src/dataset/dataset.js';
import { packSubset, SampleLookup } from '../../src/plan/packed.js';
import { epochOrder } from '../../src/plan/plan.js';

/** Clips with odd names (spaces, accents, a tab, emoji), and _silence_ samples first, between and last. */
const samples: SampleRef[] = [
  { label: 2, file: null },
  { label: 0, file: 'yes/a.wav' },
  { label: 1, file: 'no/b c.wav' },
  { label: 2, file: null },
  { label: 2, file: null },
  { label: 0, file: 'yes/café\t1.wav' },
  { label: 1, file: 'no/🙂.flac' },
  { label: 0, file: 'yes/x' },
  { label: 2, file: null },
];
const pack = (refs: SampleRef[]) => packSubset({ subset: 'training', samples: refs, shards: [] });

test('a packed subset gives every position of every epoch the file and label the plan has there, silence as null', () => {
  for (const shuffle of [false, true]) {
    const lookup = new SampleLookup([pack(samples)], shuffle, 7);
    for (const epoch of [0, 1, 0, 3]) {
      const order = epochOrder(samples.length, shuffle, 7, 'training', epoch);
      const want = [...order].map((i, position) => ({ position, ...samples[i] }));
      assert.deepEqual(lookup.at('training', epoch, 0, samples.length), want, `shuffle ${shuffle}, epoch ${epoch}`);
      // Any window of positions is the same slice.
      assert.deepEqual(lookup.at('training', epoch, 3, 4), want.slice(3, 7));
    }
  }
});

test('one-sample, silence-only and empty subsets; positions outside a subset and a damaged pack are refused', () => {
  const one = new SampleLookup([pack([{ label: 4, file: 'k/only.wav' }])], true, 1);
  assert.deepEqual(one.at('training', 2, 0, 1), [{ position: 0, label: 4, file: 'k/only.wav' }]);
  const silent = new SampleLookup(
    [
      pack([
        { label: 1, file: null },
        { label: 1, file: null },
      ]),
    ],
    false,
    1,
  );
  assert.deepEqual(silent.at('training', 0, 0, 2), [
    { position: 0, label: 1, file: null },
    { position: 1, label: 1, file: null },
  ]);
  const empty = new SampleLookup([pack([])], true, 1);
  assert.deepEqual(empty.at('training', 0, 0, 0), []);
  const lookup = new SampleLookup([pack(samples)], true, 7);
  assert.throws(() => lookup.at('training', 0, 8, 2), /positions 8\.\.9 are outside training's 9 samples/);
  assert.throws(() => lookup.at('validation', 0, 0, 1), /no samples of validation in this plan/);
  const damaged = { ...pack(samples), files: pack(samples).files.replace('yes/a.wav', 'yes/a\0.wav') };
  assert.throws(() => new SampleLookup([damaged], true, 7), /packed training: 10 files for 9 labels/);
});
