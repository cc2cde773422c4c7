// MPEG audio (MP3, and layers I and II): the frames walked and checked from the file alone (inspectMp3), then decoded
// by mpg123 (the mpg123-decoder package's wasm build, gapless). The encoder's delay and padding are removed as the
// LAME/Xing tag states them, as `lame --decode` does; without a tag only the decoder's delay (529 samples) is. A
// truncated file is one whose last frame is cut short or that holds fewer frames or bytes than its tag declares.
import type { DecodedAudio } from './wav.js';
import { AudioError } from './audio-error.js';
import type { AudioSummary } from './format.js';
import { durationLimitReason, formatLimitReason } from './wav-limits.js';
import { emscriptenGlue, type EmscriptenGlue } from '../wasm/emscripten.js';

/** mpg123's decoder delay: what it drops from the start of every stream in gapless mode. */
const DECODER_DELAY = 529;

export interface FrameHeader {
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  sampleRate: number;
  channelCount: number;
  /** Bytes of the frame, header included. */
  length: number;
  samples: number;
  /** Where the side information ends (where a Xing/Info tag would start). */
  sideInfoEnd: number;
}

export interface Mp3Info extends AudioSummary {
  /** The MPEG stream: from its first frame to the end of its last. */
  start: number;
  end: number;
  /** Audio frames (a Xing/Info/VBRI frame not counted). */
  audioFrames: number;
  samplesPerFrame: number;
  /** Samples the encoder added at the start and the end, from a LAME tag (else 0). */
  delay: number;
  padding: number;
}

const BITRATES: Record<string, number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] };

/** The frame header at `pos`, or null when there is none (free-format bitrates are not read). */
export function mpegFrameHeader(bytes: Uint8Array, pos: number): FrameHeader | null {
  if (pos + 4 > bytes.length || bytes[pos] !== 0xff || (bytes[pos + 1] & 0xe0) !== 0xe0) return null;
  const versionBits = (bytes[pos + 1] >> 3) & 3;
  const layerBits = (bytes[pos + 1] >> 1) & 3;
  const rateIndex = (bytes[pos + 2] >> 2) & 3;
  const bitrateIndex = bytes[pos + 2] >> 4;
  if (versionBits === 1 || layerBits === 0 || rateIndex === 3 || bitrateIndex === 0 || bitrateIndex === 15) return null;
  if ((bytes[pos + 3] & 3) === 2) return null; // reserved emphasis
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = RATES[version][rateIndex];
  const bitrate = BITRATES[`${version === 1 ? 1 : 2}-${layer}`][bitrateIndex] * 1000;
  const padding = (bytes[pos + 2] >> 1) & 1;
  const mono = bytes[pos + 3] >> 6 === 3;
  const long = version === 1 || layer !== 3;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((long ? 144 : 72) * bitrate) / sampleRate) + padding;
  const samples = layer === 1 ? 384 : long ? 1152 : 576;
  const crc = (bytes[pos + 1] & 1) === 0 ? 2 : 0;
  const side = layer !== 3 ? 0 : version === 1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  return { version, layer, sampleRate, channelCount: mono ? 1 : 2, length, samples, sideInfoEnd: 4 + crc + side };
}

/** Bytes of the ID3v2 tags at `pos` (0 when none). */
export function id3v2Length(bytes: Uint8Array, pos = 0): number {
  let at = pos;
  while (at + 10 <= bytes.length && bytes[at] === 0x49 && bytes[at + 1] === 0x44 && bytes[at + 2] === 0x33) {
    const size =
      ((bytes[at + 6] & 0x7f) << 21) |
      ((bytes[at + 7] & 0x7f) << 14) |
      ((bytes[at + 8] & 0x7f) << 7) |
      (bytes[at + 9] & 0x7f);
    at += 10 + size + (bytes[at + 5] & 0x10 ? 10 : 0);
  }
  return at - pos;
}

/** Where the trailing tags (ID3v1, APEv2) begin: the MPEG stream ends there at the latest. */
function tagsStart(bytes: Uint8Array, from: number): number {
  let end = bytes.length;
  if (end - 128 >= from && ascii(bytes, end - 128, 3) === 'TAG') end -= 128;
  if (end - 32 >= from && ascii(bytes, end - 32, 8) === 'APETAGEX') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const size = view.getUint32(end - 32 + 12, true);
    const header = view.getUint32(end - 32 + 20, true) & 0x80000000 ? 32 : 0;
    if (end - size - header >= from) end -= size + header;
  }
  return end;
}

