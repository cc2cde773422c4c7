// Ogg Opus (RFC 7845): the header and the stream checked from the container alone (inspectOpus), and decoded at
// 48 kHz by libopus (the opus-decoder package's wasm build). What is kept follows the granule positions: the
// first `pre-skip` samples are the encoder's and are dropped, and the end is trimmed to the last page's position,
// as opusdec does; the header's output gain is applied.
import type { DecodedAudio } from './wav.js';
import { AudioError } from './audio-error.js';
import type { AudioSummary } from './format.js';
import { readOgg, type OggPacket } from './ogg.js';
import { durationLimitReason, formatLimitReason } from './wav-limits.js';
import { emscriptenGlue, type EmscriptenGlue } from '../wasm/emscripten.js';

export const OPUS_RATE = 48000;
/** The longest Opus packet: 120 ms at 48 kHz. */
const MAX_PACKET_SAMPLES = 5760;
/** Heap a decoder needs besides the buffers (libopus' state is tens of kB per stream). */
const HEADROOM = 4 << 20;

export interface OpusHeader {
  channels: number;
  preSkip: number;
  /** Output gain in dB (applied to the decoded samples). */
  gainDb: number;
  streams: number;
  coupled: number;
  mapping: Uint8Array;
}

export interface OpusStream {
  header: OpusHeader;
  /** The audio packets, after the two header packets. */
  packets: OggPacket[];
  /** Granule position of the first decoded sample (0 for a stream that starts at the beginning). */
  firstGranule: number;
  /** The samples kept: from `start` to `end` in granule positions. */
  start: number;
  end: number;
}

/** Everything the decoder relies on, from the container and the packets' table-of-contents bytes. */
export function inspectOpus(bytes: Uint8Array): AudioSummary {
  const s = parseOpus(bytes);
  return { sampleRate: OPUS_RATE, channelCount: s.header.channels, frames: s.end - s.start };
}

export function parseOpus(bytes: Uint8Array): OpusStream {
  const { packets, lastGranule } = readOgg(bytes);
  if (packets.length < 2) throw new AudioError('truncated: the Ogg Opus stream ends inside its headers');
  const header = parseHead(packets[0].data);
  const limit = formatLimitReason(header.channels, OPUS_RATE);
  if (limit) throw new AudioError(limit);
  if (!startsWith(packets[1].data, 'OpusTags')) throw new AudioError('corrupt: the second Opus packet is not OpusTags');
  const audio = packets.slice(2);
  if (audio.length === 0) throw new AudioError('no audio: the Opus stream has no audio packets');
  // The granule position of the first page that ends a packet, less the samples up to there, is where decoding starts.
  let total = 0;
  let firstGranule = Number.NaN;
  for (const [i, p] of audio.entries()) {
    const n = packetSamples(p.data);
    if (n < 0) throw new AudioError(`corrupt: Opus packet ${i} is malformed`);
    total += n;
    // Audio on the last page only: its position trims the end, not the start (RFC 7845, 4.4).
    if (Number.isNaN(firstGranule) && p.granule >= 0) firstGranule = p.final ? 0 : p.granule - total;
  }
  if (lastGranule < 0 || Number.isNaN(firstGranule)) {
    throw new AudioError('corrupt: the Ogg Opus stream has no granule position on its last page');
  }
  const start = Math.max(header.preSkip, firstGranule);
  const end = lastGranule;
  if (end > firstGranule + total) {
    throw new AudioError(
      `truncated: the last page's granule position is ${end - firstGranule} samples in, the packets hold ${total}`,
    );
  }
  if (end <= start) throw new AudioError('no audio: the Opus stream ends before its pre-skip does');
  const long = durationLimitReason(end - start, OPUS_RATE);
  if (long) throw new AudioError(long);
  return { header, packets: audio, firstGranule, start, end };
}

function parseHead(p: Uint8Array): OpusHeader {
  if (p.length < 19 || !startsWith(p, 'OpusHead')) throw new AudioError('corrupt: no OpusHead packet');
  if (p[8] >> 4 !== 0) throw new AudioError(`unsupported: Opus header version ${p[8]}`);
  const view = new DataView(p.buffer, p.byteOffset, p.length);
  const channels = p[9];
  const preSkip = view.getUint16(10, true);
  const gainDb = view.getInt16(16, true) / 256;
  const family = p[18];
  if (channels === 0) throw new AudioError('bad header: 0 channels');
  if (family === 0) {
    if (channels > 2) throw new AudioError(`corrupt: ${channels} channels with Opus channel mapping family 0`);
    return {
      channels,
      preSkip,
      gainDb,
      streams: 1,
      coupled: channels - 1,
      mapping: Uint8Array.from([0, 1].slice(0, channels)),
    };
  }
  if (family !== 1 && family !== 2 && family !== 255) {
    throw new AudioError(`unsupported: Opus channel mapping family ${family}`);
  }
  if (p.length < 21 + channels) throw new AudioError('corrupt: the OpusHead channel mapping table is cut short');
  const streams = p[19];
  const coupled = p[20];
  const mapping = p.slice(21, 21 + channels);
  if (
    streams === 0 ||
    coupled > streams ||
    streams + coupled > 255 ||
    mapping.some((m) => m !== 255 && m >= streams + coupled)
  ) {
    throw new AudioError('corrupt: the OpusHead channel mapping is inconsistent');
  }
  return { channels, preSkip, gainDb, streams, coupled, mapping };
}

