// The config schema: the reference's defaults, the types and rules of single keys, MLTK's ignored keys and the
// frontend_settings alias, seed: null, and the JSON Schema editors get from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { parseConfigText } from '../../src/config/load.js';
import {
  CONTROL_CHARACTERS,
  IGNORED_KEYS,
  configSchema,
  drawSeed,
  frontendSchema,
  ignoredMessage,
  SPEC_AUGMENT_OFF,
  specAugmentSchema,
  type MicrofrontendSettings,
} from '../../src/config/schema.js';

const base = `dataset:
  directory: data
  classes: [yes, no]
output:
  directory: out
`;

test('a minimal config gets the reference defaults', () => {
  const c = parseConfigText(base + 'generator:\n  frontend_enabled: false\n', 'kws.yaml');
  assert.equal(c.dataset.class_mode, 'categorical');
  assert.equal(c.dataset.shuffle, true);
  assert.equal(c.generator.cores, 0.25);
  assert.equal(c.generator.max_batches_pending, 4);
  assert.equal(c.generator.trim_threshold_db, 20);
  assert.deepEqual(c.generator.offset_range, [0, 1]);
  assert.equal(c.generator.unknown_class_percentage, 1.0);
  assert.equal(c.generator.silence_class_percentage, 0.6);
  assert.equal(c.generator.dtype, 'float32');
  assert.equal(c.frontend.window_size_ms, 25);
  assert.equal(c.frontend.filterbank_n_channels, 32);
  assert.equal(c.output.epochs, 1);
  assert.equal(c.output.samples_per_shard, 0);
});

const minimal = { dataset: { directory: 'data', classes: ['yes', 'no'] }, output: { directory: 'out' } };
const parse = (
  extra: { dataset?: object; generator?: object; frontend?: object; output?: object; hooks?: unknown } = {},
) =>
  configSchema.safeParse({
    ...minimal,
    ...extra,
    dataset: { ...minimal.dataset, ...extra.dataset },
    output: { ...minimal.output, ...extra.output },
  });
/** The issues of a parse that must fail, as "path: message". */
const issues = (extra: Parameters<typeof parse>[0]) => {
  const r = parse(extra);
  assert.equal(r.success, false, 'expected the config to be refused');
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('every section gets its defaults: an omitted frontend is the AudioFeatureGeneratorSettings defaults, hooks null', () => {
  const c = configSchema.parse(minimal);
  assert.deepEqual(c.frontend, frontendSchema.parse({}));
  const frontend = c.frontend as MicrofrontendSettings;
  assert.equal('type' in frontend, false, 'a microfrontend config resolves to the keys (and hash) it had before types');
  assert.equal(frontend.variant, 'mltk');
  assert.equal(frontend.sample_rate_hz, 16000);
  assert.equal(frontend.log_scale_enable, true);
  assert.equal(c.hooks, null);
  assert.deepEqual(
    [
      c.dataset.batch_size,
      c.dataset.seed,
      c.dataset.follow_links,
      c.dataset.max_samples_per_class,
      c.dataset.shuffle_index_dir,
      c.dataset.validation_split_method,
    ],
    [32, 0, false, -1, null, 'hash'],
  );
  assert.deepEqual(
    [
      c.generator.frontend_enabled,
      c.generator.on_error,
      c.generator.validation_augmentation_enabled,
      c.generator.add_channel_dimension,
      c.generator.noise_colors,
      c.generator.speed_range,
      c.generator.frontend_dtype,
    ],
    [true, 'fail', true, true, null, null, null],
  );
  assert.deepEqual([c.output.subsets, c.output.partitions], [null, null]);
});

test('only dataset.directory, dataset.classes and output.directory are required', () => {
  // zod's own wording is not ours (issues.ts rewrites it): the paths are what the schema decides.
  const paths = (extra: Parameters<typeof parse>[0]) => issues(extra).map((l) => l.split(':')[0]);
  assert.deepEqual(
    paths({ dataset: { directory: undefined, classes: undefined }, output: { directory: undefined } }).sort(),
    ['dataset.classes', 'dataset.directory', 'output.directory'],
  );
  assert.deepEqual(paths({ dataset: { directory: undefined } }), ['dataset.directory']);
});

test('generator.frontend_settings is the frontend section under MLTK\u2019s name; giving both is refused', () => {
  const c = configSchema.parse({ ...minimal, generator: { frontend_settings: { window_size_ms: 30 } } });
  assert.equal(c.frontend.window_size_ms, 30);
  assert.equal('frontend_settings' in c.generator, false);
  assert.deepEqual(issues({ frontend: {}, generator: { frontend_settings: {} } }), [
    'generator.frontend_settings: MLTK\u2019s name of the frontend section, given as well as frontend: give one of the two',
  ]);
});

test('MLTK keys with no meaning here take any value and never reach the parsed config', () => {
  const c = configSchema.parse({
    ...minimal,
    dataset: {
      ...minimal.dataset,
      subset: 'training',
      class_counts: { yes: 1 },
      list_valid_filenames_in_directory_function: 'f',
    },
    generator: { get_batch_function: null, preprocessing_function: 3, disable_gpu_in_subprocesses: true },
  });
  for (const [section, keys] of Object.entries(IGNORED_KEYS)) {
    const parsed = (c as unknown as Record<string, object>)[section];
    for (const key of Object.keys(keys)) assert.equal(key in parsed, false, `${section}.${key}`);
  }
  assert.equal(
    ignoredMessage(IGNORED_KEYS.generator.disable_gpu_in_subprocesses),
    'ignored (MLTK\u2019s TensorFlow setting): audiogen uses no GPU',
  );
});

test('seed: null is drawn once per parse, within 0..2^32-1; an omitted seed is 0', () => {
  const seeds = Array.from(
    { length: 20 },
    () => configSchema.parse({ ...minimal, dataset: { ...minimal.dataset, seed: null } }).dataset.seed,
  );
  for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32, String(s));
  assert.ok(new Set(seeds).size > 1, 'each parse draws its own');
  for (let i = 0; i < 100; i++) {
    const s = drawSeed();
    assert.ok(Number.isInteger(s) && s >= 0 && s <= 2 ** 32 - 1);
  }
  assert.equal(configSchema.parse(minimal).dataset.seed, 0);
  assert.deepEqual(
    issues({ dataset: { seed: 2 ** 32 } }).map((l) => l.split(':')[0]),
    ['dataset.seed'],
  );
});

