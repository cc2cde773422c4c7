// The README stays true: every config key is documented, every bundled config is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';
import { loadConfig } from '../src/config/load.js';
import { ROOT } from './helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('the README documents every config key', () => {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as { properties: Record<string, { properties?: Record<string, unknown> }> };
  const missing: string[] = [];
  for (const [section, s] of Object.entries(schema.properties)) {
    if (!readme.includes(`\`${section}\``)) missing.push(section);
    for (const key of Object.keys(s.properties ?? {})) if (!readme.includes(`\`${key}\``)) missing.push(`${section}.${key}`);
  }
  assert.deepEqual(missing, []);
});

test('every config in configs/ is valid and named in the README', () => {
  for (const name of readdirSync(join(ROOT, 'configs'))) {
    assert.doesNotThrow(() => loadConfig(join(ROOT, 'configs', name)), name);
    assert.ok(readme.includes(name), `${name} is not mentioned in the README`);
  }
});

test('the README names every command the CLI has', () => {
  for (const cmd of ['build', 'validate', 'schema', 'features', 'render', 'preview', 'plan', 'merge']) {
    assert.ok(readme.includes(`audiogen ${cmd}`), cmd);
  }
});
