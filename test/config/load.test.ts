import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseConfigText, parseConfig, loadConfig, MAX_CONFIG_BYTES, type Override } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { ConfigError, formatProblem } from '../../src/errors.js';
import { tempDir, writeConfig } from '../helpers.js';
import { frontendConfigCheck } from '../../src/frontend/frontend.js';

const base = `dataset:
  directory: data
  classes: [yes, no]
output:
  directory: out
`;

function problems(text: string, overrides: Override[] = []): string[] {
  try {
    parseConfigText(text, 'kws.yaml', overrides, [frontendConfigCheck]);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.exitCode, 2);
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

test('an out-of-range tuple element is reported with its path, expectation, value and line', () => {
  const lines = problems(base + 'generator:\n  frontend_enabled: false\n  offset_range: [0, 1.5]\n');
  assert.deepEqual(lines, ['generator.offset_range[1]: expected a number <= 1, got 1.5 (kws.yaml:8:21)']);
});

test('every problem is reported, each on its own line starting with its path', () => {
  const lines = problems(`dataset:
  classes: []
generator:
  cores: 1.5
  dtype: float16
  validation_split: 1
output:
  directory: out
  epochs: 0
`);
  assert.equal(lines.length, 6, lines.join('\n'));
  assert.match(lines[0], /^dataset\.directory: required: expected a string/);
  assert.match(lines.find((l) => l.startsWith('dataset.classes'))!, /expected a list with at least 1 items, got \[\]/);
  assert.match(lines.find((l) => l.startsWith('generator.cores'))!, /integer worker count, or a fraction < 1/);
  assert.match(lines.find((l) => l.startsWith('generator.dtype'))!, /expected one of "float32", .*got "float16"/);
  assert.match(lines.find((l) => l.startsWith('generator.validation_split'))!, /expected a number < 1, got 1/);
  assert.match(lines.find((l) => l.startsWith('output.epochs'))!, /expected a number >= 1, got 0 \(kws.yaml:9:11\)/);
});

test('unknown keys are errors, with a hint for likely typos', () => {
  const lines = problems(base + 'generator:\n  frontend_enabled: false\n  ofset_range: [0, 1]\nextra: 1\n');
  assert.ok(
    lines.includes('generator.ofset_range: unknown key (did you mean offset_range?) (kws.yaml:8:3)'),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('extra: unknown key')),
    lines.join('\n'),
  );
});

test('frontend settings the frontend cannot run are refused with their key', () => {
  const lines = problems(
    base + 'frontend:\n  window_size_ms: 1000\n  sample_length_ms: 500\n  filterbank_upper_band_limit: 9000\n',
  );
  assert.ok(
    lines.some((l) =>
      /^frontend\.window_size_ms: .*too long|^frontend\.sample_length_ms: sample of \d+ samples is shorter than one window/.test(
        l,
      ),
    ),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) =>
      /^frontend\.filterbank_upper_band_limit: 9000 Hz is above the Nyquist frequency \(8000 Hz\)/.test(l),
    ),
    lines.join('\n'),
  );
  const tflm = problems(base + 'frontend:\n  variant: tflm\n  dc_notch_filter_enable: true\n');
  assert.match(tflm.join('\n'), /^frontend\.dc_notch_filter_enable: the tflm frontend has no DC notch filter/m);
});

test('CLI overrides are validated like the keys they set and named in the message', () => {
  const lines = problems(base + 'generator:\n  frontend_enabled: false\n', [
    { path: ['output', 'epochs'], value: -2, flag: '--epochs' },
  ] as never);
  assert.deepEqual(lines, ['output.epochs: expected a number >= 1, got -2 (from --epochs)']);
});

test('YAML syntax errors carry their position', () => {
  const lines = problems('dataset:\n  classes: [yes, no\n');
  assert.match(lines[0], /^kws\.yaml:\d+:\d+: not valid YAML\/JSON/);
});

test('JSON configs work and paths resolve against the config file folder', () => {
  const dir = tempDir();
  const file = writeConfig(
    dir,
    {
      dataset: { directory: 'data', classes: ['a'] },
      generator: { frontend_enabled: false },
      output: { directory: 'out' },
    },
    'kws.json',
  );
  const { config } = loadConfig(file);
  assert.equal(config.dataset.directory, join(dir, 'data'));
  assert.equal(config.output.directory, join(dir, 'out'));
});

