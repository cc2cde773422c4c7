// The STFT's real FFT on PFFFT compiled to WebAssembly (SIMD when the runtime has it): about 5× fft.js at 2048
// points, which is most of a phase-vocoder pass. Same interface and scaling as RealFFT (numpy rfft / irfft);
// float32 inside, which is librosa's own precision for float32 audio. WebAssembly float math is deterministic.
import { RealFFT } from './fft.js';

interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, kind: number): number;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
}

const REAL = 0;
const FORWARD = 0;
const BACKWARD = 1;

async function load(): Promise<PffftModule | null> {
  for (const entry of ['@echogarden/pffft-wasm/simd', '@echogarden/pffft-wasm']) {
    try {
      const factory = (await import(entry)).default as () => Promise<PffftModule>;
      return await factory();
    } catch {
      // no SIMD here (or no wasm at all): try the next build, else fall back to fft.js
    }
  }
  return null;
}

const wasm = await load();

export interface RealTransform {
  readonly size: number;
  readonly bins: number;
  forward(input: Float64Array, spectrum: Float64Array, at?: number): void;
  inverse(spectrum: Float64Array, output: Float64Array, at?: number): void;
}

class WasmRealFFT implements RealTransform {
  readonly bins: number;
  private readonly setup: number;
  private readonly input: number;
  private readonly output: number;
  private readonly work: number;

  constructor(
    private readonly m: PffftModule,
    readonly size: number,
  ) {
    this.bins = size / 2 + 1;
    this.setup = m._pffft_new_setup(size, REAL);
    if (!this.setup) throw new Error(`PFFFT cannot transform ${size} points`);
    this.input = m._pffft_aligned_malloc(size * 4) >> 2;
    this.output = m._pffft_aligned_malloc(size * 4) >> 2;
    this.work = m._pffft_aligned_malloc(size * 4);
  }

  forward(input: Float64Array, spectrum: Float64Array, at = 0): void {
    const n = this.size;
    // Views are taken per call: a growing wasm memory replaces HEAPF32.
    const heap = this.m.HEAPF32;
    const inp = this.input;
    for (let i = 0; i < n; i++) heap[inp + i] = input[i];
    this.m._pffft_transform_ordered(this.setup, inp << 2, this.output << 2, this.work, FORWARD);
    const out = this.m.HEAPF32;
    const o = this.output;
    // PFFFT's ordered real layout: [DC, Nyquist, re1, im1, re2, im2, ...].
    spectrum[at] = out[o];
    spectrum[at + 1] = 0;
    for (let k = 2; k < n; k++) spectrum[at + k] = out[o + k];
    spectrum[at + n] = out[o + 1];
    spectrum[at + n + 1] = 0;
  }

  inverse(spectrum: Float64Array, output: Float64Array, at = 0): void {
    const n = this.size;
    const heap = this.m.HEAPF32;
    const inp = this.input;
    heap[inp] = spectrum[at];
    heap[inp + 1] = spectrum[at + n];
    for (let k = 2; k < n; k++) heap[inp + k] = spectrum[at + k];
    this.m._pffft_transform_ordered(this.setup, inp << 2, this.output << 2, this.work, BACKWARD);
    const out = this.m.HEAPF32;
    const o = this.output;
    const scale = 1 / n;
    for (let i = 0; i < n; i++) output[i] = out[o + i] * scale;
  }
}

const instances = new Map<number, RealTransform>();

/** The fastest real FFT of size n available (PFFFT for sizes it supports, fft.js otherwise); shared per size. */
export function fastRealFFT(n: number): RealTransform {
  let t = instances.get(n);
  if (!t) {
    // PFFFT's real transform needs n to be a multiple of 32.
    t = wasm && n % 32 === 0 ? new WasmRealFFT(wasm, n) : RealFFT.of(n);
    instances.set(n, t);
  }
  return t;
}

/** Which engine fastRealFFT uses (for benchmarks and the manifest of a build's environment). */
export const fftEngine = wasm ? 'pffft-wasm' : 'fft.js';
