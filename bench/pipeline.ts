// `npm run bench`: whole builds of a 2,000-clip dataset with 2 workers, features-only and with the full augmentation
// profile, and features-only on an Ogg Opus copy of the same clips (scripts/make-bench-opus.sh), as WebDataset tar
// shards, and as a tar on standard output (`build --stdout` into a reader that counts the bytes); prints the build's
// own clips/s (what `build --json` reports: from the build's start, after the CLI has loaded), the whole command's
// wall time (Node start-up included), the peak memory of the process tree, and when the first batch went to a worker
// (`first_batch_ms` of `build --json`: ms from the build process's start, Node's time origin). The `startup` profile
// times `audiogen --help` (spawn to exit, 10 runs) and the features build's first batch (5 runs): min / median / max,
// as the machine is shared and single figures wander, with `node -e 0` (the floor under both) and the build's
// milestones (`build_started_ms`, `listed_ms` of `build --json`). Each build prints the CPU it cost per sample: the build
// process's own (from its start, the listing included, and `feeding` — from the first batch on, which bounds how many
// workers one build process keeps busy) against its workers'. The `scaling` profile builds features and full with 1
// worker and with --workers, and prints the speed-up against the machine's own (the frontend alone in 1 process and in
// --workers processes at once: bench/frontend-load.ts), then the time before the first batch and the bake's own
// speed-up from there on; `features` also prints its speed as a share of what the frontend alone allows (--workers
// cores over the frontend's µs per clip, timed here on the dataset's own clips).
// `features-x10` (not run by default) builds features on the dataset ×10 as hard links and prints the build's own
// work before the first batch, which is serial and so bounds a big node. Issue 19's figures come from the dataset ×10:
// `--clips 20000`.
//
//   npm run bench [-- --clips 2000 --workers 2 --rounds 3 --profiles startup,features,full,scaling,features-4-epochs,features-opus,features-webdataset,features-stdout,features-x10]
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { benchFrontend, frontendAndClips } from './frontend-load.js';

const ROOT = new URL('..', import.meta.url).pathname;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const clips = Number(arg('clips', '2000'));
const workers = Number(arg('workers', '2'));
const rounds = Number(arg('rounds', '3'));
const profiles = arg(
  'profiles',
  'startup,features,full,features-4-epochs,features-opus,features-webdataset,features-stdout',
).split(',');
const dataset = arg('dataset', join(tmpdir(), `audiogen-bench-${clips}`));

