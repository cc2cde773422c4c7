// zod issues as the lines users read: key paths, values echoed short, "did you mean" hints, Python-literal hints, and
// one line per kind of issue saying what was expected and what was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  describeValue,
  didYouMean,
  formatPath,
  problemsFromZod,
  pythonHint,
  type KeyPath,
  type Problem,
} from '../../src/config/issues.js';

test('formatPath writes keys as dotted names and list items as [i]; a key that is not a plain name is quoted', () => {
  assert.equal(formatPath([]), '(config)');
  assert.equal(formatPath(['generator']), 'generator');
  assert.equal(formatPath(['generator', 'offset_range', 1]), 'generator.offset_range[1]');
  assert.equal(formatPath(['dataset', 'classes', 0]), 'dataset.classes[0]');
  assert.equal(formatPath(['generator', 'my-key_2']), 'generator.my-key_2');
  assert.equal(formatPath(['generator', 'a b']), 'generator["a b"]');
  assert.equal(formatPath(['generator', 'two\nlines']), 'generator["two\\nlines"]');
  assert.equal(formatPath(['x\u2028y']), '["x\\u2028y"]');
  assert.equal(formatPath(['k'.repeat(64)]), 'k'.repeat(64));
  assert.equal(formatPath(['k'.repeat(60) + '!']), `["${'k'.repeat(40)}"... (61 characters)]`);
  assert.equal(formatPath(['k'.repeat(59) + '!']), `["${'k'.repeat(59)}!"]`);
  assert.equal(formatPath(['k'.repeat(1000)]), `["${'k'.repeat(40)}"... (1000 characters)]`);
});

test('describeValue echoes a value short enough for one line', () => {
  assert.equal(describeValue(undefined), 'nothing');
  assert.equal(describeValue(null), 'null');
  assert.equal(describeValue('float16'), '"float16"');
  assert.equal(describeValue('line\nbreak\u0085'), '"line\\nbreak\\u0085"');
  assert.equal(describeValue('x'.repeat(61)), `"${'x'.repeat(40)}"... (61 characters)`);
  assert.equal(describeValue(1.5), '1.5');
  assert.equal(describeValue(1e12), '1000000000000');
  assert.equal(describeValue(false), 'false');
  assert.equal(describeValue([0, 1.5]), '[0,1.5]');
  assert.equal(describeValue(['pink', null, true]), '["pink",null,true]');
  assert.equal(describeValue([1, 2, 3, 4, 5]), 'a list of 5 items');
  assert.equal(describeValue(['x'.repeat(21)]), 'a list of 1 items');
  assert.equal(describeValue([{}]), 'a list of 1 items');
  assert.equal(describeValue({ a: 1 }), 'an object');
});

test('pythonHint says what a Python literal copied into YAML should be', () => {
  assert.equal(pythonHint('(0.9, 1.1)'), ' (use [0.9, 1.1]: YAML has no tuples)');
  assert.equal(pythonHint(' (1,) '), ' (use [1]: YAML has no tuples)');
  assert.equal(pythonHint('None'), ' (use null: Python\u2019s None is not YAML)');
  assert.equal(pythonHint('True'), ' (use true)');
  assert.equal(pythonHint('False'), ' (use false)');
  for (const plain of ['none', 'true', 'pink', 3, null]) assert.equal(pythonHint(plain), '', String(plain));
});

test('didYouMean suggests the closest key when it is a likely typo, and nothing otherwise', () => {
  const keys = ['offset_range', 'speed_range', 'pitch_range', 'cores', 'dtype'];
  assert.equal(didYouMean('ofset_range', keys), 'offset_range');
  assert.equal(didYouMean('pitch_rnage', keys), 'pitch_range');
  assert.equal(didYouMean('core', keys), 'cores');
  assert.equal(didYouMean('dtyp', keys), 'dtype');
  // Up to a quarter of the key's length (at least 2) may differ.
  assert.equal(didYouMean('speeed_rangeee', keys), 'speed_range');
  assert.equal(didYouMean('sped', keys), undefined);
  assert.equal(didYouMean('colors', keys), undefined);
  assert.equal(didYouMean('xyz', []), undefined);
  assert.equal(didYouMean('c'.repeat(65), ['c'.repeat(64)]), undefined);
});

/** The Problems of `schema` parsing `value`, as "path: message" lines. */
function lines(
  schema: z.ZodType,
  value: unknown,
  known: (path: KeyPath) => string[] = () => [],
  home?: (key: string, path: KeyPath) => string | undefined,
): string[] {
  const r = schema.safeParse(value, { reportInput: true });
  assert.equal(r.success, false);
  return problemsFromZod(r.error!.issues, known, home).map((p: Problem) => `${formatPath(p.path)}: ${p.message}`);
}

