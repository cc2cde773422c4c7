// Any frontend over a stream in the output dtype: the microfrontend's uint16 as is, cast to float32 or mapped to
// int8 frame by frame; a dynamic int8 mapping (per clip) refused; the float frontends in float32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontendSchema, type FrontendDtype, type FrontendSettings } from '../../src/config/schema.js';
import { fixedInt8 } from '../../src/frontend/quantize.js';
import { checkStreamingSettings, StreamingFrontend } from '../../src/frontend/streaming.js';
import { decodeNpy, type TypedArray } from '../../src/io/npy.js';

const dir = join(new URL('../..', import.meta.url).pathname, 'fixtures/conformance/frontend_stream');
const pcm = decodeNpy(readFileSync(join(dir, 'inputs/micro_speech__stream0.npy'))).data as Int16Array;
const expected = decodeNpy(readFileSync(join(dir, 'expected/micro_speech__stream0__mltk.uint16.npy')))
  .data as Uint16Array;
const configs = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')).configs;
const micro = frontendSchema.parse({ ...configs.micro_speech, variant: 'mltk' });

function run(s: FrontendSettings, dtype: FrontendDtype): number[] {
  const f = new StreamingFrontend(s, dtype);
  const out: number[] = [];
  for (let at = 0; at < pcm.length; at += 12345) {
    f.push(pcm.subarray(at, at + 12345), (values: TypedArray, frames) => {
      for (let i = 0; i < frames * f.channels; i++) out.push(values[i]);
    });
  }
  assert.equal(f.frames, StreamingFrontend.framesIn(s, pcm.length));
  return out;
}

test('uint16: the reference stream frames; float32: the same values cast; int8: the fixed mapping of each', () => {
  assert.deepEqual(run(micro, 'uint16'), Array.from(expected));
  assert.deepEqual(run(micro, 'float32'), Array.from(expected));
  const int8 = new Int8Array(expected.length);
  fixedInt8(expected, int8);
  assert.deepEqual(run(micro, 'int8'), Array.from(int8));
});

test('int8 with the dynamic mapping is refused, naming the key and what to do instead', () => {
  const dynamic = frontendSchema.parse({ quantize_dynamic_scale_enable: true });
  const problems = checkStreamingSettings(dynamic, 'int8');
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, 'frontend.quantize_dynamic_scale_enable');
  assert.match(problems[0].message, /frontend_dtype: uint16/);
  assert.throws(() => new StreamingFrontend(dynamic, 'int8'), /quantize_dynamic_scale_enable/);
  assert.deepEqual(checkStreamingSettings(dynamic, 'uint16'), []);
  assert.deepEqual(checkStreamingSettings(micro, 'int8'), []);
});

test('the float frontends stream float32, frames counted with the FFT length', () => {
  const s = frontendSchema.parse({
    type: 'log_mel',
    window_size_ms: 30,
    window_step_ms: 20,
    filterbank_n_channels: 40,
    top_db: null,
  });
  const f = new StreamingFrontend(s, 'float32');
  assert.equal(f.span, 512);
  assert.equal(f.step, 320);
  assert.equal(StreamingFrontend.framesIn(s, 160000), 1 + Math.floor((160000 - 512) / 320));
  const values = run(s, 'float32');
  assert.equal(values.length, StreamingFrontend.framesIn(s, pcm.length) * 40);
  assert.ok(values.every(Number.isFinite));
  assert.throws(() => new StreamingFrontend(s, 'uint16'), /float32/);
});
