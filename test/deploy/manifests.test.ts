// deploy/k8s and deploy/github: the fields Kubernetes and GitHub Actions need, and the partitions run by hand the
// way each engine runs them (the Job's own args with JOB_COMPLETION_INDEX; the workflow's own run lines in
// separate workspaces joined like artifacts; Slurm's array variables), each merged to the one-machine bytes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { assertSameBuild, AUDIOGEN_CMD, demoConfig, NO_CLUSTER_ENV, runAsync, runCliAsync } from './support.js';

/** Parsed YAML, navigated by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML of the deploy manifests, walked by key
type Obj = Record<string, any>;

const k8sDocs = (file: string): Obj[] =>
  parseAllDocuments(readFileSync(join(ROOT, 'deploy/k8s', file), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], `${file}: YAML errors`);
    return d.toJS() as Obj;
  });
const bakeDocs = k8sDocs('indexed-job.yaml');
const bakeJob = bakeDocs.find((d) => d.kind === 'Job')!;
const mergeJob = k8sDocs('merge-job.yaml').find((d) => d.kind === 'Job')!;
const workflow = parse(readFileSync(join(ROOT, 'deploy/github/matrix.yml'), 'utf8')) as Obj;

const flagValue = (args: string[], flag: string) => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
};

/** The path inside the container that a volume mount covers, and the volume behind it. */
function mountFor(pod: Obj, container: Obj, path: string): { mount: Obj; volume: Obj } {
  const mount = (container.volumeMounts as Obj[]).find(
    (m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`),
  );
  assert.ok(mount, `${path} is on no volume mount of container ${container.name}`);
  const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
  assert.ok(volume, `volume ${mount.name} is not defined`);
  return { mount, volume };
}

let config = '';
let reference = '';
const work = tempDir('audiogen-deploy-');

before(() => {
  config = demoConfig(work, 2);
  reference = join(work, 'one-machine');
  const r = runCli(['build', '--config', config, '--out', reference, '--cores', '1', '--quiet'], {
    env: NO_CLUSTER_ENV,
  });
  assert.equal(r.code, 0, r.stderr);
});

test('the Kubernetes bake is an Indexed Job with one pod per partition writing to a ReadWriteMany volume', () => {
  assert.equal(bakeJob.apiVersion, 'batch/v1');
  assert.equal(bakeJob.spec.completionMode, 'Indexed');
  const { completions, parallelism } = bakeJob.spec;
  assert.ok(Number.isInteger(completions) && completions > 1, `completions: ${completions}`);
  assert.equal(parallelism, completions, 'every partition runs at once');

  const pod = bakeJob.spec.template.spec;
  // backoffLimitPerIndex is only accepted with restartPolicy Never.
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(pod.containers.length, 1);
  const [bake] = pod.containers as Obj[];
  const args = bake.args as string[];
  assert.deepEqual([bake.command, args[0]], [['audiogen'], 'build']);
  assert.equal(flagValue(args, '--partitions'), String(completions), "--partitions must be the Job's completions");
  assert.equal(args.includes('--partition'), false, 'the index comes from JOB_COMPLETION_INDEX, which Kubernetes sets');
  assert.equal(
    ((bake.env ?? []) as Obj[]).some((e) => e.name === 'JOB_COMPLETION_INDEX'),
    false,
  );
  assert.equal(flagValue(args, '--cores'), '$(CPUS)');
  assert.equal(
    (bake.env as Obj[]).find((e) => e.name === 'CPUS')?.valueFrom?.resourceFieldRef?.resource,
    'requests.cpu',
  );

  const out = mountFor(pod, bake, flagValue(args, '--out')!);
  assert.notEqual(out.mount.readOnly, true);
  const claim = bakeDocs.find(
    (d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === out.volume.persistentVolumeClaim?.claimName,
  );
  assert.ok(claim, 'the output volume is a claim defined in indexed-job.yaml');
  assert.deepEqual(claim.spec.accessModes, ['ReadWriteMany']);
  assert.equal(mountFor(pod, bake, '/data/dataset').mount.readOnly, true);
  assert.ok(mountFor(pod, bake, flagValue(args, '--config')!).volume.configMap);
});

test("the Kubernetes merge Job mounts the same claim at the same path and merges the bake's output", () => {
  assert.equal(mergeJob.apiVersion, 'batch/v1');
  assert.equal(mergeJob.spec.completionMode ?? 'NonIndexed', 'NonIndexed');
  assert.equal(mergeJob.spec.completions, 1);
  const pod = mergeJob.spec.template.spec;
  assert.ok(['Never', 'OnFailure'].includes(pod.restartPolicy));
  const [merge] = pod.containers as Obj[];
  const bakeArgs = bakeJob.spec.template.spec.containers[0].args as string[];
  assert.deepEqual([merge.command, merge.args], [['audiogen'], ['merge', flagValue(bakeArgs, '--out')]]);
  const bakeOut = mountFor(
    bakeJob.spec.template.spec,
    bakeJob.spec.template.spec.containers[0],
    flagValue(bakeArgs, '--out')!,
  );
  const mergeOut = mountFor(pod, merge, merge.args[1]);
  assert.equal(mergeOut.mount.mountPath, bakeOut.mount.mountPath);
  assert.equal(mergeOut.volume.persistentVolumeClaim.claimName, bakeOut.volume.persistentVolumeClaim.claimName);
});

test('the GitHub workflow bakes a matrix of partitions and merges after all of them', () => {
  assert.ok(workflow.on, 'a workflow needs `on`');
  const { bake, merge } = workflow.jobs as Obj;
  const n = Number(workflow.env.PARTITIONS);
  assert.equal(typeof bake['runs-on'], 'string');
  assert.deepEqual(
    bake.strategy.matrix.i,
    Array.from({ length: n }, (_, i) => i),
    'matrix.i is 0..PARTITIONS-1',
  );
  assert.equal(bake.strategy['fail-fast'], false);
  const build = (bake.steps as Obj[]).find((s) => /audiogen build/.test(s.run ?? ''));
  assert.match(build?.run, /--partition \$\{\{ matrix\.i \}\}\/\$\{\{ env\.PARTITIONS \}\}/);
  const upload = (bake.steps as Obj[]).find((s) => /^actions\/upload-artifact@/.test(s.uses ?? ''));
  assert.match(upload?.with.name, /\$\{\{ matrix\.i \}\}/, 'one artifact per partition');
  assert.equal(upload?.with['include-hidden-files'], true, 'the .audiogen/ records must be uploaded');

  assert.equal(typeof merge['runs-on'], 'string');
  assert.deepEqual([merge.needs].flat(), ['bake']);
  const download = (merge.steps as Obj[]).find((s) => /^actions\/download-artifact@/.test(s.uses ?? ''));
  assert.equal(download?.with['merge-multiple'], true);
  assert.ok(
    new RegExp(`^${download?.with.pattern.replace('*', '.*')}$`).test(
      upload?.with.name.replace('${{ matrix.i }}', '0'),
    ),
  );
  assert.equal(download?.with.path, '${{ env.OUT }}');
  assert.ok((merge.steps as Obj[]).some((s) => /audiogen merge "\$OUT"/.test(s.run ?? '')));
});

test("the Indexed Job's own args, run with JOB_COMPLETION_INDEX 0..3 into one directory, merge to the one-machine bytes", async () => {
  const pod = bakeJob.spec.template.spec;
  const mountPath = mountFor(pod, pod.containers[0], '/out/x').mount.mountPath as string;
  const volume = join(tempDir('audiogen-k8s-'), 'pvc');
  // What the kubelet does: mounts (here: paths) and $(VAR) from the container's env.
  const inPod = (arg: string) =>
    arg
      .replace('/config/config.yaml', config)
      .replace(new RegExp(`^${mountPath}/`), `${volume}/`)
      .replace('$(CPUS)', '1');
  const args = (pod.containers[0].args as string[]).map(inPod);
  const pods = await Promise.all(
    Array.from({ length: bakeJob.spec.completions as number }, (_, i) =>
      runCliAsync(args, { env: { ...NO_CLUSTER_ENV, JOB_COMPLETION_INDEX: String(i) } }),
    ),
  );
  pods.forEach((r, i) => {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`building partition ${i} of 4 \\(from Kubernetes Indexed Job\\)`));
  });
  const merge = runCli((mergeJob.spec.template.spec.containers[0].args as string[]).map(inPod), {
    env: NO_CLUSTER_ENV,
  });
  assert.equal(merge.code, 0, merge.stderr);
  assertSameBuild(reference, flagValue(args, '--out')!);
});

test("the workflow's run lines in four separate workspaces, joined like downloaded artifacts, merge to the one-machine bytes", async () => {
  const root = tempDir('audiogen-gha-');
  const env: NodeJS.ProcessEnv = {
    ...NO_CLUSTER_ENV,
    CONFIG: String(workflow.env.CONFIG),
    OUT: String(workflow.env.OUT),
    PARTITIONS: String(workflow.env.PARTITIONS),
  };
  const build = (workflow.jobs.bake.steps as Obj[]).find((s) => /audiogen build/.test(s.run ?? ''))!.run as string;
  // `npx audiogen` of a checkout with audiogen installed: here, this checkout's CLI; runners of one core each.
  const npx = `npx() { [ "$1" = audiogen ] && shift; ${AUDIOGEN_CMD} "$@"; }\nnproc() { echo 1; }`;
  const workspace = (name: string) => {
    const dir = join(root, name);
    mkdirSync(join(dir, 'configs'), { recursive: true });
    cpSync(config, join(dir, env.CONFIG!));
    return dir;
  };
  const jobs = (workflow.jobs.bake.strategy.matrix.i as number[]).map((i) => {
    const line = build.replaceAll('${{ matrix.i }}', String(i)).replaceAll('${{ env.PARTITIONS }}', env.PARTITIONS!);
    const dir = workspace(`bake-${i}`);
    return runAsync('bash', ['-c', `${npx}\n${line}`], { cwd: dir, env }).then((r) => ({ r, dir }));
  });
  const merged = workspace('merge');
  for (const { r, dir } of await Promise.all(jobs)) {
    assert.equal(r.code, 0, r.stderr);
    // download-artifact with merge-multiple: every artifact's files into one folder.
    cpSync(join(dir, env.OUT!), join(merged, env.OUT!), { recursive: true });
  }
  const mergeLine = (workflow.jobs.merge.steps as Obj[]).find((s) => /audiogen merge/.test(s.run ?? ''))!.run as string;
  const r = await runAsync('bash', ['-c', `${npx}\n${mergeLine}`], { cwd: merged, env });
  assert.equal(r.code, 0, r.stderr);
  assertSameBuild(reference, join(merged, env.OUT!));
});

test('Slurm array variables of --array=1-7:2 (ids 1,3,5,7) map to partitions 0..3 and merge to the one-machine bytes', async () => {
  const out = join(tempDir('audiogen-slurm-env-'), 'out');
  const ids = [1, 3, 5, 7];
  const tasks = await Promise.all(
    ids.map((id) =>
      runCliAsync(['build', '--config', config, '--out', out, '--cores', '1', '--json'], {
        env: {
          ...NO_CLUSTER_ENV,
          SLURM_ARRAY_TASK_ID: String(id),
          SLURM_ARRAY_TASK_MIN: '1',
          SLURM_ARRAY_TASK_MAX: '7',
          SLURM_ARRAY_TASK_STEP: '2',
          SLURM_ARRAY_TASK_COUNT: '4',
        },
      }),
    ),
  );
  assert.deepEqual(
    tasks.map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).partition;
    }),
    [0, 1, 2, 3].map((index) => ({ index, count: 4 })),
  );
  const merge = runCli(['merge', out], { env: NO_CLUSTER_ENV });
  assert.equal(merge.code, 0, merge.stderr);
  assertSameBuild(reference, out);
});
