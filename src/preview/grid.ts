// Lays out labelled spectrogram cells (one row per class) into one PNG for `audiogen preview`.
import { ADVANCE, GLYPH_H, drawText, textWidth, type Rgb } from './font.js';
import { encodePng } from './png.js';

export interface PreviewCell {
  title: string; // class name
  lines: string[]; // source file and drawn augmentation parameters
  spectrogram: { data: ArrayLike<number>; frames: number; channels: number } | null; // row-major [frames][channels]
}

export interface GridOptions {
  scale?: number;
  title?: string;
}

/** Pixel geometry of a grid; renderGrid draws exactly this, tests and callers can predict it. */
export interface GridLayout {
  width: number;
  height: number;
  cellW: number;
  cellH: number;
  plotH: number;
  headerH: number;
  titleScale: number;
  textTop: number;
  lineH: number;
}

export const MARGIN = 8; // around the whole image
export const GAP_X = 10; // between cells of a row
export const GAP_Y = 14; // between rows
export const MIN_CELL_W = 132; // keeps ~22 characters of a text line even for very short clips
export const MIN_PLOT_H = 24; // room for the "no spectrogram" placeholder
const TITLE_SCALE = 2;
const TEXT_PAD = 5; // between the plot and the cell title
const LINE_H = GLYPH_H + 2;

export const BACKGROUND: Rgb = [24, 24, 28];
export const TITLE_COLOR: Rgb = [240, 240, 240];
export const LINE_COLOR: Rgb = [170, 170, 180];
export const PLACEHOLDER_COLOR: Rgb = [110, 110, 120];

// Matplotlib's viridis sampled at 16 evenly spaced points; interpolated linearly in between.
const VIRIDIS = [
  [68, 1, 84],
  [72, 26, 108],
  [71, 47, 125],
  [65, 68, 135],
  [57, 86, 140],
  [49, 104, 142],
  [42, 120, 142],
  [35, 136, 142],
  [31, 152, 139],
  [34, 168, 132],
  [53, 183, 121],
  [84, 197, 104],
  [122, 209, 81],
  [165, 219, 54],
  [210, 226, 27],
  [253, 231, 37],
];
const LUT_SIZE = 256;
const LUT = new Uint8Array(LUT_SIZE * 3);
for (let i = 0; i < LUT_SIZE; i++) {
  const pos = (i / (LUT_SIZE - 1)) * (VIRIDIS.length - 1);
  const k = Math.min(Math.floor(pos), VIRIDIS.length - 2),
    f = pos - k;
  for (let c = 0; c < 3; c++) LUT[i * 3 + c] = Math.round(VIRIDIS[k][c] * (1 - f) + VIRIDIS[k + 1][c] * f);
}

/** Colormap color for t in [0, 1] (clamped; NaN counts as 0), quantized to 256 steps. */
export function colormap(t: number): Rgb {
  const i = t > 0 ? Math.min(Math.round(t * (LUT_SIZE - 1)), LUT_SIZE - 1) : 0;
  return [LUT[i * 3], LUT[i * 3 + 1], LUT[i * 3 + 2]];
}

/** Computes the grid geometry for `rows` (throws on an empty grid or a malformed spectrogram). */
export function gridLayout(rows: PreviewCell[][], opts: GridOptions = {}): GridLayout {
  const scale = opts.scale ?? 3;
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`renderGrid: scale must be a positive integer, got ${scale}`);
  const cols = Math.max(0, ...rows.map((r) => r.length));
  if (rows.length === 0 || cols === 0) throw new Error('renderGrid: the grid has no cells');
  let frames = 0,
    channels = 0,
    lines = 0;
  for (const cell of rows.flat()) {
    lines = Math.max(lines, cell.lines.length);
    const s = cell.spectrogram;
    if (!s) continue;
    if (!Number.isInteger(s.frames) || !Number.isInteger(s.channels) || s.frames < 1 || s.channels < 1) {
      throw new Error(
        `renderGrid: spectrogram of "${cell.title}" has shape ${s.frames}×${s.channels}; both must be positive integers`,
      );
    }
    if (s.data.length < s.frames * s.channels) {
      throw new Error(
        `renderGrid: spectrogram of "${cell.title}" has ${s.data.length} values, needs ${s.frames}×${s.channels}`,
      );
    }
    frames = Math.max(frames, s.frames);
    channels = Math.max(channels, s.channels);
  }
  const cellW = Math.max(frames * scale, MIN_CELL_W);
  const plotH = Math.max(channels * scale, MIN_PLOT_H);
  const textTop = plotH + TEXT_PAD;
  const cellH = textTop + GLYPH_H * TITLE_SCALE + 4 + lines * LINE_H;
  const headerH = opts.title ? GLYPH_H * TITLE_SCALE + 10 : 0;
  return {
    width: 2 * MARGIN + cols * cellW + (cols - 1) * GAP_X,
    height: 2 * MARGIN + headerH + rows.length * cellH + (rows.length - 1) * GAP_Y,
    cellW,
    cellH,
    plotH,
    headerH,
    titleScale: TITLE_SCALE,
    textTop,
    lineH: LINE_H,
  };
}

