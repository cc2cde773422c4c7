// Reads a YAML or JSON config, applies CLI overrides, validates it, and resolves paths against the config's folder.
// Hostile input ends as a config error, never a hang or a crash: only a regular file of at most 1 MiB is read,
// alias expansion is bounded (billion laughs), and nesting too deep for the parser is reported as such.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve as resolvePath, basename } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, visit, type Document } from 'yaml';
import { z } from 'zod';
import { configSchema, IGNORED_KEYS, ignoredMessage, PITCH_WARN_SEMITONES, type Config } from './schema.js';
import { problemsFromZod, formatPath, describeValue, type KeyPath, type Problem } from './issues.js';
import { crossChecks, type ConfigCheck } from './checks.js';
import { frontendDtypeOf, pitchSemitones, workerCount } from './derive.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { NotAFileError, readRegularFile } from '../files/read.js';

/** A CLI flag that sets a config key (validated like the key itself). */
export interface Override {
  path: readonly string[];
  value: unknown;
  flag: string;
}

export interface ParsedConfig {
  config: Config;
  /** What is accepted but doubtful: ignored MLTK keys, MLTK's pitch rule, more workers than CPUs. */
  warnings: ConfigProblem[];
  /** `dataset.seed: null`: config.dataset.seed was drawn at random for this run. */
  seedDrawn: boolean;
}

export interface LoadedConfig extends ParsedConfig {
  /** The config file's absolute path. */
  file: string;
}

/** A config is a few KiB; anything this big is not one (and would only cost memory to parse). */
export const MAX_CONFIG_BYTES = 1 << 20;
/** Alias nodes a config may expand (the yaml package's own default, made explicit): bounds "billion laughs". */
export const MAX_ALIAS_COUNT = 100;
/** Problems reported at most; the rest are counted (a garbage file must not print a million lines). */
const MAX_PROBLEMS = 50;

const SECTIONS = 'expected a mapping with dataset, generator, frontend and output sections';

export function loadConfig(
  file: string,
  overrides: readonly Override[] = [],
  checks: readonly ConfigCheck[] = [],
): LoadedConfig {
  const absolute = resolvePath(file);
  let text: string;
  try {
    const stat = statSync(absolute);
    if (stat.isFile() && stat.size > MAX_CONFIG_BYTES) {
      throw new ConfigError([
        `${file}: not a config: ${stat.size} bytes (a config is at most ${MAX_CONFIG_BYTES} bytes)`,
      ]);
    }
    text = readRegularFile(absolute).toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (err instanceof NotAFileError)
      throw new ConfigError([`${file}: cannot read the config: it is ${err.what}, not a file`]);
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([`${file}: cannot read the config (${code ?? String(err)})`]);
  }
  if (text.includes('\0')) throw new ConfigError([`${file}: not a YAML or JSON text file (it holds NUL bytes)`]);
  const parsed = parseConfig(text, basename(absolute), overrides, checks);
  return { ...parsed, config: resolvePaths(parsed.config, dirname(absolute)), file: absolute };
}

/** Parses and validates config text; `name` prefixes positions in messages. */
export function parseConfigText(
  text: string,
  name: string,
  overrides: readonly Override[] = [],
  checks: readonly ConfigCheck[] = [],
): Config {
  return parseConfig(text, name, overrides, checks).config;
}

