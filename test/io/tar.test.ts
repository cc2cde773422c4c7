// ustar members written by audiogen, read back by readers nobody here wrote: Python's tarfile and GNU tar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BLOCK,
  findMember,
  MAX_MEMBER_BYTES,
  memberBytes,
  parseHeader,
  TAR_END,
  tarHeader,
  tarMember,
} from '../../src/io/tar.js';
import { python, tempDir } from '../helpers.js';

const archive = (members: [string, Uint8Array][]) =>
  Buffer.concat([...members.map(([name, data]) => tarMember(name, data)), TAR_END]);

const LONG_DIR = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
const MEMBERS: [string, Buffer][] = [
  ['a.txt', Buffer.from('hello')],
  ['empty', Buffer.alloc(0)],
  ['block.bin', Buffer.alloc(BLOCK, 7)],
  ['sub/dir/b.json', Buffer.from('{"k": 1}')],
  ['n'.repeat(100), Buffer.from('a name of exactly 100 bytes')],
  // 150 bytes: a folder prefix and a name.
  [`${LONG_DIR}/${'f'.repeat(29)}`, Buffer.from('prefixed')],
  ['caf\u00e9.txt', Buffer.from('utf-8 name')],
];

test("Python's tarfile reads every member back: names (prefixed ones too), sizes, contents, mode 0644, owner 0, mtime 0", () => {
  const path = join(tempDir(), 'a.tar');
  writeFileSync(path, archive(MEMBERS));
  const listed = JSON.parse(
    python(
      `
import json, sys, tarfile
out = []
with tarfile.open(sys.argv[1], 'r:') as t:
    for m in t.getmembers():
        out.append([m.name, m.size, t.extractfile(m).read().hex(), m.mode, m.uid, m.gid, m.mtime, m.uname, m.gname,
                    m.type.decode()])
print(json.dumps(out))
`,
      [path],
    ),
  );
  assert.deepEqual(
    listed,
    MEMBERS.map(([name, data]) => [name, data.length, data.toString('hex'), 0o644, 0, 0, 0, '', '', '0']),
  );
});

test('GNU tar lists the archive without a warning and extracts the same bytes', (t) => {
  const probe = spawnSync('tar', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) return t.skip('GNU tar is not installed');
  const dir = tempDir();
  const path = join(dir, 'a.tar');
  writeFileSync(path, archive(MEMBERS));
  const listed = spawnSync('tar', ['-tvf', path], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  assert.equal(listed.stderr, '');
  assert.deepEqual(
    listed.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]),
    MEMBERS.map(() => '-rw-r--r--'),
  );
  const out = join(dir, 'x');
  spawnSync('mkdir', [out]);
  const extracted = spawnSync('tar', ['-xf', path, '-C', out, 'sub/dir/b.json'], { encoding: 'utf8' });
  assert.equal(extracted.status, 0, extracted.stderr);
  assert.equal(python('import sys; print(open(sys.argv[1]).read())', [join(out, 'sub/dir/b.json')]).trim(), '{"k": 1}');
});

test('a header is 512 bytes with a valid checksum, and the same bytes for the same member', () => {
  const h = tarHeader('a.txt', 5);
  assert.equal(h.length, BLOCK);
  assert.deepEqual(tarHeader('a.txt', 5), h);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  assert.equal(h.toString('latin1', 148, 156), `${sum.toString(8).padStart(6, '0')}\0 `);
  assert.equal(h.toString('latin1', 100, 108), '0000644\0');
  assert.equal(h.toString('latin1', 124, 136), '00000000005\0');
  assert.equal(h.toString('latin1', 257, 265), 'ustar\x0000');
  assert.deepEqual(parseHeader(h), { name: 'a.txt', size: 5 });
  assert.equal(parseHeader(Buffer.alloc(BLOCK)), null, 'a zero block ends the archive');
  const bad = Buffer.from(h);
  bad[0] ^= 1;
  assert.throws(() => parseHeader(bad), /fails its checksum/);
});

test('members are padded to whole blocks; an archive ends with two zero blocks', () => {
  assert.equal(memberBytes(0), BLOCK);
  assert.equal(memberBytes(1), 2 * BLOCK);
  assert.equal(memberBytes(BLOCK), 2 * BLOCK);
  assert.equal(memberBytes(BLOCK + 1), 3 * BLOCK);
  const m = tarMember('x', Buffer.from('abc'));
  assert.equal(m.length, 2 * BLOCK);
  assert.ok(m.subarray(BLOCK + 3).every((b) => b === 0));
  assert.equal(TAR_END.length, 2 * BLOCK);
  assert.ok(TAR_END.every((b) => b === 0));
});

test('names ustar cannot hold are refused clearly, never truncated', () => {
  assert.throws(() => tarHeader('n'.repeat(101), 1), /member name "n{101}" is 101 bytes: ustar holds at most 100/);
  // A name part longer than 100 bytes after the last '/' cannot be split.
  assert.throws(() => tarHeader(`dir/${'n'.repeat(101)}`, 1), /ustar holds at most 100/);
  // A prefix longer than 155 bytes.
  assert.throws(() => tarHeader(`${'p'.repeat(156)}/name`, 1), /ustar holds at most 100/);
  assert.throws(() => tarHeader('', 1), /needs a name/);
  assert.throws(() => tarHeader('big', MAX_MEMBER_BYTES + 1), /ustar holds 0 to 8589934591 bytes/);
  assert.throws(() => tarHeader('neg', -1), /ustar holds 0 to/);
});

test('findMember finds a member by its full name, prefixed names included; null when the archive lacks it', () => {
  const path = join(tempDir(), 'a.tar');
  const bytes = archive(MEMBERS);
  writeFileSync(path, bytes);
  for (const [name, data] of MEMBERS) {
    const at = findMember(path, name);
    assert.ok(at, name);
    assert.deepEqual(bytes.subarray(at.offset, at.offset + at.size), data, name);
  }
  assert.equal(findMember(path, 'missing'), null);
  // An archive cut short ends the walk without a member.
  writeFileSync(path, bytes.subarray(0, BLOCK + 10));
  assert.equal(findMember(path, 'empty'), null);
});