test('a missing config file is a config error naming it', () => {
  assert.throws(
    () => loadConfig('/nonexistent/kws.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /\/nonexistent\/kws\.yaml: cannot read the config \(ENOENT\)/);
      return true;
    },
  );
});

// --- Hostile and copied-from-MLTK configs: every problem a config error (exit 2) naming the key. ---

function parsed(text: string, overrides: Override[] = []) {
  return parseConfig(text, 'kws.yaml', overrides);
}
const raw = 'generator:\n  frontend_enabled: false\n';

test('the values that used to pass validation and then crash are refused with their key', () => {
  const cases: [string, RegExp][] = [
    [
      'generator:\n  silence_class_percentage: 1e12\n',
      /^generator\.silence_class_percentage: expected a number <= 100, got 1000000000000 \(kws\.yaml:7:29\)$/,
    ],
    ['frontend:\n  sample_length_ms: 1e9\n', /^frontend\.sample_length_ms: expected a number <= 60000, got 1000000000/],
    ['generator:\n  pitch_range: [1000, 1000]\n', /^generator\.pitch_range\[0\]: expected a number <= 48, got 1000/],
    [
      'generator:\n  speed_range: [1e-6, 1e-6]\n',
      /^generator\.speed_range\[0\]: expected a number >= 0\.1, got 0\.000001/,
    ],
    ['generator:\n  cores: 100000\n', /^generator\.cores: expected a number <= 1024, got 100000/],
  ];
  for (const [text, expected] of cases) assert.match(problems(base + text)[0], expected, text);
  assert.deepEqual(problems(base.replace('out\n', 'out\n  epochs: 1e12\n')), [
    'output.epochs: expected a number <= 1000, got 1000000000000 (kws.yaml:6:11)',
  ]);
  assert.deepEqual(problems(base + raw, [{ path: ['output', 'epochs'], value: 1e12, flag: '--epochs' }]), [
    'output.epochs: expected a number <= 1000, got 1000000000000 (from --epochs)',
  ]);
});

test('pitch_range is bounded after MLTK\u2019s float rule: a non-integer bound counts \u00d7 12', () => {
  assert.deepEqual(problems(base + 'generator:\n  pitch_range: [-4.5, 1.5]\n'), [
    'generator.pitch_range[0]: expected at most \u00b148 semitones, got -4.5 (-54 semitones: with a non-integer bound, each bound is \u00d7 12) (kws.yaml:7:17)',
  ]);
  assert.deepEqual(parsed(base + 'generator:\n  pitch_range: [-4.0, 4]\n').config.generator.pitch_range, [-4, 4]);
  assert.deepEqual(parsed(base + 'generator:\n  pitch_range: [-48, 48]\n').config.generator.pitch_range, [-48, 48]);
});

test('a class name with a control character is refused: it would break classes.txt and shift every label id', () => {
  for (const bad of ['a\nb', 'a\rb', 'tab\there', 'nul\u0000', 'del\u007f', 'c1\u0085', 'ls\u2028']) {
    const lines = problems(
      JSON.stringify({ dataset: { directory: 'd', classes: ['ok', bad] }, output: { directory: 'o' } }),
    );
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^dataset\.classes\[1\]: expected a folder name without control characters/);
    // The name is printed escaped: the message stays one line, nothing invisible.
    assert.doesNotMatch(lines[0], /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  }
});

test('huge strings are refused with a shortened echo, not a megabyte of message', () => {
  const long = 'n'.repeat(100_000);
  const [line] = problems(base.replace('[yes, no]', `[yes, ${long}]`));
  assert.match(
    line,
    /^dataset\.classes\[1\]: expected a string of at most 255 characters, got "n{40}"\.\.\. \(100000 characters\)/,
  );
  assert.ok(line.length < 200, line);
});

