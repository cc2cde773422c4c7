// `audiogen stream`: a long test stream from the held-out clips (stream.wav, labels.csv, features.npy, stream.json),
// placed as TensorFlow's generate_streaming_test_wav.py places them; options named and defaulted as its flags.
import { resolve } from 'node:path';
import { frontendDtypeOf, frontendGeometry, isFloatFrontend } from '../config/derive.js';
import type { ConfigCheck } from '../config/checks.js';
import type { Config } from '../config/schema.js';
import { listDataset } from '../dataset/dataset.js';
import { AudiogenError, EXIT } from '../errors.js';
import { frontendAlwaysCheck } from '../frontend/frontend.js';
import { checkStreamingSettings } from '../frontend/streaming.js';
import { TOOL_VERSION } from '../io/manifest.js';
import { loadHooks } from '../sample/hooks.js';
import { makeStream, type StreamSummary } from '../stream/make.js';
import { checkStreamDir, STREAM_FORMAT } from '../stream/output.js';
import type { StreamSettings } from '../stream/placement.js';
import { streamSource } from '../stream/source.js';
import { checkOutputPlacement } from '../build/placement.js';
import { LiveRegion } from './live-region.js';
import { loadConfigWarned, overridesFrom } from './options.js';
import { duration } from './progress.js';

export const STREAM_FORMAT_VERSION = 1;
/** The largest stream.wav: a RIFF size field is 32 bits (4 GiB), 36 bytes of header before the data's. */
export const MAX_STREAM_SAMPLES = Math.floor((0xffffffff - 36) / 2);
const MIN_DURATION_S = 1;

