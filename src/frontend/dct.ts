// The orthonormal DCT-II that turns log-mel energies into MFCCs (scipy.fft.dct(type=2, norm="ortho"), as
// librosa.feature.mfcc runs it), truncated to the first coefficients: a precomputed float64 matrix, one dot product
// per coefficient.

export class Dct {
  /** Row k holds the k-th basis vector: sqrt(1/n) for k = 0, sqrt(2/n)·cos(πk(2j+1)/2n) otherwise. */
  private readonly basis: Float64Array;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
  ) {
    if (outputs > inputs) throw new Error(`a DCT of ${inputs} values has no coefficient ${outputs - 1}`);
    this.basis = new Float64Array(inputs * outputs);
    for (let k = 0; k < outputs; k++) {
      const scale = Math.sqrt((k === 0 ? 1 : 2) / inputs);
      for (let j = 0; j < inputs; j++)
        this.basis[k * inputs + j] = scale * Math.cos((Math.PI * k * (2 * j + 1)) / (2 * inputs));
    }
  }

  /** out[outAt + k] = coefficient k of input[inAt .. inAt + inputs). */
  apply(input: Float64Array, inAt: number, out: Float64Array, outAt: number): void {
    const n = this.inputs;
    const basis = this.basis;
    for (let k = 0; k < this.outputs; k++) {
      let sum = 0;
      for (let j = 0, b = k * n; j < n; j++, b++) sum += basis[b] * input[inAt + j];
      out[outAt + k] = sum;
    }
  }
}