if (!existsSync(join(dataset, '.bench-dataset'))) {
  console.log(`making a ${clips}-clip dataset in ${dataset} (scripts/make-bench-dataset.sh, about a minute)…`);
  const r = spawnSync('bash', [join(ROOT, 'scripts/make-bench-dataset.sh'), dataset, String(clips)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(1);
}
const words = readdirSync(dataset).filter((d) => !d.startsWith('_') && !d.startsWith('.'));

const frontend = benchFrontend;
const augmentation = {
  loudness_range: [0.5, 1.5],
  noise_colors: 'all',
  noise_color_range: [0, 0.05],
  bg_noise_dir: '_background_noise_',
  bg_noise_range: [0, 0.3],
  speed_range: [0.9, 1.1],
  pitch_range: [-2, 2],
};
interface Profile {
  generator: Record<string, unknown>;
  epochs: number;
  opus?: boolean;
  /** On the dataset ×10 (hard links: `${dataset}-x10`), for the build's own work before the first batch at scale. */
  x10?: boolean;
  format?: 'npy' | 'webdataset';
  /** `build --stdout` into this process, which counts the bytes. */
  stdout?: boolean;
}
const PROFILES: Record<string, Profile> = {
  features: { generator: { disable_random_transforms: true }, epochs: 1 },
  full: { generator: augmentation, epochs: 1 },
  'features-4-epochs': { generator: { disable_random_transforms: true }, epochs: 4 },
  'features-opus': { generator: { disable_random_transforms: true }, epochs: 1, opus: true },
  'features-webdataset': { generator: { disable_random_transforms: true }, epochs: 1, format: 'webdataset' },
  'features-stdout': { generator: { disable_random_transforms: true }, epochs: 1, format: 'webdataset', stdout: true },
  'features-x10': { generator: { disable_random_transforms: true }, epochs: 1, x10: true },
};

/**
 * The dataset ×10 as hard links (`${dataset}-x10`: each clip ten times under ten names, the noise files once), made
 * on first use in a second or two: what a build lists, probes and plans grows tenfold, the disk use does not.
 */
function x10Dataset(): string {
  const dir = `${dataset}-x10`;
  if (existsSync(join(dir, '.bench-dataset'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (const folder of readdirSync(dataset).filter((d) => !d.startsWith('.'))) {
    mkdirSync(join(dir, folder), { recursive: true });
    const copies = folder.startsWith('_') ? 1 : 10;
    for (const f of readdirSync(join(dataset, folder)))
      for (let k = 0; k < copies; k++)
        linkSync(join(dataset, folder, f), join(dir, folder, copies === 1 ? f : `${k}${f}`));
  }
  writeFileSync(join(dir, '.bench-dataset'), 'hard links to the dataset, ten per clip\n');
  return dir;
}

/** The Ogg Opus copy of the dataset (made on first use; null when opusenc is missing). */
function opusDataset(): string | null {
  const dir = `${dataset}-opus`;
  if (existsSync(join(dir, '.bench-dataset'))) return dir;
  console.log(`making an Ogg Opus copy in ${dir} (scripts/make-bench-opus.sh, about a minute)…`);
  const r = spawnSync('bash', [join(ROOT, 'scripts/make-bench-opus.sh'), dataset, dir], { stdio: 'inherit' });
  return r.status === 0 ? dir : null;
}

/** Sum of VmRSS over a process and its children, in MiB. */
function treeRss(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      for (const k of kids) visit(Number(k));
    } catch {
      // the process just ended
    }
  };
  visit(pid);
  return kb / 1024;
}

/** min / median / max of some milliseconds. */
const spread = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `${Math.round(s[0])} / ${Math.round(s[s.length >> 1])} / ${Math.round(s[s.length - 1])} ms`;
};

/** `audiogen --help` from spawn to exit, and the features build's first batch, each a few times. */
async function startup(): Promise<void> {
  const help: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/audiogen.js'), '--help'], { stdio: 'ignore' });
    help.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`audiogen --help exited with ${r.status}`);
  }
  console.log(`${'startup'.padEnd(18)} audiogen --help (spawn to exit, 10 runs): min / median / max ${spread(help)}`);
  // The floor under both: Node starting and exiting with nothing to do.
  const bare: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    bare.push(performance.now() - t0);
  }
  console.log(`${'startup'.padEnd(18)} node -e 0 (spawn to exit, 10 runs): min / median / max ${spread(bare)}`);
  const runs: BuildFigures[] = [];
  for (let i = 0; i < 5; i++) runs.push(await run('features', false));
  console.log(
    `${'startup'.padEnd(18)} build to the first batch handed to a worker (features, 5 runs): min / median / max ${spread(runs.map((r) => r.first_batch_ms))}`,
  );
  // Where the time before the first batch goes (medians, ms from the process's start).
  const median = (key: keyof BuildFigures) => Math.round([...runs.map((r) => r[key])].sort((a, b) => a - b)[2]);
  console.log(
    `${''.padEnd(18)} medians: build started (Node, the CLI and the config loaded) at ${median('build_started_ms')} ms, dataset listed and probed at ${median('listed_ms')} ms, first batch at ${median('first_batch_ms')} ms`,
  );
}

/** A build that reports no milestones (a stream's closing line, a profile skipped). */
const noMilestones = { build_started_ms: Number.NaN, listed_ms: Number.NaN, first_batch_ms: Number.NaN };

interface BuildFigures {
  build_started_ms: number;
  listed_ms: number;
  first_batch_ms: number;
  samples_per_second: number;
  seconds: number;
}

