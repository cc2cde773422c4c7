// Band-limited resampling with a Kaiser-windowed sinc: exact rational polyphase for integer rate pairs,
// a finely sampled phase table with linear interpolation between phases for any other ratio. The tables are built
// here; the dot products run in WebAssembly SIMD (assembly/resample.ts), in float32.
//
// Output sample m sits at input time m·from/to (zero phase: an impulse at input time t lands at output time
// t·to/from); samples beyond either edge of the input are zeros.
import { ResampleModule } from '../wasm/generated/resample.js';
import { Heap, type Ptr } from '../wasm/heap.js';

/**
 * Filter per quality: zero crossings of the sinc on each side of the centre, and the Kaiser beta.
 * best: ~100 dB stopband from 0.52 of the lower rate, passband flat (< 0.01 dB) to 0.42 of it (dataset audio).
 * fast: ~70 dB stopband with 3/8 of the taps (the pitch shifter's internal step, where speed matters more).
 */
export type ResampleQuality = 'best' | 'fast';
// cutoffSteps: interpolated tables are shared within 1/cutoffSteps of an octave of cutoff (rounded down), so the
// drawn pitch ratios of a whole build reuse a few tables instead of building one per sample.
// phases: rows of the table for non-integer ratios, blended linearly between the two around the fractional time
// (a power of two: the kernel splits fixed-point times into row and blend factor by their bits).
// 'fast' keeps its table small (a few KB) because pitch shifts jump across it at every sample: cache misses, not
// arithmetic, were its cost.
const FILTERS: Record<ResampleQuality, { zeroCrossings: number; beta: number; cutoffSteps: number; phases: number }> = {
  best: { zeroCrossings: 32, beta: 10, cutoffSteps: 256, phases: 512 },
  fast: { zeroCrossings: 12, beta: 7, cutoffSteps: 48, phases: 128 },
};
/** Cutoff as a fraction of the lower Nyquist frequency. */
const ROLLOFF = 0.94;
/** Integer pairs whose reduced upsampling factor exceeds this use the interpolated table instead. */
const MAX_EXACT_PHASES = 1024;
const CACHE_LIMIT = 32;
/** Refused above these sizes, with a clear error instead of a RangeError or gigabytes: ~4.6 h at 16 kHz, 64 MiB of filter. */
const MAX_OUTPUT = 2 ** 28;
const MAX_TABLE = 2 ** 24;

/** One filter table: rows of `taps` coefficients; row r is for fractional input time r/phases. */
interface Table {
  phases: number;
  /** A multiple of 4 (whole SIMD vectors); trailing taps past the window are zero. */
  taps: number;
  /** Tap j of every row weighs input sample i0 - lead + j, i0 being the integer part of the output time. */
  lead: number;
  coeffs: Float32Array;
}

const cache = new Map<string, Table>();

/** librosa's output length: ceil(n · to / from). */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  checkRates(fromRate, toRate);
  if (Number.isInteger(fromRate) && Number.isInteger(toRate)) return ceilDiv(n * toRate, fromRate);
  return Math.ceil(n * (toRate / fromRate));
}

/** A resampling larger than audiogen allocates, refused before anything is allocated (callers name the clip). */
export class ResampleLimitError extends Error {
  override name = 'ResampleLimitError';
}

/** `input` resampled from `fromRate` to `toRate` Hz (the same array when the rates are equal). */
export function resample(
  input: Float32Array,
  fromRate: number,
  toRate: number,
  quality: ResampleQuality = 'best',
): Float32Array {
  checkRates(fromRate, toRate);
  if (fromRate === toRate) return input;
  const outLength = resampledLength(input.length, fromRate, toRate);
  if (outLength > MAX_OUTPUT) {
    throw new ResampleLimitError(
      `resample: ${input.length} samples from ${fromRate} to ${toRate} Hz would make ${outLength} samples, more than the ${MAX_OUTPUT} allowed`,
    );
  }
  const output = new Float32Array(outLength);
  if (input.length === 0) return output;

  if (Number.isInteger(fromRate) && Number.isInteger(toRate)) {
    const g = gcd(fromRate, toRate);
    const up = toRate / g;
    const down = fromRate / g;
    if (up <= MAX_EXACT_PHASES) {
      const table = cached(`${quality} exact ${up}/${down}`, () =>
        buildTable(Math.min(1, up / down), up, up, quality, fromRate, toRate),
      );
      simd().exact(input, output, table, up, down);
      return output;
    }
  }
  const scale = quantizedScale(toRate / fromRate, FILTERS[quality].cutoffSteps);
  const phases = FILTERS[quality].phases;
  const table = cached(`${quality} fine ${scale}`, () =>
    buildTable(scale, phases, phases + 1, quality, fromRate, toRate),
  );
  simd().interpolated(input, output, table, fromRate / toRate);
  return output;
}

function checkRates(fromRate: number, toRate: number): void {
  if (!(fromRate > 0 && Number.isFinite(fromRate)))
    throw new Error(`resample: fromRate ${fromRate} is not a positive rate`);
  if (!(toRate > 0 && Number.isFinite(toRate))) throw new Error(`resample: toRate ${toRate} is not a positive rate`);
}

