import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontendSchema } from '../../src/config/schema.js';
import { AudioFeatureGenerator } from '../../src/frontend/frontend.js';
import { decodeNpy } from '../../src/io/npy.js';
import { ENGINES } from '../../src/wasm/engine.js';

// Reference outputs of the MLTK C core and TensorFlow's audio_microfrontend op (fixtures/conformance/README.md).
const dir = join(new URL('../..', import.meta.url).pathname, 'fixtures/conformance/frontend');
interface Case {
  config: string;
  variant: 'mltk' | 'tflm';
  input: string;
  uint16: string;
  int8: string;
  shape: [number, number];
  activity_detected?: boolean;
}
const { configs, cases } = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
  configs: Record<string, object>;
  cases: Case[];
};
const load = (file: string) => decodeNpy(readFileSync(join(dir, file)));

/** Index of the first differing cell, or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

test('the conformance set has 126 cases over six settings and both variants', () => {
  assert.equal(cases.length, 126);
  assert.equal(Object.keys(configs).length, 6);
  assert.deepEqual([...new Set(cases.map((c) => c.variant))].sort(), ['mltk', 'tflm']);
});

// Both engines: the simd core the pipeline runs, and the reference JS stages it mirrors.
for (const [c, engine] of cases.flatMap((c) => ENGINES.map((e) => [c, e] as const))) {
  const name = `${c.config}/${c.variant}: ${c.input.replace(/^inputs\/|\.npy$/g, '')}`;
  test(`reproduces ${name} exactly with the ${engine} engine (uint16, int8${c.activity_detected === undefined ? '' : ', activity'})`, () => {
    const generator = new AudioFeatureGenerator(
      frontendSchema.parse({ ...configs[c.config], variant: c.variant }),
      engine,
    );
    assert.deepEqual([generator.frames, generator.channels], c.shape);
    const pcm = load(c.input).data as Int16Array;
    const expected16 = load(c.uint16);
    const expected8 = load(c.int8);
    assert.deepEqual(expected16.shape, c.shape);

    const out = new Uint16Array(generator.frames * generator.channels);
    const activity = generator.process(pcm, out);
    const d16 = firstDifference(out, expected16.data);
    assert.equal(
      d16,
      -1,
      `uint16 differs at frame ${Math.floor(d16 / c.shape[1])}, channel ${d16 % c.shape[1]}: ${out[d16]} vs ${expected16.data[d16]}`,
    );

    const int8 = new Int8Array(out.length);
    generator.toInt8(out, int8);
    const d8 = firstDifference(int8, expected8.data);
    assert.equal(d8, -1, `int8 differs at cell ${d8}: ${int8[d8]} vs ${expected8.data[d8]}`);

    if (c.activity_detected !== undefined) assert.equal(activity, c.activity_detected);
  });
}
