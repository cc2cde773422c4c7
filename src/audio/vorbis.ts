// Ogg Vorbis: the identification header and the stream checked from the container alone (inspectVorbis), then
// decoded by libvorbis (the @wasm-audio-decoders/ogg-vorbis package's wasm build). What is kept follows the granule
// positions, as oggdec does: the end is trimmed to the last page's position, and a stream whose first page is
// positioned before its decoded samples has that many samples dropped from its start.
import type { DecodedAudio } from './wav.js';
import { AudioError } from './audio-error.js';
import { readOgg, type OggPacket } from './ogg.js';
import type { AudioSummary } from './format.js';
import { durationLimitReason, formatLimitReason } from './wav-limits.js';
import { emscriptenGlue, type EmscriptenGlue } from '../wasm/emscripten.js';

interface VorbisStream {
  sampleRate: number;
  channelCount: number;
  /** The three header packets, then the audio packets. */
  headers: OggPacket[];
  packets: OggPacket[];
  lastGranule: number;
}

export function inspectVorbis(bytes: Uint8Array): AudioSummary {
  const s = parseVorbis(bytes);
  return { sampleRate: s.sampleRate, channelCount: s.channelCount, frames: s.lastGranule };
}

function parseVorbis(bytes: Uint8Array): VorbisStream {
  const { packets, lastGranule } = readOgg(bytes);
  if (packets.length < 3) throw new AudioError('truncated: the Ogg Vorbis stream ends inside its headers');
  const id = packets[0].data;
  if (id.length < 30 || !isHeader(id, 1)) throw new AudioError('corrupt: no Vorbis identification header');
  const view = new DataView(id.buffer, id.byteOffset, id.length);
  if (view.getUint32(7, true) !== 0) throw new AudioError(`unsupported: Vorbis version ${view.getUint32(7, true)}`);
  const channelCount = id[11];
  const sampleRate = view.getUint32(12, true);
  const small = id[28] & 15;
  const large = id[28] >> 4;
  if (small < 6 || large > 13 || small > large || (id[29] & 1) === 0) {
    throw new AudioError('corrupt: the Vorbis identification header is invalid');
  }
  const limit = formatLimitReason(channelCount, sampleRate);
  if (limit) throw new AudioError(limit);
  if (!isHeader(packets[1].data, 3))
    throw new AudioError('corrupt: the second Vorbis packet is not its comment header');
  if (!isHeader(packets[2].data, 5)) throw new AudioError('corrupt: the third Vorbis packet is not its setup header');
  const audio = packets.slice(3);
  if (audio.length === 0 || lastGranule <= 0) throw new AudioError('no audio: the Vorbis stream has no audio packets');
  const long = durationLimitReason(lastGranule, sampleRate);
  if (long) throw new AudioError(long);
  return { sampleRate, channelCount, headers: packets.slice(0, 3), packets: audio, lastGranule };
}

function isHeader(p: Uint8Array, type: number): boolean {
  return p.length >= 7 && p[0] === type && String.fromCharCode(...p.subarray(1, 7)) === 'vorbis';
}

interface VorbisGlue extends EmscriptenGlue {
  create_decoder(
    input: number,
    inputLength: number,
    output: number,
    channels: number,
    sampleRate: number,
    samplesDecoded: number,
    errors: number,
    errorsLength: number,
    maxErrors: number,
  ): number;
  send_setup(decoder: number, firstPage: number): void;
  init_dsp(decoder: number): void;
  decode_packets(decoder: number): void;
  destroy_decoder(decoder: number): void;
}

/** Heap a decoder needs besides the packets (libvorbis' setup and state; the package leaks the setup per stream). */
const HEADROOM = 6 << 20;
const MAX_ERRORS = 16;

