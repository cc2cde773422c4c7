// Time stretch's 'simd' engine: the phase vocoder of assembly/vocoder.ts, float32 SIMD from the first window to the
// last overlap-add in one call per clip, with no buffer allocated per call (time-stretch.ts holds the float64
// 'reference' vocoder it follows).
// Memory: the module's tables and scratch, then the padded input, the overlap-add sums, the window sum square and
// the output.
import { instantiate, reserve } from '../wasm/load.js';

interface VocoderExports {
  memory: WebAssembly.Memory;
  plan(nFft: number, hop: number): number;
  stretch(input: number, frames: number, rate: number, outFrames: number, length: number, acc: number, wss: number, out: number): void;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

export class SimdVocoder {
  private readonly wasm: VocoderExports;
  private readonly base: number;
  private heap = new Float32Array(0);

  constructor(
    readonly nFft: number,
    readonly hop: number,
  ) {
    this.wasm = instantiate<VocoderExports>('vocoder');
    this.base = this.wasm.plan(nFft, hop);
  }

  /**
   * y (`frames` STFT frames) stretched by `rate` into `outFrames` frames of `length` samples: a view of the
   * module's memory, valid until the next call.
   */
  stretch(y: Float32Array, frames: number, rate: number, outFrames: number, length: number): Float32Array {
    const { nFft, hop } = this;
    const input = this.base;
    // The analysis reads n_fft/2 zeros before the signal and up to n_fft/2 after it.
    const acc = align16(input + 4 * (y.length + nFft));
    const span = 4 * ((outFrames - 1) * hop + nFft + 4);
    const wss = align16(acc + span);
    const out = align16(wss + span);
    const memory = reserve(this.wasm.memory, out + 4 * (length + 4));
    if (this.heap.buffer !== memory.buffer) this.heap = new Float32Array(memory.buffer);
    const heap = this.heap;
    const at = input / 4 + nFft / 2;
    heap.fill(0, input / 4, at);
    heap.set(y, at);
    heap.fill(0, at + y.length, at + y.length + nFft / 2);
    this.wasm.stretch(input, frames, rate, outFrames, length, acc, wss, out);
    return heap.subarray(out / 4, out / 4 + length);
  }
}

const vocoders = new Map<string, SimdVocoder>();

/** The module's frame sizes: powers of two from 32 (its FFT's first stage works on whole vectors of quarters). */
export function simdVocoderFits(nFft: number): boolean {
  return nFft >= 32 && (nFft & (nFft - 1)) === 0;
}

/** The shared vocoder for (nFft, hop); nFft must fit (simdVocoderFits). */
export function simdVocoder(nFft: number, hop: number): SimdVocoder {
  const key = `${nFft}/${hop}`;
  let v = vocoders.get(key);
  if (!v) {
    v = new SimdVocoder(nFft, hop);
    vocoders.set(key, v);
  }
  return v;
}
