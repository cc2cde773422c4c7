// Progress of a build: a cli-progress bar per subset and epoch on a terminal, one plain line every few seconds
// otherwise (CI logs), nothing with --quiet.
import cliProgress from 'cli-progress';
import type { Subset } from '../config/schema.js';
import type { BuildEvents } from '../pipeline/build.js';

interface EpochProgress {
  label: string;
  total: number;
  done: number;
  /** Samples on disk before this run, excluded from the rate. */
  resumed: number;
  started: number;
  bar?: cliProgress.SingleBar;
}

const rateOf = (p: EpochProgress) => (p.done - p.resumed) / Math.max(1e-3, (performance.now() - p.started) / 1000);
const etaOf = (p: EpochProgress) => {
  const rate = rateOf(p);
  return rate > 0 ? Math.ceil((p.total - p.done) / rate) : 0;
};

export function progressReporter(opts: { quiet: boolean; epochs: number; stream?: NodeJS.WriteStream }): BuildEvents & { stop(): void } {
  const stream = opts.stream ?? process.stderr;
  const active = new Map<string, EpochProgress>();
  const key = (s: Subset, e: number) => `${s}:${e}`;
  const label = (s: Subset, e: number) => `${s} epoch ${e + 1}/${opts.epochs}`;
  const write = (line: string) => (multibar ? multibar.log(line + '\n') : stream.write(line + '\n'));

  if (opts.quiet) return { note: () => {}, stop: () => {} };

  const multibar = stream.isTTY
    ? new cliProgress.MultiBar(
        {
          stream,
          format: '{label} [{bar}] {value}/{total} clips | {rate} clips/s | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          barsize: 30,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;

  const plainLine = (p: EpochProgress) =>
    `${p.label}: ${p.done}/${p.total} clips (${Math.floor((100 * p.done) / Math.max(1, p.total))}%), ${Math.round(rateOf(p))} clips/s, ETA ${etaOf(p)}s`;
  const timer = multibar
    ? null
    : setInterval(() => {
        for (const p of active.values()) stream.write(plainLine(p) + '\n');
      }, 5000);
  timer?.unref();

  return {
    epochStart(subset, epoch, total, done) {
      const p: EpochProgress = { label: label(subset, epoch), total, done, resumed: done, started: performance.now() };
      if (multibar) p.bar = multibar.create(total, done, { label: p.label, rate: 0 });
      active.set(key(subset, epoch), p);
    },
    progress(subset, epoch, samples) {
      const p = active.get(key(subset, epoch));
      if (!p) return;
      p.done += samples;
      p.bar?.update(p.done, { rate: Math.round(rateOf(p)) });
    },
    epochDone(subset, epoch) {
      const p = active.get(key(subset, epoch));
      if (!p) return;
      active.delete(key(subset, epoch));
      if (p.bar) p.bar.update(p.done, { rate: Math.round(rateOf(p)) });
      else stream.write(`${p.label}: done, ${p.total} clips${p.resumed ? ` (${p.resumed} from an earlier run)` : `, ${Math.round(rateOf(p))} clips/s`}\n`);
    },
    note(message) {
      write(message);
    },
    stop() {
      if (timer) clearInterval(timer);
      multibar?.stop();
    },
  };
}