/** Parses and validates config text, with its warnings; `name` prefixes positions in messages. */
/** `checks`: the rules of the rooms the config configures (src/cli/options.ts gives the frontend's). */
export function parseConfig(
  text: string,
  name: string,
  overrides: readonly Override[] = [],
  checks: readonly ConfigCheck[] = [],
): ParsedConfig {
  const lineCounter = new LineCounter();
  const fileProblem = (message: string, pos?: { line: number; col: number }): ConfigProblem => ({
    path: null,
    message,
    file: name,
    ...(pos && { line: pos.line, column: pos.col }),
  });
  let doc: Document.Parsed;
  try {
    // The yaml package's own duplicate-key check is quadratic in a mapping's size (minutes for 1 MiB of keys).
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  } catch (err) {
    throw new ConfigError([fileProblem(unreadable(err))]);
  }
  if (doc.errors.length > 0) {
    throw new ConfigError(
      capped(
        doc.errors,
        (e) => {
          const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
          const why = /call stack/i.test(first) ? 'nested too deeply' : first;
          return fileProblem(`not valid YAML/JSON: ${why}`, e.linePos?.[0]);
        },
        name,
      ),
    );
  }
  const duplicates = duplicateKeys(doc);
  if (duplicates.length > 0) {
    const problem = (d: { key: unknown; offset: number }) =>
      fileProblem(
        `not valid YAML/JSON: key ${describeValue(d.key)} appears twice in a mapping`,
        lineCounter.linePos(d.offset),
      );
    throw new ConfigError(capped(duplicates, problem, name));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new ConfigError([fileProblem(unreadable(err))]);
  }
  if (raw === null || raw === undefined) throw new ConfigError([fileProblem(`the config is empty: ${SECTIONS}`)]);
  if (!isPlainObject(raw)) {
    throw new ConfigError([fileProblem(`${SECTIONS}, got ${Array.isArray(raw) ? 'a list' : describeValue(raw)}`)]);
  }

  // generator.frontend_settings is MLTK's name of the frontend section: flags and messages follow the user's name.
  const generator = raw.generator;
  const aliased = raw.frontend === undefined && isPlainObject(generator) && isPlainObject(generator.frontend_settings);
  const userPath = <T extends PropertyKey>(path: readonly T[]): PropertyKey[] =>
    aliased && path[0] === 'frontend' ? ['generator', 'frontend_settings', ...path.slice(1)] : [...path];
  const flagAt = new Map<string, string>();
  for (const o of overrides) {
    const path = userPath(o.path) as string[];
    setIn(raw, path, o.value);
    flagAt.set(formatPath(path), o.flag);
  }
  const toProblem = (p: Problem): ConfigProblem => {
    const path = formatPath(p.path);
    const flag = flagAt.get(path);
    if (flag) return { path, message: p.message, flag };
    const pos = positionOf(doc, p.path, lineCounter, p.atKey ?? false);
    return { path, message: p.message, file: name, ...(pos && { line: pos.line, column: pos.col }) };
  };
  const fail = (problems: Problem[]) => new ConfigError(capped(problems, toProblem, name));

  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw fail(problemsFromZod(parsed.error.issues, knownKeysAt, homeOf));
  const config = parsed.data;
  const problems = crossChecks(config, checks).map((p) => ({ ...p, path: userPath(p.path) }));
  if (problems.length > 0) throw fail(problems);

  // In file order (flags last), as a reader goes through the config.
  const warnings = configWarnings(raw, config)
    .map(toProblem)
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const seedDrawn = isPlainObject(raw.dataset) && raw.dataset.seed === null;
  return { config, warnings, seedDrawn };
}

/** Accepted but doubtful: the user should hear about it, the build goes on. */
function configWarnings(raw: Record<string, unknown>, config: Config): Problem[] {
  const out: Problem[] = [];
  for (const [section, keys] of Object.entries(IGNORED_KEYS)) {
    const given = raw[section];
    if (!isPlainObject(given)) continue;
    for (const [key, reason] of Object.entries(keys)) {
      if (key in given) out.push({ path: [section, key], message: ignoredMessage(reason), atKey: true });
    }
  }
  const folders: [string, string][] = [
    ['dataset', 'shuffle_index_dir'],
    ['dataset', 'manifest'],
    ['generator', 'bg_noise_dir'],
    ['generator', 'rir_dir'],
    ['hooks', ''],
  ];
  for (const [section, key] of folders) {
    const value = key ? (raw[section] as Record<string, unknown> | undefined)?.[key] : raw[section];
    if (value === 'None') {
      out.push({
        path: key ? [section, key] : [section],
        message: '"None" is taken as a name here; for no value write null (Python\u2019s None is not YAML)',
      });
    }
  }
  const pitch = config.generator.pitch_range;
  if (pitch) {
    const [lo, hi] = pitchSemitones(pitch);
    if (Math.max(Math.abs(lo), Math.abs(hi)) > PITCH_WARN_SEMITONES) {
      const st = (v: number) => `${v > 0 ? '+' : ''}${+v.toFixed(2)}`;
      const given = `[${pitch.join(', ')}]`;
      const message =
        Number.isInteger(pitch[0]) && Number.isInteger(pitch[1])
          ? `${given} shifts by more than an octave (\u00b1${PITCH_WARN_SEMITONES} semitones)`
          : `${given} means ${st(lo)} to ${st(hi)} semitones: MLTK\u2019s rule makes a non-integer bound a fraction of an octave (\u00d7 12), ` +
            'almost never what is meant; for semitones write integers (e.g. [-2, 2])';
      out.push({ path: ['generator', 'pitch_range'], message });
    }
  }
  const maskWarning = maskValueWarning(config);
  if (maskWarning) out.push({ path: ['generator', 'spec_augment', 'mask_value'], message: maskWarning });
  if (!config.generator.debug) {
    const cpus = availableParallelism();
    const workers = workerCount(config.generator.cores, cpus);
    if (workers > cpus) {
      out.push({
        path: ['generator', 'cores'],
        message: `${workers} workers on ${cpus} CPU${cpus === 1 ? '' : 's'}; they will compete (at most ${cpus} ${cpus === 1 ? 'is' : 'are'} useful)`,
      });
    }
  }
  return out;
}

