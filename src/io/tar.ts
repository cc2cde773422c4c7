// POSIX ustar (IEEE 1003.1-1988) members, written without a tar library: 512-byte headers with a fixed owner,
// mode and time, so an archive's bytes depend only on its members' names and contents. And a member found back by
// name in a tar on disk (`render` reads one sample's .npy).
import { closeSync, openSync, readSync } from 'node:fs';

export const BLOCK = 512;
/** The end of an archive: two zero blocks. */
export const TAR_END: Buffer = Buffer.alloc(2 * BLOCK);
/** The size field holds 11 octal digits. */
export const MAX_MEMBER_BYTES = 8 ** 11 - 1;

const NAME_BYTES = 100;
const PREFIX_BYTES = 155;

/** The name and prefix fields for a member name: the prefix takes what precedes a '/' when 100 bytes are too few. */
function splitName(name: string): { name: Buffer; prefix: Buffer } {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length === 0) throw new Error('tar: a member needs a name');
  if (bytes.length <= NAME_BYTES) return { name: bytes, prefix: Buffer.alloc(0) };
  // ustar joins prefix + '/' + name: split at the last '/' that leaves both parts within their fields.
  for (let i = Math.min(bytes.length - 1, PREFIX_BYTES); i > 0; i--) {
    if (bytes[i] === 0x2f && bytes.length - i - 1 <= NAME_BYTES && bytes.length - i - 1 > 0)
      return { name: bytes.subarray(i + 1), prefix: bytes.subarray(0, i) };
  }
  throw new Error(
    `tar: member name "${name}" is ${bytes.length} bytes: ustar holds at most ${NAME_BYTES} (or a folder prefix of ${PREFIX_BYTES} and a name of ${NAME_BYTES})`,
  );
}

/** An octal field of `width` bytes: width - 1 digits, zero-padded, then NUL. */
function octal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(value.toString(8).padStart(width - 1, '0'), offset, width - 1, 'latin1');
  header[offset + width - 1] = 0;
}

/** Every field but the name, size, prefix and checksum: mode 0644, uid/gid 0, mtime 0, a regular file, ustar 00. */
const TEMPLATE = (() => {
  const h = Buffer.alloc(BLOCK);
  octal(h, 100, 8, 0o644); // mode
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 136, 12, 0); // mtime
  h.fill(0x20, 148, 156); // checksum, as spaces while it is summed
  h[156] = 0x30; // typeflag '0': a regular file
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  // uname and gname (265, 297) stay empty; devmajor and devminor hold zeros.
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  return h;
})();
const TEMPLATE_SUM = TEMPLATE.reduce((a, b) => a + b, 0);

const byteSum = (b: Uint8Array, start: number, end: number) => {
  let sum = 0;
  for (let i = start; i < end; i++) sum += b[i];
  return sum;
};

/**
 * The 512-byte ustar header of a regular file: mode 0644, uid/gid 0, empty owner names, mtime 0, no link. The
 * checksum is the byte sum of the header with its own field read as spaces, as 6 octal digits, NUL and space.
 */
export function tarHeader(name: string, size: number): Buffer {
  if (!Number.isInteger(size) || size < 0 || size > MAX_MEMBER_BYTES)
    throw new Error(`tar: member "${name}" of ${size} bytes: ustar holds 0 to ${MAX_MEMBER_BYTES} bytes per member`);
  const fields = splitName(name);
  const h = Buffer.allocUnsafe(BLOCK);
  TEMPLATE.copy(h);
  fields.name.copy(h, 0);
  fields.prefix.copy(h, 345);
  octal(h, 124, 12, size);
  // The template's sum, plus what the name, size and prefix fields add (they are zeros in the template).
  const sum = TEMPLATE_SUM + byteSum(h, 0, NAME_BYTES) + byteSum(h, 124, 136) + byteSum(h, 345, 345 + PREFIX_BYTES);
  h.write(sum.toString(8).padStart(6, '0'), 148, 6, 'latin1');
  h[154] = 0;
  h[155] = 0x20;
  return h;
}

/** Zero bytes after a member's data up to the next block. */
export const paddingOf = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** The bytes a member takes in the archive: its header, its data and the padding to a whole block. */
export const memberBytes = (size: number) => BLOCK + size + paddingOf(size);

/**
 * Writes a member (header, the data parts back to back, zero padding) into `out` at `offset`; returns the offset
 * after it. `out` must hold memberBytes(total size) from `offset` and be zero where the padding goes.
 */
export function putMember(out: Buffer, offset: number, name: string, parts: readonly Uint8Array[]): number {
  let size = 0;
  for (const p of parts) size += p.length;
  tarHeader(name, size).copy(out, offset);
  let at = offset + BLOCK;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return at + paddingOf(size);
}

/** One member as its own bytes. */
export function tarMember(name: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(memberBytes(data.length));
  putMember(out, 0, name, [data]);
  return out;
}

/** A ustar header's fields that matter to find a member: its full name and its data size. */
export function parseHeader(h: Uint8Array): { name: string; size: number } | null {
  if (h.every((b) => b === 0)) return null;
  const buf = Buffer.from(h.buffer, h.byteOffset, BLOCK);
  const text = (start: number, len: number) => {
    const end = buf.indexOf(0, start);
    return buf.toString('utf8', start, end >= 0 && end < start + len ? end : start + len);
  };
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : buf[i];
  const stored = Number.parseInt(text(148, 8).trim(), 8);
  if (stored !== sum) throw new Error('tar: a header fails its checksum');
  const size = Number.parseInt(text(124, 12).trim() || '0', 8);
  const prefix = buf.toString('latin1', 257, 263) === 'ustar\0' ? text(345, PREFIX_BYTES) : '';
  const name = text(0, NAME_BYTES);
  return { name: prefix ? `${prefix}/${name}` : name, size };
}

/**
 * The data offset and size of the member named `name` in the tar file at `path`, found by walking the headers;
 * null when the archive ends without it.
 */
export function findMember(path: string, name: string): { offset: number; size: number } | null {
  const fd = openSync(path, 'r');
  try {
    const h = Buffer.alloc(BLOCK);
    for (let at = 0; ; ) {
      if (readSync(fd, h, 0, BLOCK, at) < BLOCK) return null;
      const member = parseHeader(h);
      if (!member) return null;
      if (member.name === name) return { offset: at + BLOCK, size: member.size };
      at += memberBytes(member.size);
    }
  } finally {
    closeSync(fd);
  }
}