/** µs per clip of the frontend alone (the features profile's settings) on up to 1,000 of the dataset's clips. */
function frontendMicros(): number {
  const { generator, clips } = frontendAndClips(dataset);
  const out = new Uint16Array(generator.frames * generator.channels);
  let best = Infinity;
  for (let round = 0; round < 12; round++) {
    const t0 = process.hrtime.bigint();
    for (const c of clips) generator.process(c, out);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / clips.length);
  }
  return best;
}

async function run(name: string, print = true, cores = workers): Promise<BuildFigures> {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown profile ${name} (${Object.keys(PROFILES).join(', ')})`);
  const data = p.opus ? opusDataset() : p.x10 ? x10Dataset() : dataset;
  if (data === null) {
    console.log(`${name.padEnd(18)} skipped: the Opus copy could not be made (opusenc from opus-tools is needed)`);
    return { ...noMilestones, samples_per_second: Number.NaN, seconds: Number.NaN };
  }
  const dir = mkdtempSync(join(tmpdir(), 'audiogen-bench-out-'));
  const config = join(dir, 'bench.yaml');
  writeFileSync(
    config,
    stringify({
      dataset: { directory: data, classes: words, shuffle: true },
      generator: { cores, max_batches_pending: 4, ...p.generator },
      frontend,
      output: { directory: join(dir, 'out'), epochs: p.epochs, format: p.format ?? 'npy' },
    }),
  );
  const t0 = performance.now();
  const flags = p.stdout ? ['--stdout'] : ['--json', '--quiet'];
  const child = spawn(process.execPath, [join(ROOT, 'bin/audiogen.js'), 'build', '--config', config, ...flags], {
    stdio: ['ignore', 'pipe', p.stdout ? 'pipe' : 'inherit'],
  });
  let out = '';
  let streamed = 0;
  let summary = '';
  child.stdout!.on('data', (d: Buffer) => {
    if (p.stdout) streamed += d.length;
    else out += d;
  });
  child.stderr?.on('data', (d) => (summary += d));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 50);
  const code: number = await new Promise((r) => child.on('exit', (c) => r(c ?? 1)));
  clearInterval(timer);
  const command = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${name}: build failed (exit ${code})`);
  const s = p.stdout ? streamSummary(summary, streamed) : JSON.parse(out);
  const first = p.stdout ? '' : `  first batch at ${s.first_batch_ms} ms`;
  // The build process's CPU per sample while feeding against a worker's: one build feeds ~ratio workers.
  const c = s.cpu_us_per_sample;
  const cpu = c
    ? `  CPU per sample: build ${c.build} µs (feeding ${c.feed} µs), workers ${c.workers} µs: feeding 1/${Math.round(c.workers / Math.max(1, c.feed))}`
    : '';
  if (print)
    console.log(
      `${name.padEnd(18)} ${String(s.samples_built).padStart(6)} clips  ${s.seconds.toFixed(2).padStart(6)} s  ` +
        `${Math.round(s.samples_per_second).toString().padStart(5)} clips/s  ` +
        `(whole command ${command.toFixed(2)} s: ${Math.round(s.samples_built / command)} clips/s)  peak RSS ${Math.round(peak)} MiB (build + ${s.workers} workers)${first}${cpu}`,
    );
  // At scale the build's own work before the first batch is serial, whatever the node: per clip it bounds a big one.
  if (print && p.x10 && c)
    console.log(
      `${''.padEnd(18)} before the first batch: listing and probing ${s.listed_ms - s.build_started_ms} ms, then ${s.first_batch_ms - s.listed_ms} ms to the first batch; ` +
        `the build's own CPU until then ${c.build - c.feed} µs a clip (from its start, less the feeding)`,
    );
  return {
    build_started_ms: s.build_started_ms ?? Number.NaN,
    listed_ms: s.listed_ms ?? Number.NaN,
    first_batch_ms: s.first_batch_ms ?? Number.NaN,
    samples_per_second: s.samples_per_second,
    seconds: s.seconds,
  };
}

/**
 * Features and full with 1 worker and with --workers, alternated over --rounds rounds (default 3): the best of each
 * (the run least disturbed on a shared machine) and their ratio. Issue 19 wants >= 1.8x from 1 to 2 workers.
 */
