import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePng } from '../../src/preview/png.js';
import {
  BACKGROUND,
  GAP_X,
  MARGIN,
  PLACEHOLDER_COLOR,
  TITLE_COLOR,
  colormap,
  fitText,
  gridLayout,
  renderGrid,
  type PreviewCell,
} from '../../src/preview/grid.js';

type Image = ReturnType<typeof decodePng>;
const px = (img: Image, x: number, y: number) => [
  ...img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
];

function spec(frames: number, channels: number, value: (f: number, c: number) => number): PreviewCell['spectrogram'] {
  const data = new Float32Array(frames * channels);
  for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) data[f * channels + c] = value(f, c);
  return { data, frames, channels };
}

const cell = (title: string, s: PreviewCell['spectrogram'], lines: string[] = []): PreviewCell => ({
  title,
  lines,
  spectrogram: s,
});

/** Counts pixels of `color` inside the rectangle [x0, x1) × [y0, y1). */
function count(img: Image, x0: number, y0: number, x1: number, y1: number, color: readonly number[]): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (px(img, x, y).every((v, i) => v === color[i])) n++;
  return n;
}

test('colormap runs from viridis dark purple to yellow with rising luminance', () => {
  assert.deepEqual(colormap(0), [68, 1, 84]);
  assert.deepEqual(colormap(1), [253, 231, 37]);
  assert.deepEqual(colormap(-3), colormap(0));
  assert.deepEqual(colormap(NaN), colormap(0));
  let last = -1;
  for (let i = 0; i <= 32; i++) {
    const [r, g, b] = colormap(i / 32);
    const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    assert.ok(luma > last, `luminance falls at t=${i / 32}`);
    last = luma;
  }
});

test('grid dimensions follow the layout formula for 2 rows × 3 cells of 49×40 with a title', () => {
  const s = spec(49, 40, (f, c) => f + c);
  const rows = [0, 1].map(() => [0, 1, 2].map((i) => cell('yes', s, ['a', 'b', 'c'].slice(0, i + 1))));
  const img = decodePng(renderGrid(rows, { title: 'preview' }));
  // cellW = 49*3 = 147, cellH = plot 120 + pad 5 + title 16 + 4 + 3 lines × 10 = 175, header = 16 + 10
  assert.equal(img.width, 2 * 8 + 3 * 147 + 2 * 10);
  assert.equal(img.height, 2 * 8 + 26 + 2 * 175 + 14);
  const L = gridLayout(rows, { title: 'preview' });
  assert.deepEqual([L.width, L.height], [img.width, img.height]);
  assert.equal(decodePng(renderGrid(rows)).height, img.height - 26);
});

test('spectrogram pixels carry the colormap of their min/max-normalized value, channel 0 at the bottom, frame 0 at the left', () => {
  const frames = 4,
    channels = 3,
    scale = 3;
  const img = decodePng(
    renderGrid(
      [
        [
          cell(
            'x',
            spec(frames, channels, (f, c) => 10 + 2 * (f * channels + c)),
          ),
        ],
      ],
      { scale },
    ),
  );
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const want = colormap((f * channels + c) / (frames * channels - 1));
      for (let d = 0; d < scale * scale; d++) {
        const x = MARGIN + f * scale + (d % scale),
          y = MARGIN + (channels - 1 - c) * scale + Math.floor(d / scale);
        assert.deepEqual(px(img, x, y), [...want], `frame ${f} channel ${c}`);
      }
    }
  }
  assert.deepEqual(px(img, MARGIN, MARGIN + 8), [68, 1, 84]); // frame 0, channel 0 = minimum: bottom-left
  assert.deepEqual(px(img, MARGIN + 11, MARGIN), [253, 231, 37]); // last frame, top channel = maximum: top-right
});

test('a single hot bin of a 98×40 spectrogram lands at its frame column and channel row', () => {
  const img = decodePng(
    renderGrid(
      [
        [
          cell(
            'hot',
            spec(98, 40, (f, c) => (f === 70 && c === 5 ? 9 : 0)),
          ),
        ],
      ],
      { scale: 2 },
    ),
  );
  const hot = [...colormap(1)],
    cold = [...colormap(0)];
  assert.equal(count(img, MARGIN, MARGIN, MARGIN + 196, MARGIN + 80, hot), 4);
  assert.deepEqual(px(img, MARGIN + 140, MARGIN + (39 - 5) * 2), hot);
  assert.deepEqual(px(img, MARGIN + 141, MARGIN + (39 - 5) * 2 + 1), hot);
  assert.equal(count(img, MARGIN, MARGIN, MARGIN + 196, MARGIN + 80, cold), 196 * 80 - 4);
});

test('a constant spectrogram draws one flat color and a 1×1 one still renders', () => {
  const img = decodePng(
    renderGrid(
      [
        [
          cell(
            'flat',
            spec(5, 4, () => 3.5),
          ),
          cell(
            'one',
            spec(1, 1, () => 1),
          ),
        ],
      ],
      { scale: 2 },
    ),
  );
  assert.equal(count(img, MARGIN, MARGIN, MARGIN + 10, MARGIN + 8, colormap(0)), 80);
  assert.equal(img.width, 2 * MARGIN + 2 * 132 + GAP_X); // both cells take the minimum cell width
  assert.deepEqual(px(img, MARGIN + 132 + GAP_X, MARGIN), [...colormap(0)]);
});

