// Where a DSP step runs, in one vocabulary for the frontend, the STFT (and the time stretch and VTLP over it) and the
// FFT: 'simd' is WebAssembly SIMD (our modules in wasm/, or PFFFT for the STFT's FFT), the default and what builds
// use; 'reference' is the readable JavaScript (float64 where the SIMD code is float32) that the 'simd' engine is
// tested against. The frontend's engines give the same bits; the others agree to float32 precision. Steps with only
// a SIMD implementation (resampling, decoding, mixing, the noise generator) take no engine; the resampler's
// best/fast is its filter quality, not an engine.
export type Engine = 'simd' | 'reference';

export const ENGINES: readonly Engine[] = ['simd', 'reference'];
