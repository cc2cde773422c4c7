// Hostile inputs through the shipped command: every hostile WAV header, FIFO, socket, device link and undecodable
// name is a bad file named per generator.on_error, within a time and a memory bound, and the dataset is left as it
// was; missing folders are config errors; features never overwrites an input; a long listing still hears SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { demoSubset, ROOT, runCli, startCli, STACK_TRACE, tempDir, writeConfig } from '../helpers.js';
import { assertOutcome, attack, unchanged } from './harness.js';
import { floatWav, hostileWavs, plantEntries, wav } from './hostile-wavs.js';
import { hostileCodecs } from './hostile-codecs.js';

const LIMITS = { timeoutMs: 30_000, heapMiB: 256 };
const MEMORY = { peakMiB: 1024 };
const SKIP_HINT = /\(set generator\.on_error: skip to leave bad files out\)/;

interface Setup {
  dir: string;
  data: string;
  out: string;
}

/** A dataset of real clips (3 per class) in a fresh folder; `plant` adds the hostile part. */
function setup(plant: (data: string) => void = () => {}): Setup {
  const dir = tempDir('audiogen-attack-');
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 3);
  plant(data);
  return { dir, data, out: join(dir, 'out') };
}

function config(
  s: Setup,
  generator: Record<string, unknown> = {},
  dataset: Record<string, unknown> = {},
  name = 'config.yaml',
): string {
  return writeConfig(
    s.dir,
    {
      dataset: { directory: s.data, classes: ['yes', 'no'], ...dataset },
      generator: { cores: 1, ...generator },
      output: { directory: s.out },
    },
    name,
  );
}

const manifest = (s: Setup) => JSON.parse(readFileSync(join(s.out, 'manifest.json'), 'utf8'));

/** Asserts `skipped` names exactly the expected bad files, each with its reason. */
function assertSkipped(skipped: { file: string; reason: string }[], expected: Map<string, RegExp>): void {
  assert.deepEqual(skipped.map((b) => b.file).sort(), [...expected.keys()].sort());
  for (const b of skipped) assert.match(b.reason, expected.get(b.file)!, b.file);
}

/** Every hostile WAV under yes/hostile/, every hostile FLAC, Ogg and MP3 file too, and every hostile entry under no/. */
function plantAll(data: string): { bad: Map<string, RegExp>; good: number } {
  const bad = new Map<string, RegExp>();
  let good = 0;
  mkdirSync(join(data, 'yes', 'hostile'));
  for (const h of [...hostileWavs(), ...hostileCodecs()]) {
    writeFileSync(join(data, 'yes', 'hostile', h.name), h.bytes);
    if (h.bad) bad.set(`yes/hostile/${h.name}`, h.bad);
    else good++;
  }
  for (const [file, reason] of plantEntries(data, 'no').bad) bad.set(file, reason);
  return { bad, good };
}

test('on_error: skip: build and validate leave out every hostile WAV and entry, each listed with its reason, in bounded time and memory; the dataset is untouched', () => {
  let planted!: { bad: Map<string, RegExp>; good: number };
  const s = setup((data) => (planted = plantAll(data)));
  const cfg = config(s, { on_error: 'skip' });
  const [v, b] = unchanged([s.data], () => [
    attack(['validate', '--config', cfg, '--json'], LIMITS),
    attack(['build', '--config', cfg, '--quiet'], LIMITS),
  ]);
  assertOutcome(v, 0, /^/, MEMORY);
  assertSkipped(JSON.parse(v.stdout).skipped, planted.bad);
  assertOutcome(b, 0, /^/, MEMORY);
  const m = manifest(s);
  assertSkipped(m.skipped, planted.bad);
  // The good extremes (1 kHz, 768 kHz, 64 channels, 7- and 33-bit PCM, streaming sizes, finite floats) and the
  // good FLAC, Opus, Vorbis and MP3 files are samples.
  assert.deepEqual(m.subsets.training.class_counts, { yes: 3 + planted.good, no: 3 });
});