test('the title is drawn with the font: first glyph "H" at the header origin', () => {
  const img = decodePng(
    renderGrid(
      [
        [
          cell(
            'c',
            spec(49, 40, (f) => f),
          ),
        ],
      ],
      { title: 'Hi there' },
    ),
  );
  const on = (col: number, row: number) => px(img, MARGIN + col * 2, MARGIN + row * 2);
  for (let row = 0; row < 7; row++) {
    assert.deepEqual(on(0, row), [...TITLE_COLOR]);
    assert.deepEqual(on(4, row), [...TITLE_COLOR]);
    assert.deepEqual(on(2, row), row === 3 ? [...TITLE_COLOR] : [...BACKGROUND], `H middle column, row ${row}`);
  }
  assert.ok(count(img, MARGIN, MARGIN, MARGIN + 200, MARGIN + 16, TITLE_COLOR) > 100);
});

test('cell title and lines appear under the spectrogram, and long ones stay inside the cell', () => {
  const s = spec(49, 40, (f, c) => f * c);
  const long = 'W'.repeat(60);
  const img = decodePng(renderGrid([[cell(long, s, [long]), cell('next', s)]]));
  const L = gridLayout([[cell(long, s, [long]), cell('next', s)]]);
  const titleTop = MARGIN + L.textTop;
  const inCell = count(img, MARGIN, titleTop, MARGIN + L.cellW, titleTop + 16, TITLE_COLOR);
  assert.ok(inCell > 500, `only ${inCell} title pixels`);
  assert.equal(
    count(img, MARGIN + L.cellW, 0, MARGIN + L.cellW + GAP_X, img.height, TITLE_COLOR),
    0,
    'title spills into the gap',
  );
  assert.equal(count(img, MARGIN + L.cellW, 0, MARGIN + L.cellW + GAP_X, img.height, BACKGROUND), GAP_X * img.height);
  const fitted = fitText(long, L.cellW, 2);
  assert.equal([...fitted].length, Math.floor((L.cellW + 2) / 12));
  assert.ok(fitted.endsWith('\u2026'));
  // The "…" glyph is three dots on the baseline row: its leftmost dot is drawn, the column after it is not.
  const dotX = MARGIN + ([...fitted].length - 1) * 12,
    dotY = titleTop + 6 * 2;
  assert.deepEqual(px(img, dotX, dotY), [...TITLE_COLOR]);
  assert.deepEqual(px(img, dotX + 2, dotY), [...BACKGROUND]);
});

test('fitText keeps text that fits and shortens the rest with an ellipsis', () => {
  assert.equal(fitText('yes', 100), 'yes');
  assert.equal(fitText('abcdefghij', 29), 'abcdefghij'.slice(0, 4) + '\u2026'); // 5 glyphs = 29 px
  assert.equal(fitText('abcde', 29), 'abcde');
  assert.equal(fitText('abc', 3), '');
});

test('a cell without a spectrogram shows a framed "no spectrogram" placeholder', () => {
  const img = decodePng(renderGrid([[cell('raw', null, ['raw audio'])]]));
  const L = gridLayout([[cell('raw', null)]]);
  assert.equal(L.plotH, 24);
  assert.deepEqual(px(img, MARGIN, MARGIN), [...PLACEHOLDER_COLOR]);
  assert.deepEqual(px(img, MARGIN + L.cellW - 1, MARGIN + L.plotH - 1), [...PLACEHOLDER_COLOR]);
  const inside = count(img, MARGIN + 1, MARGIN + 1, MARGIN + L.cellW - 1, MARGIN + L.plotH - 1, PLACEHOLDER_COLOR);
  assert.ok(inside > 60, `placeholder text has ${inside} pixels`);
  assert.equal(count(img, MARGIN, MARGIN, MARGIN + L.cellW, MARGIN + L.plotH, colormap(0)), 0);
});

test('a large 200×128 spectrogram sets the cell size and its corners are placed right', () => {
  const img = decodePng(
    renderGrid(
      [
        [
          cell(
            'big',
            spec(200, 128, (f, c) => c * 1000 + f),
          ),
        ],
      ],
      { scale: 1 },
    ),
  );
  assert.equal(img.width, 2 * MARGIN + 200);
  assert.deepEqual(px(img, MARGIN, MARGIN + 127), [...colormap(0)]);
  assert.deepEqual(px(img, MARGIN + 199, MARGIN), [...colormap(1)]);
});

test('renderGrid rejects an empty grid and spectrogram data shorter than its shape', () => {
  assert.throws(() => renderGrid([]), /no cells/);
  assert.throws(() => renderGrid([[]]), /no cells/);
  assert.throws(
    () => renderGrid([[cell('bad', { data: new Float32Array(10), frames: 4, channels: 3 })]]),
    /has 10 values, needs 4×3/,
  );
  assert.throws(() => renderGrid([[cell('zero', { data: [], frames: 0, channels: 3 })]]), /positive integers/);
  assert.throws(
    () =>
      renderGrid(
        [
          [
            cell(
              's',
              spec(2, 2, () => 0),
            ),
          ],
        ],
        { scale: 1.5 },
      ),
    /scale/,
  );
});
