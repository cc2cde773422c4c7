// Scoring a model's detections on a stream against the stream's labels: TensorFlow's rule (speech_commands'
// calculate_accuracy_stats, quirks included, so figures compare with published ones) or a strict one-to-one rule.
import { AudiogenError } from '../errors.js';

/** A labelled word in the stream, or a detection: its label and its time in ms. */
export interface TimedLabel {
  label: string;
  timeMs: number;
}

export type ScoreRule = 'tf' | 'strict';

export interface Score {
  rule: ScoreRule;
  toleranceMs: number;
  groundTruth: number;
  /** Ground-truth words a detection landed on (TF's rule counts one matched twice, twice). */
  matched: number;
  correct: number;
  wrong: number;
  falseAccepts: number;
  /** Ground-truth words no detection landed on (strict rule; the TF rule reports ground truth − matched). */
  missed: number;
  detections: number;
}

/** Rounds to the nearest integer, halves to even: Python 3's round(), which TF's label reader uses. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Reads `label, time_ms[, …]` lines (labels.csv of `audiogen stream`, TF's labels file, a detections file): extra
 * columns are ignored, a first line whose time is not a number is a header, blank lines are skipped. Anything else
 * that does not parse is an error naming the file and line.
 */
export function parseTimedLabels(text: string, file: string): TimedLabel[] {
  const out: TimedLabel[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.split(',').map((f) => f.trim());
    const time = Number(fields[1]);
    if (fields.length < 2 || fields[1] === '' || !Number.isFinite(time)) {
      if (i === 0 && out.length === 0) return; // a header
      throw new AudiogenError(`${file}:${i + 1}: expected "label, time_ms", got ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (fields[0] === '') throw new AudiogenError(`${file}:${i + 1}: the label is empty`);
    out.push({ label: fields[0], timeMs: time });
  });
  return out;
}

/** Sorted by time, equal times in file order (Python's sorted() is stable too). */
const byTime = (list: readonly TimedLabel[]) =>
  list.map((x, i) => ({ ...x, i })).sort((a, b) => a.timeMs - b.timeMs || a.i - b.i);

/**
 * TensorFlow's calculate_accuracy_stats over the whole stream (up_to_time_ms = -1): ground-truth times rounded as
 * its reader rounds them; each detection takes the first ground-truth word (in time order) within the tolerance,
 * matched before or not; correct when the labels agree and that word's time was not matched yet, else wrong;
 * none: a false positive.
 */
export function scoreTf(
  groundTruth: readonly TimedLabel[],
  detections: readonly TimedLabel[],
  toleranceMs: number,
): Score {
  const gt = byTime(groundTruth.map((g) => ({ label: g.label, timeMs: roundHalfEven(g.timeMs) })));
  const matchedTimes: number[] = [];
  let correct = 0;
  let wrong = 0;
  let falseAccepts = 0;
  for (const found of detections) {
    const earliest = found.timeMs - toleranceMs;
    const latest = found.timeMs + toleranceMs;
    let hit = false;
    for (const g of gt) {
      if (g.timeMs > latest) break;
      if (g.timeMs < earliest) continue;
      if (g.label === found.label && !matchedTimes.includes(g.timeMs)) correct++;
      else wrong++;
      matchedTimes.push(g.timeMs);
      hit = true;
      break;
    }
    if (!hit) falseAccepts++;
  }
  return {
    rule: 'tf',
    toleranceMs,
    groundTruth: gt.length,
    matched: matchedTimes.length,
    correct,
    wrong,
    falseAccepts,
    missed: gt.length - new Set(matchedTimes).size,
    detections: detections.length,
  };
}

/**
 * One-to-one: each detection, in time order, takes the nearest ground-truth word within the tolerance that no
 * detection has taken yet (ties: the earlier word); the same label is correct, another wrong; none left: a false
 * accept. Ground-truth words never taken are missed.
 */
export function scoreStrict(
  groundTruth: readonly TimedLabel[],
  detections: readonly TimedLabel[],
  toleranceMs: number,
): Score {
  const gt = byTime(groundTruth);
  const taken = new Uint8Array(gt.length);
  let correct = 0;
  let wrong = 0;
  let falseAccepts = 0;
  for (const found of byTime(detections)) {
    let best = -1;
    for (let j = 0; j < gt.length; j++) {
      const distance = Math.abs(gt[j].timeMs - found.timeMs);
      if (taken[j] || distance > toleranceMs) continue;
      if (best < 0 || distance < Math.abs(gt[best].timeMs - found.timeMs)) best = j;
    }
    if (best < 0) {
      falseAccepts++;
      continue;
    }
    taken[best] = 1;
    if (gt[best].label === found.label) correct++;
    else wrong++;
  }
  const matched = correct + wrong;
  return {
    rule: 'strict',
    toleranceMs,
    groundTruth: gt.length,
    matched,
    correct,
    wrong,
    falseAccepts,
    missed: gt.length - matched,
    detections: detections.length,
  };
}

/** Detections a scorer counts: TF's streaming test never adds `_silence_` to its found words. */
export const countedDetections = (detections: readonly TimedLabel[]) =>
  detections.filter((d) => d.label !== '_silence_');

export function score(
  rule: ScoreRule,
  groundTruth: readonly TimedLabel[],
  detections: readonly TimedLabel[],
  toleranceMs: number,
): Score {
  const counted = countedDetections(detections);
  return rule === 'tf' ? scoreTf(groundTruth, counted, toleranceMs) : scoreStrict(groundTruth, counted, toleranceMs);
}

/** Percentages of the ground-truth count (TF's convention) and false accepts per hour of stream. */
export function rates(s: Score, durationS: number | null) {
  const pct = (n: number) => (s.groundTruth === 0 ? null : (100 * n) / s.groundTruth);
  return {
    matched_percent: pct(s.matched),
    correct_percent: pct(s.correct),
    wrong_percent: pct(s.wrong),
    false_accept_percent: pct(s.falseAccepts),
    missed_percent: pct(s.missed),
    false_accepts_per_hour: durationS && durationS > 0 ? (s.falseAccepts * 3600) / durationS : null,
  };
}
