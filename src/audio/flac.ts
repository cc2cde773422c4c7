// FLAC: STREAMINFO and every frame found and checked from the file alone (inspectFlac: frame headers, their CRC-8,
// each frame's CRC-16, consecutive numbering, the total against STREAMINFO), then decoded by libFLAC (the
// @wasm-audio-decoders/flac package's wasm build) one frame per call. Samples follow the WAV reader's convention,
// integer / 2^(bits - 1), bit-exact with `flac -d` read by it: the package divides by 2^(bits - 1) - 1 in float32,
// which is undone exactly (for 8 to 24 bits the integer is the rounded product; 32-bit samples already agree).
import type { DecodedAudio } from './wav.js';
import { AudioError } from './audio-error.js';
import { durationLimitReason, formatLimitReason } from './wav-limits.js';
import { emscriptenGlue, type EmscriptenGlue } from '../wasm/emscripten.js';

export interface FlacInfo {
  sampleRate: number;
  channelCount: number;
  bitsPerSample: number;
  /** Samples per channel: STREAMINFO's count, or the frames' sum when it declares none. */
  frames: number;
  /** The STREAMINFO block (34 bytes). */
  streamInfo: Uint8Array;
  /** Every audio frame: where it is and how many samples it holds. */
  blocks: { start: number; end: number; samples: number }[];
}

/** Bit depths the decoder scales by a known divisor (others it leaves undefined in its C wrapper). */
const DECODABLE_BITS = new Set([8, 16, 24, 32]);

export const isFlac = (bytes: Uint8Array, at = 0): boolean =>
  bytes.length >= at + 4 &&
  bytes[at] === 0x66 &&
  bytes[at + 1] === 0x4c &&
  bytes[at + 2] === 0x61 &&
  bytes[at + 3] === 0x43;

