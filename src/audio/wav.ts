// WAV reader (RIFF/RIFX/RF64 containers; PCM, IEEE float, G.711 and EXTENSIBLE) and a mono 16-bit PCM writer.
// Decoded values follow scipy.io.wavfile.read converted to float: int / 2^(container bits - 1),
// 8-bit unsigned (x - 128) / 128, floats unchanged, µ-law/A-law by the G.711 expansion to 16 bits / 32768.
//
// Rules for ambiguous files (each the behaviour of decodeWav):
// - The RIFF size is advisory: writers often leave it stale, so chunk sizes alone drive the walk.
// - The walk stops once both fmt and data are found: trailing chunks or junk after them cannot break the audio.
// - The first fmt and the first data chunk win; fmt may come before or after data.
// - A chunk (other than data) whose size runs past the end of the file is a truncated header: error.
// - A data chunk declaring more bytes than the file holds is a truncated file: error.
// - Streaming sentinels mean "data runs to end of file": data size 0xFFFFFFFF, or data size 0 with RIFF size 0/0xFFFFFFFF.
// - RF64/BW64: a 32-bit size of 0xFFFFFFFF on data takes the 64-bit size from the ds64 chunk, which must precede data.
// - A trailing partial frame (data size not a multiple of block align) is dropped: whole frames only.
// - Zero whole frames is an error (nothing to train on), not an empty result.
// - Odd-sized chunks are followed by a zero pad byte. A non-zero byte there is either a missing pad (a writer bug) or
//   a garbage pad: the pad counts unless the unpadded position looks more like a chunk (a common id beats a
//   printable id whose size fits, which beats anything else).
// - Fewer than 8 bytes left cannot hold a chunk header: they end the walk (stray bytes, a missing final pad).
// - nAvgBytesPerSec and dwChannelMask are ignored: nothing in decoding depends on them.
// - Block align must equal channels x container bytes (ceil(bits / 8); EXTENSIBLE: wBitsPerSample / 8), else error.
// - PCM samples are left-justified in their container (12-bit in 16, EXTENSIBLE valid bits 20 in 24) and scaled by
//   the container size, as scipy does; containers of 1 byte are unsigned, wider ones (up to 8 bytes) signed.
// - EXTENSIBLE subformats are read only from the standard KSDATAFORMAT GUID family (PCM, float, A-law, µ-law).
// - Floats are passed through unchanged, including values beyond [-1, 1]; a NaN or ±Inf sample makes the file bad.
// - Rate, channels and duration are bounded (wav-limits.ts) before anything is allocated.

import { AudioError } from './audio-error.js';
import { decodeSamples, firstNonFinite } from './wav-samples.js';
import { durationLimitReason, formatLimitReason } from './wav-limits.js';

export class WavError extends AudioError {
  override name = 'WavError';
}

export interface DecodedAudio {
  sampleRate: number;
  /** One array per channel, in file order; values nominally in [-1, 1]. */
  channels: Float32Array[];
}

export type SampleKind = 'uint8' | 'int16' | 'int24' | 'int32' | 'int64' | 'float32' | 'float64' | 'ulaw' | 'alaw';

export interface WavFormat {
  kind: SampleKind;
  channelCount: number;
  sampleRate: number;
  blockAlign: number;
  bytesPerSample: number;
}

const STREAM_SIZE = 0xffffffff;

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;

// Names for the format tags people meet, so "unsupported codec" says what the file is.
const CODEC_NAMES: Record<number, string> = {
  0x0000: 'unknown',
  0x0002: 'MS ADPCM',
  0x0010: 'OKI ADPCM',
  0x0011: 'IMA ADPCM',
  0x0017: 'Dialogic OKI ADPCM',
  0x0022: 'TrueSpeech',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0045: 'G.726 ADPCM',
  0x0050: 'MPEG-1 audio',
  0x0055: 'MPEG Layer 3',
  0x0064: 'G.726 ADPCM',
  0x0065: 'G.722 ADPCM',
  0x0092: 'AC-3 over S/PDIF',
  0x00ff: 'AAC',
  0x0161: 'Windows Media Audio',
  0x0162: 'Windows Media Audio Pro',
  0x0163: 'Windows Media Audio Lossless',
  0x1610: 'HE-AAC',
  0x2000: 'AC-3',
  0x2001: 'DTS',
  0x674f: 'Ogg Vorbis',
  0xf1ac: 'FLAC',
  0xfffe: 'WAVE_FORMAT_EXTENSIBLE',
  0xffff: 'development',
};