/** Shortens `text` with a trailing "…" so that it fits in `maxWidth` pixels at `scale`. */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  const chars = [...text];
  const max = Math.floor((maxWidth + scale) / (ADVANCE * scale));
  if (chars.length <= max) return text;
  return max <= 0 ? '' : chars.slice(0, max - 1).join('') + '\u2026';
}

/** Renders the rows of cells (one row per class) to PNG bytes; see gridLayout for the geometry. */
export function renderGrid(rows: PreviewCell[][], opts: GridOptions = {}): Buffer {
  const scale = opts.scale ?? 3;
  const L = gridLayout(rows, opts);
  const rgb = new Uint8Array(L.width * L.height * 3);
  for (let i = 0; i < rgb.length; i += 3) {
    rgb[i] = BACKGROUND[0];
    rgb[i + 1] = BACKGROUND[1];
    rgb[i + 2] = BACKGROUND[2];
  }
  if (opts.title)
    drawText(
      rgb,
      L.width,
      MARGIN,
      MARGIN,
      fitText(opts.title, L.width - 2 * MARGIN, TITLE_SCALE),
      TITLE_COLOR,
      TITLE_SCALE,
    );
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      const x0 = MARGIN + c * (L.cellW + GAP_X);
      const y0 = MARGIN + L.headerH + r * (L.cellH + GAP_Y);
      if (cell.spectrogram) drawSpectrogram(rgb, L.width, x0, y0, cell.spectrogram, scale);
      else drawPlaceholder(rgb, L.width, x0, y0, L.cellW, L.plotH);
      drawText(rgb, L.width, x0, y0 + L.textTop, fitText(cell.title, L.cellW, TITLE_SCALE), TITLE_COLOR, TITLE_SCALE);
      const linesTop = y0 + L.textTop + GLYPH_H * TITLE_SCALE + 4;
      cell.lines.forEach((line, i) => {
        drawText(rgb, L.width, x0, linesTop + i * L.lineH, fitText(line, L.cellW), LINE_COLOR, 1);
      });
    });
  });
  return encodePng(L.width, L.height, rgb);
}

/** Frame f, channel c lands at x = x0 + f*scale, y = y0 + (channels-1-c)*scale: time to the right, channel 0 at the bottom. */
function drawSpectrogram(
  rgb: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  s: NonNullable<PreviewCell['spectrogram']>,
  scale: number,
): void {
  const n = s.frames * s.channels;
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = s.data[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const k = hi > lo ? (LUT_SIZE - 1) / (hi - lo) : 0; // a constant cell draws flat at the colormap's low end
  for (let f = 0; f < s.frames; f++) {
    for (let c = 0; c < s.channels; c++) {
      const t = (s.data[f * s.channels + c] - lo) * k; // same quantization as colormap(); NaN goes to the low end
      const li = (t > 0 ? Math.min(Math.round(t), LUT_SIZE - 1) : 0) * 3;
      const R = LUT[li],
        G = LUT[li + 1],
        B = LUT[li + 2];
      const px = x0 + f * scale,
        py = y0 + (s.channels - 1 - c) * scale;
      for (let dy = 0; dy < scale; dy++) {
        let o = ((py + dy) * width + px) * 3;
        for (let dx = 0; dx < scale; dx++, o += 3) {
          rgb[o] = R;
          rgb[o + 1] = G;
          rgb[o + 2] = B;
        }
      }
    }
  }
}

function drawPlaceholder(rgb: Uint8Array, width: number, x0: number, y0: number, w: number, h: number): void {
  const set = (x: number, y: number) => {
    const o = (y * width + x) * 3;
    rgb.set(PLACEHOLDER_COLOR, o);
  };
  for (let x = x0; x < x0 + w; x++) {
    set(x, y0);
    set(x, y0 + h - 1);
  }
  for (let y = y0; y < y0 + h; y++) {
    set(x0, y);
    set(x0 + w - 1, y);
  }
  const text = fitText('no spectrogram', w - 4);
  drawText(rgb, width, x0 + ((w - textWidth(text)) >> 1), y0 + ((h - GLYPH_H) >> 1), text, PLACEHOLDER_COLOR, 1);
}