test('on_error: fail: build and validate stop at a hostile file naming it, before any shard is written', () => {
  const s = setup(plantAll);
  const cfg = config(s);
  const [v, b] = unchanged([s.data], () => [
    attack(['validate', '--config', cfg], LIMITS),
    attack(['build', '--config', cfg], LIMITS),
  ]);
  for (const r of [v, b]) {
    assertOutcome(r, 1, /audiogen: (yes|no)\/\S+: /, MEMORY);
    assert.match(r.stderr, SKIP_HINT);
  }
  assert.equal(existsSync(join(s.out, 'training')), false);
});

// The issue's cases one by one: each is named, never hangs, never allocates gigabytes.
const ONE_BY_ONE: [string, (dir: string) => void, RegExp][] = [
  [
    'a FIFO named .wav',
    (d) => execFileSync('mkfifo', [join(d, 'pipe.wav')]),
    /yes\/pipe\.wav: is a FIFO \(named pipe\), not a regular file/,
  ],
  [
    'a symlink to a FIFO',
    (d) => {
      execFileSync('mkfifo', [join(d, '..', '_fifo')]);
      symlinkSync(join(d, '..', '_fifo'), join(d, 'link.wav'));
    },
    /yes\/link\.wav: is a symlink to a FIFO \(named pipe\)/,
  ],
  [
    'sample rate 0xFFFFFFF0',
    (d) => writeFileSync(join(d, 'r.wav'), wav({ rate: 0xfffffff0 })),
    /yes\/r\.wav: bad header: sample rate 4294967280 Hz/,
  ],
  [
    'sample rate 0xFFFFFFFF',
    (d) => writeFileSync(join(d, 'r.wav'), wav({ rate: 0xffffffff })),
    /yes\/r\.wav: bad header: sample rate 4294967295 Hz/,
  ],
  [
    '1 Hz with 64k frames',
    (d) => writeFileSync(join(d, 'r.wav'), wav({ rate: 1, bits: 8, data: Buffer.alloc(65536, 128) })),
    /yes\/r\.wav: bad header: sample rate 1 Hz/,
  ],
  [
    'a NaN float sample',
    (d) => writeFileSync(join(d, 'n.wav'), floatWav('float32', NaN)),
    /yes\/n\.wav: sample 5 of channel 0 is NaN/,
  ],
  [
    'a FLAC file cut inside a frame',
    (d) => {
      const flac = hostileCodecs().find((h) => h.name === 'flac-cut-in-frame.flac')!;
      writeFileSync(join(d, 'cut.flac'), flac.bytes);
    },
    /yes\/cut\.flac: truncated or corrupt: the FLAC frame at byte \d+ \(sample 0\) fails its CRC check/,
  ],
  [
    'an Opus file whose last page claims 2^31 samples',
    (d) => writeFileSync(join(d, 'g.opus'), hostileCodecs().find((h) => h.name === 'opus-granule-huge.opus')!.bytes),
    /yes\/g\.opus: truncated: the last page's granule position is 2147483647 samples in/,
  ],
  [
    'an MP3 file whose tag declares 2^31 frames',
    (d) => writeFileSync(join(d, 'm.mp3'), hostileCodecs().find((h) => h.name === 'mp3-tag-frames-huge.mp3')!.bytes),
    /yes\/m\.mp3: truncated: 15 of the 2147483647 MPEG frames its Info tag declares/,
  ],
  [
    'a file name that is not UTF-8',
    (d) => writeFileSync(Buffer.from(`${d}/caf\xe9.wav`, 'latin1'), wav()),
    /yes\/caf\\xe9\.wav: the file name is not valid UTF-8 \(bytes 63 61 66 e9 2e 77 61 76\); rename it/,
  ],
];
for (const [what, plant, message] of ONE_BY_ONE) {
  test(`build with ${what} in a class exits 1 naming it (on_error: fail); validate with on_error: skip leaves it out`, () => {
    const s = setup((data) => plant(join(data, 'yes')));
    const fail = unchanged([s.data], () => attack(['build', '--config', config(s)], LIMITS));
    assertOutcome(fail, 1, message, MEMORY);
    const skip = unchanged([s.data], () =>
      attack(['validate', '--config', config(s, { on_error: 'skip' }, {}, 'skip.yaml')], LIMITS),
    );
    assertOutcome(skip, 0, /^/, MEMORY);
    assert.match(skip.stdout, new RegExp(`bad file left out \\(on_error: skip\\): ${message.source}`));
  });
}