export function decodeVorbis(bytes: Uint8Array): DecodedAudio {
  const s = parseVorbis(bytes);
  const largest = [...s.headers, ...s.packets].reduce((m, p) => Math.max(m, p.data.length), 1);
  const glue = emscriptenGlue<VorbisGlue>('@wasm-audio-decoders/ogg-vorbis', HEADROOM + largest);
  // input, then 6 words: input length, output pointer, channels, rate, samples decoded, errors length; then errors.
  const input = glue.malloc(largest);
  const words = glue.malloc(4 * (6 + 2 * MAX_ERRORS));
  if (!input || !words) throw new AudioError('the Vorbis decoder has no memory left');
  const word = (i: number) => words + 4 * i;
  const decoder = glue.create_decoder(input, word(0), word(1), word(2), word(3), word(4), word(6), word(5), MAX_ERRORS);
  const fields = () => new Uint32Array(glue.HEAP, words, 6 + 2 * MAX_ERRORS);
  const give = (p: Uint8Array) => {
    new Uint8Array(glue.HEAP, input, p.length).set(p);
    fields()[0] = p.length;
  };
  const check = (what: string) => {
    const f = fields();
    const count = new Int32Array(glue.HEAP, word(5), 1)[0];
    if (count > 0) {
      const messages: string[] = [];
      for (let i = 0; i < Math.min(count, 2 * MAX_ERRORS); i += 2) messages.push(cString(glue, f[6 + i + 1]));
      new Int32Array(glue.HEAP, word(5), 1)[0] = 0;
      throw new AudioError(`corrupt: ${what} does not decode (libvorbis: ${messages.join('; ')})`);
    }
  };
  // Each packet's samples, until the granule positions say which to keep.
  const chunks: Float32Array[][] = [];
  let decoded = 0;
  let firstGranule = Number.NaN;
  try {
    // The identification and setup headers: the package's wrapper supplies the comment header itself.
    for (const i of [0, 2]) {
      give(s.headers[i].data);
      glue.send_setup(decoder, i === 0 ? 1 : 0);
      check(`Vorbis header ${i}`);
    }
    glue.init_dsp(decoder);
    check('the Vorbis setup');
    for (const [i, p] of s.packets.entries()) {
      give(p.data);
      glue.decode_packets(decoder);
      check(`Vorbis packet ${i}`);
      const f = fields();
      const n = f[4];
      // Past the last page's position nothing is kept (a hostile stream may decode to far more).
      if (n > 0 && (Number.isNaN(firstGranule) || decoded < s.lastGranule - firstGranule)) {
        const pcm = new Uint32Array(glue.HEAP, f[1], s.channelCount);
        chunks.push(Array.from(pcm, (ptr) => new Float32Array(glue.HEAP, ptr, n).slice()));
      }
      decoded += n;
      // A stream on one page: its position trims the end only (Vorbis I, A.2).
      if (Number.isNaN(firstGranule) && p.granule >= 0) firstGranule = p.final ? 0 : p.granule - decoded;
    }
  } finally {
    glue.destroy_decoder(decoder);
    glue.free(input);
    glue.free(words);
  }
  if (Number.isNaN(firstGranule)) throw new AudioError('corrupt: no Vorbis page carries a granule position');
  // Samples are numbered from the first decoded one; keep those positioned in [0, last page's granule).
  const start = Math.max(0, -firstGranule);
  const end = s.lastGranule - firstGranule;
  if (end > decoded) {
    throw new AudioError(
      `truncated: the last page's granule position is ${end} samples in, the packets decode to ${decoded}`,
    );
  }
  if (end <= start) throw new AudioError('no audio: the Vorbis stream ends before it starts');
  const channels = Array.from({ length: s.channelCount }, () => new Float32Array(end - start));
  let at = 0;
  for (const chunk of chunks) {
    const n = chunk[0].length;
    const from = Math.max(start, at);
    const to = Math.min(end, at + n);
    if (to > from)
      for (let c = 0; c < s.channelCount; c++) channels[c].set(chunk[c].subarray(from - at, to - at), from - start);
    at += n;
  }
  return { sampleRate: s.sampleRate, channels };
}

function cString(glue: EmscriptenGlue, ptr: number): string {
  const heap = new Uint8Array(glue.HEAP);
  let s = '';
  for (let p = ptr; p > 0 && heap[p] !== 0 && s.length < 200; p++) s += String.fromCharCode(heap[p]);
  return s;
}
