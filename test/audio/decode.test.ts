// Every format against its reference decoder (fixtures/codecs/): FLAC bit for bit with `flac -d` read by the WAV
// reader; Opus, Vorbis and MP3 in band (below 0.8 × the lower Nyquist, both resampled to 16 kHz), with exactly the
// reference's length. Measured (the README, "Input formats"): FLAC exact; Opus 156 dB (mono) and 86 dB (stereo)
// against opusdec --float; Vorbis 81–89 dB and MP3 80–86 dB against 16-bit references (their rounding is the floor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioError } from '../../src/audio/audio-error.js';
import { decodeAudio } from '../../src/audio/decode.js';
import { hostileCodecs } from '../attacks/hostile-codecs.js';
import { decodeWav } from '../../src/audio/wav.js';
import { CODECS, fixture, inBandSnr, reference, sourceLength } from './codecs.js';
import { readdirSync } from 'node:fs';

const decode = (name: string) => {
  const bytes = fixture(name);
  return decodeAudio(bytes, bytes.length, name);
};

const FLAC = readdirSync(CODECS).filter((f) => f.endsWith('.flac'));

test('the fixtures hold every format the tests name', () => {
  assert.deepEqual(FLAC, [
    'flac-0-mono16k.flac',
    'flac-24bit-stereo44k.flac',
    'flac-8-mono16k.flac',
    'flac-8bit-mono16k.flac',
  ]);
});

for (const name of FLAC) {
  test(`FLAC ${name}: bit-exact with flac -d read by the WAV reader (integer / 2^(bits - 1))`, () => {
    const ours = decode(name);
    const ref = reference(name);
    assert.equal(ours.sampleRate, ref.sampleRate);
    assert.equal(ours.channels.length, ref.channels.length);
    for (let c = 0; c < ref.channels.length; c++) assert.deepEqual(ours.channels[c], ref.channels[c], `channel ${c}`);
  });
}

test("FLAC -0's 3-sample last frame is decoded (the package's decodeFile drops it)", () => {
  const ours = decode('flac-0-mono16k.flac');
  assert.equal(sourceLength('mono16k') % 1152, 3);
  assert.equal(ours.channels[0].length, sourceLength('mono16k'));
  const ref = reference('flac-0-mono16k.flac').channels[0];
  assert.deepEqual(ours.channels[0].subarray(-3), ref.subarray(-3));
  assert.ok(
    ref.subarray(-3).some((v) => v !== 0),
    'the last frame holds signal',
  );
});

test('FLAC 24-bit samples are integer / 2^23 (the package divides by 2^23 - 1)', () => {
  const ours = decode('flac-24bit-stereo44k.flac').channels[0];
  const peak = ours.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(peak > 0.1);
  for (const v of ours) assert.equal(Number.isInteger(v * 2 ** 23), true);
});

const LOSSY: [string, number][] = [
  ['opus-mono16k.opus', 140],
  ['opus-stereo44k.opus', 80],
  ['vorbis-mono16k.ogg', 75],
  ['vorbis-stereo44k.ogg', 75],
  ['mp3-cbr-mono16k.mp3', 75],
  ['mp3-vbr-stereo44k.mp3', 75],
  ['mp3-notag-mono16k.mp3', 75],
];

for (const [name, floor] of LOSSY) {
  test(`${name}: the reference decoder's length and channels, and at least ${floor} dB in band against it`, () => {
    const ours = decode(name);
    const ref = reference(name);
    assert.equal(ours.sampleRate, ref.sampleRate);
    assert.equal(ours.channels.length, ref.channels.length);
    for (let c = 0; c < ref.channels.length; c++) {
      assert.equal(ours.channels[c].length, ref.channels[c].length);
      const snr = inBandSnr(ours.channels[c], ours.sampleRate, ref.channels[c], ref.sampleRate);
      assert.ok(snr >= floor, `channel ${c}: ${snr.toFixed(1)} dB`);
    }
  });
}

test("Opus decodes at 48 kHz with the stream's pre-skip dropped and its end trimmed to the source's length", () => {
  const ours = decode('opus-mono16k.opus');
  assert.equal(ours.sampleRate, 48000);
  // The 16 kHz source, 3× the samples: opusenc's padding and the 312-sample pre-skip are gone.
  assert.equal(ours.channels[0].length, sourceLength('mono16k') * 3);
  const stereo = decode('opus-stereo44k.opus');
  assert.equal(stereo.channels[0].length, (sourceLength('stereo44k') * 48000) / 44100);
});

test("MP3 with a LAME tag: the encoder's delay and padding are removed, the source's length comes back", () => {
  assert.equal(decode('mp3-cbr-mono16k.mp3').channels[0].length, sourceLength('mono16k'));
  assert.equal(decode('mp3-vbr-stereo44k.mp3').channels[1].length, sourceLength('stereo44k'));
});

test("MP3 without a tag: every frame's samples less the decoder's 529, as lame --decode gives", () => {
  const frames = fixture('mp3-notag-mono16k.mp3').length / 288; // 64 kb/s MPEG-2 at 16 kHz: 288-byte frames
  assert.equal(decode('mp3-notag-mono16k.mp3').channels[0].length, frames * 576 - 529);
});

test('the same bytes decode to the same samples every time (a decoder instance carries nothing over)', () => {
  for (const name of ['opus-mono16k.opus', 'vorbis-mono16k.ogg', 'mp3-cbr-mono16k.mp3', 'flac-8-mono16k.flac']) {
    const a = decode(name);
    decode(LOSSY[(name.length * 7) % LOSSY.length][0]);
    const b = decode(name);
    assert.deepEqual(a, b, name);
  }
});

test('a file named .wav holding FLAC is read as FLAC: the format comes from the contents', () => {
  const bytes = fixture('flac-8-mono16k.flac');
  assert.deepEqual(decodeAudio(bytes, bytes.length, 'x.wav'), decodeWav(fixture('flac-8-mono16k.ref.wav')));
});

test('hostile compressed files (truncated, corrupt, wrong magic, absurd sizes): an AudioError with the reason, never a crash', () => {
  for (const h of hostileCodecs()) {
    if (h.bad === null) {
      assert.ok(decodeAudio(h.bytes, h.bytes.length, h.name).channels[0].length > 0, h.name);
      continue;
    }
    assert.throws(
      () => decodeAudio(h.bytes, h.bytes.length, h.name),
      (err: unknown) => err instanceof AudioError && h.bad!.test(err.message),
      h.name,
    );
  }
});
