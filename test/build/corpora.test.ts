// Real corpora's splits, end to end through the shipped command: the Speech Commands look-alike baked with its
// official lists (configs/speech-commands-v2.yaml) lands file for file where torchaudio's SPEECHCOMMANDS and
// TensorFlow's which_set put it; a hash split with testing_split is which_set; the MSWC look-alike bakes from its
// split CSV (configs/mswc.yaml). The expected assignments come from Python ports of the reference loaders
// (corpora_reference.py) and Python's csv module, not from audiogen's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseCsv } from '../../src/dataset/table.js';
import type { Manifest } from '../../src/io/manifest.js';
import { FIXTURES, python, readTree, ROOT, runCli, tempDir, writeConfig } from '../helpers.js';

const SC = join(FIXTURES, 'speech_commands');
const MSWC_CLIPS = join(FIXTURES, 'mswc', 'en', 'clips');
const MSWC_CSV = join(FIXTURES, 'mswc', 'en_splits.csv');
const SUBSETS = ['training', 'validation', 'testing'] as const;
type Subset = (typeof SUBSETS)[number];
type Assignment = Record<Subset, string[]>;

function reference(...args: string[]): Record<string, unknown> {
  const r = spawnSync('python3', [join(ROOT, 'test/build/corpora_reference.py'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`corpora_reference.py ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A worked config from configs/, with its dataset pointed at a fixture and changed for a quick build. */
function workedConfig(
  name: string,
  change: (c: {
    dataset: Record<string, unknown>;
    generator: Record<string, unknown>;
    output: Record<string, unknown>;
  }) => void,
): { path: string; out: string } {
  const c = parse(readFileSync(join(ROOT, 'configs', name), 'utf8'));
  const dir = tempDir();
  c.output.directory = join(dir, 'out');
  c.output.epochs = 1;
  c.generator.cores = 1;
  change(c);
  return { path: writeConfig(dir, c), out: c.output.directory };
}

function bake(path: string): { stderr: string } {
  const r = runCli(['build', '--config', path]);
  assert.equal(r.code, 0, r.stderr);
  return { stderr: r.stderr };
}

/** Each subset's files as the index CSVs of epoch 0 list them, sorted; `label` keeps rows of one class. */
function baked(out: string, keep: (cls: string) => boolean = () => true): Assignment {
  const got = { training: [], validation: [], testing: [] } as Assignment;
  for (const s of SUBSETS) {
    const dir = join(out, s, 'epoch-000');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.startsWith('index-'))) {
      const lines = readFileSync(join(dir, f), 'utf8').trim().split('\n');
      const header = parseCsv(lines[0], f, 1)!;
      for (const [i, line] of lines.slice(1).entries()) {
        const row = parseCsv(line, f, i + 2)!;
        const cls = row[header.indexOf('class')];
        if (keep(cls) && row[header.indexOf('file')]) got[s].push(row[header.indexOf('file')]);
      }
    }
    got[s].sort();
  }
  return got;
}

const sorted = (a: unknown) => [...(a as string[])].sort();
const SC_WORDS = readdirSync(SC, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
  .map((e) => e.name)
  .sort();

test('Speech Commands with its official lists bakes each file where torchaudio\u2019s SPEECHCOMMANDS and TensorFlow\u2019s which_set put it', () => {
  const { path, out } = workedConfig('speech-commands-v2.yaml', (c) => {
    c.dataset.directory = SC;
    c.dataset.classes = SC_WORDS; // every word a class: every file is baked
  });
  const { stderr } = bake(path);
  const ours = baked(out);
  const torchaudio = reference('torchaudio', SC);
  const tensorflow = reference('tensorflow', SC, '10', '10');
  // torchaudio's validation and testing walkers are the lists as they are, absent files included.
  const present = (files: unknown) => sorted(files).filter((f) => existsSync(join(SC, f)));
  assert.ok(ours.testing.length > 10 && ours.validation.length > 10 && ours.training.length > 50);
  for (const s of SUBSETS) {
    assert.deepEqual(ours[s], present(torchaudio[s]), `${s}: torchaudio`);
    assert.deepEqual(ours[s], sorted(tensorflow[s]), `${s}: which_set`);
  }
  // The one listed file this look-alike lacks is counted, in the build's output and in the manifest.
  const absent = sorted(torchaudio.testing).filter((f) => !existsSync(join(SC, f)));
  assert.equal(absent.length, 1);
  const listed = readFileSync(join(SC, 'testing_list.txt'), 'utf8').trim().split('\n').length;
  const warning = `dataset.split_lists: 1 of the ${listed} files named in testing_list.txt do not exist in ${SC} (${absent[0]}); they are left out`;
  assert.ok(stderr.includes(`warning: ${warning}`), stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.ok(manifest.warnings.includes(warning), manifest.warnings.join('\n'));
  assert.deepEqual(Object.keys(manifest.subsets), ['training', 'validation', 'testing']);
  // Testing clips as recorded: the identity transform (testing_augmentation_enabled is false).
  const index = readFileSync(join(out, 'testing/epoch-000/index-000.csv'), 'utf8').trim().split('\n');
  for (const line of index.slice(1)) assert.match(line, /,0,1,0,1,1,none,0,,0$/);
  const validate = runCli(['validate', '--config', path]);
  assert.equal(validate.code, 0, validate.stderr);
  assert.match(validate.stdout, /class\s+training\s+validation\s+testing/);
  assert.ok(validate.stdout.includes(`warning: ${warning}`), validate.stdout);
});

test('with the worked config\u2019s _unknown_ and _silence_, every unknown clip comes from its own subset\u2019s list', () => {
  const { path, out } = workedConfig('speech-commands-v2.yaml', (c) => {
    c.dataset.directory = SC;
    c.dataset.classes = ['yes', 'no', 'up', 'down', '_unknown_', '_silence_'];
  });
  bake(path);
  const unknown = baked(out, (cls) => cls === '_unknown_');
  const torchaudio = reference('torchaudio', SC);
  for (const s of SUBSETS) {
    assert.ok(unknown[s].length > 0, s);
    for (const f of unknown[s]) {
      assert.ok(!['yes', 'no', 'up', 'down'].includes(f.split('/')[0]), f);
      assert.ok((torchaudio[s] as string[]).includes(f), `${f}: not in torchaudio's ${s}`);
    }
  }
});

