import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
  checkFiniteFloats,
  inspectWav,
  inspectWavHeader,
  isFloatFormat,
  decodeWav,
  encodeWavPcm16,
  mixToMono,
  WavError,
  type DecodedAudio,
} from '../../src/audio/wav.js';
import { floatWav, hostileWavs, tonePcm16, wav } from '../attacks/hostile-wavs.js';
import { decodeNpy } from '../../src/io/npy.js';

// Corpus made by scripts/make-wav-corpus.py; expected samples come from scipy/numpy/audioop, never from this code.
const DIR = new URL('../../fixtures/wav/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));

// [file, sample rate, what it exercises]. Comparison is exact: the expected arrays are float32, like the output.
const DECODES: [string, number, string][] = [
  ['pcm8_mono_pywave.wav', 8000, "8-bit unsigned PCM from Python's wave module"],
  ['pcm16_mono.wav', 16000, '16-bit PCM mono'],
  ['pcm16_stereo.wav', 22050, '16-bit PCM stereo'],
  ['pcm16_3ch.wav', 11025, '16-bit PCM with 3 channels'],
  ['pcm32_stereo.wav', 16000, '32-bit integer PCM'],
  ['float32_mono.wav', 16000, 'IEEE float32 with values beyond [-1, 1]'],
  ['float64_stereo.wav', 8000, 'IEEE float64'],
  ['pcm24_stereo_sox.wav', 48000, "sox's 24-bit WAVE_FORMAT_EXTENSIBLE"],
  ['ulaw_stereo_sox.wav', 8000, "sox's G.711 mu-law"],
  ['alaw_mono_sox.wav', 8000, "sox's G.711 A-law"],
  ['ulaw_all_codes.wav', 8000, 'every mu-law code'],
  ['alaw_all_codes.wav', 8000, 'every A-law code'],
  ['pcm24_stereo.wav', 44100, '24-bit PCM'],
  ['pcm12_in_16bit_container.wav', 32000, '12-bit PCM in 16-bit containers'],
  ['pcm64_stereo.wav', 8000, '64-bit integer PCM'],
  ['pcm36_in_40bit_mono.wav', 8000, '36-bit PCM in 5-byte containers'],
  ['ext_pcm16_stereo.wav', 16000, 'EXTENSIBLE PCM 16-bit'],
  ['ext_pcm24_valid20_6ch.wav', 48000, 'EXTENSIBLE 6-channel 20-in-24-bit PCM'],
  ['ext_float32_stereo.wav', 22050, 'EXTENSIBLE float32'],
  ['rifx_pcm16_stereo.wav', 16000, 'big-endian RIFX 16-bit'],
  ['rifx_pcm24_mono.wav', 8000, 'big-endian RIFX 24-bit'],
  ['rifx_float32_mono.wav', 16000, 'big-endian RIFX float32'],
  ['rifx_ext_pcm16_mono.wav', 16000, 'big-endian RIFX EXTENSIBLE'],
  ['rf64_pcm16_mono.wav', 16000, 'RF64 with a ds64 chunk'],
  ['bw64_pcm24_stereo.wav', 48000, 'BW64'],
  ['extra_chunks.wav', 16000, 'JUNK, fact, LIST, cue chunks around fmt and data'],
  ['odd_chunk_before_data.wav', 16000, 'an odd-sized chunk and its pad byte before data'],
  ['odd_chunk_missing_pad.wav', 16000, 'an odd-sized chunk missing its pad byte'],
  ['pcm8_odd_data_then_list.wav', 8000, 'odd-sized 8-bit data, pad byte, then LIST'],
  ['data_before_fmt.wav', 16000, 'data chunk before fmt'],
  ['stale_riff_size.wav', 16000, 'a stale RIFF size'],
  ['trailing_garbage.wav', 16000, 'an ID3v1 tag after the data chunk'],
  ['partial_last_frame.wav', 16000, 'a trailing half frame, dropped'],
  ['stream_size_ffffffff.wav', 16000, 'the 0xFFFFFFFF streaming sentinel, whole frames to end of file'],
  ['stream_size_zero.wav', 16000, 'the RIFF 0 / data 0 streaming sentinel'],
];

// [file, the reason its WavError message must give].
const REJECTS: [string, RegExp][] = [
  ['truncated_data.wav', /^truncated: data chunk declares 800 bytes, 310 present$/],
  ['truncated_in_fmt.wav', /^truncated: 'fmt ' chunk at byte 12 declares 16 bytes, 10 present$/],
  ['truncated_rf64.wav', /^truncated: data chunk declares 800 bytes, 600 present$/],
  ['chunk_past_end.wav', /^truncated: 'LIST' chunk at byte 12 declares 100000 bytes/],
  ['fmt_too_short.wav', /^bad header: fmt chunk is 14 bytes, needs at least 16$/],
  ['block_align_mismatch.wav', /^bad header: block align 2 does not match 2 channels x 16 bits \(expected 4\)$/],
  ['ext_fmt_too_short.wav', /^bad header: WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes/],
  ['zero_channels.wav', /^bad header: 0 channels$/],
  ['zero_sample_rate.wav', /^bad header: sample rate 0 Hz \(audiogen reads 1000 to 768000 Hz\)$/],
  ['rf64_no_ds64.wav', /^bad header: RF64 data chunk needs a ds64 chunk/],
  ['zero_frames.wav', /^no audio: data chunk holds 0 whole frames \(0 bytes/],
  ['half_frame_only.wav', /^no audio: data chunk holds 0 whole frames \(2 bytes, 4 per frame\)$/],
  ['no_fmt.wav', /^no fmt chunk$/],
  ['no_data.wav', /^no data chunk$/],
  ['ima_adpcm_sox.wav', /^unsupported codec: format tag 0x0011 \(IMA ADPCM\)$/],
  ['ms_adpcm_sox.wav', /^unsupported codec: format tag 0x0002 \(MS ADPCM\)$/],
  ['gsm610_sox.wav', /^unsupported codec: format tag 0x0031 \(GSM 6\.10\)$/],
  ['mp3_in_wav.wav', /^unsupported codec: format tag 0x0055 \(MPEG Layer 3\)$/],
  ['ext_adpcm_subformat.wav', /^unsupported codec: WAVE_FORMAT_EXTENSIBLE subformat 0x0002 \(MS ADPCM\)$/],
  [
    'ext_unknown_guid.wav',
    /^unsupported codec: WAVE_FORMAT_EXTENSIBLE subformat \{00000001-0721-11D3-8644-C8C1CA000000\}$/,
  ],
  ['float16.wav', /^unsupported codec: 16-bit IEEE float$/],
  ['pcm_zero_bits.wav', /^bad header: 0 bits per sample$/],
  ['pcm72.wav', /^unsupported codec: 72-bit integer PCM$/],
  ['empty.wav', /^not a WAV file: empty \(0 bytes\)$/],
  ['riff_only.wav', /^not a WAV file: 4 bytes, shorter than a RIFF header$/],
  ['mp3_renamed.wav', /^not a WAV file: no RIFF\/RIFX\/RF64 magic \(starts with 'ID3\\x04'\)$/],
  ['html_error_page.wav', /^not a WAV file: no RIFF\/RIFX\/RF64 magic \(starts with '<!DO'\)$/],
  ['riff_avi.wav', /^not a WAV file: RIFF form type is 'AVI ', not 'WAVE'$/],
];

function expected(file: string): { frames: number; channels: number; data: Float32Array } {
  const npy = decodeNpy(readFileSync(new URL(file.replace(/\.wav$/, '.expected.npy'), DIR)));
  assert.equal(npy.dtype, 'float32');
  const [frames, channels] = npy.shape;
  return { frames, channels, data: npy.data as Float32Array };
}

function assertSamples(audio: DecodedAudio, file: string): void {
  const want = expected(file);
  assert.equal(audio.channels.length, want.channels, 'channel count');
  for (let c = 0; c < want.channels; c++) {
    const got = audio.channels[c];
    assert.ok(got instanceof Float32Array);
    assert.equal(got.length, want.frames, `frames in channel ${c}`);
    for (let i = 0; i < want.frames; i++) {
      const w = want.data[i * want.channels + c];
      if (got[i] !== w) assert.fail(`channel ${c} frame ${i}: got ${got[i]}, scipy/audioop give ${w}`);
    }
  }
}

test('the corpus holds exactly the files listed here, each decodable one with its expected samples', () => {
  const listed = [...DECODES.map(([f]) => f), ...REJECTS.map(([f]) => f)].sort();
  const wavs = readdirSync(DIR)
    .filter((f) => f.endsWith('.wav'))
    .sort();
  assert.deepEqual(wavs, listed);
  const npys = readdirSync(DIR)
    .filter((f) => f.endsWith('.expected.npy'))
    .sort();
  assert.deepEqual(npys, DECODES.map(([f]) => f.replace(/\.wav$/, '.expected.npy')).sort());
});

for (const [file, rate, what] of DECODES) {
  test(`decodes ${file} (${what}) to the samples scipy/audioop give`, () => {
    const audio = decodeWav(read(file));
    assert.equal(audio.sampleRate, rate);
    assertSamples(audio, file);
  });
}

for (const [file, reason] of REJECTS) {
  test(`rejects ${file} with a WavError naming the reason`, () => {
    assert.throws(
      () => decodeWav(read(file)),
      (err: unknown) => {
        assert.ok(err instanceof WavError, `expected a WavError, got ${String(err)}`);
        assert.equal(err.name, 'WavError');
        assert.match(err.message, reason);
        return true;
      },
    );
  });
}

test('decodes the same samples from a buffer at an odd byte offset (unaligned copy path)', () => {
  for (const file of ['pcm16_stereo.wav', 'pcm16_mono.wav', 'pcm32_stereo.wav', 'float64_stereo.wav']) {
    const bytes = read(file);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const audio = decodeWav(shifted.subarray(1));
    assertSamples(audio, file);
  }
});

test('decoding does not alias the input: changing the file bytes afterwards leaves the samples intact', () => {
  const bytes = read('pcm16_mono.wav');
  const audio = decodeWav(bytes);
  bytes.fill(0x7f, 44);
  assertSamples(audio, 'pcm16_mono.wav');
});

test('encodeWavPcm16 writes the same bytes scipy wrote for the same int16 samples', () => {
  const original = read('pcm16_mono.wav');
  const { channels, sampleRate } = decodeWav(original);
  const written = encodeWavPcm16(channels[0], sampleRate);
  assert.equal(written.length, 44 + channels[0].length * 2);
  assert.deepEqual(new Uint8Array(written), original);
});

test('encodeWavPcm16 round trip: x * 32768 rounded half to even, saturated, NaN as 0', () => {
  const x = new Float32Array([
    0,
    0.25,
    -0.25,
    0.5 / 32768,
    1.5 / 32768,
    -2.5 / 32768,
    1 - 1 / 65536,
    1,
    1.5,
    -1,
    -3,
    NaN,
    0.3,
  ]);
  const ints = [0, 8192, -8192, 0, 2, -2, 32767, 32767, 32767, -32768, -32768, 0, Math.round(Math.fround(0.3) * 32768)];
  const bytes = encodeWavPcm16(x, 16000);
  assert.equal(bytes.toString('latin1', 0, 4), 'RIFF');
  assert.equal(bytes.readUInt32LE(4), 36 + 2 * x.length);
  assert.equal(bytes.readUInt32LE(40), 2 * x.length);
  for (let i = 0; i < x.length; i++) assert.equal(bytes.readInt16LE(44 + 2 * i), ints[i], `sample ${i} (${x[i]})`);
  const back = decodeWav(bytes);
  assert.equal(back.sampleRate, 16000);
  assert.equal(back.channels.length, 1);
  assert.deepEqual(
    Array.from(back.channels[0]),
    ints.map((v) => v / 32768),
  );
});

test('mixToMono averages the channels of a decoded 3-channel file', () => {
  const audio = decodeWav(read('pcm16_3ch.wav'));
  const want = expected('pcm16_3ch.wav');
  const mono = mixToMono(audio);
  assert.equal(mono.length, want.frames);
  for (let i = 0; i < want.frames; i++) {
    const d = want.data;
    assert.equal(mono[i], Math.fround((d[3 * i] + d[3 * i + 1] + d[3 * i + 2]) / 3), `frame ${i}`);
  }
});

test('mixToMono averages stereo and returns a mono file its own channel', () => {
  const stereo = mixToMono({
    sampleRate: 8000,
    channels: [new Float32Array([1, 0.5, -1]), new Float32Array([0, -0.5, -0.5])],
  });
  assert.deepEqual(Array.from(stereo), [0.5, 0, -0.75]);
  const audio = decodeWav(read('pcm16_mono.wav'));
  assert.equal(mixToMono(audio), audio.channels[0]);
});

test('inspectWav accepts and rejects exactly what decodeWav does, with the same rate, channels and frames', () => {
  for (const [file] of DECODES) {
    const audio = decodeWav(read(file));
    const { sampleRate, channelCount, frames } = inspectWav(read(file));
    assert.deepEqual(
      { sampleRate, channelCount, frames },
      { sampleRate: audio.sampleRate, channelCount: audio.channels.length, frames: audio.channels[0].length },
      file,
    );
  }
  for (const [file, reason] of REJECTS)
    assert.throws(
      () => inspectWav(read(file)),
      (err: Error) => reason.test(err.message),
      file,
    );
});

test('inspecting only the first bytes of a file gives the whole-file answer or asks for more, for every corpus file', () => {
  const outcome = (f: () => unknown) => {
    try {
      return JSON.stringify(f());
    } catch (err) {
      if (err instanceof WavError) return `WavError: ${err.message}`;
      throw err;
    }
  };
  let answeredFromPrefix = 0;
  for (const name of readdirSync(DIR).filter((f) => f.endsWith('.wav'))) {
    const bytes = read(name);
    const whole = outcome(() => inspectWav(bytes));
    for (const cut of [0, 4, 11, 12, 20, 36, 44, 45, 60, 100, 200, 4096]) {
      const prefix = bytes.subarray(0, Math.min(cut, bytes.length));
      const partial = outcome(() => inspectWavHeader(prefix, bytes.length));
      if (partial === 'null') continue; // the header reaches past the prefix: the caller reads the whole file
      assert.equal(partial, whole, `${name} from its first ${prefix.length} of ${bytes.length} bytes`);
      if (prefix.length < bytes.length) answeredFromPrefix++;
    }
  }
  assert.ok(answeredFromPrefix > 100, `most files answer from a 44..200-byte prefix (${answeredFromPrefix})`);
});

test('every hostile header of the attack suite is a WavError with its reason, never a RangeError; the good extremes decode', () => {
  for (const h of hostileWavs()) {
    if (h.bad === null) {
      const audio = decodeWav(h.bytes);
      assert.ok(audio.channels[0].length > 0, h.name);
      continue;
    }
    assert.throws(
      () => decodeWav(h.bytes),
      (err: unknown) => err instanceof WavError && h.bad!.test(err.message),
      h.name,
    );
  }
});

test('the header checks bound rate, channels and duration before the samples are touched, from the first bytes too', () => {
  const header = (bytes: Buffer) => inspectWavHeader(bytes.subarray(0, 64), bytes.length);
  assert.throws(
    () => header(wav({ rate: 0xfffffff0 })),
    /bad header: sample rate 4294967280 Hz \(audiogen reads 1000 to 768000 Hz\)$/,
  );
  assert.throws(() => header(wav({ rate: 999 })), /sample rate 999 Hz/);
  assert.equal(header(wav({ rate: 1000 }))!.sampleRate, 1000);
  assert.equal(header(wav({ rate: 768000 }))!.sampleRate, 768000);
  assert.throws(
    () => header(wav({ channels: 65, data: tonePcm16(10, 65) })),
    /bad header: 65 channels \(audiogen reads at most 64\)$/,
  );
  assert.equal(header(wav({ channels: 64, data: tonePcm16(10, 64) }))!.channelCount, 64);
  // An hour at 1 kHz is read; one frame more is not.
  const hour = wav({ rate: 1000, bits: 8, data: Buffer.alloc(3600 * 1000, 128) });
  assert.equal(header(hour)!.frames, 3_600_000);
  assert.throws(
    () => header(wav({ rate: 1000, bits: 8, data: Buffer.alloc(3600 * 1000 + 1, 128) })),
    /too long: 1\.00 hours of audio \(3600001 frames at 1000 Hz\)/,
  );
});

test('a float WAV holding NaN or ±Inf names the sample and channel; the header inspection leaves samples to checkFiniteFloats', () => {
  const bytes = floatWav('float64', -Infinity, { channels: 3 });
  assert.throws(() => decodeWav(bytes), /sample 5 of channel 2 is -Inf$/);
  const s = inspectWav(bytes);
  assert.equal(s.format.kind, 'float64');
  assert.throws(
    () => checkFiniteFloats(bytes, s.dataOffset, s.frames, s.format, s.littleEndian),
    /sample 5 of channel 2 is -Inf$/,
  );
  // A slice of the data starting at frame 4 names the sample by its place in the file.
  const slice = bytes.subarray(s.dataOffset + 4 * s.format.blockAlign);
  assert.throws(() => checkFiniteFloats(slice, 0, 10, s.format, s.littleEndian, 4), /sample 5 of channel 2 is -Inf$/);
  assert.doesNotThrow(() => checkFiniteFloats(slice, 2 * s.format.blockAlign, 10, s.format, s.littleEndian, 6));
  // Integer formats are never checked (every value is finite).
  const pcm = wav();
  const p = inspectWav(pcm);
  assert.equal(isFloatFormat(p.format), false);
  assert.doesNotThrow(() => checkFiniteFloats(pcm, p.dataOffset, p.frames, p.format, p.littleEndian));
});

test('decoding needs only the first WavSummary.end bytes: a clip followed by junk decodes the same from them', () => {
  // Streaming sizes mean "data runs to the end of the file": there, what follows is audio.
  for (const name of readdirSync(DIR).filter((f) => f.endsWith('.wav') && !f.startsWith('stream_size'))) {
    const bytes = read(name);
    let whole: DecodedAudio;
    try {
      whole = decodeWav(bytes);
    } catch {
      continue;
    }
    const padded = new Uint8Array(bytes.length + 100000);
    padded.set(bytes);
    const { end } = inspectWav(padded);
    assert.ok(end <= bytes.length + 9, `${name}: needs ${end} of ${bytes.length} bytes`);
    const fromPrefix = decodeWav(padded.subarray(0, end), padded.length);
    assert.deepEqual(fromPrefix, whole, name);
  }
});

test('decodes into given arrays as views of them, the same samples, growing an array too short for the file', () => {
  const samples = [new Float32Array(4), new Float32Array(1 << 20)];
  const kept = samples[1];
  const stereo = decodeWav(read('float64_stereo.wav'));
  const into = decodeWav(read('float64_stereo.wav'), undefined, samples);
  assert.deepEqual(into.channels, stereo.channels);
  assert.notEqual(samples[0].length, 4, 'channel 0 grown to the file');
  assert.equal(samples[1], kept, 'channel 1 long enough: reused');
  assert.equal(into.channels[1].buffer, kept.buffer);
  // The next file overwrites them: what a caller that copies out at once (the stream maker) relies on.
  const mono = decodeWav(read('pcm16_mono.wav'), undefined, samples);
  assert.equal(mono.channels[0].buffer, samples[0].buffer);
  assert.deepEqual(mono.channels, decodeWav(read('pcm16_mono.wav')).channels);
});
