// `audiogen stream` through the shipped entry point: the demo's 10-minute stream with labels and continuous
// features (equal to the frontend run over stream.wav read back, and to the reference-conformant clip frontend over a
// whole short stream), the same bytes for the same seed, negative-only streams, options bounded, the output folder's
// rules, interrupts, and memory that does not grow with the stream's length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readAudio } from '../../src/audio/read.js';
import { frontendSchema, type FloatFrontendSettings, type FrontendSettings } from '../../src/config/schema.js';
import { AudioFeatureGenerator } from '../../src/frontend/frontend.js';
import { LogMelFrontend } from '../../src/frontend/log-mel.js';
import { floatToInt16 } from '../../src/frontend/pcm.js';
import { StreamingFrontend } from '../../src/frontend/streaming.js';
import { decodeNpy, type TypedArray } from '../../src/io/npy.js';
import {
  assertFails,
  DEMO_DATASET,
  readTree,
  ROOT,
  runCli,
  smallTmpfs,
  startCli,
  tempDir,
  writeConfig,
} from '../helpers.js';

/** configs/<name>.yaml with its dataset found from anywhere, and `over` merged into its sections. */
function config(dir: string, name = 'demo', over: Record<string, Record<string, unknown>> = {}): string {
  const c = parse(readFileSync(join(ROOT, 'configs', `${name}.yaml`), 'utf8'));
  c.dataset.directory = DEMO_DATASET;
  c.output.directory = join(dir, 'build');
  for (const [section, values] of Object.entries(over)) c[section] = { ...c[section], ...values };
  return writeConfig(dir, c, `${name}.yaml`);
}

function stream(args: string[], timeoutMs?: number) {
  return runCli(['stream', ...args], { timeoutMs });
}

/** stream.wav's samples as int16 (read as any WAV is, then back to PCM: exact for 16-bit). */
function wavPcm(dir: string): { pcm: Int16Array; rate: number } {
  const audio = readAudio(join(dir, 'stream.wav'));
  assert.equal(audio.channels.length, 1);
  const pcm = new Int16Array(audio.channels[0].length);
  floatToInt16(audio.channels[0], pcm);
  return { pcm, rate: audio.sampleRate };
}

/** The streaming frontend over `pcm` in chunks of `chunk` samples, all frames. */
function streamed(
  settings: FrontendSettings,
  dtype: 'uint16' | 'float32',
  pcm: Int16Array,
  engine: 'simd' | 'reference',
  chunk: number,
) {
  const f = new StreamingFrontend(settings, dtype, engine);
  const out =
    dtype === 'uint16'
      ? new Uint16Array(StreamingFrontend.framesIn(settings, pcm.length) * f.channels)
      : new Float32Array(StreamingFrontend.framesIn(settings, pcm.length) * f.channels);
  let at = 0;
  for (let i = 0; i < pcm.length; i += chunk) {
    f.push(pcm.subarray(i, i + chunk), (values: TypedArray, frames) => {
      out.set(values.subarray(0, frames * f.channels), at);
      at += frames * f.channels;
    });
  }
  assert.equal(at, out.length);
  return out;
}

function labelsOf(dir: string): { label: string; time: number; onset: number }[] {
  const text = readFileSync(join(dir, 'labels.csv'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [label, time, onset] = l.split(', ');
      return { label, time: Number(time), onset: Number(onset) };
    });
}

const DEMO_CLASSES = ['yes', 'no', 'up', 'down', 'left', 'right', '_unknown_', '_silence_'];

