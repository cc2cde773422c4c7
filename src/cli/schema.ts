// `audiogen schema`: the config's JSON Schema, for editor completion (e.g. yaml-language-server).
import type { Command } from 'commander';
import { z } from 'zod';
import { configSchema } from '../config/schema.js';

export function configJsonSchema(): object {
  return z.toJSONSchema(configSchema, { io: 'input' });
}

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the config JSON Schema (draft 2020-12) for editors')
    .action(() => {
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
    });
}
