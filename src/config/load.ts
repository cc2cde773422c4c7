// Reads a YAML or JSON config, applies CLI overrides, validates it, and resolves paths against the config's folder.
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath, basename } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { problemsFromZod, formatPath, type KeyPath, type Problem } from './issues.js';
import { crossChecks } from './checks.js';
import { ConfigError } from '../errors.js';

/** A CLI flag that sets a config key (validated like the key itself). */
export interface Override {
  path: readonly string[];
  value: unknown;
  flag: string;
}

export interface LoadedConfig {
  config: Config;
  /** The config file's absolute path. */
  file: string;
}

export function loadConfig(file: string, overrides: readonly Override[] = []): LoadedConfig {
  const absolute = resolvePath(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([`${file}: cannot read the config (${code ?? String(err)})`]);
  }
  const config = parseConfigText(text, basename(absolute), overrides);
  return { config: resolvePaths(config, dirname(absolute)), file: absolute };
}

/** Parses and validates config text; `name` prefixes positions in messages. */
export function parseConfigText(text: string, name: string, overrides: readonly Override[] = []): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${name}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML/JSON: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    throw new ConfigError([`${name}: expected a mapping with dataset, generator, frontend and output sections`]);
  }
  const flagAt = new Map<string, string>();
  for (const o of overrides) {
    setIn(raw as Record<string, unknown>, o.path, o.value);
    flagAt.set(formatPath(o.path), o.flag);
  }
  const where = (path: KeyPath, atKey = false): string => {
    const flag = flagAt.get(formatPath(path));
    if (flag) return ` (from ${flag})`;
    const pos = positionOf(doc, path, lineCounter, atKey);
    return pos ? ` (${name}:${pos.line}:${pos.col})` : ` (${name})`;
  };
  const lines = (problems: Problem[]) => problems.map((p) => `${formatPath(p.path)}: ${p.message}${where(p.path, p.atKey)}`);

  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(lines(problemsFromZod(parsed.error.issues, knownKeysAt)));
  const problems = crossChecks(parsed.data);
  if (problems.length > 0) throw new ConfigError(lines(problems));
  return parsed.data;
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Keys the schema accepts at a path (for "did you mean" hints). */
function knownKeysAt(path: KeyPath): string[] {
  let schema: z.ZodType = configSchema;
  for (const key of path) {
    const shape = objectShape(schema);
    if (!shape || typeof key !== 'string' || !(key in shape)) return [];
    schema = shape[key];
  }
  return Object.keys(objectShape(schema) ?? {});
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType = schema;
  // Unwrap default/prefault/nullable wrappers down to the object.
  for (let i = 0; i < 5 && !(s instanceof z.ZodObject); i++) {
    const inner = (s as unknown as { def: { innerType?: z.ZodType } }).def.innerType;
    if (!inner) return undefined;
    s = inner;
  }
  return s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : undefined;
}

function positionOf(doc: Document, path: KeyPath, lc: LineCounter, atKey: boolean): { line: number; col: number } | undefined {
  // Unknown keys point at the key itself; everything else at the value (or the nearest existing parent).
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    if (n > 0) {
      const parent = prefix.length === 1 ? doc.contents : doc.getIn(prefix.slice(0, -1) as unknown[], true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === prefix[n - 1]);
        const node = (n === path.length && atKey ? pair?.key : pair?.value) as { range?: number[] } | undefined;
        const keyNode = pair?.key as { range?: number[] } | undefined;
        const target = node?.range ? node : keyNode;
        if (target?.range) return lc.linePos(target.range[0]);
        continue;
      }
    }
    const node = (n === 0 ? doc.contents : doc.getIn(prefix as unknown[], true)) as { range?: number[] } | null;
    if (node?.range) return lc.linePos(node.range[0]);
  }
  return undefined;
}

/** Makes the config's paths absolute: dataset and output folders relative to the config file's folder. */
export function resolvePaths(config: Config, baseDir: string): Config {
  const dataset = { ...config.dataset, directory: resolvePath(baseDir, config.dataset.directory) };
  if (dataset.shuffle_index_dir !== null) dataset.shuffle_index_dir = resolvePath(baseDir, dataset.shuffle_index_dir);
  const generator = { ...config.generator };
  if (generator.bg_noise_dir !== null) generator.bg_noise_dir = resolvePath(dataset.directory, generator.bg_noise_dir);
  const output = { ...config.output, directory: resolvePath(baseDir, config.output.directory) };
  const hooks = config.hooks === null ? null : resolvePath(baseDir, config.hooks);
  return { ...config, dataset, generator, output, hooks };
}
