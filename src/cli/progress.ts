// Progress of a build. On a terminal: finished epochs as plain lines, below them a live region (the epoch in
// progress per subset, then the whole build's bar, rate and ETA), erased at the end. Off a terminal (CI logs):
// the finished epochs and, every few seconds, one overall line; no escape codes. Nothing with --quiet.
import { SUBSETS, type Subset } from '../config/schema.js';
import type { BuildEvents } from '../build/build.js';
import { LiveRegion, type TerminalStream } from './live-region.js';

export interface ProgressOptions {
  quiet: boolean;
  epochs: number;
  stream?: TerminalStream & { isTTY?: boolean };
  /** Aborted on SIGINT/SIGTERM: the live region is erased at once, before the interrupt message prints. */
  signal?: AbortSignal;
  /** Off a terminal, the overall line's period. */
  plainIntervalMs?: number;
  /** On a terminal, the shortest time between two redraws. */
  redrawIntervalMs?: number;
}

export type ProgressReporter = BuildEvents & {
  /** Erases the terminal display and shows the cursor; stops the periodic line. */
  stop(): void;
  /** Draws the terminal display now rather than at the next throttled redraw. */
  flush(): void;
};

interface EpochProgress {
  subset: Subset;
  epoch: number;
  total: number;
  done: number;
  /** Samples on disk before this run, excluded from the rate. */
  resumed: number;
  started: number;
}

const BAR_MAX = 30;
const BAR_MIN = 8;

/** 75 -> "1m15s": seconds as a person reads them. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const bar = (fraction: number, width: number) => {
  const full = Math.min(width, Math.floor(Math.max(0, fraction) * width));
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
};

export function progressReporter(opts: ProgressOptions): ProgressReporter {
  if (opts.quiet) return { note: () => {}, stop: () => {}, flush: () => {} };
  const stream = opts.stream ?? process.stderr;
  // A terminal that declares itself dumb gets the plain lines.
  const tty = !!stream.isTTY && (opts.stream !== undefined || process.env.TERM !== 'dumb');

  const active = new Map<string, EpochProgress>();
  const subsets: Subset[] = [];
  const key = (s: Subset, e: number) => `${s}:${e}`;
  const label = (s: Subset, e: number) => `${s} epoch ${e + 1}/${opts.epochs}`;
  // The whole build (this partition): known from buildStart on.
  let total = -1;
  let done = 0;
  let resumed = 0;
  let started = performance.now();

  // The average since the build started: steadier than a recent window, and what the summary reports.
  const rate = () => (done - resumed) / Math.max(1e-3, (performance.now() - started) / 1000);
  const eta = () => duration((total - done) / rate());
  const percent = () => Math.floor((100 * done) / Math.max(1, total));
  const finishedLine = (p: EpochProgress) => {
    const seconds = (performance.now() - p.started) / 1000;
    if (p.resumed === p.total) return `${label(p.subset, p.epoch)}: ${p.total} clips, from an earlier run`;
    const earlier = p.resumed ? ` (${p.resumed} from an earlier run)` : '';
    return `${label(p.subset, p.epoch)}: ${p.total} clips${earlier}, ${Math.round((p.done - p.resumed) / Math.max(1e-3, seconds))} clips/s`;
  };

  // The live region's lines for a terminal `columns` wide: per subset its oldest unfinished epoch, then the build.
  const regionLines = (columns: number): string[] => {
    if (total < 0) return [];
    const rows: { label: string; fraction: number | null; text: string }[] = [];
    for (const s of subsets) {
      let p: EpochProgress | undefined;
      for (const q of active.values()) if (q.subset === s && (!p || q.epoch < p.epoch)) p = q;
      if (!p) continue;
      // An epoch queued behind another has no rate yet: say so rather than "0 clips/s".
      if (p.done === p.resumed) rows.push({ label: label(s, p.epoch), fraction: null, text: 'waiting' });
      else {
        // Every clip made, the shards still being written and checked.
        const writing = p.done === p.total ? ', writing' : '';
        rows.push({
          label: label(s, p.epoch),
          fraction: p.done / Math.max(1, p.total),
          text: `${p.done}/${p.total} clips${writing}`,
        });
      }
    }
    const moving = done > resumed;
    const overall = `${done}/${total} clips, ${moving ? `${Math.round(rate())} clips/s, ETA ${eta()}` : 'starting'}`;
    rows.push({ label: 'all epochs', fraction: done / Math.max(1, total), text: overall });
    // Widths from the widest values the build can reach, so the bars stay put as the numbers grow.
    const labelWidth = Math.max(
      ...rows.map((r) => r.label.length),
      ...SUBSETS.map((s) => label(s, opts.epochs - 1).length),
    );
    const textWidth = `${total}/${total} clips, 99999 clips/s, ETA 59m59s`.length;
    // Bars shrink to keep the numbers on narrow terminals, and go when even a short bar would not fit.
    const barWidth = Math.min(BAR_MAX, columns - 1 - labelWidth - textWidth - 4);
    return rows.map((r) => {
      if (barWidth < BAR_MIN) return `${r.label} ${r.text}`;
      const head = r.label.padEnd(labelWidth);
      return r.fraction === null ? `${head} ${r.text}` : `${head} ${bar(r.fraction, barWidth)} ${r.text}`;
    });
  };

  const region = tty ? new LiveRegion(stream, regionLines, opts.redrawIntervalMs ?? 100) : null;
  const print = (line: string) => (region ? region.log(line) : stream.write(line + '\n'));

  let printedDone = -1;
  const timer = region
    ? null
    : setInterval(() => {
        if (total < 0 || done === printedDone || done === resumed) return;
        printedDone = done;
        stream.write(`progress: ${done}/${total} clips (${percent()}%), ${Math.round(rate())} clips/s, ETA ${eta()}\n`);
      }, opts.plainIntervalMs ?? 5000);
  timer?.unref();

  // On an interrupt the region goes at once, before the message; a second Ctrl-C or a crash exits at once, and
  // must still leave the cursor visible.
  const erase = () => region?.close();
  if (region) {
    process.once('exit', erase);
    opts.signal?.addEventListener('abort', erase, { once: true });
  }

  return {
    buildStart(samples, alreadyDone) {
      total = samples;
      done = resumed = alreadyDone;
      started = performance.now();
      region?.invalidate();
    },
    epochStart(subset, epoch, epochTotal, epochDone) {
      if (!subsets.includes(subset)) subsets.push(subset);
      active.set(key(subset, epoch), {
        subset,
        epoch,
        total: epochTotal,
        done: epochDone,
        resumed: epochDone,
        started: performance.now(),
      });
      region?.invalidate();
    },
    progress(subset, epoch, samples) {
      done += samples;
      const p = active.get(key(subset, epoch));
      if (p) p.done += samples;
      region?.invalidate();
    },
    epochDone(subset, epoch) {
      const p = active.get(key(subset, epoch));
      if (!p) return;
      active.delete(key(subset, epoch));
      print(finishedLine(p));
    },
    note(message) {
      print(message);
    },
    flush() {
      region?.flush();
    },
    stop() {
      if (timer) clearInterval(timer);
      region?.close();
      process.off('exit', erase);
      opts.signal?.removeEventListener('abort', erase);
    },
  };
}