test('a huge or multi-line key is quoted and shortened: one line per problem', () => {
  const [key] = problems(
    JSON.stringify({
      dataset: { directory: 'd', classes: ['a'] },
      output: { directory: 'o' },
      ['k\n'.repeat(5000)]: 1,
    }),
  );
  assert.match(key, /^\["k\\nk\\n.*\.\.\. \(10000 characters\)\]: unknown key/);
  assert.ok(key.length < 200 && !key.includes('\n'), key);
});

test('files that are no config: empty, a scalar, a list, a billion laughs, nesting too deep', () => {
  assert.deepEqual(problems(''), [
    'kws.yaml: the config is empty: expected a mapping with dataset, generator, frontend and output sections',
  ]);
  assert.deepEqual(problems('# nothing\n'), [
    'kws.yaml: the config is empty: expected a mapping with dataset, generator, frontend and output sections',
  ]);
  assert.deepEqual(problems('hello\n'), [
    'kws.yaml: expected a mapping with dataset, generator, frontend and output sections, got "hello"',
  ]);
  assert.deepEqual(problems('[1, 2, 3]'), [
    'kws.yaml: expected a mapping with dataset, generator, frontend and output sections, got a list',
  ]);
  let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++)
    bomb += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  assert.match(
    problems(bomb)[0],
    /^kws\.yaml: aliases \(\*name\) expand to more than 100 nodes: refused as a resource-exhaustion \("billion laughs"\) YAML$/,
  );
  assert.match(
    problems('['.repeat(100_000) + ']'.repeat(100_000))[0],
    /^kws\.yaml:1:\d+: not valid YAML\/JSON: nested too deeply$/,
  );
  // A few aliases are fine.
  const c = parseConfigText(
    base + 'generator:\n  loudness_range: &r [0.5, 1.5]\n  bg_noise_range: *r\n  bg_noise_dir: bg\n',
    'kws.yaml',
  );
  assert.deepEqual(c.generator.bg_noise_range, [0.5, 1.5]);
});

test('a key given twice in a mapping is an error at its second place', () => {
  assert.deepEqual(problems(base + 'output:\n  directory: again\n'), [
    'kws.yaml:6:1: not valid YAML/JSON: key "output" appears twice in a mapping',
  ]);
  assert.deepEqual(problems('{"dataset": {"classes": ["a"], "classes": ["b"]}}'), [
    'kws.yaml:1:32: not valid YAML/JSON: key "classes" appears twice in a mapping',
  ]);
});

test('a garbage file reports at most 50 problems and counts the rest', () => {
  const keys = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`bogus${i}`, i]));
  const lines = problems(
    JSON.stringify({ dataset: { directory: 'd', classes: ['a'] }, output: { directory: 'o' }, ...keys }),
  );
  assert.equal(lines.length, 51);
  assert.equal(lines[50], 'kws.yaml: ... and 450 more problems');
});

test('config errors carry structured problems: path, message, line, column (or the flag)', () => {
  try {
    parseConfigText(base + 'generator:\n  offset_range: [0, 1.5]\n', 'kws.yaml', [
      { path: ['output', 'epochs'], value: 0, flag: '--epochs' },
    ]);
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.details, [
      {
        path: 'generator.offset_range[1]',
        message: 'expected a number <= 1, got 1.5',
        file: 'kws.yaml',
        line: 7,
        column: 21,
      },
      { path: 'output.epochs', message: 'expected a number >= 1, got 0', flag: '--epochs' },
    ]);
    assert.deepEqual(err.problems, [
      'generator.offset_range[1]: expected a number <= 1, got 1.5 (kws.yaml:7:21)',
      'output.epochs: expected a number >= 1, got 0 (from --epochs)',
    ]);
  }
});

test('a FIFO or a folder as the config is refused by name without blocking', () => {
  const dir = tempDir();
  const fifo = join(dir, 'kws.yaml');
  execFileSync('mkfifo', [fifo]);
  assert.throws(
    () => loadConfig(fifo),
    (err: unknown) =>
      err instanceof ConfigError &&
      /kws\.yaml: cannot read the config: it is a FIFO \(named pipe\), not a file/.test(err.message),
  );
  assert.throws(
    () => loadConfig(dir),
    (err: unknown) =>
      err instanceof ConfigError && /cannot read the config: it is a folder, not a file/.test(err.message),
  );
  const big = join(dir, 'big.yaml');
  writeFileSync(big, `x: "${'a'.repeat(MAX_CONFIG_BYTES)}"\n`);
  assert.throws(
    () => loadConfig(big),
    (err: unknown) =>
      err instanceof ConfigError &&
      /big\.yaml: not a config: \d+ bytes \(a config is at most 1048576 bytes\)/.test(err.message),
  );
  const binary = join(dir, 'binary.yaml');
  writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0]));
  assert.throws(
    () => loadConfig(binary),
    (err: unknown) => err instanceof ConfigError && /binary\.yaml: not a YAML or JSON text file/.test(err.message),
  );
});

