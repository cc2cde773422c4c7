// The command line as a whole: every command is declared and has its help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers.js';
import { createProgram } from '../../src/cli/main.js';

test('--help works on every command', () => {
  const top = runCli(['--help']);
  assert.equal(top.code, 0);
  for (const cmd of createProgram().commands.map((c) => c.name())) {
    assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`));
    const r = runCli([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: audiogen ${cmd}`));
  }
});
