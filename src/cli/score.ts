// `audiogen score`: a model's detections on a stream against the stream's labels, by TF's rule or the strict one.
import { dirname, join } from 'node:path';
import { AudiogenError, EXIT } from '../errors.js';
import { NotAFileError, readRegularFile } from '../files/read.js';
import { parseTimedLabels, rates, score, type Score, type ScoreRule } from '../stream/score.js';

export interface ScoreFlags {
  labels: string;
  detections: string;
  rule: string;
  timeToleranceMs: number;
  stream?: string;
  durationS?: number;
  json?: boolean;
}

function readText(path: string, what: string): string {
  try {
    return readRegularFile(path).toString('utf8');
  } catch (err) {
    const why =
      err instanceof NotAFileError ? `it is ${err.what}` : ((err as NodeJS.ErrnoException).code ?? String(err));
    throw new AudiogenError(`${what} ${path}: cannot read (${why})`, EXIT.config);
  }
}

/** The stream's length in seconds: --duration-s, else stream.json in --stream DIR or beside the labels, else null. */
function streamDuration(flags: ScoreFlags): number | null {
  if (flags.durationS !== undefined) return flags.durationS;
  const dir = flags.stream ?? dirname(flags.labels);
  let text: string;
  try {
    text = readRegularFile(join(dir, 'stream.json')).toString('utf8');
  } catch {
    if (flags.stream)
      throw new AudiogenError(`--stream ${flags.stream}: no stream.json there (made by audiogen stream)`, EXIT.config);
    return null;
  }
  const duration = (JSON.parse(text) as { duration_s?: unknown }).duration_s;
  return typeof duration === 'number' && duration > 0 ? duration : null;
}

function table(s: Score, durationS: number | null): string {
  const r = rates(s, durationS);
  const pct = (p: number | null) => (p === null ? '' : `${p.toFixed(1).padStart(6)}%`);
  const perHour =
    r.false_accepts_per_hour === null
      ? 'per hour: give --stream or --duration-s'
      : `${r.false_accepts_per_hour.toFixed(2)} per hour`;
  return (
    `rule ${s.rule}, tolerance ${s.toleranceMs} ms: ${s.groundTruth} ground-truth words, ${s.detections} detections` +
    `${durationS ? `, ${(durationS / 3600).toFixed(3)} h of stream` : ''}\n` +
    `correct        ${String(s.correct).padStart(7)} ${pct(r.correct_percent)}\n` +
    `wrong          ${String(s.wrong).padStart(7)} ${pct(r.wrong_percent)}\n` +
    `missed         ${String(s.missed).padStart(7)} ${pct(r.missed_percent)}\n` +
    `false accepts  ${String(s.falseAccepts).padStart(7)} ${pct(r.false_accept_percent)}  (${perHour})\n` +
    `(percentages of the ground-truth words, as TensorFlow's streaming test reports them)\n`
  );
}

/** The `score` command's action (its declaration, options and help are in commands.ts). */
export function runScore(flags: ScoreFlags): void {
  if (flags.rule !== 'tf' && flags.rule !== 'strict') {
    throw new AudiogenError(`--rule: expected tf or strict, got "${flags.rule}"`, EXIT.config);
  }
  if (!(flags.timeToleranceMs >= 0 && flags.timeToleranceMs <= 60_000)) {
    throw new AudiogenError(`--time-tolerance-ms: expected 0..60000, got ${flags.timeToleranceMs}`, EXIT.config);
  }
  if (flags.durationS !== undefined && !(flags.durationS > 0)) {
    throw new AudiogenError(`--duration-s: expected a positive number, got ${flags.durationS}`, EXIT.config);
  }
  const labels = parseTimedLabels(readText(flags.labels, '--labels'), flags.labels);
  const detections = parseTimedLabels(readText(flags.detections, '--detections'), flags.detections);
  const durationS = streamDuration(flags);
  const s = score(flags.rule as ScoreRule, labels, detections, flags.timeToleranceMs);
  if (flags.json) {
    const { rule, toleranceMs, groundTruth, matched, correct, wrong, falseAccepts, missed, detections: d } = s;
    const counts = {
      ground_truth: groundTruth,
      detections: d,
      matched,
      correct,
      wrong,
      missed,
      false_accepts: falseAccepts,
    };
    process.stdout.write(
      JSON.stringify({
        rule,
        tolerance_ms: toleranceMs,
        duration_s: durationS,
        ...counts,
        ...rates(s, durationS),
      }) + '\n',
    );
  } else process.stdout.write(table(s, durationS));
}
