// Edited inputs are noticed: by size and modification time, or by contents with --verify-inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareInputs, eachInputFile, fingerprintInputs, inputFiles } from '../../src/plan/inputs.js';
import { listDataset } from '../../src/dataset/dataset.js';
import { DEMO_DATASET, demoSubset, makeConfig, runCli, tempDir, writeConfig } from '../helpers.js';

/** Flips one sample byte of a clip, keeping its size, and its modification time when asked. */
function editClip(path: string, keepTime: boolean): void {
  const st = statSync(path);
  const bytes = readFileSync(path);
  bytes[bytes.length - 2] ^= 0x40;
  writeFileSync(path, bytes);
  utimesSync(path, st.atime, keepTime ? st.mtime : new Date(st.mtimeMs + 5000));
}

test('the clips are each named once, sorted by UTF-16 code unit, whatever their order and repeats', () => {
  const clips = [
    'yes/b.wav',
    'no/a.wav',
    'yes/é.wav',
    'Yes/z.wav',
    'no/a.wav',
    null,
    'yes/\u{1F600}.wav',
    'yes/\uFB01.wav',
  ];
  const files = inputFiles('/data', [...clips, 'yes/b.wav', null], [], []);
  assert.deepEqual(files.clips, [...new Set(clips.filter((c) => c !== null))].sort());
  assert.deepEqual(files.clips.slice(0, 2), ['Yes/z.wav', 'no/a.wav']);
  // U+1F600 is a surrogate pair (0xD83D...): before U+FB01 by code unit, after it by code point.
  assert.ok(files.clips.indexOf('yes/\u{1F600}.wav') < files.clips.indexOf('yes/\uFB01.wav'));
  assert.deepEqual(inputFiles('/data', [], [], []).clips, []);
});

test("the size-and-time fingerprint changes with a file's time; the contents fingerprint with its bytes only", async () => {
  const dir = demoSubset(tempDir(), ['yes'], 2);
  const clips = readdirSync(join(dir, 'yes'))
    .sort()
    .map((f) => `yes/${f}`);
  const files = inputFiles(dir, [...clips, null, clips[0]], [], []);
  assert.deepEqual(files.clips, clips, 'each clip once, silence left out');
  const paths = eachInputFile(files).map((f) => f.path);
  assert.deepEqual(
    paths,
    clips.map((c) => join(dir, c)),
  );
  const a = await fingerprintInputs(files, { contents: true });
  editClip(paths[0], true);
  const b = await fingerprintInputs(files, { contents: true });
  assert.equal(b.stat, a.stat, 'same size and time');
  assert.notEqual(b.content, a.content);
  assert.equal(compareInputs(a, b), 'changed');
  assert.equal(
    compareInputs({ stat: a.stat }, { stat: b.stat }),
    'same',
    'without contents an edit that keeps size and time is not seen',
  );
  const st = statSync(paths[1]);
  utimesSync(paths[1], st.atime, new Date(st.mtimeMs + 5000));
  const c = await fingerprintInputs(files, { contents: true });
  assert.notEqual(c.stat, b.stat);
  assert.equal(compareInputs(b, c), 'same', 'contents decide when both sides have them');
  assert.equal(compareInputs(undefined, c), 'unknown');
});

test('the sizes and times the listing probed give the fingerprint a stat of every file gives, clip by clip', async () => {
  const config = makeConfig(DEMO_DATASET, '/tmp/unused', {
    dataset: { classes: ['yes', 'no', '_unknown_'] },
    generator: { bg_noise_dir: '_background_noise_', bg_noise_range: [0, 0.1] },
  });
  const listing = await listDataset(config, { write: false });
  const samples = Object.values(listing.subsets).flatMap((s) => s!.samples.map((r) => r.file));
  const files = inputFiles(DEMO_DATASET, samples, listing.background, []);
  // Every clip's stat is known by its name in the plan, unknown-class draws included; the noise files are not clips.
  assert.ok(files.clips.length > 0 && files.clips.some((c) => !/^(yes|no)\//.test(c)), 'unknown draws listed');
  assert.deepEqual(
    files.clips.filter((c) => !listing.stats.has(c)),
    [],
  );
  assert.ok(files.others.length > 0 && files.others.every((f) => f.name.startsWith('background:')));
  const probed = await fingerprintInputs(files, { known: listing.stats });
  const statted = await fingerprintInputs(files);
  assert.equal(probed.stat, statted.stat);
  // A time the listing did not see (a changed file) changes it.
  const first = files.clips[0];
  const stale = new Map(listing.stats);
  stale.set(first, { ...stale.get(first)!, mtimeMs: stale.get(first)!.mtimeMs + 1 });
  assert.notEqual((await fingerprintInputs(files, { known: stale })).stat, statted.stat);
});

function project() {
  const root = tempDir();
  const data = demoSubset(join(root, 'data'), ['yes', 'no'], 3);
  const config = writeConfig(root, {
    dataset: { directory: data, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: join(root, 'out') },
  });
  const clip = join(data, 'yes', readdirSync(join(data, 'yes')).sort()[0]);
  return { config, clip };
}

test('a finished build whose clip was edited (same name, same size) is not up to date: refused, --force rebuilds', () => {
  const { config, clip } = project();
  assert.equal(runCli(['build', '--config', config, '--quiet']).code, 0);
  editClip(clip, false);
  const r = runCli(['build', '--config', config]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /was built from the same files, but some have changed since \(sizes or modification times differ\): rerun with --force/,
  );
  const forced = runCli(['build', '--config', config, '--force', '--json', '--quiet']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).samples_built, 6);
  assert.match(runCli(['build', '--config', config]).stderr, /already built from this config: nothing to do/);
});

test('--verify-inputs notices an edit that kept the time, and accepts a touched but unchanged file', () => {
  const { config, clip } = project();
  assert.equal(runCli(['build', '--config', config, '--quiet', '--verify-inputs']).code, 0);
  const st = statSync(clip);
  utimesSync(clip, st.atime, new Date(st.mtimeMs + 5000));
  const touched = runCli(['build', '--config', config, '--verify-inputs']);
  assert.equal(touched.code, 0, touched.stderr);
  editClip(clip, true);
  assert.match(runCli(['build', '--config', config]).stderr, /nothing to do/, 'by size and time the edit is invisible');
  const r = runCli(['build', '--config', config, '--verify-inputs']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /some have changed since \(contents differ\): rerun with --force to rebuild it/);
});
