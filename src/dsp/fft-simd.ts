// The STFT's 'simd' engine FFT: PFFFT compiled to WebAssembly (@echogarden/pffft-wasm, a third-party module with its
// own loader and allocator; its SIMD build when the runtime has SIMD): about 5× fft.js at 2048 points, which is most
// of a phase-vocoder pass. Same interface and scaling as RealFFT (fft.ts, the 'reference' engine's float64 FFT:
// numpy rfft / irfft); float32 inside, which is librosa's own precision for float32 audio. WebAssembly float math is
// deterministic. Without WebAssembly (or for sizes PFFFT does not take) the 'simd' engine falls back to RealFFT.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { importModule } from '../files/import.js';
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

/**
 * PFFFT's SIMD build, else its scalar build; none (fft.js then) only without WebAssembly. Any other failure to load
 * is an error: falling back would change the output's rounding without a word.
 */
async function load(): Promise<{ module: PffftModule; build: 'pffft-simd' | 'pffft' } | null> {
  if (typeof WebAssembly !== 'object') return null;
  let failure: unknown;
  for (const [entry, build] of [
    ['@echogarden/pffft-wasm/simd', 'pffft-simd'],
    ['@echogarden/pffft-wasm', 'pffft'],
  ] as const) {
    try {
      // Resolved from this file: the import goes through files/import.ts, whose own location would not find it.
      const url = pathToFileURL(createRequire(import.meta.url).resolve(entry)).href;
      const factory = ((await importModule(url)) as { default: () => Promise<PffftModule> }).default;
      return { module: await factory(), build };
    } catch (err) {
      failure ??= err; // no SIMD here: the scalar build next
    }
  }
  throw new Error(`cannot load PFFFT (@echogarden/pffft-wasm): ${String(failure)}`, { cause: failure });
}

type Loaded = Awaited<ReturnType<typeof load>>;
// undefined until loadSimdFFT() has run: loaded on demand, so a process that never transforms (the build's own,
// `--help`) does not pay for it, and the CLI's bundle has no top-level await (it is CommonJS, for its code cache).
let pffft: Loaded | undefined;
let loading: Promise<void> | undefined;

/** Loads PFFFT once per process; simdRealFFT needs it done (BatchProcessor.create and the tests await it). */
export function loadSimdFFT(): Promise<void> {
  loading ??= load().then((l) => {
    pffft = l;
  });
  return loading;
}

export interface RealTransform {
  readonly size: number;
  readonly bins: number;
  forward(input: Float64Array, spectrum: Float64Array, at?: number): void;
  inverse(spectrum: Float64Array, output: Float64Array, at?: number): void;
}

class PffftRealFFT implements RealTransform {
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
    this.inView = this.outView = new Float32Array(0);
    this.makeViews();
  }

  private inView: Float32Array;
  private outView: Float32Array;
  // The last spectrum view per direction (bins 1.. of a caller's array): hot loops pass the same arrays every
  // frame, so views are made once, not per frame.
  private readonly last = [
    { array: null as Float64Array | null, at: -1, view: new Float64Array(0) as Float64Array },
    { array: null as Float64Array | null, at: -1, view: new Float64Array(0) as Float64Array },
  ];

  private spectrumView(direction: number, spectrum: Float64Array, at: number): Float64Array {
    const c = this.last[direction];
    if (spectrum !== c.array || at !== c.at) {
      c.array = spectrum;
      c.at = at;
      c.view = spectrum.subarray(at + 2, at + this.size);
    }
    return c.view;
  }

  /** The heap views, renewed if the wasm memory grew (which detaches the old ones); no allocation otherwise. */
  private views(): void {
    if (this.inView.buffer !== this.m.HEAPF32.buffer) this.makeViews();
  }

  private inTail!: Float32Array;
  private outTail!: Float32Array;

  private makeViews(): void {
    const heap = this.m.HEAPF32;
    this.inView = heap.subarray(this.input, this.input + this.size);
    this.outView = heap.subarray(this.output, this.output + this.size);
    this.inTail = this.inView.subarray(2);
    this.outTail = this.outView.subarray(2);
  }

  // float64 -> float32 copies of whole arrays go through TypedArray.set (native, several times a JS loop).
  forward(input: Float64Array, spectrum: Float64Array, at = 0): void {
    const n = this.size;
    this.views();
    const inp = this.inView;
    if (input.length === n) inp.set(input);
    else for (let i = 0; i < n; i++) inp[i] = input[i];
    this.m._pffft_transform_ordered(this.setup, this.input << 2, this.output << 2, this.work, FORWARD);
    const out = this.outView;
    // PFFFT's ordered real layout: [DC, Nyquist, re1, im1, re2, im2, ...].
    this.spectrumView(FORWARD, spectrum, at).set(this.outTail);
    spectrum[at] = out[0];
    spectrum[at + 1] = 0;
    spectrum[at + n] = out[1];
    spectrum[at + n + 1] = 0;
  }

  inverse(spectrum: Float64Array, output: Float64Array, at = 0): void {
    const n = this.size;
    this.views();
    const inp = this.inView;
    this.inTail.set(this.spectrumView(BACKWARD, spectrum, at));
    inp[0] = spectrum[at];
    inp[1] = spectrum[at + n];
    this.m._pffft_transform_ordered(this.setup, this.input << 2, this.output << 2, this.work, BACKWARD);
    if (output.length === n) output.set(this.outView);
    else for (let i = 0; i < n; i++) output[i] = this.outView[i];
    const scale = 1 / n;
    for (let i = 0; i < n; i++) output[i] *= scale;
  }
}

const instances = new Map<number, RealTransform>();

/** The 'simd' engine's real FFT of size n (PFFFT for sizes it supports, fft.js otherwise); shared per size. */
export function simdRealFFT(n: number): RealTransform {
  let t = instances.get(n);
  if (!t) {
    // Falling back to fft.js here would change the output's float rounding: a missing await is a defect.
    if (pffft === undefined) throw new Error('simdRealFFT before loadSimdFFT() finished');
    // PFFFT's real transform needs n to be a multiple of 32.
    t = pffft && n % 32 === 0 ? new PffftRealFFT(pffft.module, n) : RealFFT.of(n);
    instances.set(n, t);
  }
  return t;
}

/** What simdRealFFT runs on here, once loaded (benchmarks print it: without WebAssembly the figures are fft.js's). */
export async function simdFftBuild(): Promise<'pffft-simd' | 'pffft' | 'fft.js'> {
  await loadSimdFFT();
  return pffft?.build ?? 'fft.js';
}