export interface StreamFlags {
  config: string;
  out: string;
  durationS?: number;
  hours?: number;
  wordGapMs: number;
  unknownPercentage: number;
  backgroundVolume: number;
  seed?: number;
  negativeOnly?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** int8 features quantized per clip cannot be made frame by frame: a config error naming the key. */
const streamFeaturesCheck: ConfigCheck = (config) =>
  checkStreamingSettings(config.frontend, frontendDtypeOf(config)).map((p) => ({
    path: p.path.split('.'),
    message: p.message,
  }));

const usage = (message: string) => new AudiogenError(message, EXIT.config);

/** Each option within its bound (exit 2 naming it); the duration needs the config's rate, checked after loading. */
function checkFlags(f: StreamFlags): void {
  if (f.durationS !== undefined && f.hours !== undefined)
    throw usage('--duration-s and --hours: give one of them (both set the stream length)');
  if (!(Number.isInteger(f.wordGapMs) && f.wordGapMs >= 0 && f.wordGapMs <= 600_000))
    throw usage(`--word-gap-ms: expected an integer 0..600000 (ms), got ${f.wordGapMs}`);
  if (!(Number.isInteger(f.unknownPercentage) && f.unknownPercentage >= 0 && f.unknownPercentage <= 100))
    throw usage(`--unknown-percentage: expected an integer 0..100, got ${f.unknownPercentage}`);
  if (!(f.backgroundVolume >= 0 && f.backgroundVolume <= 1))
    throw usage(`--background-volume: expected 0..1, got ${f.backgroundVolume}`);
  if (f.durationS !== undefined && !(f.durationS >= MIN_DURATION_S))
    throw usage(`--duration-s: expected at least ${MIN_DURATION_S}, got ${f.durationS}`);
  if (f.hours !== undefined && !(f.hours >= MIN_DURATION_S / 3600))
    throw usage(`--hours: expected at least ${MIN_DURATION_S / 3600} (1 s), got ${f.hours}`);
}

/** The stream's samples: the duration at the config's rate, within what a 16-bit WAV holds. */
function streamSamples(f: StreamFlags, rate: number): { samples: number; seconds: number } {
  const seconds = f.hours !== undefined ? f.hours * 3600 : (f.durationS ?? 600);
  const samples = Math.floor(seconds * rate);
  if (samples > MAX_STREAM_SAMPLES) {
    const flag = f.hours !== undefined ? `--hours ${f.hours}` : `--duration-s ${seconds}`;
    const max = MAX_STREAM_SAMPLES / rate;
    throw usage(
      `${flag}: ${samples} samples at ${rate} Hz would make stream.wav larger than a 16-bit WAV can be (4 GiB): ` +
        `at most ${Math.floor(max)} s (${(max / 3600).toFixed(2)} h) at this rate; make several streams for more`,
    );
  }
  return { samples, seconds: samples / rate };
}

function progressLine(done: number, total: number, rate: number, started: number): string {
  const elapsed = (performance.now() - started) / 1000;
  const speed = done / rate / Math.max(1e-3, elapsed);
  const eta = elapsed > 0 && done > 0 ? duration((total - done) / rate / speed) : '?';
  return `${duration(done / rate)}/${duration(total / rate)} of stream (${Math.floor((100 * done) / total)}%), ${Math.round(speed)}x real time, ETA ${eta}`;
}

/** Progress on stderr: a line redrawn in place on a terminal, else one every 5 s; nothing with --quiet. */
function progress(quiet: boolean, total: number, rate: number, signal?: AbortSignal) {
  if (quiet) return { update: (_: number) => {}, stop: () => {} };
  const started = performance.now();
  let done = 0;
  const tty = !!process.stderr.isTTY && process.env.TERM !== 'dumb';
  const region = tty
    ? new LiveRegion(process.stderr, () => [`stream ${progressLine(done, total, rate, started)}`])
    : null;
  let printed = 0;
  const timer = region
    ? null
    : setInterval(() => {
        if (done === printed) return;
        printed = done;
        process.stderr.write(`progress: ${progressLine(done, total, rate, started)}\n`);
      }, 5000);
  timer?.unref();
  const erase = () => region?.close();
  signal?.addEventListener('abort', erase, { once: true });
  process.once('exit', erase);
  return {
    update(samples: number) {
      done = samples;
      region?.invalidate();
    },
    stop() {
      if (timer) clearInterval(timer);
      region?.close();
      signal?.removeEventListener('abort', erase);
      process.off('exit', erase);
    },
  };
}

/** stream.json: what the stream is, how it was made and what it holds. */
function describe(
  config: Config,
  settings: StreamSettings,
  f: StreamFlags,
  subset: string,
  s: StreamSummary,
  step: number,
): Record<string, unknown> {
  const rate = settings.sampleRate;
  const fe = config.frontend;
  return {
    format: STREAM_FORMAT,
    format_version: STREAM_FORMAT_VERSION,
    tool_version: TOOL_VERSION,
    classes: config.dataset.classes,
    subset,
    sample_rate_hz: rate,
    samples: s.samples,
    duration_s: s.samples / rate,
    clip_ms: settings.clipMs,
    frame_step_ms: (step * 1000) / rate,
    frames: s.frames,
    features: {
      file: 'features.npy',
      shape: [s.frames, s.channels],
      dtype: s.dtype,
      frontend: isFloatFrontend(fe) ? fe.type : `microfrontend (${fe.variant})`,
      // Frame t covers samples [t·step, t·step + span): the window, or the float frontends' FFT (never centred).
      frame_span_samples: isFloatFrontend(fe) ? fe.fft_length : Math.floor((fe.window_size_ms * rate) / 1000),
      frame_step_samples: step,
      ...(isFloatFrontend(fe) && fe.log === 'db' && { top_db_applied: false, top_db: fe.top_db }),
    },
    frontend_settings: fe,
    seed: settings.seed,
    options: {
      duration_s: f.hours !== undefined ? null : (f.durationS ?? 600),
      hours: f.hours ?? null,
      word_gap_ms: settings.wordGapMs,
      unknown_percentage: settings.unknownPercentage,
      background_volume: settings.backgroundVolume,
      negative_only: settings.negativeOnly,
    },
    counts: Object.fromEntries(
      [...config.dataset.classes.filter((c) => c !== '_silence_')].map((c) => [c, s.words[c] ?? 0]),
    ),
    words: Object.values(s.words).reduce((a, b) => a + b, 0),
    background_segments: s.backgroundSegments,
    files: { audio: 'stream.wav', labels: 'labels.csv', features: 'features.npy' },
  };
}

/** The `stream` command's action (its declaration, options and help are in commands.ts). */
export async function runStream(f: StreamFlags, signal?: AbortSignal): Promise<void> {
  checkFlags(f);
  const out = resolve(f.out);
  const { config, seedDrawn } = loadConfigWarned(f.config, overridesFrom({ seed: f.seed }), [
    frontendAlwaysCheck,
    streamFeaturesCheck,
  ]);
  const rate = config.frontend.sample_rate_hz;
  const { samples, seconds } = streamSamples(f, rate);
  checkOutputPlacement(config, out, '--out');
  checkStreamDir(out);
  if (seedDrawn && !f.quiet)
    process.stderr.write(
      `seed: drawn at random: ${config.dataset.seed} (recorded in stream.json; --seed ${config.dataset.seed} repeats this stream)\n`,
    );
  const { listValidFilenames } = await loadHooks(config.hooks);
  const listing = await listDataset(config, { write: false, listValidFilenames, signal });
  const source = streamSource(config, listing);
  const warnings: string[] = [];
  const unknownClips = source.clips.get('_unknown_')?.length ?? 0;
  const keywordClips = source.keywords.reduce((a, k) => a + (source.clips.get(k)?.length ?? 0), 0);
  if (unknownClips === 0)
    warnings.push(
      f.negativeOnly
        ? `no _unknown_ clips in the ${source.subset} subset: a --negative-only stream holds background only`
        : `no _unknown_ clips in the ${source.subset} subset: the ${f.unknownPercentage}% of word slots meant for them stay empty (add _unknown_ to dataset.classes with other words in the dataset)`,
    );
  if (keywordClips === 0 && !f.negativeOnly)
    warnings.push(`no keyword clips in the ${source.subset} subset: the stream holds no keywords`);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);

