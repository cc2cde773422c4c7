// The Ogg container (RFC 3533) of one logical stream, read whole and checked: every page's CRC, consecutive page
// numbers, continued packets, and an end-of-stream page, so a truncated or corrupted file is named before a codec
// sees it. Multiplexed and chained streams (more than one serial number) are refused.
import { AudioError } from './audio-error.js';

export interface OggPacket {
  data: Uint8Array;
  /** The granule position of the page this packet ends on, when it is the last packet ending there; else -1. */
  granule: number;
  /** Whether it ends on the end-of-stream page (whose granule position trims the end, not the start). */
  final: boolean;
}

export interface OggStream {
  packets: OggPacket[];
  /** The granule position of the last page (-1 when no packet ends on it). */
  lastGranule: number;
}

const HEADER = 27;
const CONTINUED = 0x01;
const FIRST = 0x02;
const LAST = 0x04;

/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection), a byte at a time; tests craft hostile pages with it. */
export const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, initial 0) of a page whose CRC field reads as zero. */
function pageCrc(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    const b = i - start >= 22 && i - start < 26 ? 0 : bytes[i];
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]) >>> 0;
  }
  return crc;
}

export const isOgg = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x4f && bytes[1] === 0x67 && bytes[2] === 0x67 && bytes[3] === 0x53;

/** The first packet of the stream (the codec's identification header), from the first page alone. */
export function firstOggPacket(bytes: Uint8Array): Uint8Array | null {
  if (!isOgg(bytes) || bytes.length < HEADER) return null;
  const segments = bytes[26];
  let size = 0;
  for (let i = 0; i < segments && HEADER + i < bytes.length; i++) {
    size += bytes[HEADER + i];
    if (bytes[HEADER + i] < 255) break;
  }
  const start = HEADER + segments;
  return bytes.subarray(Math.min(start, bytes.length), Math.min(start + size, bytes.length));
}

export function readOgg(bytes: Uint8Array): OggStream {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const packets: OggPacket[] = [];
  let partial: Uint8Array[] = [];
  let serial = 0;
  let sequence = 0;
  let lastGranule = -1;
  let pos = 0;
  for (let page = 0; ; page++) {
    const at = `the Ogg page at byte ${pos}`;
    if (pos + HEADER > bytes.length) {
      if (pos === bytes.length) throw new AudioError('truncated: the Ogg stream ends without its end-of-stream page');
      throw new AudioError(`truncated: ${at} is cut short (${bytes.length - pos} of at least ${HEADER} bytes)`);
    }
    if (!isOgg(bytes.subarray(pos, pos + 4))) throw new AudioError(`corrupt: no Ogg page at byte ${pos}`);
    if (bytes[pos + 4] !== 0) throw new AudioError(`corrupt: ${at} has version ${bytes[pos + 4]}, not 0`);
    const flags = bytes[pos + 5];
    const granule = granuleAt(view, pos + 6, at);
    const pageSerial = view.getUint32(pos + 14, true);
    const pageSequence = view.getUint32(pos + 18, true);
    const segments = bytes[pos + 26];
    const dataStart = pos + HEADER + segments;
    if (dataStart > bytes.length) throw new AudioError(`truncated: ${at} is cut short in its segment table`);
    let dataSize = 0;
    for (let i = 0; i < segments; i++) dataSize += bytes[pos + HEADER + i];
    const end = dataStart + dataSize;
    if (end > bytes.length) {
      throw new AudioError(`truncated: ${at} declares ${dataSize} bytes of data, ${bytes.length - dataStart} present`);
    }
    if (pageCrc(bytes, pos, end) !== view.getUint32(pos + 22, true)) {
      throw new AudioError(`corrupt: ${at} (page ${page}) fails its CRC check`);
    }
    if (page === 0) {
      if (!(flags & FIRST)) throw new AudioError('corrupt: the first Ogg page is not marked as a stream start');
      serial = pageSerial;
    } else {
      if (pageSerial !== serial || flags & FIRST) {
        throw new AudioError('unsupported: more than one logical stream in the Ogg file (multiplexed or chained)');
      }
      if (pageSequence !== sequence + 1) {
        throw new AudioError(`corrupt: Ogg pages missing (page number ${sequence} is followed by ${pageSequence})`);
      }
    }
    sequence = pageSequence;
    if (Boolean(flags & CONTINUED) !== partial.length > 0) {
      throw new AudioError(
        `corrupt: ${at} ${flags & CONTINUED ? 'continues a packet that was not begun' : 'does not continue the packet the page before it began'}`,
      );
    }
    // Lacing: a segment shorter than 255 ends a packet; the packet that ends last on the page carries its granule.
    let offset = dataStart;
    let run = 0;
    let lastEnding = -1;
    for (let i = 0; i < segments; i++) {
      const lace = bytes[pos + HEADER + i];
      run += lace;
      if (lace < 255) {
        partial.push(bytes.subarray(offset, offset + run));
        packets.push({ data: join(partial), granule: -1, final: (flags & LAST) !== 0 });
        lastEnding = packets.length - 1;
        partial = [];
        offset += run;
        run = 0;
      }
    }
    if (run > 0 || (segments > 0 && bytes[pos + HEADER + segments - 1] === 255)) {
      partial.push(bytes.subarray(offset, offset + run));
    }
    if (lastEnding >= 0) packets[lastEnding].granule = granule;
    lastGranule = granule;
    pos = end;
    if (flags & LAST) {
      if (partial.length > 0) throw new AudioError('corrupt: the Ogg stream ends inside a packet');
      // Bytes after the end-of-stream page are ignored, unless they are another stream.
      if (isOgg(bytes.subarray(pos, pos + 4))) {
        throw new AudioError('unsupported: more than one logical stream in the Ogg file (multiplexed or chained)');
      }
      return { packets, lastGranule };
    }
  }
}

function granuleAt(view: DataView, at: number, where: string): number {
  const lo = view.getUint32(at, true);
  const hi = view.getInt32(at + 4, true);
  if (hi === -1 && lo === 0xffffffff) return -1;
  if (hi < 0 || hi >= 1 << 21) throw new AudioError(`corrupt: ${where} has granule position out of range`);
  return hi * 0x1_0000_0000 + lo;
}

function join(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
