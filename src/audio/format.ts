// Which format a file is, from its first bytes (never from its name): WAV (RIFF, RIFX, RF64, BW64), FLAC, Ogg Opus,
// Ogg Vorbis, MPEG audio. Formats audiogen does not read are named; content nobody recognises gets the message of
// the format its extension promises (a .wav file of text is "not a WAV file", as it always was).
import { AudioError } from './audio-error.js';
import { isFlac } from './flac.js';
import { id3v2Length, mpegFrameHeader } from './mp3.js';
import { firstOggPacket, isOgg } from './ogg.js';

export type AudioFormat = 'wav' | 'flac' | 'opus' | 'vorbis' | 'mp3';

/** What a header says, checked: enough to bound the decode before anything is allocated. */
export interface AudioSummary {
  sampleRate: number;
  channelCount: number;
  /** Samples per channel the decode gives. */
  frames: number;
}

export interface Sniffed {
  format: AudioFormat;
  /** Where the stream starts (after ID3v2 tags, for FLAC and MP3). */
  start: number;
}

const READ = 'audiogen reads WAV, FLAC, Ogg Opus, Ogg Vorbis and MP3';

/**
 * Whether a file's first bytes may be a compressed format (or one audiogen names): such a file is read whole, while
 * anything else goes to the WAV reader, which reads only the header and the data chunk.
 */
export function mayBeCompressed(head: Uint8Array): boolean {
  if (head.length < 4 || isWavMagic(head)) return false;
  if (isOgg(head) || isFlac(head) || ascii(head, 0, 3) === 'ID3' || mpegFrameHeader(head, 0) !== null) return true;
  return knownFormat(head) !== null;
}

/** Whether the first bytes are a RIFF/RIFX/RF64/BW64 header: the WAV reader decides the rest. */
export function isWavMagic(head: Uint8Array): boolean {
  const m = ascii(head, 0, 4);
  return m === 'RIFF' || m === 'RIFX' || m === 'RF64' || m === 'BW64';
}

/**
 * The format of a file from its bytes (the whole file, or enough of its start to pass any ID3v2 tag); `name` only
 * words the message for content that is no audio at all. Throws AudioError for anything it cannot read.
 */
export function sniffAudio(bytes: Uint8Array, name: string): Sniffed {
  if (isWavMagic(bytes)) return { format: 'wav', start: 0 };
  if (isOgg(bytes)) {
    const id = firstOggPacket(bytes) ?? new Uint8Array(0);
    if (ascii(id, 0, 8) === 'OpusHead') return { format: 'opus', start: 0 };
    if (id[0] === 1 && ascii(id, 1, 6) === 'vorbis') return { format: 'vorbis', start: 0 };
    if (id.length === 0) throw new AudioError('truncated: the first Ogg page is cut short');
    const codec = id[0] === 0x7f && ascii(id, 1, 4) === 'FLAC' ? 'FLAC' : ascii(id, 0, 5) === 'Speex' ? 'Speex' : null;
    throw new AudioError(
      `unsupported format: ${codec ? `Ogg ${codec}` : 'an Ogg stream of an unknown codec'} (${READ})`,
    );
  }
  const id3 = id3v2Length(bytes);
  if (id3 > 0 && id3 >= bytes.length) throw new AudioError('truncated: the file ends inside its ID3v2 tag');
  if (isFlac(bytes, id3)) return { format: 'flac', start: id3 };
  const frame = mpegFrameHeader(bytes, id3);
  if (frame !== null) {
    // Without a tag, two frames in a row (or one that fills the file) tell MPEG audio from bytes that look like it.
    const next = id3 + frame.length;
    if (id3 > 0 || next >= bytes.length || mpegFrameHeader(bytes, next) !== null) return { format: 'mp3', start: id3 };
  }
  const other = knownFormat(bytes);
  if (other) throw new AudioError(`unsupported format: ${other} (${READ})`);
  if (id3 > 0) throw new AudioError(`not an MP3 file: an ID3v2 tag followed by no MPEG audio frame (${READ})`);
  const reason = unknownContent(bytes, name);
  if (reason) throw new AudioError(reason);
  // Anything else is for the WAV reader to refuse, in its words.
  return { format: 'wav', start: 0 };
}

/** Formats people meet, named so that "unsupported" says what the file is. */
function knownFormat(b: Uint8Array): string | null {
  const m = ascii(b, 0, 4);
  if (m === 'FORM' && /^AIF[FC]$/.test(ascii(b, 8, 4))) return 'AIFF';
  if (m === '.snd') return 'Sun/NeXT audio (.au)';
  if (ascii(b, 4, 4) === 'ftyp') return 'MP4/M4A (AAC or ALAC)';
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'Matroska/WebM';
  if (b[0] === 0xff && (b[1] & 0xf6) === 0xf0) return 'AAC (ADTS)';
  if (m === 'wvpk') return 'WavPack';
  if (m === 'MAC ') return "Monkey's Audio";
  if (m === 'caff') return 'Core Audio Format (CAF)';
  if (ascii(b, 0, 5) === '#!AMR') return 'AMR';
  return null;
}

/** Why content no format recognises is refused, worded by the extension; null for the WAV reader to say. */
function unknownContent(b: Uint8Array, name: string): string | null {
  const ext = name.slice(name.lastIndexOf('.')).toLowerCase();
  const start = b.length === 0 ? 'empty (0 bytes)' : `starts with ${quote(ascii(b, 0, 4))}`;
  if (ext === '.flac') return `not a FLAC file: no fLaC marker (${start})`;
  if (ext === '.mp3') return `not an MP3 file: no ID3v2 tag or MPEG audio frame (${start})`;
  if (ext === '.ogg' || ext === '.opus' || ext === '.oga') return `not an Ogg file: no OggS page (${start})`;
  return null;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** A 4-byte id for a message, as the WAV reader shows one. */
function quote(id: string): string {
  return `'${id.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
