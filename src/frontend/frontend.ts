// The AudioFeatureGenerator: int16 clip -> uint16 spectrogram, bit-exact with MLTK's microfrontend C core
// (variant 'mltk') or TensorFlow's audio_microfrontend / TFLM micro_speech frontend (variant 'tflm').
import type { FrontendSettings, MicrofrontendSettings } from '../config/schema.js';
import { ActivityDetector } from './activity.js';
import { msb32, nextPow2 } from './bits.js';
import { dcNotchCoefficient, dcNotchFilter } from './dc-notch.js';
import { FixedRealFft } from './fft-fixed.js';
import { Filterbank } from './filterbank.js';
import { filterbankLayout, FILTERBANK_BITS } from './filterbank-setup.js';
import { LogScale } from './log-scale.js';
import { NoiseReduction } from './noise-reduction.js';
import { PcanGainControl } from './pcan.js';
import { dynamicInt8, dynamicRange, fixedInt8, toFloat32 } from './quantize.js';
import { applyWindow, windowCoefficients } from './window.js';
import { SimdFrames } from './frames-simd.js';
import { floatToInt16 } from './pcm.js';
import type { Engine } from '../wasm/engine.js';
import { frontendGeometry, isFloatFrontend } from '../config/derive.js';
import { checkFloatFrontendSettings } from './log-mel.js';
import { checkSharedFrontendKeys } from './band-checks.js';
import type { ConfigCheck } from '../config/checks.js';

export { floatToInt16 } from './pcm.js';

/**
 * The frontend's rules as a config check: feasibility of the settings when the frontend is on, and the float
 * frontends' one output format.
 */
export const frontendConfigCheck: ConfigCheck = (config) => {
  if (!config.generator.frontend_enabled) return [];
  const problems = checkFrontendSettings(config.frontend).map((p) => ({ path: p.path.split('.'), message: p.message }));
  const dtype = config.generator.frontend_dtype;
  if (isFloatFrontend(config.frontend) && dtype !== null && dtype !== 'float32') {
    problems.push({
      path: ['generator', 'frontend_dtype'],
      message: `${dtype} is a microfrontend output; frontend.type ${config.frontend.type} gives float32 (or leave it null)`,
    });
  }
  return problems;
};

/** The frontend's rules whether or not a build runs it: `audiogen features` runs it even with frontend_enabled off. */
export const frontendAlwaysCheck: ConfigCheck = (config) =>
  frontendConfigCheck({ ...config, generator: { ...config.generator, frontend_enabled: true } });

/** Problems the schema cannot see (combinations the reference rejects or mis-handles). Empty when fine. */
export function checkFrontendSettings(s: FrontendSettings): { path: string; message: string }[] {
  return isFloatFrontend(s) ? checkFloatFrontendSettings(s) : checkMicrofrontendSettings(s);
}

function checkMicrofrontendSettings(s: MicrofrontendSettings): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (key: string, message: string) => issues.push({ path: `frontend.${key}`, message });
  const g = frontendGeometry(s);
  checkSharedFrontendKeys(s, g, add);
  if (g.window > 32768)
    add('window_size_ms', `window of ${g.window} samples is too long (the reference indexes FFT bins as int16)`);
  if (g.step >= 1 && g.step > g.window)
    add(
      'window_step_ms',
      `step (${g.step} samples) longer than the window (${g.window}) is not supported by the reference`,
    );
  if (g.samples < g.window)
    add('sample_length_ms', `sample of ${g.samples} samples is shorter than one window (${g.window})`);
  if (issues.length === 0) {
    const spectrum = nextPow2(g.window) / 2 + 1;
    const layout = filterbankLayout(
      s.filterbank_n_channels,
      s.filterbank_lower_band_limit,
      s.filterbank_upper_band_limit,
      s.sample_rate_hz,
      spectrum,
    );
    if (layout.endIndex >= spectrum) {
      add('filterbank_upper_band_limit', `needs FFT bins beyond the ${spectrum}-bin spectrum; lower it below Nyquist`);
    }
    if (s.pcan_enable && s.pcan_gain_bits - correctionBits(nextPow2(g.window)) - 12 < 0) {
      add('pcan_gain_bits', `too small for a ${nextPow2(g.window)}-point FFT`);
    }
  }
  if (s.variant === 'tflm') {
    if (!s.noise_reduction_enable)
      add('noise_reduction_enable', 'the tflm frontend always applies noise reduction; set it to true');
    if (s.dc_notch_filter_enable)
      add('dc_notch_filter_enable', 'the tflm frontend has no DC notch filter; set it to false');
    if (s.activity_detection_enable)
      add('activity_detection_enable', 'the tflm frontend has no activity detection; set it to false');
  } else if (s.pcan_enable && !s.noise_reduction_enable) {
    add('pcan_enable', 'PCAN needs the noise estimate: enable noise_reduction_enable or disable pcan_enable');
  }
  return issues;
}