/** The stream's frames, tag and totals; `start` is the first frame (after any ID3v2 tag). */
export function inspectMp3(bytes: Uint8Array, start = id3v2Length(bytes)): Mp3Info {
  const first = mpegFrameHeader(bytes, start);
  if (first === null) throw new AudioError(`not an MPEG audio file: no frame header at byte ${start}`);
  const limit = formatLimitReason(first.channelCount, first.sampleRate);
  if (limit) throw new AudioError(limit);
  const stop = tagsStart(bytes, start);
  const tag = readTag(bytes, start, first);
  let pos = start;
  let frames = 0;
  while (pos < stop) {
    const h = mpegFrameHeader(bytes, pos);
    if (h === null) break;
    if (h.sampleRate !== first.sampleRate || h.channelCount !== first.channelCount || h.layer !== first.layer) {
      throw new AudioError(`corrupt: the MPEG frame at byte ${pos} changes the sample rate, channels or layer`);
    }
    if (pos + h.length > stop) {
      throw new AudioError(`truncated: the MPEG frame at byte ${pos} needs ${h.length} bytes, ${stop - pos} present`);
    }
    pos += h.length;
    frames++;
  }
  // What follows the last frame may be padding or a tag this reader does not know, but not a run of audio.
  const rest = stop - pos;
  if (rest >= 128 && bytes.subarray(pos, stop).some((b) => b !== 0)) {
    throw new AudioError(`corrupt: ${rest} bytes at byte ${pos} are not MPEG audio frames`);
  }
  const audioFrames = frames - (tag ? 1 : 0);
  if (tag?.frames !== undefined && audioFrames < tag.frames) {
    throw new AudioError(`truncated: ${audioFrames} of the ${tag.frames} MPEG frames its ${tag.name} tag declares`);
  }
  if (tag?.bytes !== undefined && pos - start < tag.bytes) {
    throw new AudioError(`truncated: ${pos - start} of the ${tag.bytes} bytes its ${tag.name} tag declares`);
  }
  const delay = tag?.delay ?? 0;
  const padding = tag?.padding ?? 0;
  const samples = audioFrames * first.samples - (tag?.lame ? delay + padding : DECODER_DELAY);
  if (samples <= 0) throw new AudioError('no audio: the MPEG stream holds no samples');
  const long = durationLimitReason(samples, first.sampleRate);
  if (long) throw new AudioError(long);
  return {
    sampleRate: first.sampleRate,
    channelCount: first.channelCount,
    frames: samples,
    start,
    end: pos,
    audioFrames,
    samplesPerFrame: first.samples,
    delay,
    padding,
  };
}

interface Tag {
  name: string;
  frames?: number;
  bytes?: number;
  /** A LAME extension was there: delay and padding are the encoder's. */
  lame: boolean;
  delay?: number;
  padding?: number;
}

/** The Xing/Info (with its LAME extension) or VBRI tag in the stream's first frame, if any. */
function readTag(bytes: Uint8Array, start: number, h: FrameHeader): Tag | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const end = Math.min(bytes.length, start + h.length);
  const at = start + h.sideInfoEnd;
  const name = at + 8 <= end ? ascii(bytes, at, 4) : '';
  if (name === 'Xing' || name === 'Info') {
    const flags = view.getUint32(at + 4);
    let p = at + 8;
    const tag: Tag = { name, lame: false };
    if (flags & 1 && p + 4 <= end) {
      tag.frames = view.getUint32(p);
      p += 4;
    }
    if (flags & 2 && p + 4 <= end) {
      tag.bytes = view.getUint32(p);
      p += 4;
    }
    if (flags & 4) p += 100;
    if (flags & 8) p += 4;
    // The LAME extension: a 9-byte encoder string, then delay and padding (12 bits each) 21 bytes in.
    if (p + 24 <= end && /^(LAME|Lavc|Lavf|L3.99)/.test(ascii(bytes, p, 4))) {
      tag.lame = true;
      tag.delay = (bytes[p + 21] << 4) | (bytes[p + 22] >> 4);
      tag.padding = ((bytes[p + 22] & 15) << 8) | bytes[p + 23];
    }
    return tag;
  }
  const vbri = start + 4 + 32;
  if (vbri + 18 <= end && ascii(bytes, vbri, 4) === 'VBRI') {
    return { name: 'VBRI', bytes: view.getUint32(vbri + 10), frames: view.getUint32(vbri + 14), lame: false };
  }
  return null;
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