test('Python literals copied from an MLTK script get a YAML hint', () => {
  const lines = problems(
    base + 'generator:\n  speed_range: (0.9, 1.1)\n  trim_threshold_db: None\n  add_channel_dimension: "True"\n',
  );
  assert.ok(
    lines.includes(
      'generator.speed_range: expected a list, got "(0.9, 1.1)" (use [0.9, 1.1]: YAML has no tuples) (kws.yaml:7:16)',
    ),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^generator\.trim_threshold_db: expected a number, got "None" \(use null/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^generator\.add_channel_dimension: expected true or false, got "True" \(use true\)/.test(l)),
    lines.join('\n'),
  );
  // Unquoted True/False are YAML booleans already; a folder named "None" is almost surely a Python None.
  const { config, warnings } = parsed(
    base + 'generator:\n  add_channel_dimension: False\n  bg_noise_dir: None\n  bg_noise_range: [0, 0.1]\n',
  );
  assert.equal(config.generator.add_channel_dimension, false);
  assert.match(
    warnings.map(formatProblem).join('\n'),
    /^generator\.bg_noise_dir: "None" is taken as a name here; for no value write null/m,
  );
});

test('a misplaced key says which section it belongs in', () => {
  const lines = problems(base + 'generator:\n  batch_size: 64\nvalidation_split: 0.1\n');
  assert.ok(
    lines.includes('generator.batch_size: unknown key (it belongs in dataset) (kws.yaml:7:3)'),
    lines.join('\n'),
  );
  assert.ok(lines.includes('validation_split: unknown key (it belongs in generator) (kws.yaml:8:1)'), lines.join('\n'));
});

test('MLTK parameters with no meaning here are accepted with any value and warned about, naming what to use', () => {
  const text = `dataset:
  directory: data
  classes: [yes, no]
  subset: training
  class_counts: {yes: 3}
  list_valid_filenames_in_directory_function: null
generator:
  frontend_enabled: false
  disable_gpu_in_subprocesses: true
  get_batch_function: my.module.get_batch
  noaug_preprocessing_function: [1, 2]
  preprocessing_function: 3
  postprocessing_function: {a: b}
output:
  directory: out
`;
  const { config, warnings } = parsed(text);
  const lines = warnings.map(formatProblem);
  assert.deepEqual(lines, [
    'dataset.subset: ignored (one MLTK iterator per subset): every subset is baked in one build: list them in output.subsets (kws.yaml:4:3)',
    'dataset.class_counts: ignored (filled in by MLTK): the counts are printed by `audiogen validate` and recorded in manifest.json (kws.yaml:5:3)',
    'dataset.list_valid_filenames_in_directory_function: ignored (a Python callable in MLTK): export listValidFilenames from the hooks: module instead (kws.yaml:6:3)',
    'generator.disable_gpu_in_subprocesses: ignored (MLTK\u2019s TensorFlow setting): audiogen uses no GPU (kws.yaml:9:3)',
    'generator.get_batch_function: ignored (a Python callable in MLTK): export getBatch from the hooks: module instead (kws.yaml:10:3)',
    'generator.noaug_preprocessing_function: ignored (a Python callable in MLTK): export noaugPreprocess from the hooks: module instead (kws.yaml:11:3)',
    'generator.preprocessing_function: ignored (a Python callable in MLTK): export preprocess from the hooks: module instead (kws.yaml:12:3)',
    'generator.postprocessing_function: ignored (a Python callable in MLTK): export postprocess from the hooks: module instead (kws.yaml:13:3)',
  ]);
  // Ignored keys never reach the resolved config (nor its hash).
  assert.ok(!('subset' in config.dataset) && !('get_batch_function' in config.generator));
  assert.deepEqual(config, parsed(base + raw).config);
});

test('every parameter name of the reference is accepted in its section', () => {
  // The signatures of ParallelAudioDataGenerator.__init__ and flow_from_directory (MLTK's API reference).
  const generator =
    'cores debug max_batches_pending get_batch_function noaug_preprocessing_function preprocessing_function postprocessing_function ' +
    'samplewise_center samplewise_std_normalization samplewise_normalize_range rescale validation_split validation_augmentation_enabled ' +
    'dtype frontend_dtype trim_threshold_db noise_colors noise_color_range speed_range pitch_range vtlp_range loudness_range ' +
    'bg_noise_range bg_noise_dir offset_range unknown_class_percentage silence_class_percentage disable_random_transforms ' +
    'frontend_settings frontend_enabled sample_shape disable_gpu_in_subprocesses add_channel_dimension';
  const dataset =
    'directory classes class_mode batch_size shuffle shuffle_index_dir seed follow_links subset max_samples_per_class ' +
    'list_valid_filenames_in_directory_function class_counts';
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as {
    properties: Record<string, { properties: Record<string, unknown> }>;
  };
  for (const [section, names] of [
    ['generator', generator],
    ['dataset', dataset],
  ]) {
    const known = Object.keys(schema.properties[section].properties);
    assert.deepEqual(
      names.split(' ').filter((n) => !known.includes(n)),
      [],
      section,
    );
  }
});