/** Everything the decoder relies on, checked without decoding; `start` is where 'fLaC' is (after an ID3v2 tag). */
export function inspectFlac(bytes: Uint8Array, start = 0): FlacInfo {
  if (!isFlac(bytes, start)) throw new AudioError('not a FLAC file: no fLaC marker');
  let pos = start + 4;
  let streamInfo: Uint8Array | null = null;
  for (let last = false; !last; ) {
    if (pos + 4 > bytes.length) throw new AudioError('truncated: the FLAC metadata is cut short');
    last = (bytes[pos] & 0x80) !== 0;
    const type = bytes[pos] & 0x7f;
    const length = (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (pos + 4 + length > bytes.length) {
      throw new AudioError(
        `truncated: FLAC metadata block ${type} declares ${length} bytes, ${bytes.length - pos - 4} present`,
      );
    }
    if (streamInfo === null) {
      if (type !== 0 || length !== 34) throw new AudioError('corrupt: the first FLAC metadata block is not STREAMINFO');
      streamInfo = bytes.subarray(pos + 4, pos + 4 + 34);
    } else if (type === 127) throw new AudioError('corrupt: FLAC metadata block type 127');
    pos += 4 + length;
  }
  const si = streamInfo!;
  const sampleRate = (si[10] << 12) | (si[11] << 4) | (si[12] >> 4);
  const channelCount = ((si[12] >> 1) & 7) + 1;
  const bitsPerSample = (((si[12] & 1) << 4) | (si[13] >> 4)) + 1;
  const declared = (si[13] & 15) * 0x1_0000_0000 + ((si[14] << 24) >>> 0) + ((si[15] << 16) | (si[16] << 8) | si[17]);
  const limit = formatLimitReason(channelCount, sampleRate);
  if (limit) throw new AudioError(limit);
  if (bitsPerSample < 4) throw new AudioError(`bad header: ${bitsPerSample} bits per sample`);
  if (!DECODABLE_BITS.has(bitsPerSample)) {
    throw new AudioError(`unsupported: FLAC with ${bitsPerSample} bits per sample (audiogen decodes 8, 16, 24 and 32)`);
  }
  if (declared > 0) {
    const long = durationLimitReason(declared, sampleRate);
    if (long) throw new AudioError(long);
  }
  const blocks = walkFrames(bytes, pos, { sampleRate, channelCount, bitsPerSample }, declared);
  const frames = blocks.reduce((n, b) => n + b.samples, 0);
  if (declared > 0 && frames !== declared) {
    throw new AudioError(
      frames < declared
        ? `truncated: the FLAC frames hold ${frames} of the ${declared} samples STREAMINFO declares`
        : `corrupt: the FLAC frames hold ${frames} samples, STREAMINFO declares ${declared}`,
    );
  }
  if (frames === 0) throw new AudioError('no audio: the FLAC file has no frames');
  const long = durationLimitReason(frames, sampleRate);
  if (long) throw new AudioError(long);
  return { sampleRate, channelCount, bitsPerSample, frames, streamInfo: si, blocks };
}

interface StreamParams {
  sampleRate: number;
  channelCount: number;
  bitsPerSample: number;
}

interface FrameHeader {
  /** Bytes of the header, CRC-8 included. */
  length: number;
  samples: number;
  /** Frame number (fixed block size) or first sample number (variable). */
  number: number;
  variable: boolean;
}

/**
 * The audio frames from `pos` on. A frame has no length field: it ends where the bytes since its start have a zero
 * CRC-16 remainder and the next frame header (valid CRC-8, the next number) begins, or at the end of the file.
 */
function walkFrames(bytes: Uint8Array, pos: number, stream: StreamParams, declared: number): FlacInfo['blocks'] {
  const blocks: FlacInfo['blocks'] = [];
  let samples = 0;
  let variable: boolean | null = null;
  while (pos < bytes.length) {
    const at = `the FLAC frame at byte ${pos}`;
    const header = frameHeader(bytes, pos, stream);
    if (header === null) {
      // Padding or tags after the last frame are ignored once every declared sample is there.
      if (blocks.length > 0 && declared > 0 && samples === declared) break;
      throw new AudioError(`corrupt: no FLAC frame header at byte ${pos}`);
    }
    if (typeof header === 'string') throw new AudioError(`corrupt: ${at}: ${header}`);
    variable ??= header.variable;
    const expected = header.variable ? samples : blocks.length;
    if (header.variable !== variable || header.number !== expected) {
      throw new AudioError(
        `corrupt: ${at} is numbered ${header.number}, ${expected} expected (frames missing or damaged)`,
      );
    }
    let crc = 0;
    for (let i = pos; i < pos + header.length; i++) crc = crc16(crc, bytes[i]);
    let end = -1;
    let lastZero = -1;
    for (let q = pos + header.length; q < bytes.length; q++) {
      if (crc === 0 && q >= pos + header.length + 2) {
        lastZero = q;
        if (bytes[q] === 0xff && (bytes[q + 1] & 0xfe) === 0xf8) {
          const next = frameHeader(bytes, q, stream);
          if (
            next !== null &&
            typeof next !== 'string' &&
            next.number === (next.variable ? samples + header.samples : blocks.length + 1)
          ) {
            end = q;
            break;
          }
        }
      }
      crc = crc16(crc, bytes[q]);
    }
    if (end < 0) {
      if (crc === 0) end = bytes.length;
      else if (lastZero > 0 && declared > 0 && samples + header.samples === declared) end = lastZero;
      else {
        throw new AudioError(
          `${declared > 0 && samples + header.samples < declared ? 'truncated or corrupt' : 'corrupt or truncated'}: ${at} (sample ${samples}) fails its CRC check`,
        );
      }
    }
    blocks.push({ start: pos, end, samples: header.samples });
    samples += header.samples;
    pos = end;
  }
  return blocks;
}

const RATES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
const SIZES = [0, 8, 12, 0, 16, 20, 24, 32];

/** The frame header at `pos`: null when no sync code is there, a reason when it is invalid or disagrees. */
function frameHeader(bytes: Uint8Array, pos: number, stream: StreamParams): FrameHeader | string | null {
  if (pos + 6 > bytes.length || bytes[pos] !== 0xff || (bytes[pos + 1] & 0xfe) !== 0xf8) return null;
  const variable = (bytes[pos + 1] & 1) === 1;
  const sizeCode = bytes[pos + 2] >> 4;
  const rateCode = bytes[pos + 2] & 15;
  const channelCode = bytes[pos + 3] >> 4;
  const bitsCode = (bytes[pos + 3] >> 1) & 7;
  if (bytes[pos + 3] & 1 || sizeCode === 0 || rateCode === 15 || channelCode > 10 || bitsCode === 3) {
    return 'reserved values in the header';
  }
  // The frame or sample number, UTF-8 coded (up to 7 bytes).
  let p = pos + 4;
  const first = bytes[p++];
  let extra = 0;
  let number = 0;
  if (first < 0x80) number = first;
  else if (first >= 0xc0 && first < 0xfe) {
    extra = first >= 0xfc ? 5 : first >= 0xf8 ? 4 : first >= 0xf0 ? 3 : first >= 0xe0 ? 2 : 1;
    if (first === 0xfe) extra = 6;
    number = first & (0x3f >> extra);
    for (let k = 0; k < extra; k++) {
      const b = bytes[p++];
      if (b === undefined || (b & 0xc0) !== 0x80) return 'a bad frame number';
      number = number * 64 + (b & 0x3f);
    }
  } else if (first === 0xfe) {
    number = 0;
    for (let k = 0; k < 6; k++) {
      const b = bytes[p++];
      if (b === undefined || (b & 0xc0) !== 0x80) return 'a bad frame number';
      number = number * 64 + (b & 0x3f);
    }
  } else return 'a bad frame number';
  let samples: number;
  if (sizeCode === 1) samples = 192;
  else if (sizeCode <= 5) samples = 576 << (sizeCode - 2);
  else if (sizeCode === 6) samples = bytes[p++] + 1;
  else if (sizeCode === 7) {
    samples = ((bytes[p] << 8) | bytes[p + 1]) + 1;
    p += 2;
  } else samples = 256 << (sizeCode - 8);
  let rate = stream.sampleRate;
  if (rateCode >= 1 && rateCode <= 11) rate = RATES[rateCode];
  else if (rateCode === 12) rate = bytes[p++] * 1000;
  else if (rateCode === 13 || rateCode === 14) {
    rate = ((bytes[p] << 8) | bytes[p + 1]) * (rateCode === 14 ? 10 : 1);
    p += 2;
  }
  if (p >= bytes.length) return null;
  let crc = 0;
  for (let i = pos; i < p; i++) crc = CRC8[crc ^ bytes[i]];
  if (crc !== bytes[p]) return null;
  const channels = channelCode < 8 ? channelCode + 1 : 2;
  const bits = bitsCode === 0 ? stream.bitsPerSample : SIZES[bitsCode];
  if (channels !== stream.channelCount) return `${channels} channels, STREAMINFO says ${stream.channelCount}`;
  if (bits !== stream.bitsPerSample) return `${bits} bits per sample, STREAMINFO says ${stream.bitsPerSample}`;
  if (rate !== stream.sampleRate) return `${rate} Hz, STREAMINFO says ${stream.sampleRate}`;
  return { length: p + 1 - pos, samples, number, variable };
}

const CRC8 = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    t[i] = c;
  }
  return t;
})();

