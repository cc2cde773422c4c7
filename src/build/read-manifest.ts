// A built output directory read back: its manifest and the config that made it.
import { readRegularFile } from '../files/read.js';
import { join } from 'node:path';
import { configSchema, type Config } from '../config/schema.js';
import { AudiogenError } from '../errors.js';
import { MANIFEST } from '../io/layout.js';
import { FORMAT_VERSION, type Manifest } from '../io/manifest.js';

/** The config a manifest records, completed with defaults for the run-only keys it leaves out. */
export function configOfManifest(m: Pick<Manifest, 'config'>, outDir: string): Config {
  const output = { ...(m.config.output as object), directory: outDir };
  const parsed = configSchema.safeParse({ ...m.config, output });
  if (parsed.success) return parsed.data;
  // A build made by an audiogen with other rules (a bound added since, a key renamed): say so, not a ZodError.
  const first = parsed.error.issues[0];
  throw new AudiogenError(
    `${outDir}: its recorded config is not valid for this audiogen version (${first.path.join('.')}: ${first.message}); rebuild it, or use the audiogen that made it`,
  );
}

export function readBuiltManifest(outDir: string): Manifest {
  const path = join(outDir, MANIFEST);
  let m: Manifest;
  try {
    m = JSON.parse(readRegularFile(path).toString('utf8')) as Manifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AudiogenError(`${outDir}: no ${MANIFEST}: not an audiogen build (or not merged yet)`);
    throw new AudiogenError(`${path}: unreadable manifest (${(err as Error).message})`);
  }
  if (m.format !== 'audiogen') throw new AudiogenError(`${path}: not an audiogen manifest`);
  if (m.format_version > FORMAT_VERSION) {
    throw new AudiogenError(
      `${path}: format_version ${m.format_version} is newer than this audiogen understands (${FORMAT_VERSION})`,
    );
  }
  return m;
}
