// Power spectrum -> mel channels -> square root (filterbank.c): energies re² + im² of the used bins, each
// channel the weighted sum of its bins plus the unweighted sum of the previous channel's bins, then the
// rounded square root shifted down by the FFT input shift.
import { filterbankLayout, type FilterbankLayout } from './filterbank-setup.js';
import { roundedSqrt } from './sqrt.js';

export class Filterbank {
  readonly layout: FilterbankLayout;
  readonly channels: number;
  /** weight | unweight << 16 per used bin (both in [0, 4097)): one typed-array read per bin. */
  private readonly packedWeights: Int32Array;

  constructor(channels: number, lowerHz: number, upperHz: number, sampleRate: number, spectrumSize: number) {
    this.layout = filterbankLayout(channels, lowerHz, upperHz, sampleRate, spectrumSize);
    if (this.layout.endIndex >= spectrumSize) {
      throw new Error(
        `filterbank upper band limit ${upperHz} Hz needs FFT bins beyond the spectrum (${spectrumSize} bins)`,
      );
    }
    this.channels = channels;
    const { weights, unweights } = this.layout;
    this.packedWeights = new Int32Array(weights.length);
    for (let j = 0; j < weights.length; j++) this.packedWeights[j] = weights[j] | (unweights[j] << 16);
  }

  /**
   * From the packed complex spectrum (re | im << 16, as FixedRealFft writes it), writes `channels` values: the
   * rounded square root of each channel's accumulated energy, >>> `shift`.
   */
  apply(spectrum: Int32Array, shift: number, out: Uint32Array): void {
    const { binStart, binCount } = this.layout;
    const packed = this.packedWeights;
    const base = this.layout.startIndex;
    // Each bin belongs to exactly one band, so its energy is computed where the band sums it.
    // Energies re² + im² are < 2^31 and the 12-bit weighted sums stay far below 2^53: exact in doubles.
    let carry = 0;
    const bands = this.channels + 1;
    for (let chan = 0; chan < bands; chan++) {
      let weighted = carry;
      let unweighted = 0;
      const first = binStart[chan];
      const last = first + binCount[chan];
      for (let bin = first; bin < last; bin++) {
        const z = spectrum[bin];
        const r = (z << 16) >> 16;
        const i = z >> 16;
        const energy = (Math.imul(r, r) + Math.imul(i, i)) >>> 0;
        const weights = packed[bin - base];
        weighted += (weights & 0xffff) * energy;
        unweighted += (weights >>> 16) * energy;
      }
      if (chan > 0) out[chan - 1] = roundedSqrt(weighted) >>> shift;
      carry = unweighted;
    }
  }
}
