// A sample's drawn parameters: the identity transform when augmentation is off (validation without augmentation,
// disable_random_transforms), each draw within its configured range, one seeded stream per parameter so adding or
// changing one never moves the others, and the noise source chosen half and half when both are configured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOISE_COLORS } from '../../src/config/names.js';
import {
  IDENTITY,
  PARAM_COLUMNS,
  augmentationEnabled,
  drawParams,
  noiseColorsOf,
  paramColumns,
  paramFields,
  sampleRng,
  type SampleParams,
} from '../../src/sample/params.js';
import { rngFor } from '../../src/random/rng.js';
import { makeConfig } from '../helpers.js';

type Section = Record<string, unknown>;
const config = (generator: Section = {}, dataset: Section = {}) =>
  makeConfig('/data', '/out', { generator: { validation_split: 0.2, ...generator }, dataset });
const background = [
  { name: 'hum.wav', samples: 48000 },
  { name: 'rain/heavy.wav', samples: 1000 },
];
const ALL = {
  offset_range: [0.2, 0.6],
  speed_range: [0.8, 1.25],
  pitch_range: [-3, 2],
  vtlp_range: [0.9, 1.1],
  loudness_range: [0.5, 1.5],
  noise_colors: ['pink', 'brown'],
  noise_color_range: [0.01, 0.1],
  bg_noise_dir: 'bg',
  bg_noise_range: [0.2, 0.4],
};
const REVERB = { rir_dir: 'rirs' };
const RIRS = ['hall.wav', 'rooms/small.wav', 'car.wav'];
const MASKS = { time_masks: 2, time_mask_max_frames: 10, freq_masks: 3, freq_mask_max_channels: 4 };
/** The parameters of positions 0..n-1 of training epoch 0. */
const draws = (
  c = config(ALL),
  n = 400,
  subset: 'training' | 'validation' = 'training',
  bg = background,
  rirs: string[] = RIRS,
) => Array.from({ length: n }, (_, p) => drawParams(c, bg, subset, 0, p, rirs));

test('the identity transform changes nothing, and every parameter is an index column in that order', () => {
  assert.deepEqual(IDENTITY, {
    offset: 0,
    speed: 1,
    pitch: 0,
    vtlp: 1,
    loudness: 1,
    noise: 'none',
    noise_factor: 0,
    bg_file: '',
    bg_offset: 0,
    rir_file: '',
    time_masks: [],
    freq_masks: [],
  });
  // Every index CSV has the first nine; rir_file and the masks only when their keys are set.
  assert.deepEqual([...PARAM_COLUMNS], Object.keys(IDENTITY).slice(0, 9));
  assert.deepEqual(paramColumns(config()), [...PARAM_COLUMNS]);
  assert.deepEqual(paramColumns(config(REVERB)), [...PARAM_COLUMNS, 'rir_file']);
  assert.deepEqual(
    paramColumns(config({ ...REVERB, frontend_enabled: true, spec_augment: MASKS })),
    Object.keys(IDENTITY),
  );
  const freqOnly = { frontend_enabled: true, spec_augment: { freq_masks: 1, freq_mask_max_channels: 3 } };
  assert.deepEqual(paramColumns(config(freqOnly)), [...PARAM_COLUMNS, 'time_masks', 'freq_masks']);
  assert.deepEqual(
    paramFields(
      {
        ...IDENTITY,
        rir_file: 'hall.wav',
        time_masks: [[3, 4]],
        freq_masks: [
          [0, 2],
          [7, 0],
        ],
      },
      ['offset', 'rir_file', 'time_masks', 'freq_masks'],
    ),
    [0, 'hall.wav', '3:4', '0:2;7:0'],
  );
});

test('without augmentation every sample gets a fresh copy of the identity: disable_random_transforms, or validation without augmentation', () => {
  const off = config({ ...ALL, disable_random_transforms: true });
  assert.equal(augmentationEnabled(off, 'training'), false);
  const p = drawParams(off, background, 'training', 3, 7);
  assert.deepEqual(p, IDENTITY);
  assert.notEqual(p, IDENTITY, 'a copy: the caller may fill it in');
  const validation = config({ ...ALL, validation_augmentation_enabled: false });
  assert.deepEqual(
    [augmentationEnabled(validation, 'training'), augmentationEnabled(validation, 'validation')],
    [true, false],
  );
  assert.ok(draws(validation, 50, 'validation').every((q) => JSON.stringify(q) === JSON.stringify(IDENTITY)));
  assert.ok(draws(validation, 50, 'training').every((q) => q.offset !== 0 && q.noise !== 'none'));
  // Augmented validation by default.
  assert.ok(draws(config(ALL), 50, 'validation').every((q) => q.noise !== 'none'));
});

