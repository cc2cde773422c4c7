// A dataset mixing WAV, FLAC, Ogg Opus, Ogg Vorbis and MP3 clips through the shipped bin: the same bytes with one
// worker, two and debug; the index CSV names every file; render re-creates a row of each format; background noise
// may be compressed too; a FLAC copy of a WAV clip gives the very same row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CODECS } from '../audio/codecs.js';
import { readTree, runCli, tempDir, writeConfig } from '../helpers.js';

const ENCODED = readdirSync(CODECS).filter((f) => /\.(flac|opus|ogg|mp3)$/.test(f));

/** Class `a` holds every encoded fixture, class `b` the reference decodes (WAV); noise is a FLAC and an Opus file. */
function mixedDataset(): string {
  const data = join(tempDir(), 'data');
  for (const d of ['a', 'b', '_background_noise_']) mkdirSync(join(data, d), { recursive: true });
  for (const f of ENCODED) {
    copyFileSync(join(CODECS, f), join(data, 'a', f));
    copyFileSync(join(CODECS, f.replace(/\.\w+$/, '.ref.wav')), join(data, 'b', f.replace(/\.\w+$/, '.wav')));
  }
  copyFileSync(join(CODECS, 'flac-24bit-stereo44k.flac'), join(data, '_background_noise_', 'hum.flac'));
  copyFileSync(join(CODECS, 'opus-stereo44k.opus'), join(data, '_background_noise_', 'street.opus'));
  return data;
}

function config(dir: string, data: string, out: string, generator: Record<string, unknown>): string {
  return writeConfig(
    dir,
    {
      dataset: { directory: data, classes: ['a', 'b'], batch_size: 3 },
      generator: {
        offset_range: [0, 1],
        loudness_range: [0.5, 1.5],
        bg_noise_dir: '_background_noise_',
        bg_noise_range: [0.05, 0.2],
        ...generator,
      },
      frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
      output: { directory: out, epochs: 2 },
    },
    `${out.split('/').pop()}.yaml`,
  );
}

test('WAV, FLAC, Opus, Vorbis and MP3 clips (and compressed noise) bake to the same bytes with 1 or 2 workers and debug', () => {
  const dir = tempDir();
  const data = mixedDataset();
  const trees = (
    [
      ['one', { cores: 1 }],
      ['two', { cores: 2 }],
      ['debug', { debug: true }],
    ] as const
  ).map(([name, g]) => {
    const out = join(dir, name);
    const r = runCli(['build', '--config', config(dir, data, out, g), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    return readTree(out);
  });
  assert.deepEqual(trees[1], trees[0]);
  assert.deepEqual(trees[2], trees[0]);
  const index = Object.entries(trees[0])
    .filter(([p]) => p.includes('index-'))
    .map(([, v]) => Buffer.from(v, 'base64').toString())
    .join('\n');
  for (const f of ENCODED) assert.ok(index.includes(`a/${f}`), `the index CSV names a/${f}`);
  assert.match(index, /,(hum\.flac|street\.opus),/);
});

test('render re-creates a sample of each format byte for byte', () => {
  const dir = tempDir();
  const data = mixedDataset();
  const out = join(dir, 'out');
  assert.equal(runCli(['build', '--config', config(dir, data, out, { cores: 2 }), '--quiet']).code, 0);
  const csv = readFileSync(join(out, 'training', 'epoch-001', 'index-000.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const seen = new Set<string>();
  for (const row of csv) {
    const [position, , , file] = row.split(',');
    const ext = file.split('.').pop()!;
    if (!file.startsWith('a/') || seen.has(ext)) continue;
    seen.add(ext);
    const r = runCli([
      'render',
      out,
      '--subset',
      'training',
      '--epoch',
      '1',
      '--position',
      position,
      '--to',
      join(dir, 'r'),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.file, file);
    assert.equal(report.matches_shard, true, file);
  }
  assert.deepEqual([...seen].sort(), ['flac', 'mp3', 'ogg', 'opus']);
});
