// Beyond the committed fixtures: with the reference tools installed (.ci/run installs them), a fresh signal is
// encoded and decoded by them and by audiogen, and the two decodes agree (FLAC bit for bit, the lossy formats in
// band with the reference's length). Each test skips, saying what is missing, where the tools are not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudio } from '../../src/audio/decode.js';
import { decodeWav, encodeWavPcm16 } from '../../src/audio/wav.js';
import { tempDir } from '../helpers.js';
import { inBandSnr } from './codecs.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const missing = (tools: string[], pkg: string) => {
  const absent = tools.filter((t) => !has(t));
  return absent.length ? `${absent.join(', ')} not installed (Debian: apt-get install ${pkg})` : null;
};

/** 0.7 s of a gliding two-tone signal with a noise floor at `rate`: nothing like the fixtures' speech. */
function signal(rate: number): Float32Array {
  const n = Math.round(0.7 * rate);
  const x = new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    seed = (seed * 1103515245 + 12345) >>> 0;
    x[i] =
      0.4 * Math.sin(2 * Math.PI * (300 + 900 * t) * t) +
      0.2 * Math.sin(2 * Math.PI * 2200 * t) +
      0.01 * (seed / 2 ** 32 - 0.5);
  }
  return x;
}

function roundTrip(
  ext: string,
  encode: (wav: string, out: string) => string[][],
  decode: (enc: string, ref: string) => string[],
) {
  const dir = tempDir();
  const wav = join(dir, 'in.wav');
  writeFileSync(wav, encodeWavPcm16(signal(16000), 16000));
  const enc = join(dir, `in.${ext}`);
  for (const cmd of encode(wav, enc)) execFileSync(cmd[0], cmd.slice(1), { stdio: 'ignore' });
  const ref = join(dir, 'ref.wav');
  const d = decode(enc, ref);
  execFileSync(d[0], d.slice(1), { stdio: 'ignore' });
  const bytes = readFileSync(enc);
  return { ours: decodeAudio(bytes, bytes.length, enc), ref: decodeWav(readFileSync(ref)) };
}

test('FLAC: a fresh encode by flac decodes bit for bit as flac -d', (t) => {
  const why = missing(['flac'], 'flac');
  if (why) return t.skip(why);
  const { ours, ref } = roundTrip(
    'flac',
    (w, o) => [['flac', '-s', '-f', '-5', w, '-o', o]],
    (e, r) => ['flac', '-s', '-f', '-d', e, '-o', r],
  );
  assert.deepEqual(ours.channels, ref.channels);
});

const lossy: [
  string,
  string,
  string,
  (w: string, o: string) => string[][],
  (e: string, r: string) => string[],
  number,
][] = [
  [
    'Opus',
    'opus',
    'opus-tools',
    (w, o) => [['opusenc', '--quiet', w, o]],
    (e, r) => ['opusdec', '--quiet', '--rate', '48000', '--float', e, r],
    80,
  ],
  [
    'Vorbis',
    'ogg',
    'vorbis-tools',
    (w, o) => [['oggenc', '-Q', w, '-o', o]],
    (e, r) => ['oggdec', '-Q', e, '-o', r],
    70,
  ],
  [
    'MP3',
    'mp3',
    'lame',
    (w, o) => [['lame', '--quiet', '-b', '64', w, o]],
    (e, r) => ['lame', '--quiet', '--decode', e, r],
    70,
  ],
];
for (const [name, ext, pkg, encode, decode, floor] of lossy) {
  test(`${name}: a fresh encode decodes as the reference decoder does (its length, ${floor} dB in band)`, (t) => {
    const tools = [encode('', '')[0][0], decode('', '')[0]];
    const why = missing(tools, pkg);
    if (why) return t.skip(why);
    const { ours, ref } = roundTrip(ext, encode, decode);
    assert.equal(ours.channels[0].length, ref.channels[0].length);
    const snr = inBandSnr(ours.channels[0], ours.sampleRate, ref.channels[0], ref.sampleRate);
    assert.ok(snr >= floor, `${snr.toFixed(1)} dB`);
  });
}