test('every draw lies within its range; pitch in semitones after MLTK\u2019s rule', () => {
  const inside = (v: number, [lo, hi]: number[]) => v >= lo && v <= hi;
  for (const p of draws()) {
    assert.ok(inside(p.offset, ALL.offset_range), `offset ${p.offset}`);
    assert.ok(inside(p.speed, ALL.speed_range), `speed ${p.speed}`);
    assert.ok(inside(p.pitch, ALL.pitch_range), `pitch ${p.pitch}`);
    assert.ok(inside(p.vtlp, ALL.vtlp_range), `vtlp ${p.vtlp}`);
    assert.ok(inside(p.loudness, ALL.loudness_range), `loudness ${p.loudness}`);
    if (p.noise === 'background') {
      assert.ok(inside(p.noise_factor, ALL.bg_noise_range), `bg factor ${p.noise_factor}`);
      const file = background.find((b) => b.name === p.bg_file);
      assert.ok(file, p.bg_file);
      assert.ok(
        Number.isInteger(p.bg_offset) && p.bg_offset >= 0 && p.bg_offset < file.samples,
        `bg offset ${p.bg_offset}`,
      );
    } else {
      assert.ok(ALL.noise_colors.includes(p.noise), p.noise);
      assert.ok(inside(p.noise_factor, ALL.noise_color_range), `color factor ${p.noise_factor}`);
      assert.deepEqual([p.bg_file, p.bg_offset], ['', 0]);
    }
  }
  // The draws spread over their ranges rather than sitting at one value.
  const speeds = draws().map((p) => p.speed);
  assert.ok(Math.min(...speeds) < 0.85 && Math.max(...speeds) > 1.2, `${Math.min(...speeds)}..${Math.max(...speeds)}`);
  // A non-integer bound makes both fractions of an octave: [-0.25, 0.5] is -3 to +6 semitones.
  const octave = draws(config({ pitch_range: [-0.25, 0.5] })).map((p) => p.pitch);
  assert.ok(
    octave.every((v) => v >= -3 && v <= 6) && Math.max(...octave) > 5 && Math.min(...octave) < -2,
    `${Math.min(...octave)}..${Math.max(...octave)}`,
  );
});

test('a parameter without a range keeps its identity value; a one-value range is that value', () => {
  for (const p of draws(config(), 50)) {
    assert.deepEqual({ ...p, offset: 0 }, IDENTITY);
    assert.ok(p.offset >= 0 && p.offset <= 1);
  }
  assert.ok(
    draws(config({ offset_range: [0.3, 0.3], speed_range: [1.1, 1.1] }), 20).every(
      (p) => p.offset === 0.3 && p.speed === 1.1,
    ),
  );
});

test('with colored and background noise both configured, each sample gets one of the two, about half each', () => {
  const kinds = draws(config(ALL), 2000).map((p) => (p.noise === 'background' ? 'background' : 'color'));
  const bg = kinds.filter((k) => k === 'background').length;
  assert.ok(bg > 900 && bg < 1100, `${bg} of 2000 background`);
  const files = new Set(
    draws(config(ALL), 400)
      .map((p) => p.bg_file)
      .filter(Boolean),
  );
  assert.deepEqual([...files].sort(), ['hum.wav', 'rain/heavy.wav']);
  // Background configured but no files listed: colored noise only.
  assert.ok(draws(config(ALL), 100, 'training', []).every((p) => p.noise !== 'background'));
  // Colors only: every color offered is drawn.
  const colors = new Set(draws(config({ noise_colors: 'all', noise_color_range: [0, 1] }), 400).map((p) => p.noise));
  assert.deepEqual([...colors].sort(), [...NOISE_COLORS].sort());
});

test('draws are the same for the same (seed, subset, epoch, position), and differ with any of them', () => {
  const c = config(ALL);
  const p = drawParams(c, background, 'training', 2, 17);
  assert.deepEqual(drawParams(c, background, 'training', 2, 17), p);
  const differs = (q: SampleParams) => q.offset !== p.offset && q.speed !== p.speed;
  assert.ok(differs(drawParams(c, background, 'training', 2, 18)), 'position');
  assert.ok(differs(drawParams(c, background, 'training', 3, 17)), 'epoch');
  assert.ok(differs(drawParams(c, background, 'validation', 2, 17)), 'subset');
  assert.ok(differs(drawParams(config(ALL, { seed: 1 }), background, 'training', 2, 17)), 'seed');
});

test('each parameter has its own stream: adding, removing or changing one range leaves every other draw as it was', () => {
  const base = draws(
    config({ offset_range: [0, 1], loudness_range: [0.5, 1.5], noise_colors: 'all', noise_color_range: [0, 0.1] }),
    200,
  );
  const more = draws(
    config({
      offset_range: [0, 1],
      loudness_range: [0.5, 1.5],
      noise_colors: 'all',
      noise_color_range: [0, 0.1],
      speed_range: [0.9, 1.1],
      pitch_range: [-2, 2],
      vtlp_range: [0.9, 1.1],
    }),
    200,
  );
  const otherLoudness = draws(
    config({ offset_range: [0, 1], loudness_range: [0.1, 0.2], noise_colors: 'all', noise_color_range: [0, 0.1] }),
    200,
  );
  for (let i = 0; i < base.length; i++) {
    assert.deepEqual(
      [more[i].offset, more[i].loudness, more[i].noise, more[i].noise_factor],
      [base[i].offset, base[i].loudness, base[i].noise, base[i].noise_factor],
      `position ${i}`,
    );
    assert.deepEqual(
      [otherLoudness[i].offset, otherLoudness[i].noise, otherLoudness[i].noise_factor],
      [base[i].offset, base[i].noise, base[i].noise_factor],
      `position ${i}`,
    );
  }
});

