// Hostile compressed files, made from the codec fixtures: truncated at every kind of boundary, corrupted, with
// the wrong magic, and with headers that declare absurd sizes (checksums recomputed, so the lie is what is tested).
// Each says the reason audiogen must give, or null for a file that must be read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';
import type { HostileWav } from './hostile-wavs.js';
import { CRC_TABLE } from '../../src/audio/ogg.js';

const fixture = (name: string) => readFileSync(join(ROOT, 'fixtures', 'codecs', name));

/** The Ogg pages of a stream: [start, end) of each. */
export function oggPages(b: Buffer): [number, number][] {
  const pages: [number, number][] = [];
  for (let pos = 0; pos + 27 <= b.length; ) {
    const segments = b[pos + 26];
    let size = 0;
    for (let i = 0; i < segments; i++) size += b[pos + 27 + i];
    pages.push([pos, pos + 27 + segments + size]);
    pos += 27 + segments + size;
  }
  return pages;
}

/** Rewrites the CRC of every page (after an edit that should be judged on its meaning, not its checksum). */
export function fixOggCrcs(b: Buffer): Buffer {
  for (const [start, end] of oggPages(b)) {
    b.writeUInt32LE(0, start + 22);
    let crc = 0;
    for (let i = start; i < end; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]) & 0xff]) >>> 0;
    b.writeUInt32LE(crc, start + 22);
  }
  return b;
}

/** A copy of `b` with `edit` applied. */
const edited = (b: Buffer, edit: (c: Buffer) => void): Buffer => {
  const c = Buffer.from(b);
  edit(c);
  return c;
};