/** Integer spectrogram outputs hold whole numbers within their range: any other mask_value is rounded and clamped. */
function maskValueWarning(config: Config): string | null {
  const { mask_value: value, time_masks, freq_masks } = config.generator.spec_augment;
  if (value === 'mean' || time_masks + freq_masks === 0 || !config.generator.frontend_enabled) return null;
  const dtype = frontendDtypeOf(config);
  const range = INTEGER_RANGES[dtype];
  if (!range || (Number.isInteger(value) && value >= range[0] && value <= range[1])) return null;
  return `${value} is not a whole number within ${range[0]}..${range[1]}, what the ${dtype} spectrogram holds: masks get it rounded (halves to even) and clamped`;
}

const INTEGER_RANGES: Partial<Record<string, [number, number]>> = { uint16: [0, 65535], int8: [-128, 127] };

/** Keys given twice in one mapping (each repeat, with its offset): one pass with a set per mapping. */
function duplicateKeys(doc: Document): { key: unknown; offset: number }[] {
  const out: { key: unknown; offset: number }[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) out.push({ key, offset: (pair.key as { range?: number[] } | null)?.range?.[0] ?? 0 });
        seen.add(key);
      }
    },
  });
  return out;
}

/** What went wrong turning the text into values, in the user's words. */
function unreadable(err: unknown): string {
  if (err instanceof RangeError) return 'not valid YAML/JSON: nested too deeply';
  if (err instanceof ReferenceError && /alias/i.test(err.message)) {
    return `aliases (*name) expand to more than ${MAX_ALIAS_COUNT} nodes: refused as a resource-exhaustion ("billion laughs") YAML`;
  }
  return `not valid YAML/JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
}

/** The first MAX_PROBLEMS as problems (only those are located: each is a scan of the file), the rest counted. */
function capped<T>(items: readonly T[], toProblem: (item: T) => ConfigProblem, name: string): ConfigProblem[] {
  const shown = items.slice(0, MAX_PROBLEMS).map(toProblem);
  const rest = items.length - shown.length;
  return rest > 0
    ? [...shown, { path: null, message: `... and ${rest} more problem${rest === 1 ? '' : 's'}`, file: name }]
    : shown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
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

/** The section a misplaced key belongs in (`batch_size` under generator belongs in dataset). */
function homeOf(key: string, path: KeyPath): string | undefined {
  if (path.length > 1) return undefined;
  const sections = knownKeysAt([]);
  return sections.find((s) => s !== path[0] && knownKeysAt([s]).includes(key));
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType = schema;
  // Unwrap default/prefault/nullable/optional wrappers and transforms (pipes) down to the object.
  for (let i = 0; i < 8 && !(s instanceof z.ZodObject); i++) {
    const def = (s as unknown as { def: { innerType?: z.ZodType; in?: z.ZodType } }).def;
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    s = inner;
  }
  return s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : undefined;
}

function positionOf(
  doc: Document,
  path: KeyPath,
  lc: LineCounter,
  atKey: boolean,
): { line: number; col: number } | undefined {
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

/**
 * Makes the config's paths absolute: dataset and output folders relative to the config file's folder; the dataset's
 * manifest, split lists and bg_noise_dir relative to the dataset directory.
 */
export function resolvePaths(config: Config, baseDir: string): Config {
  const dataset = { ...config.dataset, directory: resolvePath(baseDir, config.dataset.directory) };
  if (dataset.shuffle_index_dir !== null) dataset.shuffle_index_dir = resolvePath(baseDir, dataset.shuffle_index_dir);
  // The files that describe the dataset ship inside it: relative to it, as bg_noise_dir is.
  if (dataset.manifest !== null) dataset.manifest = resolvePath(dataset.directory, dataset.manifest);
  if (dataset.split_lists !== null) {
    const lists = { ...dataset.split_lists };
    for (const s of ['validation', 'testing'] as const)
      if (lists[s] !== undefined) lists[s] = resolvePath(dataset.directory, lists[s]);
    dataset.split_lists = lists;
  }
  const generator = { ...config.generator };
  if (generator.bg_noise_dir !== null) generator.bg_noise_dir = resolvePath(dataset.directory, generator.bg_noise_dir);
  if (generator.rir_dir !== null) generator.rir_dir = resolvePath(dataset.directory, generator.rir_dir);
  const output = { ...config.output, directory: resolvePath(baseDir, config.output.directory) };
  const hooks = config.hooks === null ? null : resolvePath(baseDir, config.hooks);
  return { ...config, dataset, generator, output, hooks };
}
