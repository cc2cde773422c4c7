// Scoring detections against a stream's labels: TF's rule with its quirks, the strict one-to-one rule, and the
// files both read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimedLabels, rates, roundHalfEven, scoreStrict, scoreTf, score } from '../../src/stream/score.js';
import { python } from '../helpers.js';

const at = (label: string, timeMs: number) => ({ label, timeMs });
const counts = (s: ReturnType<typeof scoreTf>) => ({
  matched: s.matched,
  correct: s.correct,
  wrong: s.wrong,
  falseAccepts: s.falseAccepts,
  missed: s.missed,
});

test('two detections of one word: TF counts the second wrong (and matched twice), strict a false accept', () => {
  const gt = [at('yes', 1000)];
  const det = [at('yes', 1000), at('yes', 1200)];
  assert.deepEqual(counts(scoreTf(gt, det, 750)), { matched: 2, correct: 1, wrong: 1, falseAccepts: 0, missed: 0 });
  assert.deepEqual(counts(scoreStrict(gt, det, 750)), { matched: 1, correct: 1, wrong: 0, falseAccepts: 1, missed: 0 });
});

test('two words inside one tolerance window: TF takes the first in time, strict the nearest', () => {
  const gt = [at('yes', 1000), at('no', 1500)];
  const det = [at('no', 1400)];
  assert.deepEqual(counts(scoreTf(gt, det, 750)), { matched: 1, correct: 0, wrong: 1, falseAccepts: 0, missed: 1 });
  assert.deepEqual(counts(scoreStrict(gt, det, 750)), { matched: 1, correct: 1, wrong: 0, falseAccepts: 0, missed: 1 });
});

test('a detection between two words: strict takes the nearer, the earlier on a tie; outside the tolerance, a false accept', () => {
  const gt = [at('yes', 1000), at('no', 2000)];
  assert.equal(scoreStrict(gt, [at('no', 1600)], 750).correct, 1);
  assert.deepEqual(counts(scoreStrict(gt, [at('no', 1500)], 750)), {
    matched: 1,
    correct: 0,
    wrong: 1,
    falseAccepts: 0,
    missed: 1,
  });
  assert.deepEqual(counts(scoreStrict(gt, [at('no', 3000)], 750)), {
    matched: 0,
    correct: 0,
    wrong: 0,
    falseAccepts: 1,
    missed: 2,
  });
  assert.equal(scoreTf(gt, [at('no', 1500)], 750).wrong, 1, 'TF: the first word in time within the tolerance');
  assert.equal(scoreTf(gt, [at('no', 2751)], 750).falseAccepts, 1);
});

test('TF rounds ground-truth times as Python 3 does (halves to even) and counts every word', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, 1000.4, 1000.6].map(roundHalfEven), [0, 2, 2, -0, 1000, 1001]);
  // 1000.5 rounds to 1000: a detection at 250 with tolerance 750 reaches it only after rounding.
  assert.equal(scoreTf([at('yes', 1000.5)], [at('yes', 250)], 750).correct, 1);
  assert.equal(scoreStrict([at('yes', 1000.5)], [at('yes', 250)], 750).falseAccepts, 1);
});

test('empty and header-only files score zero, with no percentages; _silence_ detections are not counted', () => {
  assert.deepEqual(parseTimedLabels('', 'x'), []);
  assert.deepEqual(parseTimedLabels('label,time_ms\n', 'x'), []);
  const s = score('strict', [], parseTimedLabels('label, time_ms\n_silence_, 10\n', 'x'), 750);
  assert.deepEqual(counts(s), { matched: 0, correct: 0, wrong: 0, falseAccepts: 0, missed: 0 });
  assert.equal(s.detections, 0);
  assert.equal(rates(s, 60).correct_percent, null);
  assert.equal(rates(s, 60).false_accepts_per_hour, 0);
});

