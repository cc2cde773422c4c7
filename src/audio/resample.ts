// Band-limited resampling with a Kaiser-windowed sinc: exact rational polyphase for integer rate pairs,
// a finely sampled phase table with linear interpolation between phases for any other ratio.
//
// Output sample m sits at input time m·from/to (zero phase: an impulse at input time t lands at output time
// t·to/from); samples beyond either edge of the input are zeros.

/**
 * Filter per quality: zero crossings of the sinc on each side of the centre, and the Kaiser beta.
 * best: ~100 dB stopband from 0.52 of the lower rate, passband flat (< 0.01 dB) to 0.42 of it (dataset audio).
 * fast: ~70 dB stopband with 3/8 of the taps (the pitch shifter's internal step, where speed matters more).
 */
export type ResampleQuality = 'best' | 'fast';
// cutoffSteps: interpolated tables are shared within 1/cutoffSteps of an octave of cutoff (rounded down), so the
// drawn pitch ratios of a whole build reuse a few tables instead of building one per sample.
// phases: rows of the table for non-integer ratios, blended linearly between the two around the fractional time.
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

/** One filter table: rows of `taps` coefficients; row r is for fractional input time r/phases. */
interface Table {
  phases: number;
  /** A multiple of 4 (the hot loops run four accumulators); trailing taps past the window are zero. */
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

/** `input` resampled from `fromRate` to `toRate` Hz (the same array when the rates are equal). */
export function resample(input: Float32Array, fromRate: number, toRate: number, quality: ResampleQuality = 'best'): Float32Array {
  checkRates(fromRate, toRate);
  if (fromRate === toRate) return input;
  const outLength = resampledLength(input.length, fromRate, toRate);
  const output = new Float32Array(outLength);
  if (input.length === 0) return output;

  if (Number.isInteger(fromRate) && Number.isInteger(toRate)) {
    const g = gcd(fromRate, toRate);
    const up = toRate / g;
    const down = fromRate / g;
    if (up <= MAX_EXACT_PHASES) {
      const table = cached(`${quality} exact ${up}/${down}`, () => buildTable(Math.min(1, up / down), up, up, quality));
      runExact(input, output, table, up, down);
      return output;
    }
  }
  const scale = quantizedScale(toRate / fromRate, FILTERS[quality].cutoffSteps);
  const phases = FILTERS[quality].phases;
  const table = cached(`${quality} fine ${scale}`, () => buildTable(scale, phases, phases + 1, quality));
  runInterpolated(input, output, table, fromRate / toRate);
  return output;
}

function checkRates(fromRate: number, toRate: number): void {
  if (!(fromRate > 0 && Number.isFinite(fromRate))) throw new Error(`resample: fromRate ${fromRate} is not a positive rate`);
  if (!(toRate > 0 && Number.isFinite(toRate))) throw new Error(`resample: toRate ${toRate} is not a positive rate`);
}

/** Input zero-padded so tap j of output time i0 + frac is at index i0 + j and the hot loops never test bounds. */
function padded(input: Float32Array, table: Table): Float32Array {
  // One spare sample: the last output time may round up to just below n in the interpolated path.
  const x = new Float32Array(table.lead + input.length + table.taps + 1);
  x.set(input, table.lead);
  return x;
}

/** Exact polyphase: output m at input time m·down/up, phase (m·down) mod up. */
function runExact(input: Float32Array, output: Float32Array, table: Table, up: number, down: number): void {
  const { taps, coeffs } = table;
  const x = padded(input, table);
  const whole = Math.floor(down / up);
  const rest = down % up;
  let i0 = 0;
  let phase = 0;
  for (let m = 0; m < output.length; m++) {
    let xi = i0;
    let ci = phase * taps;
    const end = ci + taps;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (; ci < end; ci += 4, xi += 4) {
      a0 += x[xi] * coeffs[ci];
      a1 += x[xi + 1] * coeffs[ci + 1];
      a2 += x[xi + 2] * coeffs[ci + 2];
      a3 += x[xi + 3] * coeffs[ci + 3];
    }
    output[m] = a0 + a1 + (a2 + a3);
    i0 += whole;
    phase += rest;
    if (phase >= up) {
      phase -= up;
      i0++;
    }
  }
}

/** Any ratio: the two table rows around the fractional time, blended linearly. */
function runInterpolated(input: Float32Array, output: Float32Array, table: Table, step: number): void {
  const { taps, coeffs, phases } = table;
  const x = padded(input, table);
  for (let m = 0; m < output.length; m++) {
    const t = m * step;
    const i0 = Math.floor(t);
    const q = (t - i0) * phases;
    const r = Math.floor(q);
    const f = q - r;
    let xi = i0;
    let c0 = r * taps;
    const end = c0 + taps;
    let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    for (; c0 < end; c0 += 2, xi += 2) {
      const v0 = x[xi];
      const v1 = x[xi + 1];
      a0 += v0 * coeffs[c0];
      a1 += v1 * coeffs[c0 + 1];
      b0 += v0 * coeffs[c0 + taps];
      b1 += v1 * coeffs[c0 + taps + 1];
    }
    const a = a0 + a1;
    output[m] = a + f * (b0 + b1 - a);
  }
}

/**
 * Kaiser-windowed sinc rows for a cutoff of ROLLOFF·scale/2 cycles per input sample (scale = min(1, to/from)).
 * Row r holds the kernel at input offsets (j - lead) - r/phases, each row normalised to unit DC gain.
 */
function buildTable(scale: number, phases: number, rows: number, quality: ResampleQuality): Table {
  const { zeroCrossings, beta } = FILTERS[quality];
  const cutoff = ROLLOFF * scale; // twice the cutoff frequency, in cycles per input sample
  const width = zeroCrossings / cutoff; // half-length of the window in input samples
  const lead = Math.ceil(width) - 1; // offsets -lead .. ceil(width) cover |offset - frac| < width for frac in [0, 1]
  const taps = Math.ceil((2 * lead + 2) / 4) * 4;
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