test('generator.frontend_settings is the frontend section by MLTK\u2019s name; both at once is an error', () => {
  const mltk = base + 'generator:\n  frontend_settings:\n    window_size_ms: 30\n    filterbank_n_channels: 40\n';
  const { config } = parsed(mltk);
  assert.equal(config.frontend.window_size_ms, 30);
  assert.equal(config.frontend.filterbank_n_channels, 40);
  assert.equal(config.frontend.sample_rate_hz, 16000);
  assert.ok(!('frontend_settings' in config.generator));
  // The same config either way: the same bytes and the same hash.
  assert.deepEqual(config, parsed(base + 'frontend:\n  window_size_ms: 30\n  filterbank_n_channels: 40\n').config);
  // Messages name the key where the user wrote it, schema and cross-key checks alike.
  assert.deepEqual(problems(base + 'generator:\n  frontend_settings:\n    window_size_ms: 1e6\n'), [
    'generator.frontend_settings.window_size_ms: expected a number <= 1000, got 1000000 (kws.yaml:8:21)',
  ]);
  assert.deepEqual(problems(base + 'generator:\n  frontend_settings:\n    filterbank_upper_band_limit: 9000\n'), [
    'generator.frontend_settings.filterbank_upper_band_limit: 9000 Hz is above the Nyquist frequency (8000 Hz) (kws.yaml:8:34)',
  ]);
  assert.deepEqual(problems(mltk + 'frontend:\n  window_size_ms: 30\n'), [
    'generator.frontend_settings: MLTK\u2019s name of the frontend section, given as well as frontend: give one of the two (kws.yaml:8:5)',
  ]);
  // A flag that sets a frontend key lands in the section the config uses.
  assert.deepEqual(problems(mltk, [{ path: ['frontend', 'variant'], value: 'bogus', flag: '--variant' }] as never), [
    'generator.frontend_settings.variant: expected one of "mltk", "tflm", got "bogus" (from --variant)',
  ]);
  assert.equal(
    parsed(mltk, [{ path: ['frontend', 'variant'], value: 'mltk', flag: '--variant' }]).config.frontend.window_size_ms,
    30,
  );
});

test('seed: null draws a seed at random (once per load) and says so; an omitted seed is 0', () => {
  const withSeed = (s: string) => parsed(base.replace('  classes', `  seed: ${s}\n  classes`) + raw);
  const a = withSeed('null');
  const b = withSeed('null');
  assert.equal(a.seedDrawn, true);
  assert.ok(Number.isInteger(a.config.dataset.seed) && a.config.dataset.seed >= 0 && a.config.dataset.seed < 2 ** 32);
  assert.notEqual(a.config.dataset.seed, b.config.dataset.seed, 'two draws gave the same seed (1 in 4 billion)');
  assert.equal(withSeed('~').seedDrawn, true);
  assert.deepEqual([withSeed('7').seedDrawn, withSeed('7').config.dataset.seed], [false, 7]);
  const omitted = parsed(base + raw);
  assert.deepEqual([omitted.seedDrawn, omitted.config.dataset.seed], [false, 0]);
  // --seed wins over null: nothing is drawn.
  const flagged = parsed(base.replace('  classes', '  seed: null\n  classes') + raw, [
    { path: ['dataset', 'seed'], value: 5, flag: '--seed' },
  ]);
  assert.deepEqual([flagged.seedDrawn, flagged.config.dataset.seed], [false, 5]);
});

