// Walks one class folder for .wav files (recursively), with the reference's symlink rule and a guard against
// anything that resolves outside the dataset directory.
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { AudiogenError } from '../errors.js';

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

const isWav = (name: string) => name.toLowerCase().endsWith('.wav');
const isHidden = (name: string) => name.startsWith('.');

/**
 * The class's .wav files as paths relative to the class folder ('/'-separated), sorted by code point.
 * Without followLinks, symlinked folders are not entered and a symlinked file must resolve inside the dataset.
 */
export function listClassFiles(datasetDir: string, className: string, followLinks: boolean): string[] {
  const root = realpathSync(datasetDir);
  const classDir = join(datasetDir, className);
  let classReal: string;
  try {
    classReal = realpathSync(classDir);
  } catch {
    throw new AudiogenError(`class "${className}": folder ${classDir} does not exist`);
  }
  if (!followLinks && !isInside(root, classReal)) {
    throw new AudiogenError(`class "${className}": ${classDir} resolves outside the dataset directory ${datasetDir}`);
  }
  if (!statSync(classReal).isDirectory()) throw new AudiogenError(`class "${className}": ${classDir} is not a folder`);

  const files: string[] = [];
  const visited = new Set<string>([classReal]);
  const walk = (dir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw new AudiogenError(`class "${className}": cannot read folder ${dir} (${(err as NodeJS.ErrnoException).code})`);
    }
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const path = join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(path);
        } catch {
          continue; // a dangling link holds no audio
        }
        const stat = statSync(target);
        if (stat.isDirectory()) {
          // Keras/MLTK follow_links: only then are linked folders walked; guard against link cycles.
          if (followLinks && !visited.has(target)) {
            visited.add(target);
            walk(path, relPath);
          }
        } else if (isWav(entry.name)) {
          if (!followLinks && !isInside(root, target)) {
            throw new AudiogenError(
              `${className}/${relPath}: symlink points outside the dataset directory (to ${target}); set dataset.follow_links to allow it`,
            );
          }
          files.push(relPath);
        }
      } else if (entry.isDirectory()) {
        walk(path, relPath);
      } else if (entry.isFile() && isWav(entry.name)) {
        files.push(relPath);
      }
    }
  };
  walk(classDir, '');
  return files.sort();
}

/** Top-level folders that can feed _unknown_: not a listed class, not starting with _, . or ~. */
export function unknownSourceFolders(datasetDir: string, classes: readonly string[]): string[] {
  return readdirSync(datasetDir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !/^[_.~]/.test(e.name) && !classes.includes(e.name))
    .filter((e) => {
      try {
        return statSync(join(datasetDir, e.name)).isDirectory();
      } catch {
        return false;
      }
    })
    .map((e) => e.name)
    .sort();
}
