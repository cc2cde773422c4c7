// Hostile configs through the shipped entry point: every numeric key past its bound, YAML bombs, control
// characters, huge strings, files that are no config. Each ends with exit 2, a message naming the key (or the
// file), no stack trace, within 15 s and under a 256 MiB heap (1 GiB for the whole process tree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoSubset, tempDir } from '../helpers.js';
import { leafName, numericLeaves, past, withValue } from '../config/bounds.js';
import { assertOutcome, attack, type AttackResult } from './harness.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 3);
const limits = { timeoutMs: 15_000, heapMiB: 256 };
const base = {
  dataset: { directory: dataset, classes: ['yes', 'no'] },
  generator: { cores: 1 },
  output: { directory: 'out' },
};

/** Writes `text` as a config file in a fresh folder and returns its path. */
function configFile(text: string | Buffer, name = 'kws.yaml'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

const validate = (file: string): AttackResult => attack(['validate', '--config', file], limits);
const build = (file: string, ...flags: string[]): AttackResult => attack(['build', '--config', file, ...flags], limits);

// Each section's numbers in one config per bound side (every problem is reported; at most 50 lines per run).
for (const side of ['min', 'max'] as const) {
  const bySection = new Map<string, ReturnType<typeof numericLeaves>>();
  for (const leaf of numericLeaves())
    bySection.set(String(leaf.path[0]), [...(bySection.get(String(leaf.path[0])) ?? []), leaf]);
  for (const [section, leaves] of bySection) {
    test(`every ${section} number just past its ${side === 'min' ? 'lower' : 'upper'} bound: exit 2 naming each key`, () => {
      let config: Record<string, unknown> = structuredClone(base);
      for (const leaf of leaves) config = withValue(config, leaf, past(leaf, side));
      const r = build(configFile(stringify(config)));
      assertOutcome(r, 2, new RegExp(`^${section}\\.`, 'm'));
      const missing = leaves
        .map(leafName)
        .filter((name) => !r.stderr.split('\n').some((l) => l.startsWith(`${name}: `)));
      assert.deepEqual(missing, [], r.stderr);
    });
  }
}

test('the values from the issue at their bounds are valid (with the warnings they deserve)', () => {
  const config = {
    dataset: { directory: dataset, classes: ['yes', 'no', '_silence_'], batch_size: 65536 },
    generator: {
      cores: 1024,
      silence_class_percentage: 100,
      pitch_range: [-48, 48],
      speed_range: [0.1, 10],
      max_batches_pending: 64,
    },
    frontend: { sample_length_ms: 60000 },
    output: { directory: 'out', epochs: 1000, samples_per_shard: 10_000_000 },
  };
  const r = validate(configFile(stringify(config)));
  assert.equal(r.timedOut, false);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: generator\.cores: 1024 workers on \d+ CPUs?; they will compete/m);
  assert.match(r.stderr, /^warning: generator\.pitch_range: \[-48, 48\] shifts by more than an octave/m);
  assert.match(r.stdout, /_silence_ +300 /);
});

test('the crashes of the issue, through build: exit 2 naming the key, fast', () => {
  const cases: [object, RegExp][] = [
    [
      { generator: { silence_class_percentage: 1e12 } },
      /^generator\.silence_class_percentage: expected a number <= 100, got 1000000000000/m,
    ],
    [
      { frontend: { sample_length_ms: 1e9 } },
      /^frontend\.sample_length_ms: expected a number <= 60000, got 1000000000/m,
    ],
    [{ generator: { pitch_range: [1000, 1000] } }, /^generator\.pitch_range\[0\]: expected a number <= 48, got 1000/m],
    [
      { generator: { speed_range: [1e-6, 1e-6] } },
      /^generator\.speed_range\[0\]: expected a number >= 0\.1, got 0\.000001/m,
    ],
    [{ output: { directory: 'out', epochs: 1e12 } }, /^output\.epochs: expected a number <= 1000, got 1000000000000/m],
    [{ generator: { cores: 100000 } }, /^generator\.cores: expected a number <= 1024, got 100000/m],
  ];
  for (const [parts, message] of cases) {
    const config = {
      ...base,
      ...parts,
      generator: { ...base.generator, ...(parts as { generator?: object }).generator },
    };
    assertOutcome(build(configFile(stringify(config))), 2, message);
  }
  assertOutcome(
    build(configFile(stringify(base)), '--epochs', '1e12'),
    2,
    /^output\.epochs: expected a number <= 1000, got 1000000000000 \(from --epochs\)$/m,
  );
  assertOutcome(
    build(configFile(stringify(base)), '--cores', '100000'),
    2,
    /^generator\.cores: expected a number <= 1024, got 100000 \(from --cores\)$/m,
  );
});

