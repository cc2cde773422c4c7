// Rules across keys (crossChecks), which the schema cannot state key by key: through the loader with the key's
// position, and each rule on a parsed config; rules a room above config passes in run after them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossChecks, type ConfigCheck } from '../../src/config/checks.js';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { frontendConfigCheck } from '../../src/frontend/frontend.js';

const base = `dataset:
  directory: data
  classes: [yes, no]
output:
  directory: out
`;

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'kws.yaml', [], [frontendConfigCheck]);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.exitCode, 2);
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

test('a noise source without its factor range (or the reverse) is an error, not silently ignored', () => {
  const lines = problems(base + 'generator:\n  noise_colors: all\n  bg_noise_range: [0.1, 0.2]\n');
  assert.ok(
    lines.some((l) => /^generator\.noise_color_range: required with noise_colors/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^generator\.bg_noise_dir: required with bg_noise_range/.test(l)),
    lines.join('\n'),
  );
  assert.match(
    problems(base + 'generator:\n  noise_colors: [pink, red]\n  noise_color_range: [0, 0.1]\n')[0],
    /^generator\.noise_colors\[1\]: expected one of "white", .*got "red"/,
  );
});

test('raw-audio-only and spectrogram-only keys are refused in the other mode', () => {
  assert.match(
    problems(base + 'generator:\n  sample_shape: [16000]\n')[0],
    /^generator\.sample_shape: applies to raw audio only/,
  );
  assert.match(
    problems(base + 'generator:\n  frontend_enabled: false\n  rescale: 0.5\n')[0],
    /^generator\.rescale: applies to spectrograms only/,
  );
});

test('raw audio needs a sample_shape that holds the sample length', () => {
  const lines = problems(base + 'generator:\n  frontend_enabled: false\n  sample_shape: [100, 100]\n');
  assert.match(
    lines[0],
    /^generator\.sample_shape: expected a shape holding 16000 audio samples, got \[100,100\] \(10000\)/,
  );
});

test('validation subset without a validation split is refused', () => {
  const lines = problems(
    base.replace('output:\n', 'output:\n  subsets: [training, validation]\n') +
      'generator:\n  frontend_enabled: false\n',
  );
  assert.match(lines[0], /^output\.subsets: validation needs generator\.validation_split > 0/);
});

test('class names that leave the dataset directory are refused', () => {
  const lines = problems(base.replace('[yes, no]', '[yes, ../etc]') + 'generator:\n  frontend_enabled: false\n');
  assert.match(lines[0], /^dataset\.classes\[1\]: expected a folder name inside the dataset directory/);
});

const spectrogram = parseConfigText(base, 'kws.yaml');
const raw = parseConfigText(base + 'generator:\n  frontend_enabled: false\n', 'kws.yaml');

/** `config` with some generator, dataset, frontend or output keys changed (after parsing, so no rule ran on them). */
function changed(
  config: Config,
  parts: { dataset?: object; generator?: object; frontend?: object; output?: object },
): Config {
  const c = structuredClone(config);
  return {
    ...c,
    dataset: { ...c.dataset, ...parts.dataset },
    generator: { ...c.generator, ...parts.generator },
    frontend: { ...c.frontend, ...parts.frontend },
    output: { ...c.output, ...parts.output },
  } as Config;
}

/** The problems of crossChecks as "path: message" lines. */
const lines = (config: Config, extra: ConfigCheck[] = []) =>
  crossChecks(config, extra).map((p) => `${p.path.join('.')}: ${p.message}`);

test('the default configs, spectrogram and raw audio, break no rule', () => {
  assert.deepEqual(lines(spectrogram), []);
  assert.deepEqual(lines(raw), []);
});

