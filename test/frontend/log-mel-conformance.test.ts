// The float frontends against librosa 0.11 (fixtures/conformance/float_frontend, see fixtures/conformance/README.md):
// every cell within its case's tolerance, |got − expected| <= abs + rel·|expected|, with both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontendSchema, type FloatFrontendSettings } from '../../src/config/schema.js';
import { LogMelFrontend } from '../../src/frontend/log-mel.js';
import { decodeNpy } from '../../src/io/npy.js';
import { ENGINES } from '../../src/wasm/engine.js';

const dir = join(new URL('../..', import.meta.url).pathname, 'fixtures/conformance/float_frontend');
interface Case {
  config: string;
  input: string;
  expected: string;
  shape: [number, number];
  tolerance: { abs: number; rel: number };
}
const { configs, cases } = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
  configs: Record<string, object>;
  cases: Case[];
};
const load = (file: string) => decodeNpy(readFileSync(join(dir, file)));

test('the float conformance set has 36 cases: 12 signals for each of its 3 settings', () => {
  assert.equal(cases.length, 36);
  assert.deepEqual(Object.keys(configs).sort(), ['log_mel', 'log_mel_db_htk_8k', 'mfcc']);
  for (const name of Object.keys(configs)) assert.equal(cases.filter((c) => c.config === name).length, 12, name);
});

test('the settings of cases.json are valid frontend sections as written (the same key names)', () => {
  for (const [name, settings] of Object.entries(configs)) {
    const parsed = frontendSchema.safeParse(settings);
    assert.ok(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`);
  }
});

for (const [c, engine] of cases.flatMap((c) => ENGINES.map((e) => [c, e] as const))) {
  const name = `${c.config}: ${c.input.replace(/^inputs\/|\.npy$/g, '')}`;
  test(`reproduces ${name} within abs ${c.tolerance.abs} + rel ${c.tolerance.rel} with the ${engine} engine`, () => {
    const frontend = new LogMelFrontend(frontendSchema.parse(configs[c.config]) as FloatFrontendSettings, engine);
    assert.deepEqual([frontend.frames, frontend.channels], c.shape);
    const input = load(c.input);
    assert.equal(input.dtype, 'float32');
    const expected = load(c.expected);
    assert.deepEqual(expected.shape, c.shape);
    const out = new Float32Array(frontend.frames * frontend.channels);
    frontend.process(input.data as Float32Array, out);
    const { abs, rel } = c.tolerance;
    for (let i = 0; i < out.length; i++) {
      const want = expected.data[i] as number;
      if (!(Math.abs(out[i] - want) <= abs + rel * Math.abs(want))) {
        assert.fail(
          `frame ${Math.floor(i / c.shape[1])}, channel ${i % c.shape[1]}: ${out[i]} vs ${want} (off by ${Math.abs(out[i] - want)})`,
        );
      }
    }
  });
}