// The last 8 bytes of every KSDATAFORMAT_SUBTYPE_* GUID {XXXXXXXX-0000-0010-8000-00AA00389B71}.
const KS_GUID_TAIL = [0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

interface ParsedWav {
  format: WavFormat;
  dataOffset: number;
  frames: number;
  le: boolean;
  /** The bytes of the file decoding needs: through the header walk and the data chunk's whole frames. */
  end: number;
}

/**
 * Decodes a WAV file held in memory; throws WavError (message = the reason) on anything it cannot read. `bytes` may
 * be the file's first WavSummary.end bytes of `fileLength` (a valid clip followed by junk need not be read whole).
 * With `samples`, the channels are decoded into those arrays (grown when too short) and returned as views of them.
 */
export function decodeWav(bytes: Uint8Array, fileLength = bytes.length, samples?: Float32Array[]): DecodedAudio {
  let parsed: ParsedWav;
  try {
    parsed = parseWav(bytes, fileLength);
  } catch (err) {
    if (err === PAST_PREFIX) throw new WavError('truncated: the file changed while it was read');
    throw err;
  }
  const { format, dataOffset, frames, le } = parsed;
  checkFiniteFloats(bytes, dataOffset, frames, format, le);
  const channels: Float32Array[] = [];
  for (let c = 0; c < format.channelCount; c++) {
    if (samples === undefined) channels.push(new Float32Array(frames));
    else {
      if (!(samples[c]?.length >= frames)) samples[c] = new Float32Array(frames);
      channels.push(samples[c].subarray(0, frames));
    }
  }
  decodeSamples(bytes, dataOffset, frames, format, le, channels);
  return { sampleRate: format.sampleRate, channels };
}

export interface WavSummary {
  sampleRate: number;
  channelCount: number;
  frames: number;
  /** Where the samples are, for a caller that checks float samples itself (checkFiniteFloats). */
  format: WavFormat;
  dataOffset: number;
  littleEndian: boolean;
  /** How many of the file's first bytes decodeWav needs. */
  end: number;
}

/**
 * Everything decodeWav checks from the header, without converting the samples (a cheap check of a file before it
 * is used); float samples are checked by checkFiniteFloats.
 */
export function inspectWav(bytes: Uint8Array): WavSummary {
  return summary(parseWav(bytes, bytes.length));
}

/** Whether a format's samples can be NaN or infinite (and so need checkFiniteFloats). */
export const isFloatFormat = (format: WavFormat): boolean => format.kind === 'float32' || format.kind === 'float64';

/**
 * Throws a WavError naming the first sample of `frames` whole frames at `offset` that is NaN or ±Inf once decoded
 * (float formats only; `firstFrame` is the first frame's number in the file, for the message).
 */
export function checkFiniteFloats(
  bytes: Uint8Array,
  offset: number,
  frames: number,
  format: WavFormat,
  le: boolean,
  firstFrame = 0,
): void {
  if (format.kind !== 'float32' && format.kind !== 'float64') return;
  const n = format.channelCount;
  const i = firstNonFinite(bytes, offset, frames * n, format.kind, le);
  if (i < 0) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const at = offset + i * format.bytesPerSample;
  const v = format.kind === 'float32' ? view.getFloat32(at, le) : view.getFloat64(at, le);
  const what = Number.isNaN(v)
    ? 'NaN'
    : v === Infinity
      ? '+Inf'
      : v === -Infinity
        ? '-Inf'
        : `${v}, beyond the float32 range`;
  throw new WavError(`sample ${firstFrame + Math.floor(i / n)} of channel ${i % n} is ${what}`);
}

/**
 * inspectWav from the first bytes of a file of `fileLength` bytes: the same answer, or null when the header
 * reaches past `prefix` (then inspect the whole file).
 */
export function inspectWavHeader(prefix: Uint8Array, fileLength: number): WavSummary | null {
  try {
    return summary(parseWav(prefix, fileLength));
  } catch (err) {
    if (err === PAST_PREFIX) return null;
    throw err;
  }
}

function summary({ format, frames, dataOffset, le, end }: ParsedWav): WavSummary {
  return {
    sampleRate: format.sampleRate,
    channelCount: format.channelCount,
    frames,
    format,
    dataOffset,
    littleEndian: le,
    end,
  };
}

/** Thrown when parseWav needs bytes past the prefix it was given. */
const PAST_PREFIX = new Error('the WAV header reaches past the bytes read');

/** Parses the header; `bytes` may be the first part of a file of `length` bytes (see inspectWavHeader). */
function parseWav(bytes: Uint8Array, length: number): ParsedWav {
  const partial = bytes.length < length;
  // The furthest byte the walk looked at: beyond the prefix it must stop (PAST_PREFIX).
  let reached = 12;
  const reach = (to: number) => {
    if (to > reached) reached = to;
    if (partial && to > bytes.length) throw PAST_PREFIX;
  };
  reach(12);
  if (length === 0) throw new WavError('not a WAV file: empty (0 bytes)');
  if (length < 12) throw new WavError(`not a WAV file: ${length} bytes, shorter than a RIFF header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const magic = fourcc(bytes, 0);
  const bigEndian = magic === 'RIFX';
  const rf64 = magic === 'RF64' || magic === 'BW64';
  if (magic !== 'RIFF' && !bigEndian && !rf64) {
    throw new WavError(`not a WAV file: no RIFF/RIFX/RF64 magic (starts with ${quote(magic)})`);
  }
  const form = fourcc(bytes, 8);
  if (form !== 'WAVE') throw new WavError(`not a WAV file: ${magic} form type is ${quote(form)}, not 'WAVE'`);
  const le = !bigEndian;
  const riffSize = view.getUint32(4, le);

  let format: WavFormat | undefined;
  let dataOffset = -1;
  let dataSize = 0;
  let ds64DataSize = -1;
  let pos = 12;
  while (format === undefined || dataOffset < 0) {
    if (pos + 8 > length) break;
    reach(pos + 8);
    const id = fourcc(bytes, pos);
    const size = view.getUint32(pos + 4, le);
    const body = pos + 8;
    const present = length - body;
    let bodySize = size;
    if (id === 'data' && dataOffset < 0) {
      dataOffset = body;
      if (rf64 && size === STREAM_SIZE) {
        if (ds64DataSize < 0) throw new WavError(`bad header: ${magic} data chunk needs a ds64 chunk before it`);
        dataSize = ds64DataSize;
      } else if (!rf64 && (size === STREAM_SIZE || (size === 0 && (riffSize === 0 || riffSize === STREAM_SIZE)))) {
        dataSize = present;
        break;
      } else {
        dataSize = size;
      }
      if (dataSize > present) {
        throw new WavError(`truncated: data chunk declares ${dataSize} bytes, ${present} present`);
      }
      bodySize = dataSize;
    } else {
      if (size > present) {
        throw new WavError(`truncated: ${quote(id)} chunk at byte ${pos} declares ${size} bytes, ${present} present`);
      }
      // The body, and the bytes after it that decide a missing pad byte (nextChunk).
      reach(body + size + 9);
      if (id === 'fmt ' && format === undefined) format = parseFmt(bytes, view, body, size, le);
      else if (id === 'ds64' && rf64 && ds64DataSize < 0) ds64DataSize = parseDs64(view, body, size);
    }
    // Both found: the walk is over (and need not look past the data chunk).
    if (format !== undefined && dataOffset >= 0) break;
    reach(body + bodySize + 9);
    pos = nextChunk(bytes, view, body, bodySize, le, length);
  }
  if (format === undefined) throw new WavError(dataOffset < 0 ? 'no fmt chunk and no data chunk' : 'no fmt chunk');
  if (dataOffset < 0) throw new WavError('no data chunk');

  const frames = Math.floor(dataSize / format.blockAlign);
  if (frames === 0) {
    throw new WavError(`no audio: data chunk holds 0 whole frames (${dataSize} bytes, ${format.blockAlign} per frame)`);
  }
  const tooLong = durationLimitReason(frames, format.sampleRate);
  if (tooLong) throw new WavError(tooLong);
  return {
    format,
    dataOffset,
    frames,
    le,
    end: Math.min(length, Math.max(reached, dataOffset + frames * format.blockAlign)),
  };
}

/** The mean of the channels; a mono file's own channel array (not a copy). */
export function mixToMono(audio: DecodedAudio): Float32Array {
  const chans = audio.channels;
  if (chans.length === 1) return chans[0];
  if (chans.length === 0) return new Float32Array(0);
  const frames = chans[0].length;
  const out = new Float32Array(frames);
  const n = chans.length;
  if (n === 2) {
    const a = chans[0];
    const b = chans[1];
    for (let i = 0; i < frames; i++) out[i] = (a[i] + b[i]) / 2;
    return out;
  }
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < n; c++) sum += chans[c][i];
    out[i] = sum / n;
  }
  return out;
}

/** A mono 16-bit PCM WAV (44-byte header): x * 32768 rounded half to even, saturated to the int16 range, NaN as 0. */
export function encodeWavPcm16(samples: Float32Array, sampleRate: number): Buffer {
  const out = Buffer.alloc(44 + samples.length * 2);
  wavPcm16Header(samples.length, sampleRate).copy(out, 0);
  floatToPcm16(samples, new Int16Array(out.buffer, out.byteOffset + 44, samples.length));
  return out;
}

/** The 44-byte header of a mono 16-bit PCM WAV file of `frames` samples (a file written in pieces starts with it). */
export function wavPcm16Header(frames: number, sampleRate: number): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new Error(`sample rate must be a positive integer, got ${sampleRate}`);
  }
  const dataBytes = frames * 2;
  if (36 + dataBytes > 0xffffffff) throw new Error(`${frames} samples do not fit a RIFF WAV file`);
  const out = Buffer.alloc(44);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(FORMAT_PCM, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  return out;
}

/** Float samples to int16 as the WAV writer stores them: × 32768 rounded half to even, saturated, NaN as 0. */
export function floatToPcm16(samples: Float32Array, out: Int16Array): void {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] * 32768;
    let q: number;
    if (v >= 32767) q = 32767;
    else if (v <= -32768) q = -32768;
    else if (!Number.isNaN(v)) {
      q = Math.round(v);
      if (q - v === 0.5 && (q & 1) !== 0) q -= 1; // Math.round sends halves up; ties go to even like numpy/lrint
    } else q = 0;
    out[i] = q;
  }
}

function parseFmt(bytes: Uint8Array, view: DataView, at: number, size: number, le: boolean): WavFormat {
  if (size < 16) throw new WavError(`bad header: fmt chunk is ${size} bytes, needs at least 16`);
  let tag = view.getUint16(at, le);
  const channelCount = view.getUint16(at + 2, le);
  const sampleRate = view.getUint32(at + 4, le);
  const blockAlign = view.getUint16(at + 12, le);
  const bits = view.getUint16(at + 14, le);
  const outOfBounds = formatLimitReason(channelCount, sampleRate);
  if (outOfBounds) throw new WavError(outOfBounds);
  const extensible = tag === FORMAT_EXTENSIBLE;
  if (extensible) tag = extensibleSubformat(bytes, view, at, size, le);

  let kind: SampleKind;
  let bytesPerSample: number;
  if (tag === FORMAT_PCM) {
    if (bits === 0) throw new WavError('bad header: 0 bits per sample');
    if (extensible && bits % 8 !== 0) {
      throw new WavError(`bad header: WAVE_FORMAT_EXTENSIBLE container of ${bits} bits is not whole bytes`);
    }
    bytesPerSample = Math.ceil(bits / 8);
    if (bytesPerSample > 8) throw new WavError(`unsupported codec: ${bits}-bit integer PCM`);
    kind = bytesPerSample > 4 ? 'int64' : (['uint8', 'int16', 'int24', 'int32'] as const)[bytesPerSample - 1];
  } else if (tag === FORMAT_FLOAT) {
    if (bits !== 32 && bits !== 64) throw new WavError(`unsupported codec: ${bits}-bit IEEE float`);
    bytesPerSample = bits / 8;
    kind = bits === 32 ? 'float32' : 'float64';
  } else if (tag === FORMAT_MULAW || tag === FORMAT_ALAW) {
    const name = tag === FORMAT_MULAW ? 'mu-law' : 'A-law';
    if (bits !== 8) throw new WavError(`bad header: ${name} needs 8 bits per sample, fmt says ${bits}`);
    bytesPerSample = 1;
    kind = tag === FORMAT_MULAW ? 'ulaw' : 'alaw';
  } else {
    const what = extensible ? 'WAVE_FORMAT_EXTENSIBLE subformat' : 'format tag';
    throw new WavError(`unsupported codec: ${what} ${hex4(tag)} (${CODEC_NAMES[tag] ?? 'unknown'})`);
  }
  if (blockAlign !== channelCount * bytesPerSample) {
    throw new WavError(
      `bad header: block align ${blockAlign} does not match ${channelCount} channels x ${bits} bits ` +
        `(expected ${channelCount * bytesPerSample})`,
    );
  }
  return { kind, channelCount, sampleRate, blockAlign, bytesPerSample };
}

/** The format tag inside a WAVE_FORMAT_EXTENSIBLE fmt chunk (the SubFormat GUID's first field). */
function extensibleSubformat(bytes: Uint8Array, view: DataView, at: number, size: number, le: boolean): number {
  const extension = size >= 18 ? view.getUint16(at + 16, le) : 0;
  if (size < 40 || extension < 22) {
    throw new WavError(
      `bad header: WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes with a ${extension}-byte extension, needs 40 and 22`,
    );
  }
  const guid = at + 24;
  const data1 = view.getUint32(guid, le);
  const standard =
    data1 <= 0xffff &&
    view.getUint16(guid + 4, le) === 0x0000 &&
    view.getUint16(guid + 6, le) === 0x0010 &&
    KS_GUID_TAIL.every((b, i) => bytes[guid + 8 + i] === b);
  if (!standard) throw new WavError(`unsupported codec: WAVE_FORMAT_EXTENSIBLE subformat ${guidText(view, guid, le)}`);
  if (data1 === FORMAT_EXTENSIBLE) throw new WavError('bad header: WAVE_FORMAT_EXTENSIBLE nested in its own subformat');
  return data1;
}

/** The 64-bit data size from an RF64/BW64 ds64 chunk. */
function parseDs64(view: DataView, at: number, size: number): number {
  if (size < 24) throw new WavError(`bad header: ds64 chunk is ${size} bytes, needs at least 24`);
  const low = view.getUint32(at + 8, true);
  const high = view.getUint32(at + 12, true);
  return high * 0x1_0000_0000 + low;
}

/** The offset of the chunk after one whose body starts at `body`, honouring (or detecting a missing) pad byte. */
function nextChunk(bytes: Uint8Array, view: DataView, body: number, size: number, le: boolean, length: number): number {
  const end = body + size;
  if (size % 2 === 0 || bytes[end] === 0) return end + (size % 2);
  return chunkLikeness(bytes, view, end, le, length) > chunkLikeness(bytes, view, end + 1, le, length) ? end : end + 1;
}

// Chunk ids common in WAV files: a shifted read of one of them is what betrays a missing pad byte.
const COMMON_CHUNK_IDS = new Set([
  'data',
  'fmt ',
  'fact',
  'LIST',
  'JUNK',
  'junk',
  'PAD ',
  'FLLR',
  'cue ',
  'bext',
  'iXML',
  'axml',
  'ds64',
  'smpl',
  'inst',
  'PEAK',
  'id3 ',
  'ID3 ',
  'afsp',
  'acid',
  'DISP',
  'cart',
  'umid',
  'plst',
  'labl',
  'note',
  'ltxt',
  'wavl',
]);

/** 2 for a common chunk id, 1 for another printable id whose body fits the file, 0 for anything else. */
function chunkLikeness(bytes: Uint8Array, view: DataView, at: number, le: boolean, length: number): number {
  if (at + 8 > length) return 0;
  for (let i = at; i < at + 4; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) return 0;
  if (COMMON_CHUNK_IDS.has(fourcc(bytes, at))) return 2;
  return view.getUint32(at + 4, le) <= length - at - 8 ? 1 : 0;
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** A chunk id for a message: printable as is, other bytes as \xNN. */
function quote(id: string): string {
  return `'${id.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

function hex4(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;
}

function guidText(view: DataView, at: number, le: boolean): string {
  const h = (v: number, width: number) => v.toString(16).toUpperCase().padStart(width, '0');
  let tail = '';
  for (let i = 8; i < 16; i++) tail += h(view.getUint8(at + i), 2) + (i === 9 ? '-' : '');
  return `{${h(view.getUint32(at, le), 8)}-${h(view.getUint16(at + 4, le), 4)}-${h(view.getUint16(at + 6, le), 4)}-${tail}}`;
}
