// A few lines at the bottom of a terminal, redrawn in place; text logged through it prints above them once, as
// plain lines that scroll away normally. Nothing else may write to the stream while the region is shown.

/** What the region needs of a terminal stream (process.stderr on a TTY; a fake in tests). */
export interface TerminalStream {
  write(text: string): unknown;
  columns?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
// Erases the cursor's line (a stray ^C echo) and the `rows` above it, line by line: erasing to the end of the
// screen from its top corner would push the screen into the scrollback in tmux (scroll-on-clear).
const erase = (rows: number) => (rows > 0 ? '\r\x1b[2K' + '\x1b[1A\x1b[2K'.repeat(rows) : '');

export class LiveRegion {
  /** The lines on screen, as drawn (already cut to the width they were drawn at). */
  private drawn: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastDraw = -Infinity;
  private cursorHidden = false;
  private closed = false;
  private readonly onResize = () => this.resized();

  /**
   * `render(columns)` returns the region's lines for a terminal that wide; it is called on every redraw, at most
   * once per `intervalMs` for invalidate(), at once for log() and a resize.
   */
  constructor(
    private readonly stream: TerminalStream,
    private readonly render: (columns: number) => string[],
    private readonly intervalMs = 100,
  ) {
    stream.on?.('resize', this.onResize);
  }

  private get columns(): number {
    return this.stream.columns && this.stream.columns > 0 ? this.stream.columns : 80;
  }

  /** Asks for a redraw; several within `intervalMs` make one. */
  invalidate(): void {
    if (this.closed || this.timer) return;
    const wait = Math.max(0, this.lastDraw + this.intervalMs - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  /** Prints `text` (one or more lines) above the region, which is redrawn below it; a plain line once closed. */
  log(text: string): void {
    const line = text.endsWith('\n') ? text : text + '\n';
    if (this.closed) this.stream.write(line);
    else this.draw(line, this.drawn.length);
  }

  /** Redraws now (a pending invalidate() included). */
  flush(): void {
    if (!this.closed) this.draw('', this.drawn.length);
  }

  /** Erases the region and shows the cursor again; later log() calls print plain lines. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer();
    this.stream.off?.('resize', this.onResize);
    const frame = erase(this.drawn.length) + (this.cursorHidden ? SHOW_CURSOR : '');
    if (frame) this.stream.write(frame);
    this.drawn = [];
    this.cursorHidden = false;
  }

  // One write per frame, so a terminal never shows half a frame.
  private draw(above: string, rowsOnScreen: number): void {
    this.cancelTimer();
    this.lastDraw = performance.now();
    // One column spare: a line exactly as wide as the terminal leaves some terminals in a pending wrap.
    const width = Math.max(1, this.columns - 1);
    const lines = this.render(this.columns).map((l) => cut(l, width));
    let frame = erase(rowsOnScreen) + above;
    if (lines.length > 0 && !this.cursorHidden) {
      frame += HIDE_CURSOR;
      this.cursorHidden = true;
    }
    for (const l of lines) frame += l + '\n';
    this.drawn = lines;
    if (frame) this.stream.write(frame);
  }

  // Terminals that reflow (tmux, VTE, iTerm2, kitty, Windows Terminal) wrap lines wider than the new width onto
  // more rows: erase as many rows as the drawn lines now take.
  private resized(): void {
    if (this.closed) return;
    const cols = this.columns;
    const rows = this.drawn.reduce((n, l) => n + Math.max(1, Math.ceil(l.length / cols)), 0);
    this.draw('', rows);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** `line` without line breaks, cut to `width` characters (the region's lines are plain ASCII and text). */
export function cut(line: string, width: number): string {
  const flat = line.replace(/[\r\n]+/g, ' ');
  return flat.length > width ? flat.slice(0, width) : flat;
}
