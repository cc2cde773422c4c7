// The live region: its exact frames against a fake terminal (drawing, logging above it, cutting, resizing,
// throttling, erasing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveRegion, cut } from '../../src/cli/live-region.js';
import { FakeTerminal, screen, until } from './terminal.js';

test('the live region draws, logs above itself, and erases itself with exact escape sequences', () => {
  const term = new FakeTerminal();
  let lines = ['first', 'second'];
  const region = new LiveRegion(term, () => lines);
  region.flush();
  assert.deepEqual(term.frames, ['\x1b[?25lfirst\nsecond\n']);
  lines = ['third'];
  region.log('training epoch 1/2: 10 clips');
  assert.equal(term.frames[1], '\r\x1b[2K' + '\x1b[1A\x1b[2K'.repeat(2) + 'training epoch 1/2: 10 clips\nthird\n');
  region.close();
  assert.equal(term.frames[2], '\r\x1b[2K' + '\x1b[1A\x1b[2K'.repeat(1) + '\x1b[?25h');
  assert.deepEqual(screen(term.output), { lines: ['training epoch 1/2: 10 clips'], cursor: true });
  // Closed: plain lines, nothing to erase, no escapes.
  region.log('after');
  region.close();
  assert.deepEqual(term.frames.slice(3), ['after\n']);
});

test('the live region cuts lines to one less than the terminal width and never breaks one', () => {
  const term = new FakeTerminal(10);
  const region = new LiveRegion(term, () => ['0123456789abcdef', 'two\nlines']);
  region.flush();
  assert.equal(term.frames[0], '\x1b[?25l012345678\ntwo lines\n');
  region.close();
});

test('after a resize the live region erases the rows its lines now wrap onto and redraws at the new width', () => {
  const term = new FakeTerminal(100);
  const region = new LiveRegion(term, (columns) => ['x'.repeat(50), `${columns} columns`]);
  region.flush();
  term.columns = 20;
  term.emit('resize');
  // 50 characters reflowed at 20 columns take 3 rows, the second line 1.
  assert.equal(term.frames[1], '\r\x1b[2K' + '\x1b[1A\x1b[2K'.repeat(4) + 'x'.repeat(19) + '\n20 columns\n');
  region.close();
  assert.equal(term.listenerCount('resize'), 0);
});

test('the live region draws at most once per interval, with the newest lines', async () => {
  const term = new FakeTerminal();
  let renders = 0;
  let n = 0;
  const region = new LiveRegion(
    term,
    () => {
      renders++;
      return [`n=${n}`];
    },
    30,
  );
  for (n = 1; n <= 100; n++) region.invalidate();
  assert.equal(term.frames.length, 0, 'a redraw is scheduled, not done at once');
  await until(() => term.frames.length > 0, 'the first redraw');
  assert.deepEqual(term.frames, ['\x1b[?25ln=101\n']);
  assert.equal(renders, 1);
  region.close();
});

test('a shrinking live region leaves no blank line behind', () => {
  const term = new FakeTerminal();
  let lines = ['a', 'b', 'c'];
  const region = new LiveRegion(term, () => lines);
  region.flush();
  lines = ['c'];
  region.log('done a');
  region.log('done b');
  assert.deepEqual(screen(term.output).lines, ['done a', 'done b', 'c']);
  region.close();
  assert.deepEqual(screen(term.output).lines, ['done a', 'done b']);
});

test('cut turns line breaks into spaces and shortens a line to the width', () => {
  assert.equal(cut('a\r\nb\nc', 10), 'a b c');
  assert.equal(cut('abcdef', 3), 'abc');
  assert.equal(cut('abc', 3), 'abc');
});

test('a stream that does not say its width is drawn at 80 columns', () => {
  const frames: string[] = [];
  const region = new LiveRegion({ write: (t: string) => frames.push(t) }, () => ['x'.repeat(100)]);
  region.flush();
  assert.deepEqual(frames, ['\x1b[?25l' + 'x'.repeat(79) + '\n']);
  region.close();
});

test('an empty region writes nothing and never hides the cursor; once closed, nothing redraws', async () => {
  const term = new FakeTerminal();
  let lines: string[] = [];
  const region = new LiveRegion(term, () => lines, 1);
  region.flush();
  region.close();
  assert.deepEqual(term.frames, []);
  lines = ['late'];
  region.invalidate();
  region.flush();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(term.frames, []);
});
