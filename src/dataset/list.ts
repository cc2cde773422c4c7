// Walks one folder for clips (recursively: files with one of dataset.extensions, any case), with the reference's symlink rule and a guard against anything
// that resolves outside the listing's root. Entries that look like clips but cannot be read (FIFOs, sockets,
// devices, dangling links, names that are not UTF-8) are returned as bad files instead of blocking or vanishing.
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DEFAULT_EXTENSIONS } from '../config/names.js';
import { AudiogenError } from '../errors.js';
import { kindOf } from '../files/read.js';
import { decodeName, escapeName, extensionOf, notUtf8Reason } from './names.js';
import type { BadFile } from './probe.js';
import { noTick, type Tick } from './tick.js';

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  // `..` as a whole first component only: a name such as `..out` is inside.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/** Audio extensions: those not listed as clips are counted, so a folder of .m4a files is a warning, not a silent zero. */
export const AUDIO_EXTENSIONS = new Set([
  '.wav',
  '.flac',
  '.ogg',
  '.opus',
  '.oga',
  '.mp3',
  '.m4a',
  '.aac',
  '.aif',
  '.aiff',
  '.au',
  '.webm',
  '.wma',
]);

export interface FolderListing {
  /** The clips, relative to the folder ('/'-separated), sorted by code unit. */
  files: string[];
  /** Entries that should be clips but cannot be read, relative to the folder, sorted. */
  bad: BadFile[];
  /** Audio files whose extension is not listed (not read), per lower-case extension. */
  otherAudio: Record<string, number>;
}

export interface ListFolderOptions {
  /** Follow symlinked folders, and symlinked files out of the root. */
  followLinks: boolean;
  tick?: Tick;
  /** The root in messages (default 'the dataset directory'). */
  rootName?: string;
  /** The folder's name in messages (default the folder itself). */
  label?: string;
  /** Extensions of clips, any case (default DEFAULT_EXTENSIONS): dataset.extensions. */
  extensions?: readonly string[];
}

/**
 * The clips of `folder` (relative to `root`), sorted by code unit. Without followLinks, symlinked folders are
 * not entered and a symlinked file must resolve inside `root`.
 */