  const settings: StreamSettings = {
    sampleRate: rate,
    clipMs: config.frontend.sample_length_ms,
    totalSamples: samples,
    wordGapMs: f.wordGapMs,
    unknownPercentage: f.unknownPercentage,
    backgroundVolume: f.backgroundVolume,
    negativeOnly: !!f.negativeOnly,
    seed: config.dataset.seed as number,
  };
  if (!f.quiet)
    process.stderr.write(
      `making a ${duration(seconds)} stream from the ${source.subset} subset (${keywordClips} keyword and ${unknownClips} _unknown_ clips) into ${out}\n`,
    );
  const started = performance.now();
  const shown = progress(!!f.quiet, samples, rate, signal);
  let summary: StreamSummary;
  const step = frontendGeometry(config.frontend).step;
  try {
    summary = await makeStream(settings, source, out, {
      frontend: { settings: config.frontend, dtype: frontendDtypeOf(config) },
      describe: (s) => describe(config, settings, f, source.subset, s, step),
      onProgress: (n) => shown.update(n),
      signal,
    });
  } finally {
    shown.stop();
  }
  const secondsTaken = (performance.now() - started) / 1000;
  const words = Object.values(summary.words).reduce((a, b) => a + b, 0);
  if (f.json) {
    process.stdout.write(
      `${JSON.stringify({
        out,
        subset: source.subset,
        seed: settings.seed,
        duration_s: seconds,
        samples,
        words,
        counts: summary.words,
        features: {
          shape: [summary.frames, summary.channels],
          dtype: summary.dtype,
          frame_step_ms: (step * 1000) / rate,
        },
        seconds: Number(secondsTaken.toFixed(3)),
        warnings,
      })}\n`,
    );
  } else if (!f.quiet) {
    const counts = Object.entries(summary.words)
      .map(([label, n]) => `${label} ${n}`)
      .join(', ');
    process.stderr.write(
      `stream: ${duration(seconds)} (${samples} samples at ${rate} Hz), ${words} words (${counts || 'none'}), ` +
        `features [${summary.frames}, ${summary.channels}] ${summary.dtype}, in ${secondsTaken.toFixed(1)} s -> ${out}/\n`,
    );
  }
}
