// The microfrontend over a whole stream, fed in chunks: the reference outputs over 10 s streams
// (fixtures/conformance/frontend_stream: MLTK's C core and TensorFlow's op with the state carried across the
// stream), whatever the chunk sizes, with both engines; and the same frames as one clip run over the whole signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontendSchema, type MicrofrontendSettings } from '../../src/config/schema.js';
import { AudioFeatureGenerator } from '../../src/frontend/frontend.js';
import { MicrofrontendStream } from '../../src/frontend/micro-stream.js';
import { decodeNpy } from '../../src/io/npy.js';
import { ENGINES, type Engine } from '../../src/wasm/engine.js';

const dir = join(new URL('../..', import.meta.url).pathname, 'fixtures/conformance/frontend_stream');
interface Case {
  config: string;
  variant: 'mltk' | 'tflm';
  input: string;
  uint16: string;
  shape: [number, number];
}
const { configs, cases } = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
  configs: Record<string, Record<string, unknown>>;
  cases: Case[];
};
const load = (file: string) => decodeNpy(readFileSync(join(dir, file)));

/** Chunk sizes from a seeded generator: single samples, sizes around the window and the step, large blocks. */
function chunkSizes(seed: number, total: number): number[] {
  const pool = [1, 2, 3, 7, 319, 320, 321, 479, 480, 481, 1000, 4093, 65537];
  let state = seed;
  const sizes: number[] = [];
  for (let done = 0; done < total; ) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const n = Math.min(pool[state % pool.length], total - done);
    sizes.push(n);
    done += n;
  }
  return sizes;
}

/** The stream's frames, fed in the given chunk sizes (rows collected as they come). */
function runStream(
  s: MicrofrontendSettings,
  engine: Engine,
  pcm: Int16Array,
  sizes: number[],
  batch?: number,
): { out: Uint16Array; frames: number; stream: MicrofrontendStream } {
  const stream = new MicrofrontendStream(s, engine, batch);
  const parts: Uint16Array[] = [];
  let at = 0;
  for (const n of sizes) {
    stream.push(pcm.subarray(at, at + n), (values, frames) => {
      parts.push(values.slice(0, frames * stream.channels));
    });
    at += n;
  }
  const out = new Uint16Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { out, frames: stream.frames, stream };
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

test('the stream conformance set has 6 cases: both variants over 16 kHz streams, mltk with the DC notch at 8 kHz', () => {
  assert.equal(cases.length, 6);
  assert.deepEqual(cases.map((c) => `${c.config}/${c.variant}`).sort(), [
    'dc_notch_8k/mltk',
    'dc_notch_8k/mltk',
    'micro_speech/mltk',
    'micro_speech/mltk',
    'micro_speech/tflm',
    'micro_speech/tflm',
  ]);
});

for (const [c, engine] of cases.flatMap((c) => ENGINES.map((e) => [c, e] as const))) {
  const name = `${c.config}/${c.variant}: ${c.input.replace(/^inputs\/|\.npy$/g, '')}`;
  test(`reproduces ${name} exactly fed in odd-sized chunks, with the ${engine} engine`, () => {
    const settings = frontendSchema.parse({ ...configs[c.config], variant: c.variant }) as MicrofrontendSettings;
    const pcm = load(c.input).data as Int16Array;
    const expected = load(c.uint16);
    assert.deepEqual(expected.shape, c.shape);
    for (const [label, sizes, batch] of [
      ['seeded odd chunks', chunkSizes(c.input.length, pcm.length), undefined],
      ['one sample at a time, batches of 3 frames', new Array(pcm.length).fill(1), 3],
      ['the whole stream at once', [pcm.length], undefined],
    ] as const) {
      const { out, frames } = runStream(settings, engine, pcm, [...sizes], batch);
      assert.equal(frames, c.shape[0], label);
      const d = firstDifference(out, expected.data);
      assert.equal(
        d,
        -1,
        `${label}: differs at frame ${Math.floor(d / c.shape[1])}, channel ${d % c.shape[1]}: ${out[d]} vs ${expected.data[d]}`,
      );
    }
  });
}

test('carries activity detection across chunks: trips as a clip run over the whole signal does', () => {
  const settings = frontendSchema.parse({
    ...configs.micro_speech,
    variant: 'mltk',
    activity_detection_enable: true,
  }) as MicrofrontendSettings;
  const pcm = load(cases[0].input).data as Int16Array;
  const clip = new AudioFeatureGenerator(settings, 'reference');
  const whole = new Uint16Array(clip.frames * clip.channels);
  const tripped = clip.process(pcm, whole);
  assert.equal(tripped, true, 'spoken words trip the detector');
  for (const engine of ENGINES) {
    const { out, stream } = runStream(settings, engine, pcm, chunkSizes(7, pcm.length));
    assert.equal(stream.activity, tripped, engine);
    assert.equal(firstDifference(out, whole), -1, engine);
  }
  // Silence never trips it.
  const quiet = runStream(settings, 'simd', new Int16Array(16000), [16000]);
  assert.equal(quiet.stream.activity, false);
});

test('the state is carried, not reset: the second half of a stream differs from that half run alone', () => {
  const c = cases[0];
  const settings = frontendSchema.parse({ ...configs[c.config], variant: c.variant }) as MicrofrontendSettings;
  const pcm = load(c.input).data as Int16Array;
  const expected = load(c.uint16).data as Uint16Array;
  // 5 s is a whole number of steps (250 × 320 samples): frame 250 of the stream is frame 0 of the half.
  const half = runStream(settings, 'simd', pcm.subarray(80000), [80000]);
  const tail = expected.subarray(250 * 40, (250 + half.frames) * 40);
  assert.notEqual(firstDifference(half.out, tail), -1, 'a reset at 5 s would give the reference frames');
});

test('a chunk shorter than a window gives no frame until the window fills, then exactly one', () => {
  const settings = frontendSchema.parse(configs.micro_speech) as MicrofrontendSettings;
  const stream = new MicrofrontendStream(settings);
  const counts: number[] = [];
  stream.push(new Int16Array(479), (_, frames) => counts.push(frames));
  assert.equal(counts.length, 0);
  stream.push(new Int16Array(1), (_, frames) => counts.push(frames));
  assert.deepEqual(counts, [1]);
  stream.push(new Int16Array(319), (_, frames) => counts.push(frames));
  assert.deepEqual(counts, [1]);
  stream.push(new Int16Array(1 + 320 * 600), (_, frames) => counts.push(frames));
  assert.deepEqual(counts, [1, 256, 256, 89]);
  assert.equal(stream.frames, 602);
  assert.equal(stream.samples, 480 + 320 * 601);
});
