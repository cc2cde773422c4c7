// The build's progress display: the reporter's screen against a fake terminal and its CI lines, and the real thing:
// long builds in a tmux pane, read back with capture-pane as a person sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { duration, progressReporter } from '../../src/cli/progress.js';
import { BIN, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';
import { FakeTerminal, screen, until } from './terminal.js';

// ---- the reporter on a terminal ----------------------------------------------------------------------------------

test('duration reads as a person would say it', () => {
  assert.deepEqual([0, 6.4, 59, 75, 3599, 3720].map(duration), ['0s', '6s', '59s', '1m15s', '59m59s', '1h02m']);
});

test('on a terminal: finished epochs once above, one line per subset in flight, the whole build last; all erased at stop', () => {
  const term = new FakeTerminal(100);
  const p = progressReporter({ quiet: false, epochs: 2, stream: term });
  const show = () => {
    p.flush();
    return screen(term.output).lines;
  };
  p.buildStart!(406, 0);
  p.epochStart!('training', 0, 146, 0);
  p.epochStart!('validation', 0, 57, 0);
  p.note!('warning: something to know');
  let s = show();
  assert.equal(s[0], 'warning: something to know');
  assert.match(s[1], /^training epoch 1\/2 +waiting$/);
  assert.match(s[2], /^validation epoch 1\/2 waiting$/);
  assert.match(s[3], /^all epochs +\[-{30}\] 0\/406 clips, starting$/);
  assert.equal(s.length, 4);
  p.progress!('training', 0, 73);
  p.epochStart!('training', 1, 146, 0);
  p.progress!('training', 1, 10);
  p.note!('second note');
  s = show();
  assert.deepEqual(s.slice(0, 2), ['warning: something to know', 'second note']);
  // The oldest unfinished epoch stands for its subset.
  assert.match(s[2], /^training epoch 1\/2 +\[#{15}-{15}\] 73\/146 clips$/);
  assert.match(s[3], /^validation epoch 1\/2 waiting$/);
  assert.match(s[4], /^all epochs +\[#{6}-{24}\] 83\/406 clips, \d+ clips\/s, ETA \d+(s|m\d\ds)$/);
  assert.equal(s.length, 5);
  p.progress!('training', 0, 73);
  p.epochDone!('training', 0);
  s = show();
  assert.match(s[2], /^training epoch 1\/2: 146 clips, \d+ clips\/s$/);
  assert.match(s[3], /^training epoch 2\/2 +\[#{2}-{28}\] 10\/146 clips$/);
  p.progress!('validation', 0, 57);
  s = show();
  assert.match(s[4], /^validation epoch 1\/2 +\[#{30}\] 57\/57 clips, writing$/);
  p.epochDone!('validation', 0);
  p.progress!('training', 1, 136);
  p.epochDone!('training', 1);
  p.epochStart!('validation', 1, 57, 0);
  p.progress!('validation', 1, 57);
  p.epochDone!('validation', 1);
  s = show();
  assert.match(s[s.length - 1], /^all epochs +\[#{30}\] 406\/406 clips, \d+ clips\/s, ETA 0s$/);
  p.stop();
  const end = screen(term.output);
  assert.equal(end.cursor, true);
  assert.equal(end.lines.length, 6);
  assert.deepEqual(
    end.lines.slice(2).map((l) => l.replace(/\d+ clips\/s/, 'R clips/s')),
    [
      'training epoch 1/2: 146 clips, R clips/s',
      'validation epoch 1/2: 57 clips, R clips/s',
      'training epoch 2/2: 146 clips, R clips/s',
      'validation epoch 2/2: 57 clips, R clips/s',
    ],
  );
  // A subset waiting for its first clips shows no rate or ETA of zero.
  assert.doesNotMatch(term.output, /(^|\D)0 clips\/s|waiting.*(clips\/s|ETA)/m);
});

test('on a narrow terminal the bars shrink, then go, and no line is wider than the terminal', () => {
  for (const columns of [100, 80, 60, 40]) {
    const term = new FakeTerminal(columns);
    const p = progressReporter({ quiet: false, epochs: 60, stream: term });
    p.buildStart!(12180, 0);
    p.epochStart!('training', 13, 146, 0);
    p.progress!('training', 13, 100);
    p.epochStart!('validation', 13, 57, 0);
    p.flush();
    const lines = screen(term.output).lines;
    assert.equal(lines.length, 3);
    for (const l of lines) assert.ok(l.length < columns, `${columns} columns: ${JSON.stringify(l)}`);
    if (columns >= 80) assert.match(lines[2], /^all epochs +\[[#-]{8,30}\] 100\/12180 clips, \d+ clips\/s, ETA \d/);
    if (columns === 60) {
      assert.deepEqual(lines.slice(0, 2), ['training epoch 14/60 100/146 clips', 'validation epoch 14/60 waiting']);
      assert.match(lines[2], /^all epochs 100\/12180 clips, \d+ clips\/s, ETA \d+/);
    }
    p.stop();
  }
});

test('a resumed build counts the kept samples as done and says where finished epochs came from', () => {
  const term = new FakeTerminal(100);
  const p = progressReporter({ quiet: false, epochs: 2, stream: term });
  p.buildStart!(406, 260);
  p.epochStart!('training', 0, 146, 146);
  p.epochDone!('training', 0);
  p.epochStart!('validation', 0, 57, 57);
  p.epochDone!('validation', 0);
  p.epochStart!('training', 1, 146, 57);
  p.flush();
  let s = screen(term.output).lines;
  assert.deepEqual(s.slice(0, 2), [
    'training epoch 1/2: 146 clips, from an earlier run',
    'validation epoch 1/2: 57 clips, from an earlier run',
  ]);
  assert.match(s[2], /^training epoch 2\/2 +waiting$/);
  assert.match(s[3], /^all epochs +\[#{19}-{11}\] 260\/406 clips, starting$/);
  p.progress!('training', 1, 89);
  p.epochDone!('training', 1);
  s = screen(term.output).lines;
  assert.match(s[2], /^training epoch 2\/2: 146 clips \(57 from an earlier run\), \d+ clips\/s$/);
  p.stop();
});

test('an interrupt erases the live region at once and shows the cursor; later lines are plain', () => {
  const term = new FakeTerminal(100);
  const controller = new AbortController();
  const p = progressReporter({ quiet: false, epochs: 2, stream: term, signal: controller.signal });
  p.buildStart!(406, 0);
  p.epochStart!('training', 0, 146, 0);
  p.note!('started');
  const before = term.frames.length;
  controller.abort('SIGINT');
  assert.deepEqual(term.frames.slice(before), ['\r\x1b[2K' + '\x1b[1A\x1b[2K'.repeat(2) + '\x1b[?25h']);
  p.progress!('training', 0, 146);
  p.epochDone!('training', 0);
  p.stop();
  assert.match(term.frames.slice(before + 1).join(''), /^training epoch 1\/2: 146 clips, \d+ clips\/s\n$/);
  assert.deepEqual(screen(term.output), { lines: ['started', term.frames.at(-1)!.trim()], cursor: true });
});

test('--quiet writes nothing', () => {
  const term = new FakeTerminal();
  const p = progressReporter({ quiet: true, epochs: 2, stream: term });
  p.buildStart?.(10, 0);
  p.epochStart?.('training', 0, 10, 0);
  p.progress?.('training', 0, 10);
  p.epochDone?.('training', 0);
  p.note?.('x');
  p.stop();
  assert.deepEqual(term.frames, []);
});

// ---- off a terminal ----------------------------------------------------------------------------------------------

test('off a terminal: finished epochs and notes as plain lines, the overall line only when something changed, no escapes', async () => {
  const log = new FakeTerminal(100, false);
  const p = progressReporter({ quiet: false, epochs: 2, stream: log, plainIntervalMs: 10 });
  p.note!('a note');
  p.buildStart!(406, 0);
  p.epochStart!('training', 0, 146, 0);
  // Nothing done yet: no rate, so no overall line.
  await sleep(50);
  assert.deepEqual(log.frames, ['a note\n']);
  p.progress!('training', 0, 146);
  await until(() => log.frames.length > 1, 'the overall line');
  assert.match(log.frames[1], /^progress: 146\/406 clips \(35%\), \d+ clips\/s, ETA \d+s\n$/);
  await sleep(60);
  assert.equal(log.frames.length, 2, 'the same figures are not repeated');
  p.epochDone!('training', 0);
  p.stop();
  assert.match(log.frames[2], /^training epoch 1\/2: 146 clips, \d+ clips\/s\n$/);
  assert.equal(log.frames.length, 3);
  assert.doesNotMatch(log.output, /\x1b/);
});

const dataset = demoSubset(tempDir(), ['yes', 'no', 'up', 'down', 'left', 'right'], 20);
const EPOCHS = 60;
/** 60 epochs of 120 clips (84 training, 36 validation) with speed and pitch changes: a few seconds on one core. */
function longBuild(dir: string): string {
  return writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no', 'up', 'down', 'left', 'right'] },
    generator: { cores: 1, validation_split: 0.25, speed_range: [0.9, 1.1], pitch_range: [-2, 2] },
    output: { directory: join(dir, 'out'), epochs: EPOCHS },
  });
}

test('a build off a terminal (CI) prints every epoch once and no escape codes', () => {
  const dir = tempDir();
  const r = runCli(['build', '--config', longBuild(dir), '--epochs', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /\x1b/);
  const epochs = r.stderr.split('\n').filter((l) => / epoch \d+\/3: /.test(l));
  assert.deepEqual(epochs.map((l) => l.replace(/:.*/, '')).sort(), [
    'training epoch 1/3',
    'training epoch 2/3',
    'training epoch 3/3',
    'validation epoch 1/3',
    'validation epoch 2/3',
    'validation epoch 3/3',
  ]);
  for (const l of epochs) assert.match(l, /: (84|36) clips, \d+ clips\/s$/);
});

// ---- the real thing: a terminal (tmux) ---------------------------------------------------------------------------

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const skipTmux = hasTmux ? false : 'tmux is not installed: apt-get install tmux';

/** A tmux server of its own (never the user's), with one pane running the shipped CLI; killed at the end. */
class Pane {
  // In a temporary folder, so the socket goes with it.
  private readonly socket = join(tempDir('audiogen-tmux-'), 'tmux.sock');
  constructor(
    args: string[],
    readonly columns = 100,
    readonly rows = 30,
  ) {
    // A shell that ignores Ctrl-C (node resets it) prints the exit status and keeps the pane open to read.
    const script = 'trap "" INT; "$0" "$@"; echo "[exit $?]"; exec sleep 600';
    this.tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'build',
      '-x',
      String(columns),
      '-y',
      String(rows),
      'sh',
      '-c',
      script,
      process.execPath,
      BIN,
      ...args,
    );
  }
  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, `tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }
  /** The CLI's visible rows (or with `history` its whole scrollback, wrapped lines joined), trailing blanks dropped. */
  capture(history = false): string[] {
    const lines = this.tmux('capture-pane', '-p', '-t', 'build', ...(history ? ['-J', '-S', '-'] : []))
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => !EXIT.test(l));
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
  /** The CLI's exit status once it has exited, else null. */
  status(): number | null {
    const m = this.tmux('capture-pane', '-p', '-t', 'build').match(/^\[exit (\d+)\]$/m);
    return m ? Number(m[1]) : null;
  }
  get exited(): boolean {
    return this.status() !== null;
  }
  get(format: string): string {
    return this.tmux('display-message', '-p', '-t', 'build', format).trim();
  }
  kill() {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }
}

const EXIT = /^\[exit \d+\]$/;
const FINISHED = /^(training|validation) epoch (\d+)\/(\d+): (\d+) clips/;
const IN_PROGRESS = /^(training|validation) epoch (\d+)\/(\d+) +(\[|waiting|\d+\/\d+ clips)/;
const OVERALL = /^all epochs +(?:\[[#-]+\] )?(\d+)\/(\d+) clips, /;

/** What a person sees, checked: no stale or duplicated line, at most one in-progress line per subset, one total. */
function checkDisplay(lines: string[], columns: number, samplesPerEpoch: number): { done: number; region: number } {
  const finished = new Map<string, number>();
  let finishedClips = 0;
  const inProgress: string[] = [];
  let overall: RegExpExecArray | null = null;
  let overallLines = 0;
  for (const l of lines) {
    if (FINISHED.test(l) || IN_PROGRESS.test(l) || OVERALL.test(l))
      assert.ok(l.length < columns, `a line as wide as the terminal: ${l}`);
    let m: RegExpExecArray | null;
    if ((m = FINISHED.exec(l))) {
      const k = `${m[1]} ${m[2]}`;
      assert.ok(!finished.has(k), `${k} printed twice:\n${lines.join('\n')}`);
      finished.set(k, 1);
      finishedClips += Number(m[4]);
    } else if ((m = IN_PROGRESS.exec(l))) inProgress.push(`${m[1]} ${m[2]}`);
    else if ((m = OVERALL.exec(l))) {
      overall = m;
      overallLines++;
    }
  }
  assert.ok(overallLines <= 1, `${overallLines} overall lines:\n${lines.join('\n')}`);
  for (const s of ['training', 'validation']) {
    assert.ok(
      inProgress.filter((k) => k.startsWith(s)).length <= 1,
      `more than one ${s} line in progress:\n${lines.join('\n')}`,
    );
  }
  for (const k of inProgress)
    assert.ok(!finished.has(k), `${k} shown both finished and in progress (stale):\n${lines.join('\n')}`);
  if (overall) {
    assert.equal(Number(overall[2]), EPOCHS * samplesPerEpoch, 'the total counts every epoch');
    // Current: drawn after the last finished line, so it counts at least every clip above it.
    assert.ok(
      Number(overall[1]) >= finishedClips,
      `the total (${overall[1]}) lags the finished epochs (${finishedClips})`,
    );
  }
  return { done: overall ? Number(overall[1]) : -1, region: inProgress.length + overallLines };
}

/** No run of blank lines between the first and the last line of output (the 1,782-blank-line flood). */
function blankLines(lines: string[]): number {
  const first = lines.findIndex((l) => l !== '');
  return lines.slice(first).filter((l) => l === '').length;
}

test('a 60-epoch build in a 100x30 tmux pane: a clean, current display from start to end', {
  skip: skipTmux,
  timeout: 120_000,
}, async () => {
  const dir = tempDir();
  const pane = new Pane(['build', '--config', longBuild(dir)], 100, 30);
  try {
    let moments = 0;
    let hidden = 0;
    let lastDone = -1;
    while (!pane.exited) {
      const history = pane.capture(true);
      const { done, region } = checkDisplay(history, pane.columns, 120);
      assert.ok(region <= 3, `a live region of ${region} lines`);
      assert.equal(blankLines(history), 0, `blank lines in the scrollback:\n${history.join('\n')}`);
      if (done >= 0) {
        assert.ok(done >= lastDone, 'the total never goes back');
        lastDone = done;
        // The live region stays at the bottom, below every finished epoch.
        assert.match(history[history.length - 1], OVERALL);
        if (done > 0 && done < EPOCHS * 120) {
          moments++;
          if (pane.get('#{cursor_flag}') === '0') hidden++;
        }
      }
      await sleep(150);
    }
    assert.ok(moments >= 3, `the build ran too fast to watch (${moments} moments with a partial total)`);
    assert.ok(hidden > 0, 'the cursor is hidden while the display is live');
    assert.equal(pane.status(), 0);

    const history = pane.capture(true);
    const { region } = checkDisplay(history, pane.columns, 120);
    assert.equal(region, 0, `a progress line is left at the end:\n${history.join('\n')}`);
    assert.equal(blankLines(history), 0);
    const epochs = history.filter((l) => FINISHED.test(l));
    assert.equal(epochs.length, 2 * EPOCHS);
    for (let e = 1; e <= EPOCHS; e++) {
      for (const s of ['training', 'validation'])
        assert.equal(epochs.filter((l) => l.startsWith(`${s} epoch ${e}/60: `)).length, 1, `${s} epoch ${e}`);
    }
    // Epoch lines, then the summary, and nothing else.
    assert.deepEqual(history.slice(0, 2 * EPOCHS), epochs);
    assert.match(history[2 * EPOCHS], /^built 7200 samples in /);
    assert.equal(history.length, 2 * EPOCHS + 2);
    assert.equal(pane.get('#{cursor_flag}'), '1', 'the cursor is visible again');
  } finally {
    pane.kill();
  }
});

test('in tmux, a resize mid-build redraws cleanly at the new width, and Ctrl-C leaves a clean screen', {
  skip: skipTmux,
  timeout: 120_000,
}, async () => {
  const dir = tempDir();
  const pane = new Pane(['build', '--config', longBuild(dir)], 100, 30);
  try {
    // A full screen, so the live region sits on the bottom rows when its lines reflow.
    const screenFull = () => pane.capture(true).filter((l) => FINISHED.test(l)).length > pane.rows;
    await until(() => screenFull() || pane.exited, 'a screenful of finished epochs', 60_000);
    assert.ok(!pane.exited, 'the build ended before it could be resized');
    pane.tmux('resize-window', '-t', 'build', '-x', '60');
    // Redrawn at 60 columns: the bar is gone, the numbers stay.
    await until(
      () => pane.capture().some((l) => /^all epochs +\d+\/\d+ clips,/.test(l)) || pane.exited,
      'a redraw at 60 columns',
      60_000,
    );
    assert.ok(!pane.exited, 'the build ended before the redraw was seen');
    const visible = pane.capture();
    checkDisplay(visible, 60, 120);
    // Every visible line is whole: an epoch line, a line in progress, or the total; no fragment of a wider line.
    for (const l of visible)
      assert.ok(
        l === '' || FINISHED.test(l) || IN_PROGRESS.test(l) || OVERALL.test(l),
        `a fragment on screen: ${JSON.stringify(l)}\n${visible.join('\n')}`,
      );
    assert.equal(visible.filter((l) => OVERALL.test(l)).length, 1);

    pane.tmux('send-keys', '-t', 'build', 'C-c');
    await until(() => pane.exited, 'the build to stop after Ctrl-C', 60_000);
    assert.equal(pane.status(), 130);
    const end = pane.capture();
    assert.equal(
      end.filter((l) => IN_PROGRESS.test(l) || OVERALL.test(l)).length,
      0,
      `a progress line is left after Ctrl-C:\n${end.join('\n')}`,
    );
    assert.ok(
      end.some((l) => l.startsWith('SIGINT: stopping')),
      end.join('\n'),
    );
    assert.equal(pane.get('#{cursor_flag}'), '1', 'the cursor is visible again');
  } finally {
    pane.kill();
  }
});
