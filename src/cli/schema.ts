import { z } from 'zod';
import { configSchema } from '../config/schema.js';

export function configJsonSchema(): object {
  return z.toJSONSchema(configSchema, { io: 'input' });
}

/** The `schema` command's action (its declaration, options and help are in commands.ts). */
export function runSchema(): void {
  process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
}