const CRC16 = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

const crc16 = (crc: number, byte: number): number => ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ byte];

interface FlacGlue extends EmscriptenGlue {
  create_decoder(
    channels: number,
    sampleRate: number,
    bitsPerSample: number,
    samplesDecoded: number,
    outputPtr: number,
    outputLength: number,
    errorString: number,
    stateString: number,
  ): number;
  decode_frame(decoder: number, input: number, length: number): number;
  destroy_decoder(decoder: number): void;
}

/** Heap a decoder needs besides the frame in flight (libFLAC's state and one frame's output). */
const HEADROOM = 4 << 20;

export function decodeFlac(bytes: Uint8Array, start = 0): DecodedAudio {
  const info = inspectFlac(bytes, start);
  const channels: Float32Array[] = [];
  for (let c = 0; c < info.channelCount; c++) channels.push(new Float32Array(info.frames));
  const largest = info.blocks.reduce((m, b) => Math.max(m, b.end - b.start), 42);
  const glue = emscriptenGlue<FlacGlue>('@wasm-audio-decoders/flac', HEADROOM + 2 * largest);
  const fields = glue.malloc(8 * 4);
  if (!fields) throw new AudioError('the FLAC decoder has no memory left');
  const field = (i: number) => fields + 4 * i;
  const read = (i: number) => new Uint32Array(glue.HEAP, field(i), 1)[0];
  const decoder = glue.create_decoder(field(0), field(1), field(2), field(3), field(4), field(5), field(6), field(7));
  // The divisor the package used, and the WAV reader's: integer / 2^(bits - 1).
  const bits = info.bitsPerSample;
  const packaged = bits === 32 ? 1 : 2 ** (bits - 1) - 1;
  const scale = bits === 32 ? 1 : 2 ** -(bits - 1);
  try {
    // STREAMINFO alone, as the last metadata block: libFLAC then reads exactly one frame per call after it.
    const header = new Uint8Array(42);
    header.set([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34]);
    header.set(info.streamInfo, 8);
    feed(glue, decoder, header, fields);
    let at = 0;
    for (const block of info.blocks) {
      const n = feed(glue, decoder, bytes.subarray(block.start, block.end), fields);
      if (n !== block.samples) {
        throw new AudioError(
          `corrupt: the FLAC frame at byte ${block.start} decodes to ${n} samples, not ${block.samples}`,
        );
      }
      const out = read(4);
      const pcm = new Float32Array(glue.HEAP, out, n * info.channelCount);
      for (let c = 0; c < info.channelCount; c++) {
        const dst = channels[c];
        const src = pcm.subarray(c * n, (c + 1) * n);
        if (bits === 32) dst.set(src, at);
        else for (let k = 0; k < n; k++) dst[at + k] = Math.round(src[k] * packaged) * scale;
      }
      glue.free(out);
      at += n;
    }
  } finally {
    glue.destroy_decoder(decoder);
    glue.free(fields);
  }
  return { sampleRate: info.sampleRate, channels };
}

/** Hands libFLAC one buffer (it frees it once read) and processes one block; the samples it decoded. */
function feed(glue: FlacGlue, decoder: number, data: Uint8Array, fields: number): number {
  const input = glue.malloc(Math.max(1, data.length));
  if (!input) throw new AudioError('the FLAC decoder has no memory left');
  new Uint8Array(glue.HEAP, input, data.length).set(data);
  new Uint32Array(glue.HEAP, fields, 8).fill(0, 3, 8);
  glue.decode_frame(decoder, input, data.length);
  const f = new Uint32Array(glue.HEAP, fields, 8);
  const problem = [f[6], f[7]]
    .filter((p) => p !== 0)
    .map((p) => cString(glue, p))
    .filter((s) => s !== '');
  if (problem.length > 0) {
    if (f[4]) glue.free(f[4]);
    throw new AudioError(`corrupt: libFLAC reports ${problem.join('; ')}`);
  }
  return f[3];
}

function cString(glue: EmscriptenGlue, ptr: number): string {
  const heap = new Uint8Array(glue.HEAP);
  let s = '';
  for (let p = ptr; heap[p] !== 0 && s.length < 200; p++) s += String.fromCharCode(heap[p]);
  return s;
}
