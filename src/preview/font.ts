// A 5×8 bitmap font (7 rows above the baseline, 1 for descenders) for printable ASCII (plus "…"), drawn straight into an RGB buffer.

export const GLYPH_W = 5;
export const GLYPH_H = 8;
/** Horizontal distance between glyph origins at scale 1 (one blank column between glyphs). */
export const ADVANCE = 6;

export type Rgb = readonly [number, number, number];

// One glyph = 8 rows top to bottom, two hex digits each (a missing 8th row is blank); bit 4 (0x10) is the leftmost column.
// Entry i is the character with code 32 + i.
const GLYPHS = [
  '00000000000000',
  '04040404040004',
  '0a0a0000000000',
  '0a0a1f0a1f0a0a', // space ! " #
  '040f140e051e04',
  '18190204081303',
  '0c121408151209',
  '04040000000000', // $ % & '
  '02040808080402',
  '08040202020408',
  '0004150e150400',
  '0004041f040400', // ( ) * +
  '00000000000c0408',
  '0000001f000000',
  '00000000000c0c',
  '00010204081000', // , - . /
  '0e11131519110e',
  '040c040404040e',
  '0e11010204081f',
  '1f02040201110e', // 0 1 2 3
  '02060a121f0202',
  '1f101e0101110e',
  '0608101e11110e',
  '1f010204080808', // 4 5 6 7
  '0e11110e11110e',
  '0e11110f01020c',
  '000c0c000c0c00',
  '000c0c000c0408', // 8 9 : ;
  '02040810080402',
  '00001f001f0000',
  '08040201020408',
  '0e110102040004', // < = > ?
  '0e11010d15150e',
  '0e1111111f1111',
  '1e11111e11111e',
  '0e11101010110e', // @ A B C
  '1c12111111121c',
  '1f10101e10101f',
  '1f10101e101010',
  '0e11101711110f', // D E F G
  '1111111f111111',
  '0e04040404040e',
  '0702020202120c',
  '11121418141211', // H I J K
  '1010101010101f',
  '111b1515111111',
  '11111915131111',
  '0e11111111110e', // L M N O
  '1e11111e101010',
  '0e11111115120d',
  '1e11111e141211',
  '0f10100e01011e', // P Q R S
  '1f040404040404',
  '1111111111110e',
  '11111111110a04',
  '1111111515150a', // T U V W
  '11110a040a1111',
  '1111110a040404',
  '1f01020408101f',
  '0e08080808080e', // X Y Z [
  '00100804020100',
  '0e02020202020e',
  '040a1100000000',
  '0000000000001f', // \ ] ^ _
  '08040200000000',
  '00000e010f110f',
  '1010161911111e',
  '00000e1010110e', // ` a b c
  '01010d1311110f',
  '00000e111f100e',
  '0609081c080808',
  '00000f11110f010e', // d e f g
  '10101619111111',
  '04000c0404040e',
  '020006020202120c',
  '10101214181412', // h i j k
  '0c04040404040e',
  '00001a15151111',
  '00001619111111',
  '00000e1111110e', // l m n o
  '00001e11111e1010',
  '00000f11110f0101',
  '00001619101010',
  '00000e100e011e', // p q r s
  '08081c08080906',
  '0000111111130d',
  '00001111110a04',
  '0000111115150a', // t u v w
  '0000110a040a11',
  '00001111110f010e',
  '00001f0204081f',
  '02040408040402', // x y z {
  '04040404040404',
  '08040402040408',
  '00000815020000', // | } ~
];
const ELLIPSIS = '00000000000015';
const BOX = '1f11111111111f'; // drawn for any character the font lacks

const ROWS: Uint8Array[] = GLYPHS.map(parseGlyph);
const ELLIPSIS_ROWS = parseGlyph(ELLIPSIS);
const BOX_ROWS = parseGlyph(BOX);

function parseGlyph(hex: string): Uint8Array {
  if (hex.length !== 2 * GLYPH_H && hex.length !== 2 * GLYPH_H - 2)
    throw new Error(`font: glyph "${hex}" must have ${GLYPH_H} rows`);
  const rows = new Uint8Array(GLYPH_H);
  for (let r = 0; r < hex.length / 2; r++) rows[r] = parseInt(hex.slice(2 * r, 2 * r + 2), 16);
  return rows;
}

/** Row bitmaps (bit 4 = leftmost column) of the glyph drawn for one character (one code point). */
export function glyphRows(ch: string): Uint8Array {
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 32 && code <= 126) return ROWS[code - 32];
  return ch === '\u2026' ? ELLIPSIS_ROWS : BOX_ROWS;
}

/** Width in pixels that `text` occupies (no trailing blank column). */
export function textWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * ADVANCE - 1) * scale;
}

/**
 * Draws `text` with its top-left corner at (x, y) into a row-major RGB buffer `width` pixels wide, each font pixel
 * as a scale×scale square; pixels outside the image are skipped. Returns the x where the next character would start.
 */
export function drawText(
  rgb: Uint8Array,
  width: number,
  x: number,
  y: number,
  text: string,
  color: Rgb,
  scale = 1,
): number {
  const height = Math.floor(rgb.length / (width * 3));
  for (const ch of text) {
    // iterates code points, so a surrogate pair draws one box
    const rows = glyphRows(ch);
    for (let r = 0; r < GLYPH_H; r++) {
      const bits = rows[r];
      if (bits === 0) continue;
      for (let c = 0; c < GLYPH_W; c++) {
        if (!(bits & (0x10 >> c))) continue;
        const x0 = x + c * scale,
          y0 = y + r * scale;
        for (let py = Math.max(y0, 0); py < Math.min(y0 + scale, height); py++) {
          for (let px = Math.max(x0, 0); px < Math.min(x0 + scale, width); px++) {
            const o = (py * width + px) * 3;
            rgb[o] = color[0];
            rgb[o + 1] = color[1];
            rgb[o + 2] = color[2];
          }
        }
      }
    }
    x += ADVANCE * scale;
  }
  return x;
}