test('sampleRng is the stream keyed by (seed, subset, epoch, position, tag)', () => {
  const c = config({}, { seed: 42 });
  const a = sampleRng(c, 'training', 1, 5, 'hook:preprocess');
  const b = rngFor(42, 'training', 1, 5, 'hook:preprocess');
  const values = [a(), a(), a()];
  assert.deepEqual(values, [b(), b(), b()]);
  assert.notEqual(sampleRng(c, 'training', 1, 5, 'hook:postprocess')(), values[0]);
});

test('noiseColorsOf: none for null or "none", every color for "all", else the list given', () => {
  assert.deepEqual(noiseColorsOf(config().generator), []);
  assert.deepEqual(noiseColorsOf(config({ noise_colors: 'none' }).generator), []);
  assert.deepEqual(noiseColorsOf(config({ noise_colors: 'all', noise_color_range: [0, 1] }).generator), [
    ...NOISE_COLORS,
  ]);
  assert.deepEqual(noiseColorsOf(config({ noise_colors: ['blue'], noise_color_range: [0, 1] }).generator), ['blue']);
});

test('reverb: a sample gets an RIR with rir_probability (0.5 by default), each file alike; none without rir_dir', () => {
  const count = (c: ReturnType<typeof config>) => draws(c, 2000).filter((p) => p.rir_file !== '').length;
  const half = count(config(REVERB));
  assert.ok(half > 900 && half < 1100, `${half} of 2000 with the default 0.5`);
  const most = count(config({ ...REVERB, rir_probability: 0.9 }));
  assert.ok(most > 1700 && most < 1900, `${most} of 2000 with 0.9`);
  assert.equal(count(config({ ...REVERB, rir_probability: 0 })), 0);
  assert.equal(count(config({ ...REVERB, rir_probability: 1 })), 2000);
  const files = draws(config({ ...REVERB, rir_probability: 1 }), 3000).map((p) => p.rir_file);
  for (const f of RIRS) {
    const n = files.filter((g) => g === f).length;
    assert.ok(n > 850 && n < 1150, `${f} drawn ${n} times of 3000`);
  }
  assert.equal(count(config()), 0);
});

test('SpecAugment: the configured number of masks per axis, each inside the spectrogram; none unless configured', () => {
  // 49 frames x 40 channels.
  const frontend = { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 };
  const c = makeConfig('/data', '/out', { generator: { frontend_enabled: true, spec_augment: MASKS }, frontend });
  const widths = new Set<number>();
  for (const p of draws(c, 300)) {
    assert.equal(p.time_masks.length, 2);
    assert.equal(p.freq_masks.length, 3);
    for (const [start, width] of p.time_masks) {
      assert.ok(width >= 0 && width <= 10 && start >= 0 && start + width <= 49, `time ${start}:${width}`);
      widths.add(width);
    }
    for (const [start, width] of p.freq_masks)
      assert.ok(width >= 0 && width <= 4 && start >= 0 && start + width <= 40, `freq ${start}:${width}`);
  }
  assert.equal(widths.size, 11, 'every width 0..10 is drawn');
  assert.ok(draws(config(), 50).every((p) => p.time_masks.length === 0 && p.freq_masks.length === 0));
});

test('reverb and masks are augmentations: training only without validation_augmentation_enabled, none when disabled', () => {
  const c = (extra: Section) =>
    makeConfig('/data', '/out', {
      generator: { frontend_enabled: true, validation_split: 0.2, spec_augment: MASKS, ...REVERB, ...extra },
    });
  const off = (p: SampleParams) => p.rir_file === '' && p.time_masks.length === 0 && p.freq_masks.length === 0;
  const noValidation = c({ validation_augmentation_enabled: false, rir_probability: 1 });
  assert.ok(draws(noValidation, 50, 'validation').every(off));
  assert.ok(draws(noValidation, 50, 'training').every((p) => !off(p)));
  assert.ok(draws(c({ rir_probability: 1 }), 50, 'validation').every((p) => !off(p)));
  assert.ok(draws(c({ disable_random_transforms: true }), 50, 'training').every(off));
});

test('adding reverb or SpecAugment leaves every other draw as it was (streams of their own)', () => {
  const base = draws(config(ALL), 300);
  const frontend = { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 };
  const more = draws(
    makeConfig('/data', '/out', {
      generator: { frontend_enabled: true, validation_split: 0.2, ...ALL, ...REVERB, spec_augment: MASKS },
      frontend,
    }),
    300,
  );
  const strip = ({ rir_file, time_masks, freq_masks, ...rest }: SampleParams) => rest;
  assert.deepEqual(more.map(strip), base.map(strip));
  assert.ok(more.some((p) => p.rir_file !== '') && more.some((p) => p.time_masks.length > 0));
});
