// Mel filterbank layout as the reference computes it (filterbank_util.c): channel edges on the mel scale
// 1127·ln(1 + f/700), bins assigned by walking up from the lower band limit, triangular weights quantized to
// 12 bits (weight and 1 - weight rounded separately). One extra leading channel exists only to supply the
// "unweights" of the first real channel and is dropped from the output. Both variants do this set-up in C `float`
// (each float result emulated with Math.fround), which decides bin edges and weights near rounding boundaries.

export const FILTERBANK_BITS = 12;

export interface FilterbankLayout {
  /** Output channels (the extra leading channel not counted). */
  channels: number;
  /** First FFT bin used (DC is always excluded). */
  startIndex: number;
  /** One past the last FFT bin used. */
  endIndex: number;
  /** Per channel 0..channels (channels + 1 entries): first bin and number of bins. */
  binStart: Int32Array;
  binCount: Int32Array;
  /** Per bin of each channel, in order (offset binStart[c] - startIndex): weight and unweight in Q12. */
  weights: Int32Array;
  unweights: Int32Array;
}

export function filterbankLayout(
  channels: number,
  lowerHz: number,
  upperHz: number,
  sampleRate: number,
  spectrumSize: number,
): FilterbankLayout {
  const round = Math.fround;
  const lower = Math.fround(lowerHz);
  const upper = Math.fround(upperHz);
  const freqToMel = (freq: number): number => round(1127.0 * Math.log1p(freq / 700.0));

  const bands = channels + 1;
  const melLow = freqToMel(lower);
  const melHigh = freqToMel(upper);
  const melSpan = round(melHigh - melLow);
  const melSpacing = round(melSpan / bands);
  const centers = new Float64Array(bands);
  for (let i = 0; i < bands; i++) centers[i] = round(melLow + round(melSpacing * (i + 1)));

  const hzPerBin = round((0.5 * sampleRate) / round(spectrumSize - 1));
  const startIndex = Math.trunc(1.5 + round(lower / hzPerBin));

  const binStart = new Int32Array(bands);
  const binCount = new Int32Array(bands);
  let freqIndex = startIndex;
  for (let chan = 0; chan < bands; chan++) {
    const first = freqIndex;
    while (freqToMel(round(freqIndex * hzPerBin)) <= centers[chan]) freqIndex++;
    binStart[chan] = first;
    binCount[chan] = freqIndex - first;
  }
  const endIndex = freqIndex;

  const total = endIndex - startIndex;
  const weights = new Int32Array(total);
  const unweights = new Int32Array(total);
  for (let chan = 0; chan < bands; chan++) {
    const denom = chan === 0 ? melLow : centers[chan - 1];
    for (let j = 0; j < binCount[chan]; j++) {
      const frequency = binStart[chan] + j;
      const weight = round(
        round(centers[chan] - freqToMel(round(frequency * hzPerBin))) / round(centers[chan] - denom),
      );
      weights[frequency - startIndex] = Math.floor(round(weight * (1 << FILTERBANK_BITS)) + 0.5);
      unweights[frequency - startIndex] = Math.floor((1.0 - weight) * (1 << FILTERBANK_BITS) + 0.5);
    }
  }
  return { channels, startIndex, endIndex, binStart, binCount, weights, unweights };
}
