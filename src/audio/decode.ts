// One entry for every format: the format found from the bytes (format.ts), then that format's header check or
// decoder. WAV needs no more than its header and data chunk; the compressed formats are given the whole file.
import { AudioError } from './audio-error.js';
import { decodeFlac, inspectFlac } from './flac.js';
import { sniffAudio, type AudioFormat, type AudioSummary } from './format.js';
import { decodeMp3, inspectMp3 } from './mp3.js';
import { decodeOpus, inspectOpus } from './opus.js';
import { decodeVorbis, inspectVorbis } from './vorbis.js';
import { decodeWav, inspectWav, type DecodedAudio } from './wav.js';
import { WAV_LIMITS } from './wav-limits.js';
import { discardEmscriptenGlue } from '../wasm/emscripten.js';

const PACKAGES: Partial<Record<AudioFormat, string>> = {
  flac: '@wasm-audio-decoders/flac',
  opus: 'opus-decoder',
  vorbis: '@wasm-audio-decoders/ogg-vorbis',
  mp3: 'mpg123-decoder',
};

export const FORMAT_NAMES: Record<AudioFormat, string> = {
  wav: 'WAV',
  flac: 'FLAC',
  opus: 'Ogg Opus',
  vorbis: 'Ogg Vorbis',
  mp3: 'MP3',
};

/** Decodes a file held in memory (`bytes` may be a WAV file's first `fileLength` bytes); `name` words errors only. */
export function decodeAudio(
  bytes: Uint8Array,
  fileLength: number,
  name: string,
  samples?: Float32Array[],
): DecodedAudio {
  const { format, start } = sniffAudio(bytes, name);
  try {
    return decodeAs(format, start, bytes, fileLength, samples);
  } catch (err) {
    if (err instanceof AudioError || format === 'wav') throw err;
    // A trap inside a decoder (hostile data it does not check): the file is bad, the instance is not kept.
    discardEmscriptenGlue(PACKAGES[format]!);
    throw new AudioError(
      `corrupt: the ${FORMAT_NAMES[format]} decoder stopped (${(err as Error)?.message ?? String(err)})`,
    );
  }
}

function decodeAs(
  format: AudioFormat,
  start: number,
  bytes: Uint8Array,
  fileLength: number,
  samples?: Float32Array[],
): DecodedAudio {
  switch (format) {
    case 'wav':
      return decodeWav(bytes, fileLength, samples);
    case 'flac':
      return decodeFlac(bytes, start);
    case 'opus':
      return decodeOpus(bytes);
    case 'vorbis':
      return decodeVorbis(bytes);
    case 'mp3':
      return decodeMp3(bytes, start);
  }
}

/** Everything the decoder checks short of decoding, for a whole compressed file (WAV files have their own probe). */
export function inspectCompressed(bytes: Uint8Array, name: string): AudioSummary & { format: AudioFormat } {
  const { format, start } = sniffAudio(bytes, name);
  try {
    return inspectAs(format, start, bytes);
  } catch (err) {
    // Reading past the end of a hostile header is a bad file, not a crash.
    if (err instanceof RangeError)
      throw new AudioError(`corrupt: unreadable ${FORMAT_NAMES[format]} header (${err.message})`);
    throw err;
  }
}

function inspectAs(format: AudioFormat, start: number, bytes: Uint8Array): AudioSummary & { format: AudioFormat } {
  switch (format) {
    case 'wav': {
      const s = inspectWav(bytes);
      return { format, sampleRate: s.sampleRate, channelCount: s.channelCount, frames: s.frames };
    }
    case 'flac':
      return { format, ...inspectFlac(bytes, start) };
    case 'opus':
      return { format, ...inspectOpus(bytes) };
    case 'vorbis':
      return { format, ...inspectVorbis(bytes) };
    case 'mp3':
      return { format, ...inspectMp3(bytes, start) };
  }
}

/** Why a compressed file of `size` bytes is too large to read whole, or null. */
export function compressedSizeReason(size: number): string | null {
  if (size <= WAV_LIMITS.maxCompressedBytes) return null;
  return `too large: ${size} bytes of compressed audio; audiogen reads at most ${WAV_LIMITS.maxCompressedBytes / 2 ** 20} MiB per file`;
}

export { AudioError };