/** Samples (at 48 kHz) of one Opus packet from its table-of-contents byte (RFC 6716, 3.1); -1 when malformed. */
export function packetSamples(p: Uint8Array): number {
  if (p.length === 0) return -1;
  const config = p[0] >> 3;
  const size =
    config < 12
      ? [480, 960, 1920, 2880][config & 3]
      : config < 16
        ? [480, 960][config & 1]
        : [120, 240, 480, 960][config & 3];
  const code = p[0] & 3;
  let frames = code === 0 ? 1 : code < 3 ? 2 : -1;
  if (code === 3) {
    if (p.length < 2) return -1;
    frames = p[1] & 0x3f;
  }
  const n = frames * size;
  return frames === 0 || n > MAX_PACKET_SAMPLES ? -1 : n;
}

interface OpusGlue extends EmscriptenGlue {
  opus_frame_decoder_create(
    rate: number,
    channels: number,
    streams: number,
    coupled: number,
    mapping: number,
    preSkip: number,
    forceStereo: number,
  ): number;
  opus_frame_decode_float_deinterleaved(decoder: number, input: number, length: number, output: number): number;
  opus_frame_decoder_destroy(decoder: number): void;
}

const OPUS_ERRORS: Record<number, string> = {
  [-1]: 'bad argument',
  [-2]: 'buffer too small',
  [-3]: 'internal error',
  [-4]: 'invalid packet',
  [-5]: 'unimplemented',
  [-6]: 'invalid state',
  [-7]: 'allocation failed',
};

export function decodeOpus(bytes: Uint8Array): DecodedAudio {
  const stream = parseOpus(bytes);
  const { header, packets, firstGranule, start, end } = stream;
  const channels: Float32Array[] = [];
  for (let c = 0; c < header.channels; c++) channels.push(new Float32Array(end - start));
  const maxPacket = packets.reduce((m, p) => Math.max(m, p.data.length), 0);
  const glue = emscriptenGlue<OpusGlue>(
    'opus-decoder',
    HEADROOM + maxPacket + MAX_PACKET_SAMPLES * 8 * header.channels,
  );
  const input = glue.malloc(maxPacket);
  const output = glue.malloc(MAX_PACKET_SAMPLES * header.channels * 4);
  const mapping = glue.malloc(header.channels);
  if (!input || !output || !mapping) {
    for (const p of [input, output, mapping]) if (p) glue.free(p);
    throw new AudioError(`too large for the Opus decoder's memory (a packet of ${maxPacket} bytes)`);
  }
  new Uint8Array(glue.HEAP, mapping, header.channels).set(header.mapping);
  const decoder = glue.opus_frame_decoder_create(
    OPUS_RATE,
    header.channels,
    header.streams,
    header.coupled,
    mapping,
    0,
    0,
  );
  try {
    if (!decoder) throw new AudioError('the Opus decoder could not be created');
    const gain = header.gainDb === 0 ? 1 : 10 ** (header.gainDb / 20);
    let position = firstGranule;
    // The heap never grows (nor moves): one view of it serves every packet.
    const heap = new Uint8Array(glue.HEAP);
    const pcm = new Float32Array(glue.HEAP, output, MAX_PACKET_SAMPLES * header.channels);
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i];
      heap.set(p.data, input);
      const n = glue.opus_frame_decode_float_deinterleaved(decoder, input, p.data.length, output);
      if (n < 0) throw new AudioError(`corrupt: Opus packet ${i} does not decode (libopus: ${OPUS_ERRORS[n] ?? n})`);
      // Planar output, `n` samples per channel; keep the part inside [start, end).
      const from = Math.max(start, position);
      const to = Math.min(end, position + n);
      if (to > from) {
        for (let c = 0; c < header.channels; c++) {
          const src = pcm.subarray(c * n + (from - position), c * n + (to - position));
          const dst = channels[c].subarray(from - start, to - start);
          if (gain === 1) dst.set(src);
          else for (let k = 0; k < src.length; k++) dst[k] = src[k] * gain;
        }
      }
      position += n;
    }
    if (position < end)
      throw new AudioError(`truncated: the Opus packets decode to ${position - start} of ${end - start} samples`);
  } finally {
    if (decoder) glue.opus_frame_decoder_destroy(decoder);
    glue.free(input);
    glue.free(output);
    glue.free(mapping);
  }
  return { sampleRate: OPUS_RATE, channels };
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}