test('a hash split with testing_split is TensorFlow\u2019s which_set, file for file', () => {
  const { path, out } = workedConfig('speech-commands-v2.yaml', (c) => {
    c.dataset.directory = SC;
    c.dataset.classes = SC_WORDS;
    c.dataset.split_lists = null;
    c.generator.validation_split = 0.2;
    c.generator.testing_split = 0.15;
  });
  bake(path);
  const ours = baked(out);
  const tensorflow = reference('tensorflow', SC, '20', '15');
  for (const s of SUBSETS) assert.deepEqual(ours[s], sorted(tensorflow[s]), s);
  // Other fractions than the lists' 10% and 10%: another split than theirs.
  const torchaudio = reference('torchaudio', SC);
  assert.notDeepEqual(
    ours.testing,
    sorted(torchaudio.testing).filter((f) => existsSync(join(SC, f))),
  );
});

/** MSWC's split CSV read by Python's csv module: rows kept by VALID, by SET, for the given words. */
function mswcRows(): { set: string; link: string; word: string; valid: string; speaker: string }[] {
  return JSON.parse(
    python(
      'import csv,json,sys\nprint(json.dumps([{"set": r["SET"], "link": r["LINK"], "word": r["WORD"], "valid": r["VALID"], "speaker": r["SPEAKER"]} for r in csv.DictReader(open(sys.argv[1], newline=""))]))',
      [MSWC_CSV],
    ),
  );
}

test('the MSWC look-alike bakes from its split CSV: SET decides the subset, VALID filters, other words feed _unknown_', () => {
  const { path, out } = workedConfig('mswc.yaml', (c) => {
    c.dataset.directory = MSWC_CLIPS;
  });
  bake(path);
  const rows = mswcRows().filter((r) => r.valid === 'True');
  const SET: Record<string, Subset> = { TRAIN: 'training', DEV: 'validation', TEST: 'testing' };
  const words = ['left', 'right', 'on', 'off'];
  const known = baked(out, (cls) => words.includes(cls));
  for (const s of SUBSETS) {
    const expected = rows.filter((r) => SET[r.set] === s && words.includes(r.word)).map((r) => r.link);
    assert.ok(expected.length > 0, s);
    assert.deepEqual(known[s], expected.sort(), s);
    for (const f of baked(out, (cls) => cls === '_unknown_')[s]) {
      const row = rows.find((r) => r.link === f);
      assert.ok(row && SET[row.set] === s && !words.includes(row.word), `${f} is not an other word of ${s}`);
    }
  }
  // Invalid rows are never baked.
  const invalid = new Set(
    mswcRows()
      .filter((r) => r.valid !== 'True')
      .map((r) => r.link),
  );
  assert.ok(invalid.size > 0);
  for (const s of SUBSETS) for (const f of baked(out)[s]) assert.ok(!invalid.has(f), f);
  // The same bytes with two workers.
  const two = workedConfig('mswc.yaml', (c) => {
    c.dataset.directory = MSWC_CLIPS;
    c.generator.cores = 2;
  });
  bake(two.path);
  const shards = (dir: string) =>
    Object.fromEntries(Object.entries(readTree(dir)).filter(([k]) => /\.(npy|csv)$|manifest\.json$/.test(k)));
  assert.deepEqual(shards(two.out), shards(out));
});

test('without its subset column, MSWC splits by which_set of the speaker: no speaker in two subsets', () => {
  const { path, out } = workedConfig('mswc.yaml', (c) => {
    c.dataset.directory = MSWC_CLIPS;
    c.dataset.columns = { path: 'LINK', label: 'WORD', speaker: 'SPEAKER' };
    c.dataset.subset_names = null;
    c.dataset.classes = ['left', 'right', 'on', 'off', 'house', 'water', 'music'];
    c.generator.validation_split = 0.25;
    c.generator.testing_split = 0.25;
  });
  bake(path);
  const rows = mswcRows().filter((r) => r.valid === 'True');
  const speakers = [...new Set(rows.map((r) => r.speaker))];
  const subsetOf = reference('which_set', '25', '25', ...speakers) as Record<string, Subset>;
  const ours = baked(out);
  for (const s of SUBSETS) {
    const expected = rows.filter((r) => subsetOf[r.speaker] === s).map((r) => r.link);
    assert.ok(expected.length > 0, s);
    assert.deepEqual(ours[s], expected.sort(), s);
  }
});