test('an unknown key is one line per key, with a typo hint, else the section it belongs in, else nothing', () => {
  const schema = z.strictObject({ generator: z.strictObject({ offset_range: z.number().optional() }) });
  const known = (path: KeyPath) => (path.length === 1 ? ['offset_range'] : ['generator']);
  const home = (key: string) => (key === 'classes' ? 'dataset' : undefined);
  assert.deepEqual(lines(schema, { generator: { ofset_range: 1, classes: [], zzz: 1 } }, known, home), [
    'generator.ofset_range: unknown key (did you mean offset_range?)',
    'generator.classes: unknown key (it belongs in dataset)',
    'generator.zzz: unknown key',
  ]);
  const r = schema.safeParse({ generator: { zzz: 1 } });
  assert.equal(
    problemsFromZod(r.error!.issues, known)[0].atKey,
    true,
    'an unknown key points at the key, not its value',
  );
});

test('a wrong type says what was expected and what was given; a missing value says required', () => {
  const schema = z.object({
    n: z.number(),
    i: z.int(),
    s: z.string(),
    b: z.boolean(),
    l: z.array(z.number()),
    m: z.object({}),
  });
  assert.deepEqual(lines(schema, { n: 'x', i: 1.5, s: 1, b: 'True', l: '(0.9, 1.1)', m: [] }), [
    'n: expected a number, got "x"',
    'i: expected an integer, got 1.5',
    's: expected a string, got 1',
    'b: expected true or false, got "True" (use true)',
    'l: expected a list, got "(0.9, 1.1)" (use [0.9, 1.1]: YAML has no tuples)',
    'm: expected a mapping of keys, got []',
  ]);
  assert.deepEqual(lines(z.object({ directory: z.string() }), {}), ['directory: required: expected a string']);
});

test('a value past a bound names the bound: numbers inclusive or not, list lengths, string lengths', () => {
  const schema = z.object({
    le: z.number().max(1),
    lt: z.number().lt(1),
    ge: z.number().min(0),
    gt: z.number().positive(),
    list: z.array(z.number()).min(1),
    short: z.array(z.number()).max(2),
    name: z.string().max(3),
    empty: z.string().min(1),
  });
  assert.deepEqual(
    lines(schema, { le: 1.5, lt: 1, ge: -1, gt: 0, list: [], short: [1, 2, 3], name: 'abcd', empty: '' }),
    [
      'le: expected a number <= 1, got 1.5',
      'lt: expected a number < 1, got 1',
      'ge: expected a number >= 0, got -1',
      'gt: expected a number > 0, got 0',
      'list: expected a list with at least 1 items, got []',
      'short: expected a list with at most 2 items, got [1,2,3]',
      'name: expected a string of at most 3 characters, got "abcd"',
      'empty: expected a string of at least 1 characters, got ""',
    ],
  );
});

test('a value outside an enumeration lists the allowed values', () => {
  assert.deepEqual(lines(z.object({ dtype: z.enum(['float32', 'int8']) }), { dtype: 'None' }), [
    'dtype: expected one of "float32", "int8", got "None" (use null: Python\u2019s None is not YAML)',
  ]);
});

test('a union reports inside the branch the value has the shape of, else what each branch expects', () => {
  const colors = z.object({ noise_colors: z.union([z.array(z.enum(['white', 'pink'])), z.literal('all')]) });
  assert.deepEqual(lines(colors, { noise_colors: ['pink', 'red'] }), [
    'noise_colors[1]: expected one of "white", "pink", got "red"',
  ]);
  assert.deepEqual(lines(colors, { noise_colors: 5 }), ['noise_colors: expected a list, or "all", got 5']);
});

test('a custom check\u2019s message gets the value appended unless it names it already or the value is a mapping', () => {
  const ordered = z.object({
    r: z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, { message: 'expected [min, max] with min <= max' }),
  });
  assert.deepEqual(lines(ordered, { r: [2, 1] }), ['r: expected [min, max] with min <= max, got [2,1]']);
  const named = z.object({ n: z.number().refine(() => false, { message: 'too odd, got 3 of them' }) });
  assert.deepEqual(lines(named, { n: 3 }), ['n: too odd, got 3 of them']);
  const mapping = z.object({ m: z.object({ a: z.number() }).refine(() => false, { message: 'give one of the two' }) });
  assert.deepEqual(lines(mapping, { m: { a: 1 } }), ['m: give one of the two']);
});