async function scaling(): Promise<void> {
  // The machine's own ceiling: pure computation in N processes at once against one alone, alternated like the builds.
  let alone = 0;
  let together = 0;
  for (let r = 0; r < rounds; r++) {
    alone = Math.max(alone, await frontendLoad(1));
    together = Math.max(together, await frontendLoad(workers));
  }
  const ceiling = together / alone;
  console.log(
    `${'scaling'.padEnd(18)} the machine, best of ${rounds}: the frontend alone in 1 process ${Math.round(alone)} clips/s, in ${workers} at once ${Math.round(together)} clips/s: ${ceiling.toFixed(2)}x (the most ${workers} workers can gain here)`,
  );
  // The build's time splits into the part before its first batch (listing, probing, plan), the same work whatever
  // the worker count, and the bake from there on: each is shown from the fastest run.
  const before = (f: BuildFigures) => (f.first_batch_ms - f.build_started_ms) / 1000;
  const fastest = (a: BuildFigures | null, b: BuildFigures) => (a && a.seconds <= b.seconds ? a : b);
  for (const name of ['features', 'full']) {
    let one: BuildFigures | null = null;
    let many: BuildFigures | null = null;
    for (let r = 0; r < rounds; r++) {
      one = fastest(one, await run(name, false, 1));
      many = fastest(many, await run(name, false, workers));
    }
    if (!one || !many) return;
    const gain = one.seconds / many.seconds;
    const bake = (one.seconds - before(one)) / (many.seconds - before(many));
    console.log(
      `${'scaling'.padEnd(18)} ${name}, best of ${rounds}: 1 worker ${Math.round(one.samples_per_second)} clips/s, ${workers} workers ${Math.round(many.samples_per_second)} clips/s: ${gain.toFixed(2)}x, ${Math.round((100 * (gain - 1)) / (ceiling - 1))}% of the machine's gain`,
    );
    console.log(
      `${''.padEnd(18)} before the first batch ${before(one).toFixed(2)} s with 1 worker, ${before(many).toFixed(2)} s with ${workers}; the bake from there ${(one.seconds - before(one)).toFixed(2)} s against ${(many.seconds - before(many)).toFixed(2)} s: ${bake.toFixed(2)}x`,
    );
  }
}

/** Clips/s of the frontend alone summed over `n` processes running the same 3-second window (bench/frontend-load.ts). */
async function frontendLoad(n: number): Promise<number> {
  const startAt = Date.now() + 4000;
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'bench/frontend-load.ts'), dataset, String(startAt), '3'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out).clips_per_second) : reject(new Error(`frontend-load exited with ${code}`)),
      );
    });
  const each = await Promise.all(Array.from({ length: n }, one));
  return each.reduce((a, b) => a + b, 0);
}

/** `build --stdout`'s closing line on stderr, as the fields `build --json` has. */
function streamSummary(stderr: string, bytes: number) {
  const m = /streamed (\d+) samples .* tar of (\d+) bytes in ([\d.]+) s \((\d+) clips\/s, (\d+) workers?\)/.exec(
    stderr,
  );
  if (!m || Number(m[2]) !== bytes) throw new Error(`--stdout: no summary for ${bytes} bytes in: ${stderr}`);
  return {
    ...noMilestones,
    samples_built: Number(m[1]),
    seconds: Number(m[3]),
    samples_per_second: Number(m[4]),
    workers: Number(m[5]),
  };
}

if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) {
  console.error('build the CLI first: npm run build');
  process.exit(1);
}
console.log(`dataset ${dataset} (${words.length} classes), ${workers} workers, node ${process.version}`);
for (const name of profiles) {
  if (name === 'startup') await startup();
  else if (name === 'scaling') await scaling();
  else {
    const r = await run(name);
    if (name === 'features') {
      const us = frontendMicros();
      const limit = (workers * 1e6) / us;
      console.log(
        `${''.padEnd(18)} ${Math.round((100 * r.samples_per_second) / limit)}% of the frontend-only limit: ${workers} cores / ${us.toFixed(0)} µs per clip = ${Math.round(limit)} clips/s`,
      );
    }
  }
}
