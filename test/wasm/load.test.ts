import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate } from '../../src/wasm/load.js';

test('each instance of a module has its own memory', () => {
  const a = instantiate<{ memory: WebAssembly.Memory }>('audio');
  const b = instantiate<{ memory: WebAssembly.Memory }>('audio');
  assert.notEqual(a.memory, b.memory);
  new Uint8Array(a.memory.buffer)[100] = 7;
  assert.equal(new Uint8Array(b.memory.buffer)[100], 0);
});

test('a module that is not built is named, with the command that builds it', () => {
  assert.throws(
    () => instantiate('no-such-module'),
    /wasm\/no-such-module\.wasm is missing: build it with `npm run build`/,
  );
});
