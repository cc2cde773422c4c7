// The codec fixtures (fixtures/codecs/, made by scripts/make-codec-fixtures.sh) and the in-band comparison of a
// decode with the reference decoder's output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resample } from '../../src/audio/resample.js';
import { decodeWav, type DecodedAudio } from '../../src/audio/wav.js';
import { RealFFT } from '../../src/dsp/fft.js';
import { ROOT } from '../helpers.js';

export const CODECS = join(ROOT, 'fixtures', 'codecs');
export const fixture = (name: string): Buffer => readFileSync(join(CODECS, name));
/** The reference decoder's output for an encoded fixture. */
export const reference = (name: string): DecodedAudio => decodeWav(fixture(name.replace(/\.\w+$/, '.ref.wav')));
/** The sources' lengths in samples (what the encoders were given). */
export const sourceLength = (name: 'mono16k' | 'stereo44k'): number =>
  Number(
    /^(\S+) (\d+)$/m.exec(
      fixture('source-lengths.txt')
        .toString()
        .split('\n')
        .find((l) => l.startsWith(`${name} `))!,
    )![2],
  );

/**
 * SNR (dB) of `x` against `ref` below 0.8 × the lower Nyquist frequency, after both are resampled to `target` Hz
 * by the project's resampler: what a build keeps of a clip, without the resampler's own edge in the figure.
 */
export function inBandSnr(x: Float32Array, xRate: number, ref: Float32Array, refRate: number, target = 16000): number {
  const a = resample(x, xRate, target);
  const b = resample(ref, refRate, target);
  const n = 1 << Math.ceil(Math.log2(Math.max(a.length, b.length)));
  const fft = RealFFT.of(n);
  const spectrum = (v: Float32Array) => {
    const input = new Float64Array(n);
    input.set(v);
    const out = new Float64Array(n + 2);
    fft.forward(input, out);
    return out;
  };
  const A = spectrum(a);
  const B = spectrum(b);
  const nyquist = Math.min(xRate, refRate, target) / 2;
  const top = Math.floor(((0.8 * nyquist) / target) * n);
  let signal = 0;
  let noise = 0;
  for (let k = 0; k <= top; k++) {
    const dr = A[2 * k] - B[2 * k];
    const di = A[2 * k + 1] - B[2 * k + 1];
    noise += dr * dr + di * di;
    signal += B[2 * k] ** 2 + B[2 * k + 1] ** 2;
  }
  return 10 * Math.log10(signal / noise);
}