test('a symlink to /dev/zero is refused as a link out of the dataset; with follow_links it is a bad file (a device)', () => {
  const s = setup((data) => symlinkSync('/dev/zero', join(data, 'yes', 'zero.wav')));
  const refused = attack(['build', '--config', config(s, { on_error: 'skip' })], LIMITS);
  assertOutcome(refused, 1, /yes\/zero\.wav: symlink points outside the dataset directory \(to \/dev\/zero\)/, MEMORY);
  const followed = attack(
    ['build', '--config', config(s, { on_error: 'skip' }, { follow_links: true }, 'follow.yaml')],
    LIMITS,
  );
  assertOutcome(followed, 0, /yes\/zero\.wav: is a symlink to a character device/, MEMORY);
});

test('a valid clip followed by 2 GiB of junk (a sparse file) is read without reading the junk', () => {
  const s = setup((data) => {
    const path = join(data, 'yes', 'long-tail.wav');
    writeFileSync(path, wav());
    truncateSync(path, 2 ** 31);
  });
  assertOutcome(attack(['build', '--config', config(s), '--quiet'], LIMITS), 0, /^/, MEMORY);
  assert.equal(manifest(s).subsets.training.class_counts.yes, 4);
});

test('background noise: hostile files in bg_noise_dir are bad files per on_error; a link out of it is refused unless follow_links', () => {
  const s = setup();
  const noise = join(s.dir, 'noise');
  mkdirSync(noise);
  writeFileSync(join(noise, 'hum.wav'), wav());
  execFileSync('mkfifo', [join(noise, 'pipe.wav')]);
  writeFileSync(join(noise, 'rate.wav'), wav({ rate: 0xfffffff0 }));
  writeFileSync(join(noise, 'nan.wav'), floatWav('float64', NaN));
  const noiseKeys = { bg_noise_dir: noise, bg_noise_range: [0.1, 0.2] };
  const fail = attack(['build', '--config', config(s, noiseKeys)], LIMITS);
  assertOutcome(fail, 1, /\.\.\/noise\/pipe\.wav: is a FIFO \(named pipe\), not a regular file/, MEMORY);
  const skip = unchanged([s.data, noise], () =>
    attack(['build', '--config', config(s, { ...noiseKeys, on_error: 'skip' }, {}, 'skip.yaml'), '--quiet'], LIMITS),
  );
  assertOutcome(skip, 0, /^/, MEMORY);
  assertSkipped(
    manifest(s).skipped,
    new Map([
      ['../noise/pipe.wav', /is a FIFO/],
      ['../noise/rate.wav', /sample rate 4294967280 Hz/],
      ['../noise/nan.wav', /sample 5 of channel 0 is NaN/],
    ]),
  );
  // Its own root: a file linked in from elsewhere (here the dataset) is refused without follow_links.
  symlinkSync(join(s.data, 'yes', readdirSync(join(s.data, 'yes'))[0]), join(noise, 'escaped.wav'));
  const escaped = attack(
    ['validate', '--config', config(s, { ...noiseKeys, on_error: 'skip' }, {}, 'escaped.yaml')],
    LIMITS,
  );
  assertOutcome(escaped, 1, /\.\.\/noise\/escaped\.wav: symlink points outside generator\.bg_noise_dir/, MEMORY);
  const followed = attack(
    ['validate', '--config', config(s, { ...noiseKeys, on_error: 'skip' }, { follow_links: true }, 'follow.yaml')],
    LIMITS,
  );
  assertOutcome(followed, 0, /^/, MEMORY);
});

