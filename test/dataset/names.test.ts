// File names as bytes: names that are not UTF-8 are recognised, shown with their bytes escaped, and given a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeName, escapeName, extensionOf, notUtf8Reason } from '../../src/dataset/names.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

test('decodeName gives a valid UTF-8 name as Node spells it, a leading BOM included', () => {
  for (const name of ['yes.wav', 'caf\u00e9.wav', 'cafe\u0301.wav', '\u{1f600}.wav', '\ufeffbom.wav', ''])
    assert.equal(decodeName(utf8(name)), name, JSON.stringify(name));
});

test('decodeName gives null for bytes that are not UTF-8: Latin-1, a lone continuation, an overlong form, a surrogate', () => {
  const bad = [
    bytes(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x77, 0x61, 0x76), // café in Latin-1
    bytes(0x80),
    bytes(0xc0, 0xaf), // overlong '/'
    bytes(0xed, 0xa0, 0x80), // U+D800
    bytes(0xe2, 0x82), // truncated sequence
  ];
  for (const b of bad) assert.equal(decodeName(b), null, [...b].join(' '));
});

test('escapeName keeps printable ASCII and writes every other byte, and the backslash, as \\xNN', () => {
  assert.equal(escapeName(bytes(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x77, 0x61, 0x76)), 'caf\\xe9.wav');
  assert.equal(escapeName(utf8('a b~')), 'a b~');
  assert.equal(escapeName(bytes(0x00, 0x0a, 0x1f, 0x7f, 0x5c, 0xff)), '\\x00\\x0a\\x1f\\x7f\\x5c\\xff');
});

test('notUtf8Reason names the bytes in hex; a folder\u2019s reason says none of its files were read', () => {
  const b = bytes(0x63, 0xe9);
  assert.equal(notUtf8Reason(b, 'file'), 'the file name is not valid UTF-8 (bytes 63 e9); rename it');
  assert.equal(
    notUtf8Reason(b, 'folder'),
    'the folder name is not valid UTF-8 (bytes 63 e9); none of its files were read; rename it',
  );
});

test('extensionOf is the last extension in lower case; a leading dot is no extension', () => {
  assert.deepEqual(
    ['a.wav', 'A.WAV', 'b.Wav', 'x.tar.GZ', 'noext', '.wav', '.hidden.wav', 'caf\\xe9.WAV'].map(extensionOf),
    ['.wav', '.wav', '.wav', '.gz', '', '', '.wav', '.wav'],
  );
});