test("the labels file of a stream and TF's both read: extra columns ignored, a bad line named by its number", () => {
  assert.deepEqual(parseTimedLabels('yes, 1000.000000, 1180\n_unknown_, 3521.5, 3600\n', 'l.csv'), [
    at('yes', 1000),
    at('_unknown_', 3521.5),
  ]);
  assert.throws(
    () => parseTimedLabels('yes, 1000\nno, soon\n', 'l.csv'),
    /l\.csv:2: expected "label, time_ms", got "no, soon"/,
  );
  assert.throws(() => parseTimedLabels(', 10\n', 'd.csv'), /d\.csv:1: the label is empty/);
});

test('false accepts per hour and percentages of the ground-truth count', () => {
  const s = scoreStrict([at('yes', 1000), at('no', 5000)], [at('yes', 1000), at('up', 9000), at('up', 20000)], 750);
  const r = rates(s, 1800);
  assert.equal(r.correct_percent, 50);
  assert.equal(r.false_accept_percent, 100);
  assert.equal(r.false_accepts_per_hour, 4);
  assert.equal(rates(s, null).false_accepts_per_hour, null);
});

// A line-by-line port of TensorFlow's StreamingAccuracyStats.read_ground_truth_file and calculate_accuracy_stats
// (tensorflow/examples/speech_commands/accuracy_utils.py), run on random cases made by the same script.
const TF_PORT = `
import json, random, sys
def read_ground_truth(lines):
  occ = []
  for line in lines:
    s = line.strip().split(',')
    if len(s) != 2: continue
    occ.append([s[0], round(float(s[1]))])
  return sorted(occ, key=lambda item: item[1])
def calculate(gt_occurrence, found_words, up_to_time_ms, tol):
  latest_possible_time = float('inf') if up_to_time_ms == -1 else up_to_time_ms + tol
  how_many_gt = 0
  for g in gt_occurrence:
    if g[1] > latest_possible_time: break
    how_many_gt += 1
  fp = c = w = 0
  has_gt_matched = []
  for found_label, found_time in found_words:
    earliest, latest = found_time - tol, found_time + tol
    found = False
    for g in gt_occurrence:
      if g[1] > latest or g[1] > latest_possible_time: break
      if g[1] < earliest: continue
      if g[0] == found_label and has_gt_matched.count(g[1]) == 0: c += 1
      else: w += 1
      has_gt_matched.append(g[1])
      found = True
      break
    if not found: fp += 1
  return dict(gt=how_many_gt, matched=len(has_gt_matched), correct=c, wrong=w, fp=fp)
cases = []
for seed in range(int(sys.argv[1])):
  r = random.Random(seed)
  labels = ['yes', 'no', 'up', '_unknown_']
  gt = [(r.choice(labels), r.randrange(0, 60000) + r.choice([0, 0.5, 0.25])) for _ in range(r.randrange(0, 30))]
  det = sorted([(r.choice(labels), r.randrange(0, 60000)) for _ in range(r.randrange(0, 30))], key=lambda d: d[1])
  tol = r.choice([100, 500, 750, 1500])
  expected = calculate(read_ground_truth(['%s, %f' % g for g in gt]), det, -1, tol)
  cases.append(dict(gt=gt, det=det, tol=tol, expected=expected))
print(json.dumps(cases))
`;

test("the TF rule agrees with a line-by-line port of TensorFlow's function on 300 random cases", () => {
  const cases = JSON.parse(python(TF_PORT, ['300'])) as {
    gt: [string, number][];
    det: [string, number][];
    tol: number;
    expected: { gt: number; matched: number; correct: number; wrong: number; fp: number };
  }[];
  assert.equal(cases.length, 300);
  for (const [i, c] of cases.entries()) {
    // The labels file as TF writes it ("%s, %f"), read back by our reader.
    const gt = parseTimedLabels(c.gt.map(([l, t]) => `${l}, ${t.toFixed(6)}`).join('\n'), 'gt');
    const s = scoreTf(
      gt,
      c.det.map(([l, t]) => at(l, t)),
      c.tol,
    );
    const got = { gt: s.groundTruth, matched: s.matched, correct: s.correct, wrong: s.wrong, fp: s.falseAccepts };
    assert.deepEqual(got, c.expected, `case ${i}`);
  }
});