/**
 * The reference engine's stages up to the filterbank on the frame at source[offset…]: window, scaled fixed-point
 * FFT, filterbank square roots into `signal`.
 */
export function referenceFrame(
  st: MicrofrontendStages,
  source: Int16Array,
  offset: number,
  spectrum: Int32Array,
  signal: Uint32Array,
): void {
  // The window writes straight into the FFT's input; the tail past the window stays zero (the zero padding).
  const magnitudes = applyWindow(st.coefficients, source, offset, st.fft.input);
  // Scale up so the loudest sample uses the int16 range (the shift is undone after the square root).
  const shift = 15 - msb32(magnitudes);
  st.fft.forward(shift, spectrum);
  st.filterbank.apply(spectrum, shift, signal);
}

function correctionBits(fftSize: number): number {
  return msb32(fftSize) - 1 - FILTERBANK_BITS / 2;
}

/** The microfrontend's stages set up for some settings: what a clip (AudioFeatureGenerator) and a stream run. */
export interface MicrofrontendStages {
  window: number;
  step: number;
  fftSize: number;
  coefficients: Int16Array;
  /** The DC notch filter's Q15 coefficient, or null when it is off (always off for tflm). */
  dcNotch: number | null;
  fft: FixedRealFft;
  filterbank: Filterbank;
  activity: ActivityDetector | null;
  noise: NoiseReduction | null;
  pcan: PcanGainControl | null;
  log: LogScale;
}