test('billion laughs: refused as an alias bomb, in bounded time and memory', () => {
  let bomb = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 12; i++)
    bomb += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  assertOutcome(
    build(configFile(bomb)),
    2,
    /^kws\.yaml: aliases \(\*name\) expand to more than 100 nodes: refused as a resource-exhaustion \("billion laughs"\) YAML$/m,
  );
  // The bomb hidden under a real key.
  const hidden = `${stringify(base)}${bomb.replace(/^/gm, '  ').replace(/^ {2}a0/, 'hooks_x:\n  a0')}`;
  assertOutcome(validate(configFile(hidden)), 2, /aliases \(\*name\) expand to more than 100 nodes/);
});

test('deep nesting: flow and block style, in YAML and JSON', () => {
  assertOutcome(
    validate(configFile('['.repeat(200_000) + ']'.repeat(200_000))),
    2,
    /^kws\.yaml:1:\d+: not valid YAML\/JSON: nested too deeply$/m,
  );
  assertOutcome(
    validate(configFile('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 'kws.json')),
    2,
    /^kws\.json:1:\d+: not valid YAML\/JSON: nested too deeply$/m,
  );
  // Block style: as deep as 1 MiB allows is too deep for the parser; shallower, it is an unknown key like any other.
  const block = (levels: number) => {
    let text = stringify(base) + 'extra:\n';
    for (let i = 1; i < levels; i++) text += `${' '.repeat(i)}k:\n`;
    return configFile(text);
  };
  assertOutcome(validate(block(1400)), 2, /^kws\.yaml:\d+:\d+: not valid YAML\/JSON: nested too deeply$/m);
  assertOutcome(validate(block(200)), 2, /^extra: unknown key \(kws\.yaml:\d+:1\)$/m);
});

test('control characters in class names (possible in JSON) are refused by index, printed escaped', () => {
  for (const name of ['ye\ns', 'ca\rt', 'a\u0000b', 'del\u007f', 'nel\u0085', 'ls\u2028']) {
    const config = { ...base, dataset: { directory: dataset, classes: ['no', name] } };
    const r = validate(configFile(JSON.stringify(config), 'kws.json'));
    assertOutcome(
      r,
      2,
      /^dataset\.classes\[1\]: expected a folder name without control characters \(newline, tab, \.\.\.\), got "[^\n]*" \(kws\.json:1:\d+\)$/m,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('huge strings: a class name, a key and a path near the 1 MiB limit; beyond it the file is refused', () => {
  const big = 'x'.repeat(900_000);
  const cases: [object, RegExp][] = [
    [
      { ...base, dataset: { directory: dataset, classes: ['no', big] } },
      /^dataset\.classes\[1\]: expected a string of at most 255 characters, got "x{40}"\.\.\. \(900000 characters\)/m,
    ],
    [
      { ...base, dataset: { directory: big, classes: ['no'] } },
      /^dataset\.directory: expected a string of at most 4096 characters, got "x{40}"\.\.\. \(900000 characters\)/m,
    ],
    [{ ...base, [big]: 1 }, /^\["x{40}"\.\.\. \(900000 characters\)\]: unknown key/m],
  ];
  for (const [config, message] of cases) {
    const r = build(configFile(JSON.stringify(config), 'kws.json'));
    assertOutcome(r, 2, message);
    assert.ok(r.stderr.length < 1000, `${r.stderr.length} characters of message`);
  }
  const huge = configFile(`${stringify(base)}note: "${'y'.repeat(2 << 20)}"\n`);
  assertOutcome(build(huge), 2, /kws\.yaml: not a config: \d+ bytes \(a config is at most 1048576 bytes\)/);
});

test('a config that is a FIFO, a folder, a device, empty, or binary: exit 2 naming it, never blocking', () => {
  const dir = tempDir();
  const fifo = join(dir, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  assertOutcome(build(fifo), 2, /fifo\.yaml: cannot read the config: it is a FIFO \(named pipe\), not a file/);
  const folder = join(dir, 'folder.yaml');
  mkdirSync(folder);
  assertOutcome(build(folder), 2, /folder\.yaml: cannot read the config: it is a folder, not a file/);
  assertOutcome(validate('/dev/zero'), 2, /\/dev\/zero: cannot read the config: it is a character device, not a file/);
  assertOutcome(
    build(configFile('')),
    2,
    /^kws\.yaml: the config is empty: expected a mapping with dataset, generator, frontend and output sections$/m,
  );
  assertOutcome(
    build(configFile('just a sentence\n')),
    2,
    /^kws\.yaml: expected a mapping with dataset, generator, frontend and output sections, got "just a sentence"$/m,
  );
  assertOutcome(build(configFile('[1, 2, 3]', 'kws.json')), 2, /^kws\.json: expected a mapping .*, got a list$/m);
  const elf = Buffer.alloc(4096);
  elf.write('\x7fELF', 0, 'latin1');
  for (let i = 4; i < elf.length; i++) elf[i] = (i * 2654435761) >>> 24;
  assertOutcome(build(configFile(elf)), 2, /kws\.yaml: not a YAML or JSON text file \(it holds NUL bytes\)$/m);
  // Binary without NUL bytes is still no config.
  const noNul = Buffer.from(Array.from({ length: 4096 }, (_, i) => 1 + (((i * 2654435761) >>> 24) % 255)));
  const r = build(configFile(noNul));
  assertOutcome(r, 2, /^kws\.yaml/m);
});

test('garbage keys: at most 50 lines of problems, the rest counted; a huge mapping is checked in linear time', () => {
  // ~900 KB of keys: the yaml package's own duplicate-key check would need minutes for this.
  const keys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`junk${i}`, i]));
  const r = build(configFile(JSON.stringify({ ...base, ...keys }), 'kws.json'));
  assertOutcome(r, 2, /^kws\.json: \.\.\. and 49950 more problems$/m);
  assert.equal(r.stderr.trim().split('\n').length, 51);
  const twice = configFile(
    `{"dataset": {"directory": "d", "classes": ["a"]}, "output": {"directory": "o"}, ${Array.from({ length: 50_000 }, () => '"x": 1').join(', ')}}`,
    'kws.json',
  );
  assertOutcome(validate(twice), 2, /^kws\.json:1:\d+: not valid YAML\/JSON: key "x" appears twice in a mapping$/m);
});

test('Python literals in block-style YAML: exit 2 with the YAML spelling', () => {
  const text = `dataset:
  directory: ${dataset}
  classes: [yes, no]
  class_mode: None
generator:
  cores: 1
  speed_range: (0.9, 1.1)
  loudness_range: (0.5, 1.5,)
output:
  directory: out
`;
  const r = build(configFile(text));
  assertOutcome(
    r,
    2,
    /^dataset\.class_mode: expected one of .*, got "None" \(use null: Python\u2019s None is not YAML\) \(kws\.yaml:4:15\)$/m,
  );
  assert.match(
    r.stderr,
    /^generator\.speed_range: expected a list, got "\(0\.9, 1\.1\)" \(use \[0\.9, 1\.1\]: YAML has no tuples\) \(kws\.yaml:7:16\)$/m,
  );
  assert.match(
    r.stderr,
    /^generator\.loudness_range: expected a list, got "\(0\.5, 1\.5,\)" \(use \[0\.5, 1\.5\]: YAML has no tuples\)/m,
  );
});
