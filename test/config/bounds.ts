// The config's numeric keys as the JSON Schema states them (driven from the zod schema, so a new key is seen at
// once), with their bounds and values just inside and just past each bound.
import { configJsonSchema } from '../../src/cli/schema.js';
import { formatPath } from '../../src/config/issues.js';

interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  prefixItems?: JsonSchema[];
  items?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maxItems?: number;
}

export interface NumericLeaf {
  /** Where the number sits: ['generator', 'speed_range', 0]. */
  path: (string | number)[];
  /** The key it belongs to: 'generator.speed_range'. */
  key: string;
  /** The key's description (what `audiogen schema` shows in an editor). */
  description: string;
  integer: boolean;
  /** The bound, and whether it is itself allowed; undefined when the schema states none. */
  min?: { value: number; inclusive: boolean };
  max?: { value: number; inclusive: boolean };
  /** A list of these numbers (sample_shape): its length bound. */
  maxItems?: number;
}

/** Every number a config can hold (generator.frontend_settings is the frontend section again: listed once). */
export function numericLeaves(): NumericLeaf[] {
  const root = configJsonSchema() as JsonSchema;
  const out: NumericLeaf[] = [];
  const walk = (s: JsonSchema, path: (string | number)[], key: string, description: string, maxItems?: number) => {
    if (s.properties) {
      for (const [k, child] of Object.entries(s.properties)) {
        if (path.length === 1 && path[0] === 'generator' && k === 'frontend_settings') continue;
        // A key of a nested mapping (generator.spec_augment.time_masks) is a key of its own.
        const childKey = path.length === 1 ? `${path[0]}.${k}` : path.length > 1 ? `${key}.${k}` : key;
        walk(child, [...path, k], childKey, child.description ?? description);
      }
    }
    for (const branch of s.anyOf ?? []) walk(branch, path, key, description, maxItems);
    s.prefixItems?.forEach((item, i) => {
      walk(item, [...path, i], key, description);
    });
    if (typeof s.items === 'object') walk(s.items, [...path, 0], key, description, s.maxItems);
    if (s.type === 'number' || s.type === 'integer') {
      const bound = (inclusive?: number, exclusive?: number) =>
        inclusive !== undefined
          ? { value: inclusive, inclusive: true }
          : exclusive !== undefined
            ? { value: exclusive, inclusive: false }
            : undefined;
      out.push({
        path,
        key,
        description,
        integer: s.type === 'integer',
        min: bound(s.minimum, s.exclusiveMinimum),
        max: bound(s.maximum, s.exclusiveMaximum),
        maxItems,
      });
    }
  };
  walk(root, [], '', '');
  return out;
}

export const leafName = (leaf: NumericLeaf) => formatPath(leaf.path);

/** A value just past a bound (invalid), or at it (the bound itself, or the nearest allowed value when exclusive). */
export function past(leaf: NumericLeaf, side: 'min' | 'max'): number {
  const b = leaf[side]!;
  const dir = side === 'max' ? 1 : -1;
  if (!b.inclusive) return b.value;
  return leaf.integer ? b.value + dir : b.value + dir * Math.max(Math.abs(b.value) * 1e-6, 1e-6);
}

export function at(leaf: NumericLeaf, side: 'min' | 'max'): number {
  const b = leaf[side]!;
  if (b.inclusive) return b.value;
  const dir = side === 'max' ? -1 : 1;
  return leaf.integer ? b.value + dir : b.value + dir * Math.max(Math.abs(b.value) * 1e-6, 1e-6);
}

/** `config` with the number at `leaf.path` set to `value` (both items of a [min, max] pair, so min <= max holds). */
export function withValue(config: Record<string, unknown>, leaf: NumericLeaf, value: number): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, Record<string, unknown>>;
  const [section, key, index] = leaf.path as [string, string, number | string | undefined];
  copy[section] ??= {};
  if (index === undefined) copy[section][key] = value;
  else if (typeof index === 'string') copy[section][key] = { ...(copy[section][key] as object), [index]: value };
  else if (key === 'sample_shape') copy[section][key] = [value];
  else copy[section][key] = [value, value];
  return copy;
}
