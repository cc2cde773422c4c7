// Shared test helpers: temporary folders, small datasets of real clips, running the CLI as users do.
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  mkdirSync,
  copyFileSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  rmSync,
  existsSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { stringify } from 'yaml';
import { decodeWav, encodeWavPcm16 } from '../src/audio/wav.js';

export const ROOT = new URL('..', import.meta.url).pathname;
export const FIXTURES = join(ROOT, 'fixtures');
export const DEMO_DATASET = join(FIXTURES, 'dataset');

/** A fresh temporary folder, removed when the test file ends. */
export function tempDir(prefix = 'audiogen-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A folder with a small tmpfs mounted on it (`size=64k,nr_inodes=8`: a disk that fills up), unmounted and removed
 * when the test ends; null where mounting needs root and this is not root.
 */
export function smallTmpfs(t: { after(fn: () => void): void }, options: string): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'audiogen-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
  t.after(() => {
    // Lazy: a failed test may still hold a file open in it, which a plain umount refuses.
    if (mounted) spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return mounted ? dir : null;
}

/** A 16-bit mono WAV of a tone (or silence with amplitude 0). */
export function toneWav(seconds: number, rate = 16000, freq = 440, amplitude = 0.5): Buffer {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return encodeWavPcm16(x, rate);
}

/** Writes `files` (class/name -> bytes) under a new dataset folder. */
/**
 * Three 50 ms clips of different tones (so each row shows which clip it came from), yes/a, yes/b and no/c, in a
 * dataset of their own; `decoded` gives a clip's samples as the WAV reader decodes them.
 */
export function toneClips(): {
  dataset: string;
  clips: Record<string, Buffer>;
  decoded: (file: string) => Float32Array;
} {
  const clips: Record<string, Buffer> = {
    'yes/a_nohash_0.wav': toneWav(0.05, 16000, 440),
    'yes/b_nohash_0.wav': toneWav(0.05, 16000, 880),
    'no/c_nohash_0.wav': toneWav(0.05, 16000, 1320),
  };
  const dataset = writeDataset(tempDir(), clips);
  return { dataset, clips, decoded: (file) => decodeWav(clips[file]).channels[0] };
}

export function writeDataset(dir: string, files: Record<string, Buffer | string>): string {
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), data);
  }
  return dir;
}

/** Copies the first `perClass` clips of each named demo class into a new dataset folder. */
export function demoSubset(dir: string, classes: string[], perClass: number): string {
  for (const c of classes) {
    mkdirSync(join(dir, c), { recursive: true });
    for (const f of readdirSync(join(DEMO_DATASET, c)).sort().slice(0, perClass)) {
      copyFileSync(join(DEMO_DATASET, c, f), join(dir, c, f));
    }
  }
  return dir;
}

export function writeConfig(dir: string, config: unknown, name = 'config.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.json') ? JSON.stringify(config, null, 2) : stringify(config));
  return path;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The shipped entry point, as users run it (`npx audiogen` runs this file); it runs the compiled dist/. */
export const BIN = join(ROOT, 'bin/audiogen.js');
const CLI_TIMEOUT_MS = 120_000;

// The CLI tests run the compiled code: `npm test` compiles it first, a stale dist/ would test old code.
let distChecked = false;
export function assertDistFresh(): void {
  if (distChecked) return;
  const newest = (dir: string, ext: string): number => {
    let t = 0;
    if (!existsSync(dir)) return t;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p, ext));
      else if (e.name.endsWith(ext)) t = Math.max(t, statSync(p).mtimeMs);
    }
    return t;
  };
  if (newest(join(ROOT, 'src'), '.ts') > newest(join(ROOT, 'dist/src'), '.js')) {
    throw new Error('dist/ is older than src/: run `npm run build` (npm test does it) before running CLI tests');
  }
  distChecked = true;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Ends the run with SIGKILL and fails the test after this long (a hang is a defect, not a slow test). */
  timeoutMs?: number;
  /** Extra node flags, e.g. --max-old-space-size=256 to bound memory. */
  nodeFlags?: string[];
  input?: string;
}

/** Runs `audiogen ...args` through bin/audiogen.js to completion; throws if it does not exit in time. */
export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  assertDistFresh();
  const timeout = opts.timeoutMs ?? CLI_TIMEOUT_MS;
  const r = spawnSync(process.execPath, [...(opts.nodeFlags ?? []), BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
    input: opts.input,
    maxBuffer: 64 << 20,
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
    throw new Error(
      `audiogen ${args.join(' ')} did not exit within ${timeout / 1000} s (it hangs)\nstderr: ${r.stderr}`,
    );
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `audiogen ...args` through bin/audiogen.js in the background (for interrupt tests). */
export function startCli(args: string[], opts: CliOptions = {}): ChildProcess {
  assertDistFresh();
  return spawn(process.execPath, [...(opts.nodeFlags ?? []), BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
  });
}

/** A stack trace or an internal error in what a user sees. */
export const STACK_TRACE = /^\s+at .+:\d+|internal error/m;

/**
 * Asserts a failed run as users must see it: the documented exit code, a message on stderr matching `message`,
 * and no stack trace.
 */
export function assertFails(r: CliResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, `expected exit ${code}, got ${r.code}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, STACK_TRACE, `a stack trace reached the user:\n${r.stderr}`);
}

/** Runs python3 code; returns stdout, throws with stderr on failure. */
export function python(code: string, args: string[] = []): string {
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}

import { parseConfigText, resolvePaths } from '../src/config/load.js';
import { frontendConfigCheck } from '../src/frontend/frontend.js';
import type { Config } from '../src/config/schema.js';

type Section = Record<string, unknown>;
/** A validated config for a dataset folder; sections merge over raw-audio defaults. */
export function makeConfig(
  datasetDir: string,
  outDir: string,
  parts: { dataset?: Section; generator?: Section; frontend?: Section; output?: Section } = {},
): Config {
  const raw = {
    dataset: { directory: datasetDir, classes: ['yes', 'no'], ...parts.dataset },
    generator: { frontend_enabled: false, cores: 1, ...parts.generator },
    frontend: { ...parts.frontend },
    output: { directory: outDir, ...parts.output },
  };
  return resolvePaths(parseConfigText(stringify(raw), 'test.yaml', [], [frontendConfigCheck]), '/');
}

/** Every file under `dir` (relative path -> contents as base64), for byte-for-byte comparisons of outputs. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
