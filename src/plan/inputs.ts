// A fingerprint of the files a build reads, so an edited clip is noticed: by size and modification time, as make
// and rsync do, or (--verify-inputs) by contents. Kept in the build's state log, never in the manifest, whose
// bytes depend on the config and the file names only.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { clipPath, type FileStat } from '../dataset/dataset.js';
import { ticker } from '../dataset/tick.js';
import { InterruptedError } from '../errors.js';
import type { InputsFingerprint } from '../io/state.js';

export interface InputFile {
  /** How the file is named in the fingerprint (relative to its root). */
  name: string;
  path: string;
}

/**
 * The files of a listing: each distinct dataset clip (relative to `datasetDir`), the background-noise files and the
 * room impulse responses.
 */
export function inputFiles(
  datasetDir: string,
  clips: Iterable<string | null>,
  background: readonly InputFile[],
  rirs: readonly InputFile[],
): InputFile[] {
  const names = new Set<string>();
  for (const c of clips) if (c !== null) names.add(c);
  const out = [...names].sort().map((name) => ({ name, path: clipPath(datasetDir, name) }));
  for (const b of background) out.push({ name: `background:${b.name}`, path: b.path });
  for (const r of rirs) out.push({ name: `rir:${r.name}`, path: r.path });
  return out;
}

async function contentHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Fingerprints the inputs: sizes and times always (those the listing's probe found, else stat in a tight loop,
 * yielding now and then so an interrupt is heard), contents when asked (hashed a few files at a time).
 */
export async function fingerprintInputs(
  files: readonly InputFile[],
  opts: { contents?: boolean; signal?: AbortSignal; known?: ReadonlyMap<string, FileStat> } = {},
): Promise<InputsFingerprint> {
  const tick = ticker(opts.signal);
  const stats = createHash('sha256');
  // Lines hashed a block at a time: one update per file would cost more than the line.
  let lines = '';
  for (const f of files) {
    let seen = opts.known?.get(f.path);
    if (!seen) {
      await tick();
      const st = statSync(f.path, { bigint: true });
      // Nearest millisecond: a time copied or restored through a float (utimes, Date) comes back the same.
      seen = { size: Number(st.size), mtimeMs: Number((st.mtimeNs + 500_000n) / 1_000_000n) };
    }
    lines += `${f.name}\t${seen.size}\t${seen.mtimeMs}\n`;
    if (lines.length > 1 << 16) {
      stats.update(lines);
      lines = '';
    }
  }
  stats.update(lines);
  if (!opts.contents) return { stat: stats.digest('hex') };
  const contents: string[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      if (opts.signal?.aborted) throw new InterruptedError(String(opts.signal.reason ?? 'a signal'));
      contents[i] = `${files[i].name}\t${await contentHash(files[i].path)}\n`;
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  const content = contents.reduce((h, l) => h.update(l), createHash('sha256')).digest('hex');
  return { stat: stats.digest('hex'), content };
}

/**
 * Whether the inputs are those of a recorded build: by contents when both sides have them (times may differ,
 * e.g. after a copy), else by size and time. 'unknown' when a recorded fingerprint is missing (an older build).
 */
export function compareInputs(
  recorded: InputsFingerprint | undefined,
  current: InputsFingerprint,
): 'same' | 'changed' | 'unknown' {
  if (!recorded) return 'unknown';
  if (recorded.content && current.content) return recorded.content === current.content ? 'same' : 'changed';
  return recorded.stat === current.stat ? 'same' : 'changed';
}

/**
 * What to record for inputs found the same as `previous`: the current fingerprint, keeping the recorded contents
 * fingerprint when this run computed none (the times are unchanged, so the contents are the ones recorded).
 */
export function inputsToRecord(previous: InputsFingerprint | undefined, current: InputsFingerprint): InputsFingerprint {
  if (current.content || !previous?.content || previous.stat !== current.stat) return current;
  return { stat: current.stat, content: previous.content };
}
