// Turns zod issues into one line each: `<path>: expected <what>, got <value>`.
import type { z } from 'zod';

export type KeyPath = readonly PropertyKey[];

export function formatPath(path: KeyPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    // A key that is not a plain name (a newline, a quote, a megabyte) is quoted and shortened: one line per problem.
    else if (!/^[A-Za-z0-9_-]{1,64}$/.test(String(key))) out += `[${quoted(String(key))}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(config)';
}

/** A string as JSON, shortened past 60 characters. */
function quoted(s: string): string {
  const json = (t: string) =>
    JSON.stringify(t).replace(
      /[\u007f-\u009f\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  return s.length <= 60 ? json(s) : `${json(s.slice(0, 40))}... (${s.length} characters)`;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.length <= 4 &&
      value.every(
        (v) => v === null || ['number', 'boolean'].includes(typeof v) || (typeof v === 'string' && v.length <= 20),
      )
      ? JSON.stringify(value)
      : `a list of ${value.length} items`;
  }
  return 'an object';
}

/** What a value copied from Python means in YAML: `(0.9, 1.1)`, `None`, `True` arrive here as strings. */
export function pythonHint(value: unknown): string {
  if (typeof value !== 'string') return '';
  const tuple = /^\s*\((.*)\)\s*$/s.exec(value);
  if (tuple) return ` (use [${tuple[1].trim().replace(/,\s*$/, '')}]: YAML has no tuples)`;
  if (value === 'None') return ' (use null: Python\u2019s None is not YAML)';
  if (value === 'True' || value === 'False') return ` (use ${value.toLowerCase()})`;
  return '';
}

const got = (value: unknown) => `got ${describeValue(value)}${pythonHint(value)}`;

const TYPE_NAMES: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys',
  tuple: 'a list',
};

function bound(issue: { origin?: string; inclusive?: boolean }, big: boolean, limit: unknown): string {
  const op = big ? (issue.inclusive ? '<=' : '<') : issue.inclusive ? '>=' : '>';
  if (issue.origin === 'array') return `a list with ${big ? 'at most' : 'at least'} ${String(limit)} items`;
  if (issue.origin === 'string') return `a string of ${big ? 'at most' : 'at least'} ${String(limit)} characters`;
  return `a number ${op} ${String(limit)}`;
}

/** Closest candidate by edit distance, when close enough to be a likely typo. */
export function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

export interface Problem {
  path: KeyPath;
  message: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
}

/** One Problem per zod issue (one per unknown key), the message saying what was expected and what was given. */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  knownKeysAt: (path: KeyPath) => string[],
  homeOf: (key: string, path: KeyPath) => string | undefined = () => undefined,
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const typo = didYouMean(key, knownKeysAt(issue.path));
          const home = typo ? undefined : homeOf(key, issue.path);
          const hint = typo ? ` (did you mean ${typo}?)` : home ? ` (it belongs in ${home})` : '';
          out.push({ path: [...issue.path, key], message: `unknown key${hint}`, atKey: true });
        }
        break;
      case 'invalid_type':
        out.push({
          path: issue.path,
          message:
            input === undefined
              ? `required: expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`
              : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, ${got(input)}`,
        });
        break;
      case 'too_big':
        out.push({ path: issue.path, message: `expected ${bound(issue, true, issue.maximum)}, ${got(input)}` });
        break;
      case 'too_small':
        out.push({ path: issue.path, message: `expected ${bound(issue, false, issue.minimum)}, ${got(input)}` });
        break;
      case 'invalid_value':
        out.push({
          path: issue.path,
          message: `expected one of ${issue.values.map((v) => describeValue(v)).join(', ')}, ${got(input)}`,
        });
        break;
      case 'invalid_union': {
        // The value had the right shape for one branch (a list of colors with a bad color): report inside it.
        const inner = issue.errors.find((errs) => errs.length > 0 && errs.every((e) => e.path.length > 0));
        if (inner) {
          const nested = inner.map((e) => ({ ...e, path: [...issue.path, ...e.path] }));
          out.push(...problemsFromZod(nested as z.core.$ZodIssue[], knownKeysAt, homeOf));
        } else {
          out.push({ path: issue.path, message: `${unionExpectation(issue.errors)}, ${got(input)}` });
        }
        break;
      }
      default: {
        // A custom check whose message already names the value (or whose value is a whole mapping) stands as it is.
        const plain =
          /, got /.test(issue.message) || (typeof input === 'object' && input !== null && !Array.isArray(input));
        out.push({ path: issue.path, message: plain ? issue.message : `${issue.message}, ${got(input)}` });
      }
    }
  }
  return out;
}

function unionExpectation(branches: readonly (readonly z.core.$ZodIssue[])[]): string {
  const parts = branches.map((errors) => {
    const first = errors[0];
    if (!first) return 'something else';
    if (first.code === 'invalid_type') return TYPE_NAMES[first.expected] ?? first.expected;
    if (first.code === 'invalid_value') return first.values.map((v) => describeValue(v)).join(' or ');
    return first.message;
  });
  return `expected ${parts.join(', or ')}`;
}
