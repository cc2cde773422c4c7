// A fingerprint of the files a build reads, so an edited clip is noticed: by size and modification time, as make
// and rsync do, or (--verify-inputs) by contents. Kept in the build's state log, never in the manifest, whose
// bytes depend on the config and the file names only.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { clipPath, type FileStat } from '../dataset/dataset.js';
import { ticker } from '../dataset/tick.js';
import { throwIfInterrupted } from '../errors.js';
import type { InputsFingerprint } from '../io/state.js';

export interface InputFile {
  /** How the file is named in the fingerprint (relative to its root). */
  name: string;
  path: string;
}

/** The files a build reads. Clips stay bare names: a million of them are sorted and looked up, never wrapped. */
export interface InputFiles {
  /** The dataset directory, which the clips are named relative to. */
  datasetDir: string;
  /** Each distinct dataset clip, sorted. */
  clips: string[];
  /** The background-noise files and room impulse responses, named `background:…` and `rir:…`. */
  others: InputFile[];
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
): InputFiles {
  // Sorted, then each kept once: the order of a Set's sort, at half the time (a million names are sorted here).
  const names: string[] = [];
  for (const c of clips) if (c !== null) names.push(c);
  names.sort();
  let kept = 0;
  for (let i = 0; i < names.length; i++) if (kept === 0 || names[i] !== names[kept - 1]) names[kept++] = names[i];
  names.length = kept;
  const others = [
    ...background.map((b) => ({ name: `background:${b.name}`, path: b.path })),
    ...rirs.map((r) => ({ name: `rir:${r.name}`, path: r.path })),
  ];
  return { datasetDir, clips: names, others };
}

/** Every input file with its path, in fingerprint order: the clips, then the others. */
export function eachInputFile(files: InputFiles): InputFile[] {
  return [...files.clips.map((name) => ({ name, path: clipPath(files.datasetDir, name) })), ...files.others];
}

async function contentHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Fingerprints the inputs: sizes and times always (those the listing's probe found, `known` by clip name, else stat
 * in a tight loop, yielding now and then so an interrupt is heard), contents when asked (hashed a few files at a
 * time).
 */
export async function fingerprintInputs(
  files: InputFiles,
  opts: { contents?: boolean; signal?: AbortSignal; known?: ReadonlyMap<string, FileStat> } = {},
): Promise<InputsFingerprint> {
  const tick = ticker(opts.signal);
  const stats = createHash('sha256');
  // Lines hashed a block at a time: one update per file would cost more than the line.
  let lines = '';
  const add = (name: string, seen: FileStat) => {
    lines += `${name}\t${seen.size}\t${seen.mtimeMs}\n`;
    if (lines.length > 1 << 16) {
      stats.update(lines);
      lines = '';
    }
  };
  const statOf = async (path: string): Promise<FileStat> => {
    await tick();
    const st = statSync(path, { bigint: true });
    // Nearest millisecond: a time copied or restored through a float (utimes, Date) comes back the same.
    return { size: Number(st.size), mtimeMs: Number((st.mtimeNs + 500_000n) / 1_000_000n) };
  };
  for (const name of files.clips) add(name, opts.known?.get(name) ?? (await statOf(clipPath(files.datasetDir, name))));
  for (const f of files.others) add(f.name, await statOf(f.path));
  stats.update(lines);
  if (!opts.contents) return { stat: stats.digest('hex') };
  const all = eachInputFile(files);
  const contents: string[] = new Array(all.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < all.length; i = next++) {
      throwIfInterrupted(opts.signal);
      contents[i] = `${all[i].name}\t${await contentHash(all[i].path)}\n`;
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, all.length) }, worker));
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
