// The package as users install it: `npm pack`, installed into an empty prefix (its dependencies come from the
// registry), then `audiogen --version` and the demo build from there, far from this checkout's node_modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';

const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 300_000 });

test('the packed tarball installs into an empty prefix and its audiogen runs --version and the demo', () => {
  const work = tempDir('audiogen-pack-');
  // dist/ and wasm/ are already built (npm test builds them): pack them as they are.
  const pack = npm(['pack', '--ignore-scripts', '--pack-destination', work], ROOT);
  assert.equal(pack.status, 0, pack.stderr);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, pack.stdout);
  const prefix = join(work, 'prefix');
  const install = npm(
    ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, tarball!)],
    work,
  );
  assert.equal(install.status, 0, `npm install of the tarball failed:\n${install.stderr}`);
  const bin = join(prefix, 'bin', 'audiogen');
  assert.ok(existsSync(bin), 'the package installs an audiogen command');

  const version = spawnSync(bin, ['--version'], { cwd: work, encoding: 'utf8', timeout: 30_000 });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);

  const out = join(work, 'demo');
  const demo = spawnSync(
    bin,
    ['build', '--config', join(ROOT, 'configs', 'demo.yaml'), '--out', out, '--epochs', '1', '--json', '--quiet'],
    {
      cwd: work,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(demo.status, 0, demo.stderr);
  const summary = JSON.parse(demo.stdout);
  assert.equal(summary.epochs, 1);
  assert.ok(summary.samples_built > 100);
  assert.ok(existsSync(join(out, 'manifest.json')));
});