test('class names: unique, 1 to 255 characters, no control characters (C0, C1, DEL, U+2028/9)', () => {
  assert.deepEqual(issues({ dataset: { classes: ['yes', 'yes'] } }), ['dataset.classes: class names must be unique']);
  assert.equal(parse({ dataset: { classes: ['x'.repeat(255)] } }).success, true);
  assert.equal(parse({ dataset: { classes: ['x'.repeat(256)] } }).success, false);
  assert.equal(parse({ dataset: { classes: [''] } }).success, false);
  for (const c of ['\u0000', '\t', '\n', '\u001f', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029']) {
    assert.ok(CONTROL_CHARACTERS.test(`a${c}b`), JSON.stringify(c));
    assert.deepEqual(issues({ dataset: { classes: [`a${c}b`] } }), [
      'dataset.classes.0: expected a folder name without control characters (newline, tab, ...)',
    ]);
  }
  for (const ok of ['caf\u00e9', '\u00a0', 'a b', '\u{1f600}'])
    assert.equal(parse({ dataset: { classes: [ok] } }).success, true, JSON.stringify(ok));
});

test('ranges are [min, max] with min <= max; subsets are unique; cores is a count or a fraction', () => {
  assert.deepEqual(issues({ generator: { speed_range: [1.1, 0.9] } }), [
    'generator.speed_range: expected [min, max] with min <= max (speed_range)',
  ]);
  assert.deepEqual(issues({ generator: { pitch_range: [2, -2] } }), [
    'generator.pitch_range: expected [min, max] with min <= max (pitch_range)',
  ]);
  assert.deepEqual(issues({ output: { subsets: ['training', 'training'] } }), [
    'output.subsets: subsets must be unique',
  ]);
  assert.equal(parse({ generator: { cores: 0.5 } }).success, true);
  assert.equal(parse({ generator: { cores: 3 } }).success, true);
  assert.deepEqual(issues({ generator: { cores: 2.5 } }), [
    'generator.cores: expected an integer worker count, or a fraction < 1 of the cores',
  ]);
});

test('pitch_range: integers are semitones, a non-integer bound makes both fractions of an octave, bounded after that rule', () => {
  assert.equal(parse({ generator: { pitch_range: [-48, 48] } }).success, true);
  assert.equal(parse({ generator: { pitch_range: [-4, 4.0] } }).success, true);
  assert.equal(parse({ generator: { pitch_range: [-0.5, 3.5] } }).success, true);
  assert.deepEqual(issues({ generator: { pitch_range: [0.5, 4.5] } }), [
    'generator.pitch_range.1: expected at most \u00b148 semitones, got 4.5 (54 semitones: with a non-integer bound, each bound is \u00d7 12)',
  ]);
});

test('the JSON Schema (input side) knows every section and key, with defaults and descriptions, and refuses unknown keys', () => {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as {
    properties: Record<
      string,
      {
        additionalProperties?: boolean;
        required?: string[];
        properties?: Record<string, { default?: unknown; description?: string; properties?: object }>;
      }
    >;
  };
  assert.deepEqual(schema.properties.dataset.required, ['directory', 'classes']);
  assert.deepEqual(schema.properties.output.required, ['directory']);
  for (const section of ['dataset', 'generator', 'frontend', 'output']) {
    const s = schema.properties[section];
    assert.equal(s.additionalProperties, false, section);
    for (const [key, p] of Object.entries(s.properties!))
      assert.ok(p.description && p.description.length > 10, `${section}.${key} has no description`);
  }
  assert.equal(schema.properties.dataset.properties!.seed.default, 0);
  assert.equal(schema.properties.frontend.properties!.window_size_ms.default, 25);
  // MLTK's names are in the schema, so an editor accepts an MLTK config.
  assert.ok(schema.properties.dataset.properties!.subset);
  assert.deepEqual(
    Object.keys(schema.properties.generator.properties!.frontend_settings.properties ?? {}),
    Object.keys(schema.properties.frontend.properties!),
  );
});

test('spec_augment defaults to off (all 0, mask_value mean: the zod-free constant), takes mean or a number, no other key', () => {
  assert.deepEqual(specAugmentSchema.parse({}), SPEC_AUGMENT_OFF);
  assert.deepEqual(configSchema.parse(minimal).generator.spec_augment, SPEC_AUGMENT_OFF);
  const c = configSchema.parse({ ...minimal, generator: { spec_augment: { time_masks: 2, mask_value: -1.5 } } });
  assert.deepEqual(c.generator.spec_augment, { ...SPEC_AUGMENT_OFF, time_masks: 2, mask_value: -1.5 });
  assert.ok(
    issues({ generator: { spec_augment: { mask_value: 'median' } } }).some((i) =>
      /^generator\.spec_augment\.mask_value: /.test(i),
    ),
  );
  assert.ok(
    issues({ generator: { spec_augment: { time_mask: 2 } } }).some((i) => /^generator\.spec_augment: /.test(i)),
  );
  assert.ok(
    issues({ generator: { spec_augment: { time_masks: 1.5 } } }).some((i) =>
      /^generator\.spec_augment\.time_masks: /.test(i),
    ),
  );
});

test('rir_probability is 0.5 when rir_dir is set and it is not; given without rir_dir it is refused', () => {
  assert.equal(configSchema.parse(minimal).generator.rir_probability, null);
  assert.equal(configSchema.parse({ ...minimal, generator: { rir_dir: 'rirs' } }).generator.rir_probability, 0.5);
  const given = configSchema.parse({ ...minimal, generator: { rir_dir: 'rirs', rir_probability: 0.2 } });
  assert.equal(given.generator.rir_probability, 0.2);
  assert.deepEqual(issues({ generator: { rir_probability: 0.3 } }), [
    'generator.rir_dir: required with rir_probability: the folder of room-impulse-response .wav files',
  ]);
  assert.ok(
    issues({ generator: { rir_dir: 'rirs', rir_probability: 1.5 } }).some((i) =>
      /^generator\.rir_probability: /.test(i),
    ),
  );
});

test('frontend.type log_mel and mfcc resolve to their own keys with librosa\u2019s defaults, and only those', () => {
  const logMel = frontendSchema.parse({ type: 'log_mel' });
  assert.deepEqual(logMel, {
    type: 'log_mel',
    sample_rate_hz: 16000,
    sample_length_ms: 1000,
    window_size_ms: 25,
    window_step_ms: 10,
    filterbank_n_channels: 32,
    filterbank_upper_band_limit: 7500,
    filterbank_lower_band_limit: 125,
    fft_length: 512, // the smallest power of two holding the 400-sample window
    center: true,
    mel_scale: 'slaney',
    mel_norm: 'slaney',
    log: 'db',
    top_db: 80,
  });
  const float = (over: object) => frontendSchema.parse(over) as Record<string, unknown>;
  const mfcc = float({ type: 'mfcc', log: 'ln', sample_rate_hz: 8000, window_size_ms: 30 });
  assert.deepEqual(
    [mfcc.type, mfcc.fft_length, mfcc.log_offset, 'top_db' in mfcc, mfcc.n_mfcc],
    ['mfcc', 256, 1e-6, false, 20],
  );
  assert.equal(float({ type: 'log_mel', fft_length: 2048 }).fft_length, 2048);
  assert.equal(float({ type: 'log_mel', window_size_ms: 1 }).fft_length, 16);
  assert.deepEqual(frontendSchema.parse({ type: 'microfrontend' }), frontendSchema.parse({}));
});

test('a key that does not apply to the frontend type is refused by name, whichever way round', () => {
  const frontendIssues = (frontend: object) => issues({ frontend });
  assert.deepEqual(frontendIssues({ type: 'log_mel', pcan_enable: true, variant: 'tflm' }), [
    'frontend.variant: a microfrontend setting: not used by type log_mel',
    'frontend.pcan_enable: a microfrontend setting: not used by type log_mel',
  ]);
  assert.deepEqual(frontendIssues({ fft_length: 512, mel_scale: 'htk' }), [
    'frontend.fft_length: a log_mel/mfcc setting: not used by the microfrontend (set type: log_mel or mfcc)',
    'frontend.mel_scale: a log_mel/mfcc setting: not used by the microfrontend (set type: log_mel or mfcc)',
  ]);
  assert.deepEqual(frontendIssues({ type: 'log_mel', log_offset: 0.01 }), [
    'frontend.log_offset: applies to log: ln only (log is db)',
  ]);
  assert.deepEqual(frontendIssues({ type: 'mfcc', log: 'ln', top_db: 60 }), [
    'frontend.top_db: applies to log: db only (log is ln)',
  ]);
  assert.deepEqual(frontendIssues({ type: 'log_mel', n_mfcc: 13 }), [
    'frontend.n_mfcc: applies to type: mfcc only (type is log_mel)',
  ]);
  assert.deepEqual(frontendIssues({ type: 'log_mel', fft_length: 500 }), [
    'frontend.fft_length: expected a power of two',
  ]);
  assert.deepEqual(
    frontendIssues({ type: 'spectrogram' }).map((l) => l.split(':')[0]),
    ['frontend.type'],
  );
  // Shared keys are fine for every type; null for top_db means no floor.
  assert.equal(
    parse({ frontend: { type: 'mfcc', window_size_ms: 30, filterbank_n_channels: 40, top_db: null } }).success,
    true,
  );
});

test('the JSON Schema gives the float frontends\u2019 keys with their defaults', () => {
  const frontend = (
    z.toJSONSchema(configSchema, { io: 'input' }) as {
      properties: Record<string, { properties: Record<string, { default?: unknown; enum?: unknown[] }> }>;
    }
  ).properties.frontend.properties;
  assert.deepEqual(frontend.type.enum, ['microfrontend', 'log_mel', 'mfcc']);
  assert.equal(frontend.type.default, 'microfrontend');
  assert.equal(frontend.fft_length.default, null);
  assert.equal(frontend.center.default, true);
  assert.equal(frontend.top_db.default, 80);
  assert.equal(frontend.n_mfcc.default, 20);
  assert.equal(frontend.pcan_strength.default, 0.95);
});

test('the testing keys default to no testing subset and the identity transform', () => {
  const c = configSchema.parse(minimal);
  assert.equal(c.generator.testing_split, 0);
  assert.equal(c.generator.testing_augmentation_enabled, false);
  assert.deepEqual(
    [c.dataset.split_lists, c.dataset.manifest, c.dataset.columns, c.dataset.subset_names, c.dataset.where],
    [null, null, null, null, null],
  );
  assert.deepEqual(issues({ generator: { testing_split: 1 } }), [
    'generator.testing_split: Too big: expected number to be <1',
  ]);
});

test('split lists name validation, testing or both; subset_names give each subset its own value', () => {
  assert.deepEqual(issues({ dataset: { split_lists: {} } }), [
    'dataset.split_lists: expected validation, testing or both',
  ]);
  assert.equal(parse({ dataset: { split_lists: { testing: 'testing_list.txt' } } }).success, true);
  assert.deepEqual(issues({ dataset: { subset_names: { training: 'X', testing: 'X' } } }), [
    'dataset.subset_names: each subset needs its own value',
  ]);
  assert.equal(parse({ dataset: { columns: { path: 'LINK', label: 'WORD' } } }).data?.dataset.columns?.subset, null);
  assert.match(issues({ dataset: { columns: { path: 'LINK' } } })[0], /^dataset\.columns\.label: /);
});

test('where takes the cells\u2019 text: a string or a list of strings; YAML\u2019s True is refused with a hint', () => {
  const c = parse({ dataset: { where: { VALID: 'True', GENDER: ['MALE', 'FEMALE'] } } });
  assert.deepEqual(c.data?.dataset.where, { VALID: ['True'], GENDER: ['MALE', 'FEMALE'] });
  const refused = issues({ dataset: { where: { VALID: true, AGE: 12, X: [] } } });
  assert.deepEqual(
    refused.map((l) => l.split(':')[0]),
    ['dataset.where.VALID', 'dataset.where.AGE', 'dataset.where.X'],
  );
  assert.match(refused[0], /in quotes: "True"/);
  assert.deepEqual(issues({ dataset: { where: {} } }), ['dataset.where: expected at least one column']);
});