export function hostileCodecs(): HostileWav[] {
  const out: HostileWav[] = [];
  const add = (name: string, bytes: Buffer, bad: RegExp | null) => out.push({ name, bytes, bad });

  // --- FLAC -------------------------------------------------------------------------------------------------------
  const flac = fixture('flac-8-mono16k.flac');
  add('good.flac', flac, null);
  const firstFrame = flac.indexOf(Buffer.from([0xff, 0xf8]), 42);
  for (const cut of [3, 20, 41, firstFrame - 1]) {
    add(
      `flac-cut-${cut}.flac`,
      flac.subarray(0, cut),
      /not a FLAC file|truncated: the FLAC metadata|truncated: FLAC metadata/,
    );
  }
  add('flac-no-frames.flac', flac.subarray(0, firstFrame), /truncated: the FLAC frames hold 0 of the 6915 samples/);
  add('flac-cut-in-frame.flac', flac.subarray(0, firstFrame + 700), /fails its CRC check/);
  add('flac-last-byte-gone.flac', flac.subarray(0, flac.length - 1), /fails its CRC check/);
  add(
    'flac-flipped-byte.flac',
    edited(flac, (c) => {
      c[firstFrame + 300] ^= 0x40;
    }),
    /corrupt.*fails its CRC check/,
  );
  add(
    'flac-total-2^36.flac',
    edited(flac, (c) => {
      c[8 + 13] |= 0x0f;
      c.writeUInt32BE(0xffffffff, 8 + 14);
    }),
    /too long: .* hours of audio \(68719476735 frames at 16000 Hz\)/,
  );
  add(
    'flac-rate-0.flac',
    edited(flac, (c) => {
      c[8 + 10] = 0;
      c[8 + 11] = 0;
      c[8 + 12] &= 0x0f;
    }),
    /bad header: sample rate 0 Hz/,
  );
  add(
    'flac-20-bit.flac',
    edited(flac, (c) => {
      c[8 + 12] = (c[8 + 12] & 0xfe) | 1;
      c[8 + 13] = (c[8 + 13] & 0x0f) | 0x30;
    }),
    /unsupported: FLAC with 20 bits per sample/,
  );
  add(
    'flac-metadata-length-huge.flac',
    edited(flac, (c) => {
      c[42] &= 0x7f;
      c.writeUIntBE(0xffffff, 43, 3);
    }),
    /truncated: FLAC metadata block \d+ declares 16777215 bytes/,
  );
  add(
    'flac-wrong-magic.flac',
    edited(flac, (c) => c.write('fLaX', 0)),
    /not a FLAC file: no fLaC marker/,
  );

  // --- Ogg Opus ---------------------------------------------------------------------------------------------------
  const opus = fixture('opus-mono16k.opus');
  const opusPages = oggPages(opus);
  const lastOpus = opusPages[opusPages.length - 1][0];
  add('good.opus', opus, null);
  add('opus-cut-10.opus', opus.subarray(0, 10), /truncated/);
  add('opus-cut-in-head.opus', opus.subarray(0, 40), /truncated/);
  add(
    'opus-cut-at-page.opus',
    opus.subarray(0, opusPages[opusPages.length - 2][1]),
    /truncated: the Ogg stream ends without its end-of-stream page/,
  );
  add('opus-cut-in-page.opus', opus.subarray(0, opus.length - 50), /truncated: the Ogg page at byte \d+ declares/);
  add(
    'opus-flipped-byte.opus',
    edited(opus, (c) => {
      c[opusPages[2][0] + 100] ^= 0x01;
    }),
    /corrupt: the Ogg page at byte \d+ \(page 2\) fails its CRC check/,
  );
  add(
    'opus-granule-huge.opus',
    fixOggCrcs(edited(opus, (c) => c.writeUInt32LE(0x7fffffff, lastOpus + 6))),
    /truncated: the last page's granule position is \d+ samples in, the packets hold \d+/,
  );
  add(
    'opus-no-eos.opus',
    fixOggCrcs(edited(opus, (c) => (c[lastOpus + 5] &= ~0x04))),
    /truncated: the Ogg stream ends without its end-of-stream page/,
  );
  add(
    'opus-255-channels.opus',
    fixOggCrcs(edited(opus, (c) => (c[28 + 9] = 255))),
    /bad header: 255 channels|corrupt: 255 channels/,
  );
  add(
    'opus-wrong-magic.opus',
    edited(opus, (c) => c.write('OggX', 0)),
    /not an Ogg file: no OggS page/,
  );

  // --- Ogg Vorbis -------------------------------------------------------------------------------------------------
  const vorbis = fixture('vorbis-mono16k.ogg');
  const vorbisPages = oggPages(vorbis);
  const lastVorbis = vorbisPages[vorbisPages.length - 1][0];
  add('good.ogg', vorbis, null);
  add('vorbis-cut-in-headers.ogg', vorbis.subarray(0, vorbisPages[1][0] + 30), /truncated/);
  add('vorbis-cut-in-audio.ogg', vorbis.subarray(0, vorbis.length - 100), /truncated/);
  add(
    'vorbis-flipped-byte.ogg',
    edited(vorbis, (c) => {
      c[lastVorbis + 60] ^= 0x10;
    }),
    /fails its CRC check/,
  );
  add(
    'vorbis-rate-0.ogg',
    fixOggCrcs(edited(vorbis, (c) => c.writeUInt32LE(0, 28 + 12))),
    /bad header: sample rate 0 Hz/,
  );
  add(
    'vorbis-granule-huge.ogg',
    fixOggCrcs(edited(vorbis, (c) => c.writeUInt32LE(0x7fffffff, lastVorbis + 6))),
    /too long: .* hours of audio/,
  );
  add('vorbis-speex.ogg', fixOggCrcs(edited(vorbis, (c) => c.write('Speex   ', 28))), /unsupported format: Ogg Speex/);

  // --- MP3 --------------------------------------------------------------------------------------------------------
  const mp3 = fixture('mp3-cbr-mono16k.mp3');
  add('good.mp3', mp3, null);
  add(
    'mp3-cut-in-frame.mp3',
    mp3.subarray(0, mp3.length - 100),
    /truncated: the MPEG frame at byte \d+ needs 288 bytes/,
  );
  add(
    'mp3-cut-at-frame.mp3',
    mp3.subarray(0, mp3.length - 288),
    /truncated: \d+ of the \d+ MPEG frames its Info tag declares/,
  );
  add(
    'mp3-tag-frames-huge.mp3',
    edited(mp3, (c) => c.writeUInt32BE(0x7fffffff, mp3.indexOf('Info') + 8)),
    /truncated: \d+ of the 2147483647 MPEG frames its Info tag declares/,
  );
  add(
    'mp3-junk-appended.mp3',
    Buffer.concat([mp3, Buffer.alloc(500, 0x55)]),
    /corrupt: 500 bytes at byte \d+ are not MPEG audio frames/,
  );
  add(
    'mp3-id3-huge.mp3',
    Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f]), mp3]),
    /truncated: the file ends inside its ID3v2 tag/,
  );
  add(
    'mp3-wrong-magic.mp3',
    Buffer.from('this is not an mp3 file, only text'),
    /not an MP3 file: no ID3v2 tag or MPEG audio frame/,
  );

  // --- Formats audiogen names but does not read ----------------------------------------------------------------
  add('aiff.wav', Buffer.concat([Buffer.from('FORM\0\0\0\x20AIFFCOMM'), Buffer.alloc(40)]), /unsupported format: AIFF/);
  add('m4a.mp3', Buffer.concat([Buffer.from('\0\0\0\x20ftypM4A '), Buffer.alloc(40)]), /unsupported format: MP4\/M4A/);
  return out;
}
