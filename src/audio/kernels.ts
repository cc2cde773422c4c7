// The per-clip audio kernels of wasm/audio.wasm (assembly/audio.ts), through its facade src/wasm/generated/audio.ts:
// int16 -> float decoding, trim's hop sums, loudness and noise mixing. One instance per process (SimdAudio), its
// memory grown to the largest clip and laid out anew from address 0 by each call (the module has no static data).
// Each call copies its input in and its result out, so callers keep plain typed arrays.
import { AudioModule } from '../wasm/generated/audio.js';
import { Heap } from '../wasm/heap.js';

class SimdAudio {
  private readonly module = new AudioModule();
  private readonly heap = new Heap(this.module.memory);

  int16ToFloat(bytes: Uint8Array, offset: number, count: number, out: Float32Array): void {
    const heap = this.heap;
    heap.reset();
    const input = heap.alloc(count * 2);
    const output = heap.alloc(count * 4);
    heap.reserve();
    heap.view(Uint8Array, input, count * 2).set(bytes.subarray(offset, offset + count * 2));
    this.module.int16ToFloat({ input, output, count });
    out.set(heap.view(Float32Array, output, count));
  }

  hopSums(y: Float32Array, pad: number, count: number, out: Float32Array): void {
    // Room for every hop's 2048-sample frame: the padding after the clip is zeroed on each call.
    const length = pad + Math.max(y.length, count * 512 + 2048);
    const heap = this.heap;
    heap.reset();
    const padded = heap.alloc(length * 4);
    const output = heap.alloc(count * 4);
    heap.reserve();
    const f32 = heap.view(Float32Array, padded, length);
    f32.fill(0, 0, pad);
    f32.set(y, pad);
    f32.fill(0, pad + y.length);
    this.module.hopSums({ padded, count, output });
    out.set(heap.view(Float32Array, output, count));
  }

  mixInPlace(out: Float32Array, gain: number, noise: Float32Array | null, noiseGain: number): void {
    const count = out.length;
    const heap = this.heap;
    heap.reset();
    const x = heap.alloc(count * 4);
    const y = heap.alloc(noise ? count * 4 : 0);
    heap.reserve();
    const xs = heap.view(Float32Array, x, count);
    xs.set(out);
    if (gain !== 1) this.module.scale({ x, count, gain });
    if (noise) {
      heap.view(Float32Array, y, count).set(noise.subarray(0, count));
      this.module.addScaled({ x, y, count, gain: noiseGain });
    }
    out.set(xs);
  }
}

let simdAudio: SimdAudio | null = null;
const simd = () => (simdAudio ??= new SimdAudio());

/** int16 samples (`count` of them from `bytes` at `offset`, host order) to float32 · 2^-15, into `out`. */
export function int16ToFloat(bytes: Uint8Array, offset: number, count: number, out: Float32Array): void {
  simd().int16ToFloat(bytes, offset, count, out);
}

/** float32 sums of squares of `count` 512-sample hops of `y` zero-padded by `pad` before (see trim.ts). */
export function hopSums(y: Float32Array, pad: number, count: number, out: Float32Array): void {
  simd().hopSums(y, pad, count, out);
}

/**
 * out = float32(out · gain), then, with `noise`, out = float32(out + noiseGain · noise): each step in float64
 * and rounded once, as the plain JS loops compute it.
 */
export function mixInPlace(out: Float32Array, gain: number, noise: Float32Array | null, noiseGain: number): void {
  simd().mixInPlace(out, gain, noise, noiseGain);
}
