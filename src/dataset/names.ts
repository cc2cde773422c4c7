// File names as bytes: a name that is not valid UTF-8 cannot be reached through a JavaScript string path, so the
// listing reports it by its bytes instead of failing later with ENOENT and a mangled name.

// ignoreBOM keeps a leading U+FEFF in the name, as Node's own decoding of names does.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The name as a string, or null when its bytes are not valid UTF-8. */
export function decodeName(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** A name for messages: printable ASCII as is, every other byte as \xNN. */
export function escapeName(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes)
    out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** Why a name cannot be used: its bytes in hex. */
export function notUtf8Reason(bytes: Uint8Array, what: 'file' | 'folder'): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const folder = what === 'folder' ? '; none of its files were read' : '';
  return `the ${what} name is not valid UTF-8 (bytes ${hex})${folder}; rename it`;
}

/** The name's extension in lower case with its dot ('' when none); works on undecodable names too. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}