test('a FIFO as a shuffle_index_dir index file does not block: the build names it', () => {
  const s = setup();
  const index = join(s.dir, 'index');
  mkdirSync(index);
  execFileSync('mkfifo', [join(index, 'yes.txt')]);
  const r = attack(['build', '--config', config(s, {}, { shuffle_index_dir: index })], LIMITS);
  assertOutcome(
    r,
    1,
    /index\/yes\.txt: the index file is a FIFO \(named pipe\), not a regular file; delete it to rebuild it/,
    MEMORY,
  );
});

test('features: a FIFO, a link to one, /dev/zero, an absurd rate or a NaN sample is named (exit 1), or skipped with on_error: skip', () => {
  const s = setup();
  const inputs = join(s.dir, 'inputs');
  mkdirSync(inputs);
  execFileSync('mkfifo', [join(inputs, 'pipe.wav')]);
  symlinkSync(join(inputs, 'pipe.wav'), join(inputs, 'link.wav'));
  writeFileSync(join(inputs, 'rate.wav'), wav({ rate: 0xfffffff0 }));
  writeFileSync(join(inputs, 'slow.wav'), wav({ rate: 1, bits: 8, data: Buffer.alloc(65536, 128) }));
  writeFileSync(join(inputs, 'nan.wav'), floatWav('float32', NaN));
  writeFileSync(join(inputs, 'good.wav'), wav());
  const cases: [string, RegExp][] = [
    [join(inputs, 'pipe.wav'), /pipe\.wav: is a FIFO \(named pipe\), not a regular file/],
    [join(inputs, 'link.wav'), /link\.wav: is a FIFO \(named pipe\), not a regular file/],
    ['/dev/zero', /\/dev\/zero: is a character device, not a regular file/],
    [join(inputs, 'rate.wav'), /rate\.wav: bad header: sample rate 4294967280 Hz/],
    [join(inputs, 'slow.wav'), /slow\.wav: bad header: sample rate 1 Hz/],
    [join(inputs, 'nan.wav'), /nan\.wav: sample 5 of channel 0 is NaN/],
  ];
  const cfg = config(s);
  for (const [input, message] of cases) {
    const r = attack(['features', '--config', cfg, '--out', join(s.dir, 'f'), join(inputs, 'good.wav'), input], LIMITS);
    assertOutcome(r, 1, message, MEMORY);
    assert.equal(existsSync(join(s.dir, 'f')), false, 'nothing is written when an input fails');
  }
  const skip = attack(
    [
      'features',
      '--config',
      config(s, { on_error: 'skip' }, {}, 'skip.yaml'),
      '--out',
      join(s.dir, 'g'),
      join(inputs, 'good.wav'),
      ...cases.map(([i]) => i),
    ],
    LIMITS,
  );
  assertOutcome(skip, 0, /skipped \(generator\.on_error: skip\): .*pipe\.wav/, MEMORY);
  for (const [, message] of cases) assert.match(skip.stderr, message);
  assert.deepEqual(readdirSync(join(s.dir, 'g')), ['good.npy']);
});

test('features --out never writes over an input, and two inputs with one output name are refused before anything is written', () => {
  const s = setup();
  const clip = new Int16Array(16000).map((_, i) => Math.round(3000 * Math.sin(i / 5)));
  const npy = join(s.dir, 'clip.npy');
  execFileSync(
    'python3',
    ['-c', 'import numpy, sys; numpy.save(sys.argv[1], numpy.frombuffer(sys.stdin.buffer.read(), "<i2"))', npy],
    { input: Buffer.from(clip.buffer) },
  );
  const before = readFileSync(npy);
  const cfg = config(s);
  const over = attack(['features', '--config', cfg, '--out', '.', 'clip.npy'], { ...LIMITS, cwd: s.dir });
  assertOutcome(
    over,
    2,
    /clip\.npy: --out would write .*clip\.npy over this input; features never overwrites an input/,
    MEMORY,
  );
  assert.deepEqual(readFileSync(npy), before);
  mkdirSync(join(s.dir, 'a'));
  mkdirSync(join(s.dir, 'b'));
  writeFileSync(join(s.dir, 'a', 'x.wav'), wav());
  writeFileSync(join(s.dir, 'b', 'x.wav'), wav());
  const twice = attack(
    ['features', '--config', cfg, '--out', join(s.dir, 'f'), join(s.dir, 'a', 'x.wav'), join(s.dir, 'b', 'x.wav')],
    LIMITS,
  );
  assertOutcome(twice, 2, /a\/x\.wav and .*b\/x\.wav would both be written to .*f\/x\.npy/, MEMORY);
  assert.equal(existsSync(join(s.dir, 'f')), false);
});