/**
 * The SIMD inner loops (assembly/resample.ts, through src/wasm/generated/resample.ts) and their memory: the current
 * table first (copied in only when it changes), then the zero-padded input, then the output.
 */
class SimdResampler {
  private readonly module = new ResampleModule();
  private readonly heap = new Heap(this.module.memory, this.module.heapBase());
  private loaded: Table | null = null;

  /** Copies table and input in; returns the addresses of table, padded input and output. */
  private prepare(input: Float32Array, table: Table, outLength: number): { at: Ptr; x: Ptr; out: Ptr } {
    const heap = this.heap;
    heap.reset();
    const at = heap.alloc(4 * table.coeffs.length);
    // Tap j of output time i0 + frac reads padded sample i0 + j, so the kernels never test bounds. One spare sample:
    // the last output time may round up to just below n in the interpolated path.
    const padded = table.lead + input.length + table.taps + 1;
    const x = heap.alloc(4 * padded);
    const out = heap.alloc(4 * outLength);
    heap.reserve();
    const floats = heap.floats();
    if (this.loaded !== table) {
      floats.set(table.coeffs, at / 4);
      this.loaded = table;
    }
    const x0 = x / 4;
    floats.fill(0, x0, x0 + table.lead);
    floats.set(input, x0 + table.lead);
    floats.fill(0, x0 + table.lead + input.length, x0 + padded);
    return { at, x, out };
  }

  /** Exact polyphase: output m at input time m·down/up, row (m·down) mod up. */
  exact(input: Float32Array, output: Float32Array, table: Table, up: number, down: number): void {
    const { at, x, out } = this.prepare(input, table, output.length);
    this.module.exact({ x, table: at, taps: table.taps, up, down, out, count: output.length });
    output.set(this.heap.floats().subarray(out / 4, out / 4 + output.length));
  }

  /** Any ratio: the two table rows around the fractional time m·step, blended linearly. */
  interpolated(input: Float32Array, output: Float32Array, table: Table, step: number): void {
    const { at, x, out } = this.prepare(input, table, output.length);
    this.module.interpolated({ x, table: at, taps: table.taps, phases: table.phases, step, out, count: output.length });
    output.set(this.heap.floats().subarray(out / 4, out / 4 + output.length));
  }
}

let resampler: SimdResampler | null = null;
const simd = () => (resampler ??= new SimdResampler());

/**
 * Kaiser-windowed sinc rows for a cutoff of ROLLOFF·scale/2 cycles per input sample (scale = min(1, to/from)).
 * Row r holds the kernel at input offsets (j - lead) - r/phases, each row normalised to unit DC gain.
 */
function buildTable(
  scale: number,
  phases: number,
  rows: number,
  quality: ResampleQuality,
  fromRate: number,
  toRate: number,
): Table {
  const { zeroCrossings, beta } = FILTERS[quality];
  const cutoff = ROLLOFF * scale; // twice the cutoff frequency, in cycles per input sample
  const width = zeroCrossings / cutoff; // half-length of the window in input samples
  const lead = Math.ceil(width) - 1; // offsets -lead .. ceil(width) cover |offset - frac| < width for frac in [0, 1]
  const taps = Math.ceil((2 * lead + 2) / 4) * 4;
  if (rows * taps > MAX_TABLE) {
    throw new ResampleLimitError(
      `resample: ${fromRate} to ${toRate} Hz needs a filter of ${rows} x ${taps} coefficients, more than the ${MAX_TABLE} allowed`,
    );
  }
  const coeffs = new Float32Array(rows * taps);
  const norm = 1 / besselI0(beta);
  for (let r = 0; r < rows; r++) {
    const frac = r / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const tau = j - lead - frac;
      const u = tau / width;
      if (u <= -1 || u >= 1) continue;
      const arg = Math.PI * cutoff * tau;
      const sinc = arg === 0 ? 1 : Math.sin(arg) / arg;
      const h = cutoff * sinc * besselI0(beta * Math.sqrt(1 - u * u)) * norm;
      coeffs[r * taps + j] = h;
      sum += h;
    }
    for (let j = 0; j < taps; j++) coeffs[r * taps + j] /= sum;
  }
  return { phases, taps, lead, coeffs };
}

/** Modified Bessel function of the first kind, order 0, by its power series (converges fast for x <= ~20). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** min(1, ratio), rounded down onto a log grid so nearby pitch-shift ratios share one table. */
function quantizedScale(ratio: number, steps: number): number {
  if (ratio >= 1) return 1;
  return 2 ** (Math.floor(Math.log2(ratio) * steps) / steps);
}

/** Tables are costly (milliseconds), so each is built once per process; the least recently used goes first. */
function cached(key: string, build: () => Table): Table {
  let table = cache.get(key);
  if (table) {
    cache.delete(key);
  } else {
    table = build();
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, table);
  return table;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}
