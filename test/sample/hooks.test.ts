// User hooks: each takes the reference callback's place, sees its context, and fails loudly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import { decodeNpy } from '../../src/io/npy.js';
import { parseCsv } from '../../src/io/csv.js';
import { assertFails, demoSubset, makeConfig, runCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 3);

async function bakeWith(hooksSource: string, generator: Record<string, unknown> = {}) {
  const dir = tempDir();
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, hooksSource);
  const out = join(dir, 'out');
  const config = {
    ...makeConfig(dataset, out, {
      generator: { trim_threshold_db: null, disable_random_transforms: true, ...generator },
      frontend: { sample_length_ms: 100 },
    }),
    hooks,
  };
  await build(config);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const shard = m.subsets.training.epochs[0].shards[0];
  const x = decodeNpy(readFileSync(join(out, shard.x.path)));
  const rows = parseCsv(readFileSync(join(out, shard.index.path), 'utf8')).slice(1);
  return { x, rows, m, out, config };
}

test('postprocess sees the class, file and batch of its sample and its result is written', async () => {
  const { x, rows } = await bakeWith(`
export function postprocess(x, ctx) {
  if (ctx.batchFileNames[ctx.batchClassIds.indexOf(ctx.classId)] === undefined) throw new Error('batch context');
  return new Float32Array(x.length).fill(ctx.classId * 10 + (ctx.fileName.startsWith(ctx.className + '/') ? 1 : 0));
}`);
  rows.forEach((r, i) => {
    const row = x.data.subarray(i * 1600, (i + 1) * 1600);
    assert.ok(
      row.every((v) => v === Number(r[1]) * 10 + 1),
      `row ${i}`,
    );
  });
});

test('preprocess runs after augmentation, noaugPreprocess before it on the clip at its own rate', async () => {
  const { x } = await bakeWith(`
export function noaugPreprocess(x, ctx) { return x.subarray(0, Math.round(ctx.sampleRate / 100)); }
export function preprocess(x, ctx) { if (x.length !== 1600) throw new Error('length ' + x.length); return x.map((v) => v * 2); }
`);
  for (let i = 0; i < x.shape[0]; i++) {
    const row = x.data.subarray(i * 1600, (i + 1) * 1600);
    assert.ok(
      row.subarray(160).every((v) => v === 0),
      `row ${i}: only the first 10 ms remain`,
    );
    assert.ok(row.subarray(0, 160).some((v) => v !== 0));
  }
});

test("a hook's random stream is the sample's own: identical with 1 and 2 workers", async () => {
  const source = `export function postprocess(x, ctx) { return Array.from(x, () => ctx.random()); }`;
  const one = await bakeWith(source, { cores: 1 });
  const two = await bakeWith(source, { cores: 2 });
  assert.deepEqual(one.x.data, two.x.data);
  assert.ok(new Set(one.x.data).size > 100);
});

test('getBatch replaces the per-batch processing; listValidFilenames replaces the listing', async () => {
  const { x, rows, m } = await bakeWith(`
export function listValidFilenames(base, cls, formats, split, followLinks, indexDir) {
  if (formats[0] !== '.wav') throw new Error('formats');
  return [cls, [cls + '/' + (cls === 'yes' ? 'en-029-f4_nohash_0.wav' : 'en-029-f4_nohash_1.wav')].filter(Boolean)];
}
export function getBatch(batch) {
  return batch.positions.map((p, i) => new Array(batch.sampleShape[0]).fill(batch.classIds[i] + 100 * batch.batchIndex));
}`);
  assert.deepEqual(m.subsets.training.class_counts, { yes: 1, no: 1 });
  rows.forEach((r, i) => {
    assert.ok(x.data.subarray(i * 1600, (i + 1) * 1600).every((v) => v === Number(r[1])));
  });
});

/** A folder with hooks.mjs holding `source` and a raw-audio config of the dataset that loads it. */
function projectWithHooks(source: string): { dir: string; config: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'hooks.mjs'), source);
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: join(dir, 'out') },
    hooks: './hooks.mjs',
  });
  return { dir, config };
}

test('a hook that throws stops the build naming the hook, the file and the message, leaving no partial file', async () => {
  const { dir, config } = projectWithHooks(
    `export function preprocess(x, ctx) { if (ctx.fileName.startsWith('no/')) throw new Error('boom'); return x; }`,
  );
  const r = runCli(['build', '--config', config]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /hook preprocess failed on no\/\S+\.wav: boom/);
  const partial = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? partial(join(d, e.name)) : e.name.endsWith('.partial') ? [e.name] : [],
    );
  assert.deepEqual(partial(join(dir, 'out')), []);
  assert.equal(existsSync(join(dir, 'out', 'training', 'epoch-000', 'x-000.npy')), false);
});

test('a hook returning the wrong shape is reported with what was expected', async () => {
  await assert.rejects(
    bakeWith(`export function postprocess(x) { return [1, 2, 3]; }`),
    /hook postprocess failed on (yes|no)\/\S+\.wav: returned 3 values, expected 1600/,
  );
  await assert.rejects(
    bakeWith(`export const preprocess = 3;`),
    /hooks: .*hooks\.mjs exports preprocess, but it is not a function/,
  );
});

test('a hook module that calls process.exit(0) makes the build fail (exit 1) naming it, on import or in a worker', () => {
  for (const [body, where] of [
    [
      'process.exit(0);\nexport function preprocess(x) { return x; }',
      /the hooks module .*hooks\.mjs, while loading, called process\.exit\(0\)/,
    ],
    [
      'export function preprocess(x) { process.exit(0); }',
      /hook preprocess \(.*hooks\.mjs\) called process\.exit\(0\)/,
    ],
  ] as const) {
    const { dir, config } = projectWithHooks(body);
    const r = runCli(['build', '--config', config]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, where);
    assert.equal(
      existsSync(join(dir, 'out', 'manifest.json')) &&
        JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')).complete,
      false,
    );
  }
});

test('a hooks path that is a FIFO or a folder is refused at once (exit 2), never blocking the build', () => {
  for (const make of [(p: string) => execFileSync('mkfifo', [p]), (p: string) => mkdirSync(p)]) {
    const dir = tempDir();
    make(join(dir, 'hooks.mjs'));
    const config = writeConfig(dir, {
      dataset: { directory: dataset, classes: ['yes', 'no'] },
      generator: { frontend_enabled: false, cores: 1 },
      output: { directory: join(dir, 'out') },
      hooks: './hooks.mjs',
    });
    assertFails(
      runCli(['build', '--config', config], { timeoutMs: 20_000 }),
      2,
      /hooks: .*hooks\.mjs: it is (a FIFO \(named pipe\)|a folder), not a module file/,
    );
  }
});