test('warnings: pitch beyond \u00b112 semitones (MLTK\u2019s float rule spelled out), more workers than CPUs', () => {
  const pitch = (r: string) => parsed(base + `generator:\n  pitch_range: ${r}\n`).warnings.map(formatProblem);
  assert.deepEqual(pitch('[0.95, 1.05]'), [
    'generator.pitch_range: [0.95, 1.05] means +11.4 to +12.6 semitones: MLTK\u2019s rule makes a non-integer bound a fraction of an octave (\u00d7 12), ' +
      'almost never what is meant; for semitones write integers (e.g. [-2, 2]) (kws.yaml:7:16)',
  ]);
  assert.deepEqual(pitch('[-24, 2]'), [
    'generator.pitch_range: [-24, 2] shifts by more than an octave (\u00b112 semitones) (kws.yaml:7:16)',
  ]);
  assert.deepEqual(pitch('[-12, 12]'), []);
  assert.deepEqual(pitch('[-0.5, 0.5]'), []);
  const cpus = availableParallelism();
  const cores = (n: number, debug = false) =>
    parsed(base + `generator:\n  cores: ${n}\n  debug: ${debug}\n`).warnings.map(formatProblem);
  assert.deepEqual(cores(1024), [
    `generator.cores: 1024 workers on ${cpus} CPU${cpus === 1 ? '' : 's'}; they will compete (at most ${cpus} ${cpus === 1 ? 'is' : 'are'} useful) (kws.yaml:7:10)`,
  ]);
  assert.deepEqual(cores(cpus), []);
  assert.deepEqual(cores(0.99), []);
  assert.deepEqual(cores(1024, true), [], 'debug runs no workers');
  const flag = parsed(base + raw, [{ path: ['generator', 'cores'], value: 1024, flag: '--cores' }]).warnings.map(
    formatProblem,
  );
  assert.match(flag[0], /^generator\.cores: 1024 workers on \d+ CPUs?; .* \(from --cores\)$/);
});

test('rir_dir is relative to the dataset directory, like bg_noise_dir', () => {
  const dir = tempDir();
  const file = writeConfig(dir, {
    dataset: { directory: 'data', classes: ['a'] },
    generator: { frontend_enabled: false, rir_dir: '../rooms', bg_noise_dir: 'noise', bg_noise_range: [0, 1] },
    output: { directory: 'out' },
  });
  const { config } = loadConfig(file);
  assert.equal(config.generator.rir_dir, join(dir, 'rooms'));
  assert.equal(config.generator.bg_noise_dir, join(dir, 'data', 'noise'));
  assert.equal(config.generator.rir_probability, 0.5);
});

test('warnings: a mask_value an integer spectrogram cannot hold; rir_dir: None', () => {
  const masks = (value: string, dtype: string) =>
    parsed(
      base +
        `generator:\n  dtype: ${dtype}\n  spec_augment:\n    time_masks: 1\n    time_mask_max_frames: 5\n    mask_value: ${value}\n`,
    ).warnings.map(formatProblem);
  assert.deepEqual(masks('-1', 'uint16'), [
    'generator.spec_augment.mask_value: -1 is not a whole number within 0..65535, what the uint16 spectrogram holds: masks get it rounded (halves to even) and clamped (kws.yaml:11:17)',
  ]);
  assert.match(
    masks('2.5', 'int8')[0],
    /^generator\.spec_augment\.mask_value: 2\.5 is not a whole number within -128\.\.127/,
  );
  assert.deepEqual(masks('300', 'uint16'), []);
  assert.deepEqual(masks('-1.25', 'float32'), [], 'a float spectrogram holds any value');
  assert.deepEqual(masks('mean', 'int8'), []);
  const none = parsed(base + 'generator:\n  rir_dir: None\n').warnings.map(formatProblem);
  assert.match(none[0], /^generator\.rir_dir: "None" is taken as a name here/);
});

test('a float frontend\u2019s keys are checked where they were written, under either name of the section', () => {
  const lines = problems(base + 'frontend:\n  type: log_mel\n  noise_reduction_enable: true\n  fft_length: 256\n');
  assert.deepEqual(lines, [
    'frontend.noise_reduction_enable: a microfrontend setting: not used by type log_mel, got true (kws.yaml:8:27)',
  ]);
  const infeasible = problems(base + 'frontend:\n  type: log_mel\n  fft_length: 256\n');
  assert.deepEqual(infeasible, [
    'frontend.fft_length: 256 is shorter than the window (400 samples); give at least that (kws.yaml:8:15)',
  ]);
  const mltk = problems(base + 'generator:\n  frontend_settings:\n    type: mfcc\n    n_mfcc: 40\n');
  assert.deepEqual(mltk, [
    'generator.frontend_settings.n_mfcc: 40 coefficients from 32 mel channels: at most that many (kws.yaml:9:13)',
  ]);
  const dtype = problems(base + 'generator:\n  frontend_dtype: int8\nfrontend:\n  type: log_mel\n');
  assert.deepEqual(dtype, [
    'generator.frontend_dtype: int8 is a microfrontend output; frontend.type log_mel gives float32 (or leave it null) (kws.yaml:7:19)',
  ]);
});