test('the demo makes a 10-minute stream: 16-bit WAV, labels with onsets, continuous features and stream.json', () => {
  const dir = tempDir();
  const out = join(dir, 'stream');
  const r = stream(['--config', config(dir), '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['features.npy', 'labels.csv', 'stream.json', 'stream.wav']);
  const summary = JSON.parse(r.stdout);
  const info = JSON.parse(readFileSync(join(out, 'stream.json'), 'utf8'));
  assert.equal(info.format, 'audiogen-stream');
  assert.equal(info.format_version, 1);
  assert.deepEqual(info.classes, DEMO_CLASSES);
  assert.equal(info.subset, 'validation', 'the demo has no testing subset: validation is the held-out one');
  assert.equal(info.sample_rate_hz, 16000);
  assert.equal(info.duration_s, 600);
  assert.equal(info.frame_step_ms, 20);
  assert.equal(info.frames, 29999, '(9600000 − 480) div 320 + 1');
  assert.deepEqual(info.features.shape, [29999, 40]);
  assert.equal(info.features.dtype, 'uint16', "the demo's frontend_dtype");
  assert.equal(info.seed, 42);
  assert.deepEqual(info.options, {
    duration_s: 600,
    hours: null,
    word_gap_ms: 2000,
    unknown_percentage: 30,
    background_volume: 0.1,
    negative_only: false,
  });
  assert.deepEqual(summary.counts, Object.fromEntries(Object.entries(info.counts).filter(([, n]) => n !== 0)));

  // Labels: TF's file (label, time_ms) plus the onset, one line per placed word, a word per 3 s slot.
  const labels = labelsOf(out);
  assert.equal(labels.length, 200, 'every one of the 600 s / (1 s + 2 s) slots has a word');
  assert.equal(info.words, 200);
  labels.forEach((l, i) => {
    assert.ok(DEMO_CLASSES.includes(l.label) && l.label !== '_silence_', l.label);
    assert.ok(l.time >= i * 3000 && l.time < i * 3000 + 2000, `word ${i} at ${l.time} ms: inside its gap`);
    assert.ok(l.onset >= l.time && l.onset < l.time + 1000, `onset ${l.onset} within the clip at ${l.time}`);
  });
  const counted = Object.fromEntries(
    DEMO_CLASSES.slice(0, 7).map((c) => [c, labels.filter((l) => l.label === c).length]),
  );
  assert.deepEqual(info.counts, counted);
  const unknown = counted._unknown_;
  assert.ok(unknown > 40 && unknown < 80, `about 30% unknown: ${unknown}`);

  // The WAV: 16-bit mono PCM at the config's rate, the whole duration, not silent.
  const wav = readFileSync(join(out, 'stream.wav'));
  assert.equal(wav.length, 44 + 2 * 9600000);
  assert.equal(wav.readUInt16LE(20), 1, 'PCM');
  assert.equal(wav.readUInt16LE(34), 16, '16-bit');
  const { pcm, rate } = wavPcm(out);
  assert.equal(rate, 16000);
  assert.equal(pcm.length, 9600000);

  // Features: the streaming frontend over the stream read back, the reference engine, other chunk sizes.
  const features = decodeNpy(readFileSync(join(out, 'features.npy')));
  assert.equal(features.dtype, 'uint16');
  assert.deepEqual(features.shape, [29999, 40]);
  const settings = frontendSchema.parse(info.frontend_settings);
  const again = streamed(settings, 'uint16', pcm, 'reference', 7919);
  assert.ok(Buffer.from(again.buffer).equals(Buffer.from(features.data.buffer)), 'features.npy = frontend(stream.wav)');
  // Speech raises the features: the frames around a keyword are louder than the quietest frames.
  const frameAt = (ms: number) => Math.floor(ms / 20);
  const energy = (f: number) => {
    let sum = 0;
    for (let c = 0; c < 40; c++) sum += features.data[f * 40 + c] as number;
    return sum;
  };
  const word = labels.find((l) => l.label !== '_unknown_')!;
  const peak = Math.max(...Array.from({ length: 50 }, (_, k) => energy(frameAt(word.time) + k)));
  assert.ok(peak > energy(frameAt(word.time) - 10) * 1.2, 'a word stands out of the frames before it');
});

test('a short stream: features.npy equals the reference-conformant frontend run over the whole stream as one clip', () => {
  const dir = tempDir();
  const out = join(dir, 'stream');
  const r = stream(['--config', config(dir), '--out', out, '--duration-s', '45', '--seed', '3', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', '--quiet prints nothing');
  const info = JSON.parse(readFileSync(join(out, 'stream.json'), 'utf8'));
  const { pcm } = wavPcm(out);
  // One clip of 45 s, reset once at its start: what the conformance tests hold to MLTK's C core.
  const whole = new AudioFeatureGenerator(
    frontendSchema.parse({ ...info.frontend_settings, sample_length_ms: 45000 }),
    'reference',
  );
  const expected = new Uint16Array(whole.frames * whole.channels);
  whole.process(pcm, expected);
  const features = decodeNpy(readFileSync(join(out, 'features.npy')));
  assert.deepEqual(features.shape, [whole.frames, 40]);
  assert.ok(Buffer.from(expected.buffer).equals(Buffer.from(features.data.buffer)));
});

test('the same config and seed make the same bytes; another seed another stream', () => {
  const dir = tempDir();
  const cfg = config(dir);
  const args = (out: string, seed: string) => [
    '--config',
    cfg,
    '--out',
    join(dir, out),
    '--duration-s',
    '90',
    '--seed',
    seed,
    '--quiet',
  ];
  for (const [out, seed] of [
    ['a', '5'],
    ['b', '5'],
    ['c', '6'],
  ])
    assert.equal(stream(args(out, seed)).code, 0);
  assert.deepEqual(readTree(join(dir, 'a')), readTree(join(dir, 'b')));
  assert.notEqual(readTree(join(dir, 'a'))['stream.wav'], readTree(join(dir, 'c'))['stream.wav']);
  assert.notDeepEqual(labelsOf(join(dir, 'a')), labelsOf(join(dir, 'c')));
});

test('--negative-only: only _unknown_ words, no keyword at all', () => {
  const dir = tempDir();
  const out = join(dir, 'neg');
  const r = stream(['--config', config(dir), '--out', out, '--duration-s', '120', '--negative-only', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const labels = labelsOf(out);
  assert.equal(labels.length, 40);
  assert.ok(labels.every((l) => l.label === '_unknown_'));
  const info = JSON.parse(readFileSync(join(out, 'stream.json'), 'utf8'));
  assert.equal(info.options.negative_only, true);
  assert.deepEqual(JSON.parse(r.stdout).counts, { _unknown_: 40 });
});

test('--hours sets the length instead of --duration-s', () => {
  const dir = tempDir();
  const out = join(dir, 's');
  assert.equal(stream(['--config', config(dir), '--out', out, '--hours', '0.01', '--quiet']).code, 0);
  const info = JSON.parse(readFileSync(join(out, 'stream.json'), 'utf8'));
  assert.equal(info.duration_s, 36);
  assert.equal(info.options.hours, 0.01);
});

test('bad options fail with exit 2 naming them, and nothing is written', () => {
  const dir = tempDir();
  const cfg = config(dir);
  const out = join(dir, 'never');
  const bad: [string[], RegExp][] = [
    [['--duration-s', '0'], /--duration-s: expected at least 1, got 0/],
    [['--duration-s', 'ten'], /--duration-s expects a number, got "ten"/],
    [['--hours', '1', '--duration-s', '60'], /--duration-s and --hours: give one of them/],
    [['--hours', '0'], /--hours: expected at least/],
    [
      ['--hours', '40'],
      /--hours 40: 2304000000 samples at 16000 Hz would make stream\.wav larger than a 16-bit WAV can be \(4 GiB\): at most 134217 s \(37\.28 h\)/,
    ],
    [['--duration-s', '1e9'], /--duration-s 1000000000: .*4 GiB/],
    [['--word-gap-ms', '-1'], /--word-gap-ms: expected an integer 0\.\.600000/],
    [['--word-gap-ms', '2.5'], /--word-gap-ms: expected an integer/],
    [['--unknown-percentage', '101'], /--unknown-percentage: expected an integer 0\.\.100, got 101/],
    [['--background-volume', '1.5'], /--background-volume: expected 0\.\.1, got 1\.5/],
    [['--background-volume', '-0.1'], /--background-volume: expected 0\.\.1/],
    [['--seed', '-1'], /dataset\.seed.*\(from --seed\)/],
    [['--seed', '1.5'], /dataset\.seed.*\(from --seed\)/],
  ];
  for (const [args, message] of bad) assertFails(stream(['--config', cfg, '--out', out, ...args]), 2, message);
  assertFails(stream(['--config', cfg]), 2, /required option '--out <dir>'/);
  assert.equal(existsSync(out), false);
});

test('config problems are exit 2 naming the key: no held-out subset, int8 features quantized per clip', () => {
  const dir = tempDir();
  assertFails(
    stream(['--config', config(dir, 'demo', { generator: { validation_split: 0 } }), '--out', join(dir, 'x')]),
    2,
    /generator\.validation_split: a stream is made from held-out clips/,
  );
  const int8 = config(dir, 'demo', {
    generator: { frontend_dtype: 'int8' },
    frontend: { quantize_dynamic_scale_enable: true },
  });
  assertFails(
    stream(['--config', int8, '--out', join(dir, 'x')]),
    2,
    /frontend\.quantize_dynamic_scale_enable: int8 features quantized dynamically/,
  );
  assert.equal(existsSync(join(dir, 'x')), false);
});

test('a config without _unknown_ clips warns that their slots stay empty', () => {
  const dir = tempDir();
  const cfg = config(dir, 'demo', { dataset: { classes: ['yes', 'no', 'up', 'down', 'left', 'right'] } });
  const out = join(dir, 's');
  const r = stream(['--config', cfg, '--out', out, '--duration-s', '60', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: no _unknown_ clips in the validation subset: the 30% of word slots meant for them stay empty/,
  );
  assert.equal(JSON.parse(r.stdout).warnings.length, 1);
  assert.ok(labelsOf(out).every((l) => l.label !== '_unknown_'));
  assert.ok(labelsOf(out).length < 20, 'empty slots');
});

test('the output folder: a foreign folder refused untouched, a stream audiogen made replaced, leftovers of an interrupted run removed', () => {
  const dir = tempDir();
  const cfg = config(dir);
  const foreign = join(dir, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  assertFails(
    stream(['--config', cfg, '--out', foreign]),
    2,
    /foreign is not empty and is not a stream made by audiogen: it holds "notes\.txt"/,
  );
  assert.deepEqual(readdirSync(foreign), ['notes.txt']);
  // A file named like a stream's, without the stream.json audiogen writes, is not ours either.
  const lookalike = join(dir, 'lookalike');
  mkdirSync(lookalike);
  writeFileSync(join(lookalike, 'stream.wav'), 'mine');
  assertFails(
    stream(['--config', cfg, '--out', lookalike]),
    2,
    /it holds stream\.wav without the stream\.json audiogen writes/,
  );
  assert.equal(readFileSync(join(lookalike, 'stream.wav'), 'utf8'), 'mine');

  const out = join(dir, 'stream');
  assert.equal(stream(['--config', cfg, '--out', out, '--duration-s', '30', '--quiet']).code, 0);
  writeFileSync(join(out, 'features.npy.partial'), 'left by a killed run');
  assert.equal(stream(['--config', cfg, '--out', out, '--duration-s', '60', '--quiet']).code, 0);
  assert.deepEqual(readdirSync(out).sort(), ['features.npy', 'labels.csv', 'stream.json', 'stream.wav']);
  assert.equal(JSON.parse(readFileSync(join(out, 'stream.json'), 'utf8')).duration_s, 60);
  assertFails(stream(['--config', cfg, '--out', DEMO_DATASET]), 2, /--out: .* (is|lies inside) dataset\.directory/);
});

test('an interrupted stream leaves no file under a final name and no temporary file (exit 130)', async () => {
  const dir = tempDir();
  const out = join(dir, 'stream');
  const child = startCli(['stream', '--config', config(dir), '--out', out, '--hours', '2']);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  // Interrupt once it is writing.
  for (let i = 0; i < 200 && !existsSync(join(out, 'stream.wav.partial')); i++)
    await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted by SIGINT: the unfinished stream was removed/);
  assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
});

test('a full disk stops the stream with exit 1 naming the file and the reason, and leaves nothing behind', (t) => {
  const mnt = smallTmpfs(t, 'size=1m');
  if (mnt === null) return t.skip('needs root to mount a small tmpfs');
  const dir = tempDir();
  const out = join(mnt, 'stream');
  // 60 s at 16 kHz: 1.9 MB of WAV.
  assertFails(
    stream(['--config', config(dir), '--out', out, '--duration-s', '60', '--quiet']),
    1,
    /cannot write .*stream\/stream\.wav: no space left on device/,
  );
  assert.deepEqual(readdirSync(out), []);
});

test('the float frontends stream float32 frames without centring, as the whole-signal frontend with center false', () => {
  const dir = tempDir();
  const out = join(dir, 'stream');
  const r = stream(['--config', config(dir, 'log-mel'), '--out', out, '--duration-s', '20', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(readFileSync(join(out, 'stream.json'), 'utf8'));
  assert.equal(info.features.dtype, 'float32');
  assert.equal(info.features.top_db_applied, false);
  assert.equal(info.frames, 1 + Math.floor((320000 - 512) / 320));
  const { pcm } = wavPcm(out);
  const s = frontendSchema.parse({
    ...info.frontend_settings,
    center: false,
    top_db: null,
    sample_length_ms: 20000,
  }) as FloatFrontendSettings;
  const whole = new LogMelFrontend(s);
  const expected = new Float32Array(whole.frames * whole.channels);
  whole.process(
    Float32Array.from(pcm, (v) => v / 32768),
    expected,
  );
  const features = decodeNpy(readFileSync(join(out, 'features.npy')));
  assert.deepEqual(features.shape, [whole.frames, 40]);
  assert.ok(Buffer.from(expected.buffer).equals(Buffer.from(features.data.buffer)));
});

// Peak RSS through a preload that records it at exit (process.resourceUsage().maxRSS, in KiB).
function peakRssMiB(dir: string, name: string, args: string[]): number {
  const file = join(dir, `rss-${name}`);
  const preload = `data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(file)},String(process.resourceUsage().maxRSS)))`;
  const r = runCli(['stream', ...args, '--quiet'], { nodeFlags: ['--import', preload], timeoutMs: 600_000 });
  assert.equal(r.code, 0, r.stderr);
  return Number(readFileSync(file, 'utf8')) / 1024;
}

test('memory does not grow with the stream: a 10-hour stream peaks within 50 MiB of a 2-minute one', (t) => {
  // The whole 10 hours (1.15 GB of WAV, 144 MB of features, ~30 s): a stream held in memory, or its features, or
  // its placements, would show here (each is over 50 MiB at this length), where a 2-minute stream holds none of them.
  const dir = tempDir();
  const cfg = config(dir);
  const short = peakRssMiB(dir, 'short', ['--config', cfg, '--out', join(dir, 'short'), '--duration-s', '120']);
  const long = peakRssMiB(dir, 'long', ['--config', cfg, '--out', join(dir, 'long'), '--hours', '10']);
  const info = JSON.parse(readFileSync(join(dir, 'long', 'stream.json'), 'utf8'));
  assert.equal(info.frames, 1799999);
  t.diagnostic(`peak RSS: 2 min ${short.toFixed(1)} MiB, 10 h ${long.toFixed(1)} MiB`);
  assert.ok(long - short < 50, `10 h peaked at ${long.toFixed(1)} MiB, 2 min at ${short.toFixed(1)} MiB`);
});
