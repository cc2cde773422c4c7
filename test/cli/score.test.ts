// `audiogen score` through the shipped entry point: a table or JSON from a labels and a detections file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, runCli, tempDir } from '../helpers.js';

function files(): { dir: string; labels: string; detections: string } {
  const dir = tempDir();
  const labels = join(dir, 'labels.csv');
  const detections = join(dir, 'detections.csv');
  writeFileSync(labels, 'yes, 1000.000000, 1190\nno, 4000.000000, 4100\n_unknown_, 7000.000000, 7050\n');
  writeFileSync(detections, 'label,time_ms\nyes,1100\nyes,1300\nup,9000\n_silence_,12000\n');
  writeFileSync(join(dir, 'stream.json'), JSON.stringify({ duration_s: 36 }));
  return { dir, labels, detections };
}

test('score prints counts, percentages of the ground truth and false accepts per hour (stream.json beside the labels)', () => {
  const { labels, detections } = files();
  const r = runCli(['score', '--labels', labels, '--detections', detections]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rule strict, tolerance 750 ms: 3 ground-truth words, 3 detections, 0\.010 h of stream/);
  assert.match(r.stdout, /^correct\s+1\s+33\.3%$/m);
  assert.match(r.stdout, /^missed\s+2\s+66\.7%$/m);
  assert.match(r.stdout, /^false accepts\s+2\s+66\.7%\s+\(200\.00 per hour\)$/m);
});

test('score --json --rule tf: TF counts the repeated detection as wrong', () => {
  const { labels, detections } = files();
  const r = runCli(['score', '--labels', labels, '--detections', detections, '--rule', 'tf', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(
    {
      rule: j.rule,
      correct: j.correct,
      wrong: j.wrong,
      false_accepts: j.false_accepts,
      matched: j.matched,
      duration_s: j.duration_s,
    },
    { rule: 'tf', correct: 1, wrong: 1, false_accepts: 1, matched: 2, duration_s: 36 },
  );
  assert.equal(j.false_accepts_per_hour, 100);
});

test('score refuses a bad rule, tolerance or duration, and a missing file, with exit 2 naming it', () => {
  const { dir, labels, detections } = files();
  assertFails(
    runCli(['score', '--labels', labels, '--detections', detections, '--rule', 'loose']),
    2,
    /--rule: expected tf or strict, got "loose"/,
  );
  assertFails(
    runCli(['score', '--labels', labels, '--detections', detections, '--time-tolerance-ms', '-1']),
    2,
    /--time-tolerance-ms: expected 0\.\.60000/,
  );
  assertFails(
    runCli(['score', '--labels', labels, '--detections', join(dir, 'none.csv')]),
    2,
    /--detections .*none\.csv: cannot read \(ENOENT\)/,
  );
  assertFails(
    runCli(['score', '--labels', labels, '--detections', detections, '--stream', tempDir()]),
    2,
    /--stream .*: no stream\.json there/,
  );
  writeFileSync(detections, 'yes,1000\nyes,later\n');
  assertFails(
    runCli(['score', '--labels', labels, '--detections', detections]),
    1,
    /detections\.csv:2: expected "label, time_ms", got "yes,later"/,
  );
});
