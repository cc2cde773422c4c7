// The float frontends over a stream, fed in chunks: the frames of the whole-signal frontend with center false, bit
// for bit with the same engine (each frame depends on its own samples only), top_db's floor left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontendSchema, type FloatFrontendSettings } from '../../src/config/schema.js';
import { LogMelFrontend } from '../../src/frontend/log-mel.js';
import { LogMelStream } from '../../src/frontend/log-mel-stream.js';
import { decodeNpy } from '../../src/io/npy.js';
import { ENGINES, type Engine } from '../../src/wasm/engine.js';

const root = join(new URL('../..', import.meta.url).pathname, 'fixtures/conformance');
const floatConfigs = JSON.parse(readFileSync(join(root, 'float_frontend/cases.json'), 'utf8')).configs as Record<
  string,
  Record<string, unknown>
>;
/** 10 s of spoken words over background noise at 16 kHz, and its 8 kHz sibling (int16). */
const speech16k = decodeNpy(readFileSync(join(root, 'frontend_stream/inputs/micro_speech__stream1.npy')))
  .data as Int16Array;
const speech8k = decodeNpy(readFileSync(join(root, 'frontend_stream/inputs/dc_notch_8k__stream0.npy')))
  .data as Int16Array;

const settingsFor = (name: string, over: Record<string, unknown>, samples: number, rate: number) =>
  frontendSchema.parse({
    ...floatConfigs[name],
    sample_length_ms: (samples * 1000) / rate,
    center: false,
    ...over,
  }) as FloatFrontendSettings;

/** The whole signal through the clip frontend (PCM / 32768, as a 16-bit WAV reads). */
function whole(s: FloatFrontendSettings, engine: Engine, pcm: Int16Array): Float32Array {
  const f = new LogMelFrontend(s, engine);
  const out = new Float32Array(f.frames * f.channels);
  f.process(
    Float32Array.from(pcm, (v) => v / 32768),
    out,
  );
  return out;
}

function streamed(s: FloatFrontendSettings, engine: Engine, pcm: Int16Array, chunk: (i: number) => number) {
  const stream = new LogMelStream(s, engine, 64);
  const rows: number[] = [];
  for (let at = 0, i = 0; at < pcm.length; i++) {
    const n = Math.min(chunk(i), pcm.length - at);
    stream.push(pcm.subarray(at, at + n), (values, frames) => {
      for (let k = 0; k < frames * stream.channels; k++) rows.push(values[k]);
    });
    at += n;
  }
  return { out: Float32Array.from(rows), stream };
}

const oddChunks = (i: number) => [1, 511, 512, 513, 3001, 160, 7, 20000][i % 8];

const cases = [
  ['log_mel (ln)', 'log_mel', {}, speech16k, 16000],
  ['mfcc (db, top_db null)', 'mfcc', { top_db: null }, speech16k, 16000],
  ['log_mel (db, htk, 8 kHz, top_db null)', 'log_mel_db_htk_8k', { top_db: null }, speech8k, 8000],
] as const;

for (const [label, name, over, pcm, rate] of cases) {
  for (const engine of ENGINES) {
    test(`${label}: chunked frames equal the whole-signal frontend without centring, with the ${engine} engine`, () => {
      const s = settingsFor(name, over, pcm.length, rate);
      const expected = whole(s, engine, pcm);
      const { out, stream } = streamed(s, engine, pcm, oddChunks);
      assert.equal(stream.frames * stream.channels, expected.length);
      assert.equal(out.length, expected.length);
      for (let i = 0; i < out.length; i++) {
        if (out[i] !== expected[i]) assert.fail(`cell ${i}: ${out[i]} vs ${expected[i]}`);
      }
    });
  }
}

test('with top_db the stream leaves out the floor only: the clip frontend is the stream floored at its maximum − top_db', () => {
  const s = settingsFor('log_mel_db_htk_8k', { top_db: 20 }, speech8k.length, 8000);
  const expected = whole(s, 'simd', speech8k);
  const { out } = streamed(s, 'simd', speech8k, () => 4096);
  let max = -Infinity;
  for (const v of out) if (v > max) max = v;
  let floored = 0;
  for (let i = 0; i < out.length; i++) {
    const v = Math.max(out[i], Math.fround(max - 20));
    if (out[i] < max - 20) floored++;
    if (Math.abs(v - expected[i]) > 1e-4) assert.fail(`cell ${i}: ${v} vs ${expected[i]}`);
  }
  assert.ok(floored > 100, `the floor matters on this signal (${floored} cells under it)`);
});

test('a step longer than the FFT skips the samples between frames', () => {
  // 40 ms steps, 256-sample FFT at 8 kHz: 320 samples from frame to frame, 64 of them read by no frame.
  const s = settingsFor('log_mel_db_htk_8k', { top_db: null, window_size_ms: 32, window_step_ms: 40 }, 16000, 8000);
  const pcm = speech8k.subarray(0, 16000);
  const expected = whole(s, 'reference', pcm);
  const { out, stream } = streamed(s, 'reference', pcm, (i) => [1, 100, 333][i % 3]);
  assert.equal(stream.frames, 1 + Math.floor((16000 - 256) / 320));
  assert.deepEqual(Array.from(out), Array.from(expected));
});