test('each noise source needs both its choice and its factor range, either way round', () => {
  assert.deepEqual(lines(changed(raw, { generator: { noise_colors: ['pink'] } })), [
    'generator.noise_color_range: required with noise_colors: the [min, max] noise factor',
  ]);
  assert.deepEqual(lines(changed(raw, { generator: { noise_colors: 'all', noise_color_range: [0, 1] } })), []);
  for (const none of [null, 'none']) {
    assert.deepEqual(lines(changed(raw, { generator: { noise_colors: none, noise_color_range: [0, 1] } })), [
      "generator.noise_colors: required with noise_color_range: a list of colors, or 'all'",
    ]);
  }
  assert.deepEqual(lines(changed(raw, { generator: { bg_noise_dir: 'bg' } })), [
    'generator.bg_noise_range: required with bg_noise_dir: the [min, max] noise factor',
  ]);
  assert.deepEqual(lines(changed(raw, { generator: { bg_noise_range: [0, 1] } })), [
    'generator.bg_noise_dir: required with bg_noise_range: the folder of background-noise .wav files',
  ]);
  assert.deepEqual(lines(changed(raw, { generator: { bg_noise_dir: 'bg', bg_noise_range: [0, 1] } })), []);
});

test('a validation or testing subset needs a split that gives it samples', () => {
  assert.deepEqual(lines(changed(raw, { output: { subsets: ['validation'] } })), [
    'output.subsets: validation needs generator.validation_split > 0 (or dataset.split_lists.validation, or a subset column of dataset.manifest)',
  ]);
  assert.deepEqual(lines(changed(raw, { output: { subsets: ['training', 'testing'] } })), [
    'output.subsets: testing needs generator.testing_split > 0 (or dataset.split_lists.testing, or a subset column of dataset.manifest)',
  ]);
  assert.deepEqual(lines(changed(raw, { output: { subsets: ['testing'] }, generator: { testing_split: 0.1 } })), []);
  assert.deepEqual(
    lines(changed(raw, { output: { subsets: ['testing'] }, dataset: { split_lists: { testing: 't.txt' } } })),
    [],
  );
  assert.deepEqual(
    lines(changed(raw, { output: { subsets: ['validation'] }, generator: { validation_split: 0.1 } })),
    [],
  );
});

test('binary labels need exactly two classes', () => {
  assert.deepEqual(lines(changed(raw, { dataset: { class_mode: 'binary', classes: ['yes', 'no', 'up'] } })), [
    'dataset.class_mode: binary needs exactly 2 classes, got 3',
  ]);
  assert.deepEqual(lines(changed(raw, { dataset: { class_mode: 'binary' } })), []);
});

test('a class name must be a folder name inside the dataset directory: no /, \\, . or ..', () => {
  const names = ['ok', 'a/b', 'a\\b', '.', '..', '...', '.hidden'];
  assert.deepEqual(
    lines(changed(raw, { dataset: { classes: names } })),
    [1, 2, 3, 4].map(
      (i) =>
        `dataset.classes.${i}: expected a folder name inside the dataset directory, got ${JSON.stringify(names[i])}`,
    ),
  );
});

test('a sample must hold at least one audio sample', () => {
  assert.deepEqual(lines(changed(raw, { frontend: { sample_rate_hz: 1000, sample_length_ms: 0.5 } })), [
    'frontend.sample_length_ms: the sample holds no audio samples at this sample rate',
  ]);
});

test('sample_shape is for raw audio only, and must hold the sample length', () => {
  assert.deepEqual(lines(changed(spectrogram, { generator: { sample_shape: [16000] } })), [
    'generator.sample_shape: applies to raw audio only (frontend_enabled: false); spectrogram shapes follow the frontend settings',
  ]);
  assert.deepEqual(lines(changed(raw, { generator: { sample_shape: [100, 160] } })), []);
  assert.deepEqual(lines(changed(raw, { generator: { sample_shape: [100, 100] } })), [
    'generator.sample_shape: expected a shape holding 16000 audio samples, got [100,100] (10000)',
  ]);
});