test('a missing dataset, class or background folder is a config error (exit 2) naming the key and the path', () => {
  const s = setup();
  const missing = join(s.dir, 'speech_commands_v0.02');
  for (const cmd of ['build', 'validate']) {
    const r = attack(
      [
        cmd,
        '--config',
        writeConfig(s.dir, { dataset: { directory: missing, classes: ['yes'] }, output: { directory: s.out } }),
      ],
      LIMITS,
    );
    assertOutcome(r, 2, new RegExp(`^dataset\\.directory: ${missing} does not exist\\n`), MEMORY);
    assert.match(
      r.stderr,
      /download Speech Commands v2 from http:\/\/download\.tensorflow\.org\/data\/speech_commands_v0\.02\.tar\.gz/,
    );
  }
  const noClass = attack(['build', '--config', config(s, {}, { classes: ['yes', 'no', 'left'] })], LIMITS);
  assertOutcome(noClass, 2, new RegExp(`^dataset\\.classes\\[2\\]: no folder "left" in ${s.data}$`, 'm'), MEMORY);
  const noNoise = attack(
    ['validate', '--config', config(s, { bg_noise_dir: 'nope', bg_noise_range: [0, 0.1] })],
    LIMITS,
  );
  assertOutcome(noNoise, 2, new RegExp(`^generator\\.bg_noise_dir: ${s.data}/nope does not exist$`, 'm'), MEMORY);
  assert.equal(existsSync(s.out), false);
});

