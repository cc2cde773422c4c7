// The README stays true: every config key is documented, every bundled config is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';
import { loadConfig } from '../src/config/load.js';
import { createProgram } from '../src/cli/main.js';
import { ROOT } from './helpers.js';
import { leafName, numericLeaves } from './config/bounds.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('the README documents every config key', () => {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };
  const missing: string[] = [];
  for (const [section, s] of Object.entries(schema.properties)) {
    if (!readme.includes(`\`${section}\``)) missing.push(section);
    for (const key of Object.keys(s.properties ?? {}))
      if (!readme.includes(`\`${key}\``)) missing.push(`${section}.${key}`);
  }
  assert.deepEqual(missing, []);
});

test('the README\u2019s config tables state every numeric key\u2019s bounds', () => {
  const missing: string[] = [];
  for (const leaf of numericLeaves()) {
    // A nested key has its own row: `spec_augment.time_masks`.
    const key = leaf.key.split('.').slice(1).join('.');
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    if (!row) missing.push(`${leafName(leaf)}: no table row`);
    else
      for (const b of [leaf.min!, leaf.max!])
        if (!row.includes(String(Math.abs(b.value)))) missing.push(`${leafName(leaf)}: ${b.value} not in its row`);
  }
  assert.deepEqual(missing, []);
});

test('every config in configs/ is valid and named in the README', () => {
  for (const name of readdirSync(join(ROOT, 'configs'))) {
    assert.doesNotThrow(() => loadConfig(join(ROOT, 'configs', name)), name);
    assert.ok(readme.includes(name), `${name} is not mentioned in the README`);
  }
});

test('the README names every command the CLI has, and documents each flag', () => {
  const program = createProgram();
  assert.ok(program.commands.length >= 8);
  for (const cmd of program.commands) {
    assert.ok(readme.includes(`audiogen ${cmd.name()}`), cmd.name());
    for (const option of cmd.options) {
      if (option.long === '--help') continue;
      assert.match(
        readme,
        new RegExp(`${option.long}(?![\\w-])`),
        `audiogen ${cmd.name()} ${option.long} is not in the README`,
      );
    }
  }
});
