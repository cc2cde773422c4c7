// The attack suite's harness: runs the shipped bin/audiogen.js as a user would, under a time limit and a V8 heap
// limit, and measures the peak memory of the whole process tree; asserts the documented exit code, a message and
// no stack trace; hashes folders before and after to prove nothing outside the output directory changed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assertDistFresh, BIN, ROOT, STACK_TRACE, type CliResult } from '../helpers.js';

export interface AttackResult extends CliResult {
  seconds: number;
  /** Peak resident memory of the command and its workers, MiB. */
  peakMiB: number;
  timedOut: boolean;
}

export interface AttackOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Wall-clock limit; the command is killed (SIGKILL) after it. */
  timeoutMs?: number;
  /** V8 heap limit of the build process, MiB. */
  heapMiB?: number;
}

// python3 runs the command so the peak RSS of every waited-for descendant (workers included) can be read back.
// On a timeout the whole process group is killed: a worker stuck in a loop would otherwise hold the pipes open.
const MEASURE = `
import json, os, resource, signal, subprocess, sys, time
limit = float(sys.argv[1]); cmd = sys.argv[2:]
t = time.monotonic(); timed_out = False
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
try:
    out, err = p.communicate(timeout=limit)
except subprocess.TimeoutExpired:
    os.killpg(p.pid, signal.SIGKILL); out, err = p.communicate(); timed_out = True
json.dump({"code": p.returncode, "stdout": out.decode("utf8", "replace"), "stderr": err.decode("utf8", "replace"),
           "seconds": time.monotonic() - t, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
           "timed_out": timed_out}, sys.stdout)
`;

/** Runs `audiogen ...args` through the shipped entry point, bounded in time and heap. */
export function attack(args: string[], opts: AttackOptions = {}): AttackResult {
  assertDistFresh();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const node = [process.execPath, `--max-old-space-size=${opts.heapMiB ?? 256}`, BIN, ...args];
  const r = spawnSync('python3', ['-c', MEASURE, String(timeoutMs / 1000), ...node], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`the attack harness failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout);
  return {
    code: m.code,
    stdout: m.stdout,
    stderr: m.stderr,
    seconds: m.seconds,
    peakMiB: m.maxrss_kb / 1024,
    timedOut: m.timed_out,
  };
}

/**
 * Asserts what a user must see from an attack: it ended in time with `code`, said something matching `message`
 * on stderr, printed no stack trace, and stayed within `peakMiB` of memory (default 1 GiB for the whole tree).
 */
export function assertOutcome(r: AttackResult, code: number, message: RegExp, limits: { peakMiB?: number } = {}): void {
  assert.equal(r.timedOut, false, `did not exit within its time limit (a hang)\nstderr: ${r.stderr}`);
  assert.equal(r.code, code, `expected exit ${code}, got ${r.code}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, STACK_TRACE, `a stack trace reached the user:\n${r.stderr}`);
  const peak = limits.peakMiB ?? 1024;
  assert.ok(r.peakMiB <= peak, `peak memory ${r.peakMiB.toFixed(0)} MiB exceeds ${peak} MiB`);
}

/** A fingerprint of everything under `dir`: names, types, sizes, contents and link targets (not times). */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const root = Buffer.from(dir);
  // Names as bytes: a name that is not UTF-8 cannot be reached through a string path.
  const walk = (d: Buffer) => {
    for (const name of readdirSync(d, { encoding: 'buffer' }).sort(Buffer.compare)) {
      const p = Buffer.concat([d, Buffer.from('/'), name]);
      const st = lstatSync(p);
      const rel = p.subarray(root.length + 1).toString('latin1');
      if (st.isSymbolicLink())
        hash.update(`L ${rel} -> ${readlinkSync(p, { encoding: 'buffer' }).toString('latin1')}\n`);
      else if (st.isDirectory()) {
        hash.update(`D ${rel} ${st.mode & 0o7777}\n`);
        walk(p);
      } else if (st.isFile())
        hash
          .update(`F ${rel} ${st.size} ${st.mode & 0o7777} `)
          .update(readFileSync(p))
          .update('\n');
      else hash.update(`S ${rel} ${st.mode}\n`);
    }
  };
  if (existsSync(dir)) walk(root);
  return hash.digest('hex');
}

/** Runs `fn` and asserts that none of `dirs` changed in any way. */
export function unchanged<T>(dirs: string[], fn: () => T): T {
  const before = dirs.map(treeHash);
  const result = fn();
  dirs.forEach((d, i) => {
    assert.equal(treeHash(d), before[i], `${d} changed: an attack must not touch files outside the output directory`);
  });
  return result;
}

/** Temporary files a build leaves when it failed to clean up after itself. */
export function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.partial')) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}
