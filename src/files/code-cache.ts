// Loads the CLI's and the workers' CommonJS bundles (scripts/bundle-cli.mjs) with V8's code cache: the bytecode V8
// compiled for a bundle when the package was built, saved beside it as <bundle>.cache, so each start deserializes
// instead of parsing and compiling ~1.4 MB of JavaScript (Node 20 has no compile cache for ES modules; its
// module.enableCompileCache came with Node 22). A cache V8 rejects (another Node, other flags) or one made for
// another build of the bundle is ignored: the bundle then compiles as usual.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { provideImporter } from './import.js';

/** The last line of every bundle: `//# audiogen-bundle <id>`, the id its cache starts with. */
const ID_MARK = '//# audiogen-bundle ';
const ID_BYTES = 32;

/** CommonJS's own wrapper, on the bundle's first line so line numbers in stack traces stay the file's. */
const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;

interface Loaded {
  exports: unknown;
  script: Script;
  /** Whether V8 took the cache: null when there was none to offer. */
  cacheAccepted: boolean | null;
}

/** The bundle's build id (hex, ID_BYTES characters), or null for a file without one. */
function bundleId(source: string): string | null {
  const at = source.lastIndexOf(ID_MARK);
  if (at < 0) return null;
  const id = source.slice(at + ID_MARK.length, at + ID_MARK.length + ID_BYTES);
  return /^[0-9a-f]+$/.test(id) && id.length === ID_BYTES ? id : null;
}

/** The cache saved for exactly this build of the bundle, or undefined. */
function cacheFor(file: string, id: string | null): Buffer | undefined {
  if (id === null) return undefined;
  try {
    const bytes = readFileSync(`${file}.cache`);
    return bytes.toString('latin1', 0, ID_BYTES) === id ? bytes.subarray(ID_BYTES) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the CommonJS bundle at `file` and returns its exports (module.exports). The bundle has no import() of its own
 * (scripts/bundle-cli.mjs checks): its modules import through files/import.ts, given this module's import().
 */
export function loadBundle(file: string): Loaded {
  provideImporter((url) => import(url));
  const source = readFileSync(file, 'utf8');
  const cachedData = cacheFor(file, bundleId(source));
  const script = new Script(wrap(source), { filename: file, cachedData });
  const module = { exports: {} as unknown };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cacheAccepted: cachedData ? !script.cachedDataRejected : null };
}

/**
 * Saves the code V8 has compiled so far for a bundle loaded by loadBundle (scripts/bundle-cli.mjs, after running
 * some of it, so the functions a start runs are in it). False when there is nothing to save.
 */
export function saveCodeCache(file: string, loaded: Loaded): boolean {
  const id = bundleId(readFileSync(file, 'utf8'));
  if (id === null) return false;
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(id, 'latin1'), loaded.script.createCachedData()]));
  return true;
}
