// Time stretch's 'simd' engine: the phase vocoder of assembly/vocoder.ts, through src/wasm/generated/vocoder.ts,
// float32 SIMD from the first window to the last overlap-add in one call per clip, with no buffer allocated per call
// (time-stretch.ts holds the float64 'reference' vocoder it follows). Memory: the module's tables and scratch
// (plan() lays them out and returns where they end), then the padded input, the overlap-add sums, the window sum
// square and the output.
import { VocoderModule } from '../wasm/generated/vocoder.js';
import { Heap } from '../wasm/heap.js';

export class SimdVocoder {
  private readonly module = new VocoderModule();
  private readonly heap: Heap;

  constructor(
    readonly nFft: number,
    readonly hop: number,
  ) {
    this.heap = new Heap(this.module.memory, this.module.plan({ n: nFft, hopLength: hop }));
  }

  /**
   * y (`frames` STFT frames) stretched by `rate` into `outFrames` frames of `length` samples: a view of the
   * module's memory, valid until the next call.
   */
  stretch(y: Float32Array, frames: number, rate: number, outFrames: number, length: number): Float32Array {
    const { nFft, hop, heap } = this;
    heap.reset();
    // The analysis reads n_fft/2 zeros before the signal and up to n_fft/2 after it.
    const input = heap.alloc(4 * (y.length + nFft));
    const span = 4 * ((outFrames - 1) * hop + nFft + 4);
    const acc = heap.alloc(span);
    const wss = heap.alloc(span);
    const out = heap.alloc(4 * (length + 4));
    heap.reserve();
    const floats = heap.floats();
    const at = input / 4 + nFft / 2;
    floats.fill(0, input / 4, at);
    floats.set(y, at);
    floats.fill(0, at + y.length, at + y.length + nFft / 2);
    this.module.stretch({ input, frames, rate, outFrames, length, acc, wss, out });
    return floats.subarray(out / 4, out / 4 + length);
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