export async function listClassFiles(root: string, folder: string, opts: ListFolderOptions): Promise<FolderListing> {
  const { followLinks } = opts;
  const tick = opts.tick ?? noTick;
  const rootName = opts.rootName ?? 'the dataset directory';
  const label = opts.label ?? folder;
  const listed = new Set((opts.extensions ?? DEFAULT_EXTENSIONS).map((e) => e.toLowerCase()));
  const isClip = (name: string) => listed.has(extensionOf(name));
  const shown = (relPath: string) => (label === '' || label === '.' ? relPath : `${label}/${relPath}`);
  const rootReal = realpathSync(root);
  const classDir = join(root, folder);
  let classReal: string;
  try {
    classReal = realpathSync(classDir);
  } catch {
    throw new AudiogenError(`${label}: folder ${classDir} does not exist`);
  }
  if (!followLinks && !isInside(rootReal, classReal)) {
    throw new AudiogenError(`${label}: ${classDir} resolves outside ${rootName} ${root}`);
  }
  if (!statSync(classReal).isDirectory()) throw new AudiogenError(`${label}: ${classDir} is not a folder`);

  const files: string[] = [];
  const bad: BadFile[] = [];
  const otherAudio: Record<string, number> = {};
  const countOther = (name: string) => {
    const ext = extensionOf(name);
    if (AUDIO_EXTENSIONS.has(ext) && !listed.has(ext)) otherAudio[ext] = (otherAudio[ext] ?? 0) + 1;
  };
  const visited = new Set<string>([classReal]);
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries: Dirent<string | Buffer>[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
      // Names that are not UTF-8 come back with U+FFFD in them: such a folder is read again by its bytes.
      if (entries.some((e) => e.name.includes('\ufffd')))
        entries = readdirSync(dir, { encoding: 'buffer', withFileTypes: true });
    } catch (err) {
      throw new AudiogenError(`${label}: cannot read folder ${dir} (${(err as NodeJS.ErrnoException).code})`);
    }
    for (const entry of entries) {
      await tick();
      const raw = entry.name;
      if (raw[0] === '.' || raw[0] === 0x2e) continue; // hidden
      const name = typeof raw === 'string' ? raw : decodeName(raw);
      if (name === null) {
        const bytes = raw as Buffer;
        const relPath = rel ? `${rel}/${escapeName(bytes)}` : escapeName(bytes);
        const shownName = escapeName(bytes);
        if (entry.isDirectory()) bad.push({ file: relPath, reason: notUtf8Reason(bytes, 'folder') });
        else if (isClip(shownName)) bad.push({ file: relPath, reason: notUtf8Reason(bytes, 'file') });
        else countOther(shownName);
        continue;
      }
      const relPath = rel ? `${rel}/${name}` : name;
      // The common case, a regular file: no path to build.
      if (entry.isFile()) {
        if (isClip(name)) files.push(relPath);
        else countOther(name);
        continue;
      }
      const path = join(dir, name);
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(path);
        } catch (err) {
          if (isClip(name)) bad.push({ file: relPath, reason: brokenLinkReason(path, err) });
          continue;
        }
        const stat = statSync(target);
        if (stat.isDirectory()) {
          // Keras/MLTK follow_links: only then are linked folders walked; guard against link cycles.
          if (followLinks && !visited.has(target)) {
            visited.add(target);
            await walk(path, relPath);
          }
        } else if (isClip(name)) {
          if (!followLinks && !isInside(rootReal, target)) {
            throw new AudiogenError(
              `${shown(relPath)}: symlink points outside ${rootName} (to ${target}); set dataset.follow_links to allow it`,
            );
          }
          if (stat.isFile()) files.push(relPath);
          else bad.push({ file: relPath, reason: `is a symlink to ${kindOf(stat)} (${target}), not a regular file` });
        } else if (stat.isFile()) countOther(name);
      } else if (entry.isDirectory()) {
        await walk(path, relPath);
      } else if (isClip(name)) bad.push({ file: relPath, reason: notRegularReason(path) });
    }
  };
  await walk(classDir, '');
  bad.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files: files.sort(), bad, otherAudio };
}

function notRegularReason(path: string): string {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return 'is not a regular file';
  }
  return `is ${kindOf(stat)}, not a regular file`;
}

/** Why a symlink named like a clip leads nowhere. */
function brokenLinkReason(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'is a symlink loop';
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    let to = '';
    try {
      to = ` (to ${readlinkSync(path)}, which does not exist)`;
    } catch {}
    return `is a dangling symlink${to}`;
  }
  return `cannot follow the symlink (${code ?? String(err)})`;
}

/** "12 audio files whose extension is not in dataset.extensions were not read (.m4a 10, .aac 2)", or null. */
export function otherAudioNote(counts: Record<string, number>): string | null {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return null;
  return `${total} audio file${total === 1 ? '' : 's'} whose extension is not in dataset.extensions ${total === 1 ? 'was' : 'were'} not read (${entries.map(([e, n]) => `${e} ${n}`).join(', ')})`;
}

export interface UnknownSources {
  /** Top-level folders that can feed _unknown_: not a listed class, not starting with _, . or ~. */
  folders: string[];
  /** Top-level folders whose names are not UTF-8 (they cannot be read). */
  bad: BadFile[];
}

export function unknownSourceFolders(datasetDir: string, classes: readonly string[]): UnknownSources {
  const folders: string[] = [];
  const bad: BadFile[] = [];
  for (const e of readdirSync(datasetDir, { encoding: 'buffer', withFileTypes: true })) {
    if (!(e.isDirectory() || e.isSymbolicLink()) || /^[_.~]/.test(String.fromCharCode(e.name[0]))) continue;
    const name = decodeName(e.name);
    if (name === null) {
      if (e.isDirectory()) bad.push({ file: escapeName(e.name), reason: notUtf8Reason(e.name, 'folder') });
      continue;
    }
    if (classes.includes(name)) continue;
    try {
      if (statSync(join(datasetDir, name)).isDirectory()) folders.push(name);
    } catch {}
  }
  return { folders: folders.sort(), bad: bad.sort((a, b) => (a.file < b.file ? -1 : 1)) };
}
