// A fake terminal for the progress display's tests: it records every write, and screen() replays them as a person
// would see them (only the escapes the display may use are understood: anything else fails the test).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export class FakeTerminal extends EventEmitter {
  readonly isTTY: boolean;
  frames: string[] = [];
  constructor(
    public columns = 100,
    tty = true,
  ) {
    super();
    this.isTTY = tty;
  }
  write(text: string) {
    this.frames.push(text);
    return true;
  }
  get output() {
    return this.frames.join('');
  }
}

/** What a terminal shows after `output` (scrollback included): lines, and whether the cursor is visible. */
export function screen(output: string): { lines: string[]; cursor: boolean } {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  let cursor = true;
  for (let i = 0; i < output.length; i++) {
    const ch = output[i];
    if (ch === '\x1b') {
      const m = /^\x1b\[(\??)(\d*)([A-Za-z])/.exec(output.slice(i));
      assert.ok(m, `unknown escape at ${JSON.stringify(output.slice(i, i + 8))}`);
      const [all, private_, n, op] = m;
      if (private_ && n === '25') cursor = op === 'h';
      else if (op === 'A') row = Math.max(0, row - Number(n || 1));
      else if (op === 'K' && n === '2') lines[row] = '';
      else assert.fail(`unexpected escape ${JSON.stringify(all)}`);
      i += all.length - 1;
    } else if (ch === '\n') {
      row++;
      col = 0;
      if (row === lines.length) lines.push('');
    } else if (ch === '\r') col = 0;
    else {
      lines[row] = lines[row].slice(0, col).padEnd(col) + ch + lines[row].slice(col + 1);
      col++;
    }
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return { lines, cursor };
}

/** Resolves once `ready()` holds; polls generously, fails after `ms`. */
export async function until(ready: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
