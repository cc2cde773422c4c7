// Files appear under their final names only when complete, a failed write leaves no temporary, and folders are
// made one level at a time so a failure says why (and never spins, as Node's recursive mkdir does under /proc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AudiogenError } from '../../src/errors.js';
import { ensureDir, outputError, tmpName, writeFileAtomic } from '../../src/io/atomic.js';
import { ROOT, smallTmpfs, tempDir } from '../helpers.js';

const errno = (code: string, message = `${code}: something`) => Object.assign(new Error(message), { code });

test('writeFileAtomic writes the file whole, making its folders, and leaves no temporary', () => {
  const path = join(tempDir(), 'a', 'b', 'manifest.json');
  writeFileAtomic(path, '{"x": 1}\n');
  assert.equal(readFileSync(path, 'utf8'), '{"x": 1}\n');
  assert.deepEqual(readdirSync(join(path, '..')), ['manifest.json']);
  assert.equal(tmpName(path), `${path}.partial`);
});

test('writeFileAtomic replaces a file by rename: a reader that has it open keeps reading the old bytes', () => {
  const path = join(tempDir(), 'manifest.json');
  writeFileSync(path, 'old contents');
  const fd = openSync(path, 'r');
  try {
    writeFileAtomic(path, new Uint8Array(Buffer.from('new')));
    const b = Buffer.alloc(64);
    assert.equal(b.toString('utf8', 0, readSync(fd, b, 0, 64, 0)), 'old contents');
  } finally {
    closeSync(fd);
  }
  assert.equal(readFileSync(path, 'utf8'), 'new');
});

test('a write that fills the disk leaves no temporary, keeps the previous file whole, and says why', (t) => {
  const dir = smallTmpfs(t, 'size=64k');
  if (!dir) return t.skip('needs root to mount a small tmpfs');
  const path = join(dir, 'manifest.json');
  writeFileAtomic(path, 'previous');
  assert.throws(
    () => writeFileAtomic(path, Buffer.alloc(1 << 20, 1)),
    (e: unknown) => e instanceof AudiogenError && e.message === `cannot write ${path}: no space left on device`,
  );
  assert.deepEqual(readdirSync(dir), ['manifest.json']);
  assert.equal(readFileSync(path, 'utf8'), 'previous');
});

test('a rename that fails (a folder holds the final name) leaves no temporary', () => {
  const dir = tempDir();
  const path = join(dir, 'classes.txt');
  mkdirSync(join(path, 'inside'), { recursive: true });
  assert.throws(
    () => writeFileAtomic(path, 'yes\nno\n'),
    new RegExp(`^AudiogenError: cannot write ${path}: .*(EISDIR|ENOTEMPTY|EEXIST)`),
  );
  assert.deepEqual(readdirSync(dir), ['classes.txt']);
  assert.ok(statSync(path).isDirectory());
});

test('ensureDir makes every missing level and accepts a folder that exists', () => {
  const dir = tempDir();
  const deep = join(dir, 'a', 'b', 'c', 'd');
  ensureDir(deep);
  assert.ok(statSync(deep).isDirectory());
  ensureDir(deep);
  ensureDir(dir);
});

test('ensureDir under /proc fails at once with the reason, where a recursive mkdir spins forever', () => {
  // In a child process: a spinning mkdir would hang this one past any test timeout.
  const script = `import { ensureDir } from ${JSON.stringify(join(ROOT, 'src/io/atomic.ts'))};
try { ensureDir('/proc/audiogen-test-${process.pid}/out/training'); } catch (e) { console.log(e.message); }`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.error, undefined, `ensureDir did not return: ${r.error?.message}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`^cannot write /proc/audiogen-test-${process.pid}: .*(ENOENT|EACCES|permission denied)`),
  );
  assert.ok(Date.now() - started < 20_000);
});

test('a file in the way is named as such, at any depth below it', () => {
  const dir = tempDir();
  const file = join(dir, 'training');
  writeFileSync(file, 'a user file');
  for (const path of [file, join(file, 'epoch-000'), join(file, 'epoch-000', 'deeper')]) {
    assert.throws(
      () => ensureDir(path),
      (e: unknown) => e instanceof AudiogenError && e.message === `cannot write ${path}: ${file} is not a folder`,
    );
  }
  assert.equal(readFileSync(file, 'utf8'), 'a user file');
});

test('a parent that refuses new folders gives the real reason (root: a read-only mount; others: chmod)', (t) => {
  const ro = smallTmpfs(t, 'size=64k,ro');
  let parent: string;
  let reason: string;
  if (ro) {
    parent = ro;
    reason = 'read-only file system';
  } else if (process.getuid?.() === 0) {
    return t.skip('cannot mount a read-only tmpfs here');
  } else {
    parent = join(tempDir(), 'locked');
    mkdirSync(parent);
    chmodSync(parent, 0o555);
    t.after(() => chmodSync(parent, 0o755));
    reason = 'permission denied';
  }
  const path = join(parent, 'out', 'training');
  assert.throws(
    () => ensureDir(path),
    (e: unknown) => e instanceof AudiogenError && e.message === `cannot write ${join(parent, 'out')}: ${reason}`,
  );
  assert.equal(existsSync(join(parent, 'out')), false);
});

test("outputError names the path and the reason in words, or the system's message", () => {
  assert.equal(outputError('/o/x', errno('ENOSPC')).message, 'cannot write /o/x: no space left on device');
  assert.equal(outputError('/o/x', errno('EACCES')).message, 'cannot write /o/x: permission denied');
  assert.equal(outputError('/o/x', errno('EPERM')).message, 'cannot write /o/x: permission denied');
  assert.equal(outputError('/o/x', errno('EROFS')).message, 'cannot write /o/x: read-only file system');
  assert.equal(
    outputError('/o/x', errno('EIO', 'EIO: i/o error, write')).message,
    'cannot write /o/x: EIO: i/o error, write',
  );
  assert.equal(outputError('/o/x', 'a string').message, 'cannot write /o/x: a string');
  assert.equal(outputError('/o/x', errno('ENOSPC')).exitCode, 1);
});
