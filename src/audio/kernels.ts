// JS side of wasm/audio.wasm (assembly/audio.ts): one instance per process, its memory grown to the largest clip.
// Each call copies its input in and its result out, so callers keep plain typed arrays.
import { instantiate, reserve } from '../wasm/load.js';

interface AudioExports {
  memory: WebAssembly.Memory;
  int16ToFloat(input: number, output: number, count: number): void;
  hopSums(padded: number, count: number, output: number): void;
  scale(x: number, count: number, gain: number): void;
  addScaled(x: number, y: number, count: number, gain: number): void;
}

let wasm: AudioExports | null = null;

/** The instance, its memory at least `bytes` long. */
function instance(bytes: number): AudioExports {
  wasm ??= instantiate<AudioExports>('audio');
  reserve(wasm.memory, bytes);
  return wasm;
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** int16 samples (`count` of them from `bytes` at `offset`, host order) to float32 · 2^-15, into `out`. */
export function int16ToFloat(bytes: Uint8Array, offset: number, count: number, out: Float32Array): void {
  const input = align(count * 2);
  const m = instance(input + count * 4);
  new Uint8Array(m.memory.buffer, 0, count * 2).set(bytes.subarray(offset, offset + count * 2));
  m.int16ToFloat(0, input, count);
  out.set(new Float32Array(m.memory.buffer, input, count));
}

/** float32 sums of squares of `count` 512-sample hops of `y` zero-padded by `pad` before (see trim.ts). */
export function hopSums(y: Float32Array, pad: number, count: number, out: Float32Array): void {
  // Room for every hop's 2048-sample frame: the padding after the clip is zeroed on each call.
  const padded = pad + Math.max(y.length, count * 512 + 2048);
  const outAt = align(padded * 4);
  const m = instance(outAt + count * 4);
  const f32 = new Float32Array(m.memory.buffer, 0, padded);
  f32.fill(0, 0, pad);
  f32.set(y, pad);
  f32.fill(0, pad + y.length);
  m.hopSums(0, count, outAt);
  out.set(new Float32Array(m.memory.buffer, outAt, count));
}

/**
 * out = float32(out · gain), then, with `noise`, out = float32(out + noiseGain · noise): each step in float64
 * and rounded once, as the plain JS loops compute it.
 */
export function mixInPlace(out: Float32Array, gain: number, noise: Float32Array | null, noiseGain: number): void {
  const n = out.length;
  const noiseAt = align(n * 4);
  const m = instance(noiseAt + (noise ? n * 4 : 0));
  const x = new Float32Array(m.memory.buffer, 0, n);
  x.set(out);
  if (gain !== 1) m.scale(0, n, gain);
  if (noise) {
    new Float32Array(m.memory.buffer, noiseAt, n).set(noise.subarray(0, n));
    m.addScaled(0, noiseAt, n, noiseGain);
  }
  out.set(x);
}