test('configs/kws-mltk.yaml as shipped, without Speech Commands downloaded, exits 2 saying what to download', (t) => {
  if (existsSync(join(ROOT, 'data', 'speech_commands_v0.02'))) return t.skip('Speech Commands is downloaded here');
  for (const cmd of ['validate', 'build']) {
    const r = runCli([cmd, '--config', 'configs/kws-mltk.yaml', '--out', join(tempDir(), 'out')], {
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^dataset\.directory: .*\/data\/speech_commands_v0\.02 does not exist$/m);
    assert.match(r.stderr, /speech_commands_v0\.02\.tar\.gz/);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
  }
});

for (const [name, what] of [
  ['speech-commands-v2.yaml', /speech_commands_v0\.02\.tar\.gz/],
  ['mswc.yaml', /Multilingual Spoken Words Corpus/],
] as const) {
  test(`configs/${name} as shipped, without its corpus downloaded, exits 2 saying what to download`, (t) => {
    if (existsSync(join(ROOT, 'data'))) return t.skip('a data/ folder is here: the corpus may be downloaded');
    for (const cmd of ['validate', 'build']) {
      const r = runCli([cmd, '--config', `configs/${name}`, '--out', join(tempDir(), 'out')], { timeoutMs: 30_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^dataset\.directory: .*\/data\/\S+ does not exist$/m);
      assert.match(r.stderr, what);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
  });
}

test('a hostile manifest or split list (FIFO, device, no line breaks, binary, a row linked to /dev/zero) is named, never read whole, never blocks', () => {
  const s = setup();
  const columns = { path: 'path', label: 'label' };
  const asManifest = (file: string) => config(s, {}, { manifest: file, columns }, `manifest-${file}.yaml`);
  const asList = (file: string) => config(s, {}, { split_lists: { testing: file } }, `list-${file}.yaml`);
  execFileSync('mkfifo', [join(s.data, 'fifo.csv')]);
  symlinkSync('/dev/zero', join(s.data, 'zero.csv'));
  // 64 MiB without a line break (sparse: cheap to make).
  writeFileSync(join(s.data, 'long.csv'), 'path,label\n');
  truncateSync(join(s.data, 'long.csv'), 64 << 20);
  writeFileSync(join(s.data, 'binary.csv'), Buffer.from(Array.from({ length: 1 << 16 }, (_, i) => (i * 7919) % 256)));
  const cases: [string, RegExp][] = [
    [asManifest('fifo.csv'), /^dataset\.manifest: .*fifo\.csv is a FIFO \(named pipe\), not a file$/m],
    [asManifest('zero.csv'), /^dataset\.manifest: .*zero\.csv is a character device, not a file$/m],
    [asManifest('long.csv'), /^dataset\.manifest: .*long\.csv:2: a line longer than 1048576 bytes/m],
    [asManifest('binary.csv'), /^dataset\.(manifest|columns\.path): .*binary\.csv/m],
    [asList('fifo.csv'), /^dataset\.split_lists\.testing: fifo\.csv is a FIFO \(named pipe\), not a file$/m],
    [asList('long.csv'), /^dataset\.split_lists\.testing: long\.csv:2: a line longer than 1048576 bytes/m],
  ];
  for (const [file, message] of cases) {
    for (const cmd of ['validate', 'build']) {
      assertOutcome(attack([cmd, '--config', file], LIMITS), 2, message, MEMORY);
      assert.equal(existsSync(s.out), false);
    }
  }
  // A row whose clip links to /dev/zero resolves out of the dataset: refused before anything is read from it.
  symlinkSync('/dev/zero', join(s.data, 'yes', 'zero.wav'));
  const [yes, no] = ['yes', 'no'].map((c) => readdirSync(join(s.data, c)).find((f) => f.endsWith('_0.wav'))!);
  writeFileSync(join(s.data, 'rows.csv'), `path,label\nyes/zero.wav,yes\nyes/${yes},yes\nno/${no},no\n`);
  assertOutcome(
    attack(['build', '--config', asManifest('rows.csv')], LIMITS),
    1,
    /yes\/zero\.wav: resolves outside the dataset directory \(to \/dev\/zero\); set dataset\.follow_links to allow it$/m,
    MEMORY,
  );
  const followed = attack(
    ['build', '--config', config(s, { on_error: 'skip' }, { manifest: 'rows.csv', columns, follow_links: true })],
    LIMITS,
  );
  assertOutcome(followed, 0, /built/, MEMORY);
  assert.match(manifest(s).skipped[0].reason, /is a character device, not a regular file/);
});

/**
 * A dataset whose listing takes seconds: 20,000 hard links to one clip whose 4 MB JUNK chunk before fmt makes every
 * probe read the whole file.
 */
function slowDataset(): Setup {
  return setup((data) => {
    const clip = wav();
    const junk = Buffer.alloc(8 + (4 << 20));
    junk.write('JUNK', 0);
    junk.writeUInt32LE(4 << 20, 4);
    const bytes = Buffer.concat([clip.subarray(0, 12), junk, clip.subarray(12)]);
    bytes.writeUInt32LE(bytes.length - 8, 4);
    const one = join(data, 'yes', 'slow.wav');
    writeFileSync(one, bytes);
    for (let i = 0; i < 20000; i++) linkSync(one, join(data, 'yes', `slow-${i}.wav`));
  });
}

for (const cmd of ['build', 'validate']) {
  test(`SIGTERM during a long listing ends ${cmd} with 130 within 2 s`, async () => {
    const s = slowDataset();
    const child = startCli([cmd, '--config', config(s)]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(child.exitCode, null, `${cmd} ended before the signal: ${stderr}`);
    assert.equal(
      existsSync(s.out),
      false,
      'the listing is over (the output folder exists): the dataset is too small to test this',
    );
    const sent = performance.now();
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timeout);
    const seconds = (performance.now() - sent) / 1000;
    assert.equal(code, 130, stderr);
    assert.ok(seconds < 2, `took ${seconds.toFixed(1)} s to stop after SIGTERM`);
    assert.doesNotMatch(stderr, STACK_TRACE);
    // It stopped itself (the workers probing killed), not by the 1.5 s fallback that gives up on the clean-up.
    assert.doesNotMatch(stderr, /stopped without waiting for the clean-up/);
  });
}