test('raw audio is written as float32, float64 or int16, without the spectrogram-only normalizations', () => {
  for (const dtype of ['float32', 'float64', 'int16'])
    assert.deepEqual(lines(changed(raw, { generator: { dtype } })), [], dtype);
  for (const dtype of ['int8', 'uint8', 'uint16', 'int32']) {
    assert.deepEqual(lines(changed(raw, { generator: { dtype } })), [
      `generator.dtype: raw audio (frontend_enabled: false) is written as float32, float64 or int16, got "${dtype}"`,
    ]);
  }
  const spectrogramOnly = {
    frontend_dtype: 'int8',
    samplewise_center: true,
    samplewise_std_normalization: true,
    samplewise_normalize_range: [0, 1],
    rescale: 2,
  };
  for (const [key, value] of Object.entries(spectrogramOnly)) {
    assert.deepEqual(lines(changed(raw, { generator: { [key]: value } })), [
      `generator.${key}: applies to spectrograms only (frontend_enabled: true), as in the reference`,
    ]);
    assert.deepEqual(lines(changed(spectrogram, { generator: { [key]: value } })), [], key);
  }
});

test('extra checks run on the same config after the built-in rules, their problems last', () => {
  const seen: Config[] = [];
  const extra: ConfigCheck = (c) => {
    seen.push(c);
    return [{ path: ['frontend', 'window_size_ms'], message: 'from the extra check' }];
  };
  const config = changed(raw, { dataset: { class_mode: 'binary', classes: ['a', 'b', 'c'] } });
  assert.deepEqual(lines(config, [extra, () => []]), [
    'dataset.class_mode: binary needs exactly 2 classes, got 3',
    'frontend.window_size_ms: from the extra check',
  ]);
  assert.equal(seen[0], config);
  // Through the loader: an extra check's problem is a config error with the key's position.
  assert.deepEqual(
    (() => {
      try {
        parseConfigText(base + 'frontend:\n  window_size_ms: 30\n', 'kws.yaml', [], [extra]);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    })(),
    ['frontend.window_size_ms: from the extra check (kws.yaml:7:19)'],
  );
});

test('SpecAugment: each mask count needs its width and the reverse; a mask_value needs masks; masks need a spectrogram', () => {
  const spec = (body: string, generator = '') => problems(`${base}generator:\n${generator}  spec_augment:\n${body}`);
  assert.deepEqual(spec('    time_masks: 2\n'), [
    'generator.spec_augment.time_mask_max_frames: required with time_masks: the widest mask, at least 1 frame (kws.yaml:8:5)',
  ]);
  assert.deepEqual(spec('    freq_mask_max_channels: 3\n'), [
    'generator.spec_augment.freq_masks: required with freq_mask_max_channels: how many masks a sample gets (kws.yaml:8:5)',
  ]);
  assert.deepEqual(spec('    mask_value: 0\n'), [
    'generator.spec_augment.mask_value: applies only with time_masks or freq_masks (kws.yaml:8:17)',
  ]);
  assert.match(
    spec('    time_masks: 1\n    time_mask_max_frames: 2\n', '  frontend_enabled: false\n')[0],
    /^generator\.spec_augment: applies to spectrograms only \(frontend_enabled: true\)/,
  );
});

test('SpecAugment: a mask wider than the spectrogram is refused with the spectrogram\u2019s size', () => {
  // The default frontend: 1 s, 25 ms windows every 10 ms = 98 frames of 32 channels.
  const lines = problems(
    `${base}generator:\n  spec_augment:\n    time_masks: 1\n    time_mask_max_frames: 99\n    freq_masks: 1\n    freq_mask_max_channels: 33\n`,
  );
  assert.deepEqual(lines, [
    'generator.spec_augment.time_mask_max_frames: expected at most the spectrogram\u2019s 98 frames (a mask lies inside it), got 99 (kws.yaml:9:27)',
    'generator.spec_augment.freq_mask_max_channels: expected at most the spectrogram\u2019s 32 channels (a mask lies inside it), got 33 (kws.yaml:11:29)',
  ]);
  const fits = parseConfigText(
    `${base}generator:\n  spec_augment:\n    time_masks: 1\n    time_mask_max_frames: 98\n    freq_masks: 1\n    freq_mask_max_channels: 32\n`,
    'kws.yaml',
    [],
    [frontendConfigCheck],
  );
  assert.equal(fits.generator.spec_augment.time_mask_max_frames, 98);
});

test('validation_split + testing_split must leave training something', () => {
  assert.deepEqual(lines(changed(raw, { generator: { validation_split: 0.5, testing_split: 0.5 } })), [
    'generator.testing_split: validation_split + testing_split must be < 1 (training keeps the rest), got 0.5 + 0.5',
  ]);
  assert.deepEqual(lines(changed(raw, { generator: { validation_split: 0.5, testing_split: 0.4 } })), []);
});

test('split lists, split fractions and a subset column are one choice each', () => {
  const lists = { split_lists: { validation: 'v.txt', testing: 't.txt' } };
  assert.deepEqual(lines(changed(raw, { dataset: lists })), []);
  assert.deepEqual(lines(changed(raw, { dataset: lists, generator: { testing_split: 0.1 } })), [
    'dataset.split_lists: the lists decide the split: give them or generator.validation_split/testing_split, not both',
  ]);
  const manifest = { manifest: 'm.csv', columns: { path: 'LINK', label: 'WORD', subset: 'SET', speaker: null } };
  assert.deepEqual(lines(changed(raw, { dataset: manifest })), []);
  assert.deepEqual(lines(changed(raw, { dataset: manifest, generator: { validation_split: 0.1 } })), [
    'dataset.columns.subset: the subset column decides the split: give it or generator.validation_split/testing_split, not both',
  ]);
  assert.deepEqual(lines(changed(raw, { dataset: { ...manifest, ...lists } })), [
    'dataset.split_lists: applies to class folders; with dataset.manifest, a subset column (dataset.columns.subset) decides the split',
  ]);
});

test('the manifest keys need a manifest, and a manifest needs its columns', () => {
  const columns = { path: 'p', label: 'l', subset: null, speaker: null };
  assert.deepEqual(
    lines(changed(raw, { dataset: { columns, subset_names: { training: 'T' }, where: { V: ['True'] } } })),
    [
      'dataset.columns: applies to a dataset described by a file: set dataset.manifest',
      'dataset.subset_names: applies to a dataset described by a file: set dataset.manifest',
      'dataset.where: applies to a dataset described by a file: set dataset.manifest',
    ],
  );
  assert.deepEqual(lines(changed(raw, { dataset: { manifest: 'm.csv' } })), [
    'dataset.columns: required with dataset.manifest: the columns of the path and the label, at least',
  ]);
  assert.deepEqual(lines(changed(raw, { dataset: { manifest: 'm.csv', columns, subset_names: { training: 'T' } } })), [
    'dataset.subset_names: names the values of a subset column: set dataset.columns.subset',
  ]);
  assert.deepEqual(lines(changed(raw, { dataset: { manifest: 'm.csv', columns, shuffle_index_dir: 'idx' } })), [
    'dataset.shuffle_index_dir: applies to class folders, not to dataset.manifest (whose rows are sorted)',
  ]);
  const speaker = { ...columns, speaker: 's' };
  assert.deepEqual(
    lines(
      changed(raw, {
        dataset: { manifest: 'm.csv', columns: speaker, validation_split_method: 'index' },
        generator: { validation_split: 0.1 },
      }),
    ),
    [
      'dataset.columns.speaker: the index split takes files by position; the speaker column applies to validation_split_method: hash',
    ],
  );
});

test('subset_names decides which subsets a subset column can give samples', () => {
  const dataset = {
    manifest: 'm.csv',
    columns: { path: 'p', label: 'l', subset: 's', speaker: null },
    subset_names: { training: 'TRAIN', testing: 'TEST' },
  };
  assert.deepEqual(lines(changed(raw, { dataset, output: { subsets: ['training', 'testing'] } })), []);
  assert.deepEqual(lines(changed(raw, { dataset, output: { subsets: ['validation'] } })), [
    'output.subsets: validation needs a value in dataset.subset_names.validation',
  ]);
});
