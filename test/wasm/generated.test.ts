// The typed facades in src/wasm/generated/ are what the compiler declares for the modules in assembly/, and match
// the modules that load: a signature changed in AssemblyScript and not regenerated, or a facade edited by hand,
// fails here (and tsc then checks every caller against the regenerated facade).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AudioModule } from '../../src/wasm/generated/audio.js';
import { FrontendModule } from '../../src/wasm/generated/frontend.js';
import { LogmelModule } from '../../src/wasm/generated/logmel.js';
import { NoiseModule } from '../../src/wasm/generated/noise.js';
import { ResampleModule } from '../../src/wasm/generated/resample.js';
import { VocoderModule } from '../../src/wasm/generated/vocoder.js';
import { instantiate } from '../../src/wasm/load.js';
import { ROOT } from '../helpers.js';

type Facade = (new (exports?: never) => object) & { parameters: Readonly<Record<string, readonly string[]>> };
const FACADES: Record<string, Facade> = {
  audio: AudioModule,
  frontend: FrontendModule,
  logmel: LogmelModule,
  noise: NoiseModule,
  resample: ResampleModule,
  vocoder: VocoderModule,
};

test('every module in assembly/ has a facade here, and scripts/build-wasm.mjs --check finds them all current', () => {
  const modules = readdirSync(join(ROOT, 'assembly'))
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3));
  assert.deepEqual(Object.keys(FACADES).sort(), modules.sort());
  const check = spawnSync(process.execPath, [join(ROOT, 'scripts/build-wasm.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

for (const [name, Facade] of Object.entries(FACADES)) {
  test(`wasm/${name}.wasm exports exactly the facade's functions, each taking as many arguments as it names`, () => {
    const exports = instantiate<Record<string, unknown>>(name);
    const functions = Object.entries(exports).filter(([, v]) => typeof v === 'function');
    assert.deepEqual(functions.map(([id]) => id).sort(), Object.keys(Facade.parameters).sort());
    for (const [id, fn] of functions)
      assert.equal((fn as () => void).length, Facade.parameters[id].length, `${name}.${id}`);
    assert.ok(Object.keys(exports).includes('memory'));
  });

  test(`the ${name} facade passes each named argument at its position; addresses come back unsigned, numbers as they are`, () => {
    const calls: [string, unknown[]][] = [];
    const fake: Record<string, unknown> = { memory: {} };
    for (const id of Object.keys(Facade.parameters)) {
      fake[id] = (...args: unknown[]) => {
        calls.push([id, args]);
        return -16;
      };
    }
    const source = readFileSync(join(ROOT, 'src', 'wasm', 'generated', `${name}.ts`), 'utf8');
    const facade = new Facade(fake as never) as unknown as Record<string, (args?: object) => unknown>;
    for (const [id, params] of Object.entries(Facade.parameters)) {
      const result = params.length ? facade[id](Object.fromEntries(params.map((p, i) => [p, 100 + i]))) : facade[id]();
      assert.deepEqual(calls.pop(), [id, params.map((_, i) => 100 + i)]);
      // The method's declared result: an address (usize) comes back unsigned, a number (i32, f64) as it is.
      const declared = new RegExp(`\\n  ${id}\\((?:args: \\{[^}]*\\})?\\): (\\w+) \\{`).exec(source)?.[1];
      const want = { Ptr: 2 ** 32 - 16, number: -16, boolean: true, void: undefined }[declared ?? ''];
      assert.ok(declared !== undefined && declared in { Ptr: 1, number: 1, boolean: 1, void: 1 }, `${name}.${id}`);
      assert.equal(result, want, `${name}.${id} returns ${declared}`);
    }
  });
}