/** Sets up every stage for `s` (checked: throws on settings checkFrontendSettings refuses). */
export function microfrontendStages(s: MicrofrontendSettings): MicrofrontendStages {
  const issues = checkFrontendSettings(s);
  if (issues.length > 0)
    throw new Error(`invalid frontend settings: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const g = frontendGeometry(s);
  const tflm = s.variant === 'tflm';
  const channels = s.filterbank_n_channels;
  const fftSize = nextPow2(g.window);
  const fft = new FixedRealFft(fftSize);
  const correction = correctionBits(fftSize);
  return {
    window: g.window,
    step: g.step,
    fftSize,
    coefficients: windowCoefficients(g.window, tflm ? 'cos' : 'cosf'),
    dcNotch: !tflm && s.dc_notch_filter_enable ? dcNotchCoefficient(s.dc_notch_filter_coefficient) : null,
    fft,
    filterbank: new Filterbank(
      channels,
      s.filterbank_lower_band_limit,
      s.filterbank_upper_band_limit,
      s.sample_rate_hz,
      fft.bins,
    ),
    activity:
      !tflm && s.activity_detection_enable
        ? new ActivityDetector(channels, {
            alphaA: s.activity_detection_alpha_a,
            alphaB: s.activity_detection_alpha_b,
            armThreshold: s.activity_detection_arm_threshold,
            tripThreshold: s.activity_detection_trip_threshold,
          })
        : null,
    noise:
      tflm || s.noise_reduction_enable
        ? new NoiseReduction(channels, {
            smoothingBits: s.noise_reduction_smoothing_bits,
            evenSmoothing: s.noise_reduction_even_smoothing,
            oddSmoothing: s.noise_reduction_odd_smoothing,
            minSignalRemaining: s.noise_reduction_min_signal_remaining,
          })
        : null,
    pcan: s.pcan_enable
      ? new PcanGainControl(
          { strength: s.pcan_strength, offset: s.pcan_offset, gainBits: s.pcan_gain_bits },
          s.noise_reduction_smoothing_bits,
          correction,
        )
      : null,
    log: new LogScale(s.log_scale_enable, s.log_scale_shift, correction),
  };
}

/** The stages after the filterbank on one frame: activity, noise reduction, PCAN, log into out[offset…]. */
export function finishFrame(st: MicrofrontendStages, signal: Uint32Array, out: Uint16Array, offset: number): void {
  st.activity?.apply(signal);
  if (st.noise !== null) {
    st.noise.apply(signal);
    st.pcan?.apply(signal, st.noise.estimate);
  }
  st.log.apply(signal, out, offset);
}

export class AudioFeatureGenerator {
  readonly frames: number;
  readonly channels: number;
  readonly samples: number;
  private readonly settings: MicrofrontendSettings;
  private readonly stages: MicrofrontendStages;
  private readonly filtered: Int16Array;
  /** FFT output, packed complex int16 (re | im << 16). */
  private readonly spectrum: Int32Array;
  private readonly signal: Uint32Array;
  private readonly range: number;
  private readonly simd: SimdFrames | null;
  /** The reference engine's int16 clip, for processAudio. */
  private readonly pcm: Int16Array;

  /**
   * `engine` is where the stages run (src/wasm/engine.ts): 'simd' (assembly/frontend.ts through frames-simd.ts, the
   * default; the DC notch filter, and activity detection with the stages after it when it is on, stay in JS) or
   * 'reference' (the readable stages in this folder, each following the C code line by line). Both give the same
   * bits; the tests hold them to each other and to the C reference's outputs.
   */
  constructor(
    s: FrontendSettings,
    readonly engine: Engine = 'simd',
  ) {
    if (isFloatFrontend(s)) throw new Error(`AudioFeatureGenerator runs the microfrontend, not type ${s.type}`);
    const st = microfrontendStages(s);
    const g = frontendGeometry(s);
    this.settings = s;
    this.stages = st;
    this.samples = g.samples;
    this.frames = g.frames;
    this.channels = s.filterbank_n_channels;
    this.filtered = new Int16Array(st.dcNotch === null ? 0 : g.samples);
    this.spectrum = new Int32Array(st.fft.bins);
    this.signal = new Uint32Array(this.channels);
    this.range = s.quantize_dynamic_scale_enable
      ? dynamicRange(s.quantize_dynamic_scale_range_db, s.log_scale_shift)
      : 0;
    this.simd =
      engine === 'simd'
        ? new SimdFrames(st.coefficients, { ...g, fftSize: st.fftSize }, st.filterbank.layout, st)
        : null;
    this.pcm = new Int16Array(engine === 'simd' ? 0 : g.samples);
  }

  /**
   * Where processAudio reads its float audio (in the 'simd' engine's memory, which never grows, so the view stays
   * valid): a clip written here is converted without a copy. Null for the reference engine.
   */
  get input(): Float32Array | null {
    return this.simd?.audio ?? null;
  }

  /** Runs one clip of float audio in [-1, 1] (converted as floatToInt16) into `out` (frames × channels). */
  processAudio(audio: Float32Array, out: Uint16Array): boolean {
    if (audio.length !== this.samples) throw new Error(`frontend expects ${this.samples} samples, got ${audio.length}`);
    if (this.simd === null) {
      floatToInt16(audio, this.pcm);
      return this.process(this.pcm, out);
    }
    // Audio rendered straight into the module's memory (`input`) needs no copy.
    if (audio !== this.simd.audio) this.simd.audio.set(audio);
    this.simd.fromFloat();
    return this.runSimd(this.simd, out);
  }

  /** Runs one clip of exactly `samples` samples from a reset state into `out` (frames × channels). */
  process(pcm: Int16Array, out: Uint16Array): boolean {
    if (pcm.length !== this.samples) throw new Error(`frontend expects ${this.samples} samples, got ${pcm.length}`);
    if (out.length < this.frames * this.channels) {
      throw new Error(`frontend output holds ${out.length} values, needs ${this.frames * this.channels}`);
    }
    if (this.simd !== null) {
      this.simd.pcm.set(pcm);
      return this.runSimd(this.simd, out);
    }
    const st = this.stages;
    let source = pcm;
    if (st.dcNotch !== null) {
      // The reference filters samples as the window consumes them, in order: filtering the clip up front is the same.
      dcNotchFilter(st.dcNotch, pcm, this.filtered, this.samples);
      source = this.filtered;
    }
    st.noise?.reset();
    st.activity?.reset();
    const { spectrum, signal } = this;
    for (let frame = 0; frame < this.frames; frame++) {
      referenceFrame(st, source, frame * st.step, spectrum, signal);
      finishFrame(st, signal, out, frame * this.channels);
    }
    return st.activity?.tripped ?? false;
  }

  private runSimd(simd: SimdFrames, out: Uint16Array): boolean {
    if (out.length < this.frames * this.channels) {
      throw new Error(`frontend output holds ${out.length} values, needs ${this.frames * this.channels}`);
    }
    const st = this.stages;
    if (st.dcNotch !== null) dcNotchFilter(st.dcNotch, simd.pcm, simd.filtered, this.samples);
    simd.run(st.dcNotch !== null ? 'filtered' : 'pcm');
    if (st.activity === null) {
      simd.finish();
      out.set(simd.spectrogram);
      return false;
    }
    st.noise?.reset();
    st.activity.reset();
    for (let frame = 0; frame < this.frames; frame++) finishFrame(st, simd.signals[frame], out, frame * this.channels);
    return st.activity.tripped;
  }

  /** int8 spectrogram: dynamic quantization when quantize_dynamic_scale_enable, else the fixed 0..666 mapping. */
  toInt8(spectrogram: Uint16Array, out: Int8Array): void {
    const count = this.checkSizes(spectrogram, out);
    if (this.settings.quantize_dynamic_scale_enable) dynamicInt8(spectrogram, this.range, out, count);
    else fixedInt8(spectrogram, out, count);
  }

  /** float32 spectrogram: the uint16 values cast. */
  toFloat32(spectrogram: Uint16Array, out: Float32Array): void {
    toFloat32(spectrogram, out, this.checkSizes(spectrogram, out));
  }

  private checkSizes(spectrogram: Uint16Array, out: { length: number }): number {
    const count = this.frames * this.channels;
    if (spectrogram.length < count || out.length < count) {
      throw new Error(
        `spectrogram conversion needs ${count} values, got ${spectrogram.length} in and ${out.length} out`,
      );
    }
    return count;
  }
}
