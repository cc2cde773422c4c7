// The bitmap font of the preview grid: a 5×8 glyph for every printable ASCII character (and "…", a box for anything
// else), text widths, and drawing into an RGB buffer at any scale, clipped to the image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVANCE, GLYPH_H, GLYPH_W, drawText, glyphRows, textWidth } from '../../src/preview/font.js';

const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const BOX = [...glyphRows('\u00e9')];

/** The glyph as text, one string per row ('#' = ink), from its row bitmaps. */
const picture = (rows: Uint8Array) =>
  [...rows].map((bits) => Array.from({ length: GLYPH_W }, (_, c) => (bits & (0x10 >> c) ? '#' : '.')).join(''));

test('every printable ASCII character has its own glyph, 8 rows of 5 columns; only the space is blank', () => {
  const seen = new Map<string, string>();
  for (const ch of ASCII) {
    const rows = glyphRows(ch);
    assert.equal(rows.length, GLYPH_H);
    assert.ok(
      rows.every((r) => r < 1 << GLYPH_W),
      ch,
    );
    assert.equal(
      rows.some((r) => r !== 0),
      ch !== ' ',
      JSON.stringify(ch),
    );
    assert.notDeepEqual([...rows], BOX, `${ch} is drawn as the missing-glyph box`);
    const key = rows.join();
    assert.ok(!seen.has(key), `${ch} looks like ${seen.get(key)}`);
    seen.set(key, ch);
  }
});

test('glyphs read as their characters: H, a descender for g, three dots for the ellipsis, a box for the rest', () => {
  assert.deepEqual(picture(glyphRows('H')), ['#...#', '#...#', '#...#', '#####', '#...#', '#...#', '#...#', '.....']);
  assert.notEqual(glyphRows('g')[7], 0, 'g descends below the baseline');
  assert.equal(glyphRows('a')[7], 0);
  assert.deepEqual(picture(glyphRows('\u2026')), [
    '.....',
    '.....',
    '.....',
    '.....',
    '.....',
    '.....',
    '#.#.#',
    '.....',
  ]);
  assert.deepEqual(picture(glyphRows('\u00e9')), [
    '#####',
    '#...#',
    '#...#',
    '#...#',
    '#...#',
    '#...#',
    '#####',
    '.....',
  ]);
  for (const other of ['\t', '\u007f', '\u{1f600}', ''])
    assert.deepEqual([...glyphRows(other)], BOX, JSON.stringify(other));
});

test('textWidth counts code points: 6 pixels a character, no trailing blank column, times the scale', () => {
  assert.equal(textWidth(''), 0);
  assert.equal(textWidth('a'), 5);
  assert.equal(textWidth('ab'), 11);
  assert.equal(textWidth('ab', 3), 33);
  assert.equal(textWidth('\u{1f600}x'), 11);
  assert.equal(ADVANCE, 6);
});

/** A w×h RGB image filled with black. */
const image = (w: number, h: number) => new Uint8Array(w * h * 3);
/** The image as rows of '#' (the given color) and '.' (anything else). */
function ink(rgb: Uint8Array, w: number, color: readonly number[]): string[] {
  const rows: string[] = [];
  for (let y = 0; y < rgb.length / (w * 3); y++) {
    let row = '';
    for (let x = 0; x < w; x++) row += [0, 1, 2].every((k) => rgb[(y * w + x) * 3 + k] === color[k]) ? '#' : '.';
    rows.push(row);
  }
  return rows;
}

test('drawText sets exactly the glyph\u2019s pixels at (x, y) in the color and returns where the next character starts', () => {
  const w = 14;
  const rgb = image(w, 9);
  const red = [255, 0, 0] as const;
  assert.equal(drawText(rgb, w, 1, 1, 'H\u2026', red), 1 + 2 * ADVANCE);
  assert.deepEqual(ink(rgb, w, red), [
    '..............',
    '.#...#........',
    '.#...#........',
    '.#...#........',
    '.#####........',
    '.#...#........',
    '.#...#........',
    '.#...#.#.#.#..',
    '..............',
  ]);
});

test('at scale 2 each font pixel is a 2×2 square', () => {
  const w = 12;
  const rgb = image(w, 16);
  const white = [255, 255, 255] as const;
  assert.equal(drawText(rgb, w, 0, 0, '.', white, 2), 2 * ADVANCE);
  const rows = ink(rgb, w, white);
  // '.' is a 2×2 block on rows 5–6 and columns 1–2 of its glyph.
  assert.deepEqual(rows.slice(10, 14), ['..####......', '..####......', '..####......', '..####......']);
  assert.equal(rows.join('').split('#').length - 1, 16);
});

test('pixels outside the image are skipped: no wrap into the next row, no write past the buffer', () => {
  const w = 4;
  const rgb = image(w, 4);
  const green = [0, 255, 0] as const;
  // 'H' at x = -2, y = -3: only its right part and bottom rows fall inside.
  assert.equal(drawText(rgb, w, -2, -3, 'H', green), -2 + ADVANCE);
  assert.deepEqual(ink(rgb, w, green), ['###.', '..#.', '..#.', '..#.']);
  // 'L' one column left of the image: its stem must not reappear at the end of the row above.
  const left = image(w, 4);
  drawText(left, w, -1, -3, 'L', green);
  assert.deepEqual(ink(left, w, green), ['....', '....', '....', '####']);
  const tiny = image(2, 2);
  assert.doesNotThrow(() => drawText(tiny, 2, 1, 1, 'WWW', green, 3));
  assert.equal(tiny.length, 12);
});