interface Mpg123Glue extends EmscriptenGlue {
  mpeg_frame_decoder_create(decoderPtr: number, gapless: number): number;
  mpeg_decoder_feed(decoder: number, input: number, length: number): number;
  mpeg_decoder_read(
    decoder: number,
    output: number,
    outputLength: number,
    samples: number,
    rate: number,
    error: number,
  ): number;
  mpeg_frame_decoder_destroy(decoder: number): void;
}

const NEED_MORE = -10;
const NEW_FORMAT = -11;
/** Output floats per read (two channels of the largest frames), as the package sizes it. */
const OUTPUT_FLOATS = 2889 * 16 * 2;
const INPUT_BYTES = 1 << 16;
const HEADROOM = 2 << 20;

export function decodeMp3(bytes: Uint8Array, start = id3v2Length(bytes)): DecodedAudio {
  const info = inspectMp3(bytes, start);
  const glue = emscriptenGlue<Mpg123Glue>('mpg123-decoder', HEADROOM + INPUT_BYTES + OUTPUT_FLOATS * 4);
  const input = glue.malloc(INPUT_BYTES);
  const output = glue.malloc(OUTPUT_FLOATS * 4);
  const words = glue.malloc(16);
  if (!input || !output || !words) throw new AudioError('the MP3 decoder has no memory left');
  const word = (i: number) => new Uint32Array(glue.HEAP, words, 4)[i];
  // Room for every sample the frames hold: whether mpg123 trims (it does when it reads the LAME tag) is seen below.
  const raw = info.audioFrames * info.samplesPerFrame;
  const channels = Array.from({ length: info.channelCount }, () => new Float32Array(raw));
  let decoded = 0;
  const failure = (code: number) => {
    const message = word(3) ? cString(glue, word(3)) : '';
    return new AudioError(`corrupt: mpg123 cannot decode the stream (${code}${message ? ` ${message}` : ''})`);
  };
  let decoder = 0;
  try {
    const error = glue.mpeg_frame_decoder_create(words, 1);
    decoder = word(0);
    if (error || !decoder) throw new AudioError(`the MP3 decoder could not be created (${error})`);
    for (let at = info.start; at < info.end; at += INPUT_BYTES) {
      const chunk = bytes.subarray(at, Math.min(info.end, at + INPUT_BYTES));
      new Uint8Array(glue.HEAP, input, chunk.length).set(chunk);
      let code = glue.mpeg_decoder_feed(decoder, input, chunk.length);
      if (code === NEED_MORE) continue;
      if (code !== 0) throw failure(code);
      for (;;) {
        new Uint32Array(glue.HEAP, words, 4).fill(0, 1);
        code = glue.mpeg_decoder_read(decoder, output, OUTPUT_FLOATS, words + 4, words + 8, words + 12);
        const n = word(1);
        if (n > 0) {
          // Planar: the left channel's n samples, then the right's (mpg123 always gives two).
          const pcm = new Float32Array(glue.HEAP, output, 2 * n);
          const keep = Math.min(n, raw - decoded);
          if (keep > 0)
            for (let c = 0; c < info.channelCount; c++) channels[c].set(pcm.subarray(c * n, c * n + keep), decoded);
          decoded += n;
        }
        if (code === NEW_FORMAT || (code === 0 && n > 0)) continue;
        if (code === NEED_MORE || code === 0) break;
        throw failure(code);
      }
    }
  } finally {
    if (decoder) {
      glue.mpeg_frame_decoder_destroy(decoder);
      glue.free(decoder);
    }
    glue.free(input);
    glue.free(output);
    glue.free(words);
  }
  // Trimmed by mpg123 (gapless, from the LAME tag), or the whole decode: then drop what lame --decode drops.
  const skip = decoded === info.frames ? 0 : decoded === raw ? info.delay + DECODER_DELAY : -1;
  if (skip < 0) {
    throw new AudioError(
      `corrupt: the MPEG frames decode to ${decoded} samples; they hold ${raw}, ${info.frames} without the encoder's delay and padding`,
    );
  }
  return { sampleRate: info.sampleRate, channels: channels.map((c) => c.slice(skip, skip + info.frames)) };
}

function cString(glue: EmscriptenGlue, ptr: number): string {
  const heap = new Uint8Array(glue.HEAP);
  let s = '';
  for (let p = ptr; heap[p] !== 0 && s.length < 200; p++) s += String.fromCharCode(heap[p]);
  return s;
}
