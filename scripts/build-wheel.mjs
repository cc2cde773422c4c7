#!/usr/bin/env node
// Writes the Python package python/audiogen_data (and the audiogen_stream alias module) as a wheel,
// dist/python/audiogen_data-<version>-py3-none-any.whl, with no build backend: a wheel is a zip holding the files and
// a <name>-<version>.dist-info folder (METADATA, WHEEL, top_level.txt, RECORD). So `pip install --no-index` works
// where no index can supply setuptools (CI). The metadata and the file list come from python/pyproject.toml, which
// `pip install ./python` builds with setuptools: the two routes install the same files (python/tests/test_wheel.py
// holds them to it). The bytes are deterministic: sorted entries, fixed times and modes, zlib at level 9.
//
//   node scripts/build-wheel.mjs [--out DIR]       (default dist/python; prints the wheel's path)
//
// Run by `npm run build` (so by `npm install`) and by the test runner before the Python tests.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const python = join(root, 'python');

/** A line without its comment (a # outside "strings") and surrounding blanks. */
function uncomment(line) {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && quoted) i++;
    else if (line[i] === '"') quoted = !quoted;
    else if (line[i] === '#' && !quoted) return line.slice(0, i).trim();
  }
  return line.trim();
}

/** The subset of TOML pyproject.toml keeps to: [tables], `key = "string"`, `key = ["string", ...]` (lines may
 * continue a list). Anything else fails, naming the line, rather than being misread. */
export function parseToml(text, file = 'pyproject.toml') {
  const out = {};
  let table = out;
  const lines = text.split('\n').map(uncomment);
  const strings = (s, n) => {
    const items = [];
    const rest = s.replace(/"((?:[^"\\]|\\.)*)"\s*,?\s*/g, (_, v) => {
      items.push(JSON.parse(`"${v}"`));
      return '';
    });
    if (rest.trim())
      throw new Error(`${file}:${n}: cannot read ${JSON.stringify(rest.trim())} (only "strings" in lists)`);
    return items;
  };
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i];
    if (!line) continue;
    const header = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (header) {
      table = out;
      for (const part of header[1].split('.')) table = table[part] ??= {};
      continue;
    }
    const kv = /^("?)([A-Za-z0-9_-]+)\1\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`${file}:${n}: cannot read ${JSON.stringify(line)}`);
    let value = kv[3];
    if (value.startsWith('[')) {
      while (!value.trimEnd().endsWith(']')) {
        if (++i >= lines.length) throw new Error(`${file}:${n}: a list that does not end`);
        value += ` ${lines[i]}`;
      }
      table[kv[2]] = strings(value.trim().slice(1, -1), n);
    } else if (/^"((?:[^"\\]|\\.)*)"$/.test(value)) {
      table[kv[2]] = JSON.parse(value);
    } else {
      throw new Error(`${file}:${n}: cannot read the value ${JSON.stringify(value)} (only "strings" and lists)`);
    }
  }
  return out;
}

/** Every file of a package folder, recursively, with `.py` or a package-data name; caches left out. */
function packageFiles(dir, data) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__pycache__') out.push(...packageFiles(path, data));
    } else if (entry.name.endsWith('.py') || data.includes(entry.name)) out.push(path);
  }
  return out;
}

/** Metadata 2.1 (what pip reads: name, version, requirements, extras) from the [project] table. */
function metadata(project, readme) {
  const lines = [
    'Metadata-Version: 2.1',
    `Name: ${project.name}`,
    `Version: ${project.version}`,
    `Summary: ${project.description}`,
    `License: ${project.license}`,
    `Requires-Python: ${project['requires-python']}`,
    ...(project.dependencies ?? []).map((d) => `Requires-Dist: ${d}`),
  ];
  for (const [extra, deps] of Object.entries(project['optional-dependencies'] ?? {})) {
    lines.push(`Provides-Extra: ${extra}`, ...deps.map((d) => `Requires-Dist: ${d}; extra == "${extra}"`));
  }
  lines.push('Description-Content-Type: text/markdown');
  return `${lines.join('\n')}\n\n${readme}`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of [name, bytes] entries: deflated (stored when that is no smaller), dated 1980-01-01, mode 0644. */
export function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(0, 10); // 00:00:00
    local.writeUInt16LE((1 << 5) | 1, 12); // 1980-01-01, the earliest date a zip can hold
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, body);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the mode below is read
    local.copy(dir, 6, 4, 30); // version needed .. extra length, as in the local header
    dir.writeUInt16LE(0, 32); // comment length
    dir.writeUInt16LE(0, 34); // disk
    dir.writeUInt16LE(0, 36); // internal attributes
    dir.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    dir.writeUInt32LE(offset, 42);
    central.push(dir, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBytes, end]);
}

/** The wheel's file name and bytes. */
export function buildWheel() {
  const toml = parseToml(readFileSync(join(python, 'pyproject.toml'), 'utf8'));
  const project = toml.project;
  const setup = toml.tool?.setuptools ?? {};
  for (const key of ['name', 'version', 'description', 'license', 'requires-python', 'readme']) {
    if (typeof project?.[key] !== 'string') throw new Error(`python/pyproject.toml: [project] needs ${key} = "..."`);
  }
  const dist = project.name.replace(/[-_.]+/g, '_').toLowerCase();
  const info = `${dist}-${project.version}.dist-info`;
  const files = [];
  for (const pkg of setup.packages ?? []) {
    const data = setup['package-data']?.[pkg] ?? [];
    files.push(...packageFiles(join(python, pkg), data));
    const init = readFileSync(join(python, pkg, '__init__.py'), 'utf8');
    const version = /^__version__ = '([^']+)'$/m.exec(init)?.[1];
    if (version !== project.version) {
      throw new Error(`python/${pkg}/__init__.py has __version__ ${version}, pyproject.toml ${project.version}`);
    }
  }
  for (const mod of setup['py-modules'] ?? []) files.push(join(python, `${mod}.py`));
  const entries = files
    .map((f) => [relative(python, f).split('\\').join('/'), readFileSync(f)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const readme = readFileSync(join(python, project.readme), 'utf8');
  const topLevel = [...(setup.packages ?? []), ...(setup['py-modules'] ?? [])].sort();
  entries.push(
    [`${info}/METADATA`, Buffer.from(metadata(project, readme))],
    [
      `${info}/WHEEL`,
      Buffer.from(
        'Wheel-Version: 1.0\nGenerator: audiogen scripts/build-wheel.mjs\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
      ),
    ],
    [`${info}/top_level.txt`, Buffer.from(`${topLevel.join('\n')}\n`)],
  );
  const record = entries.map(([name, data]) => {
    const digest = createHash('sha256').update(data).digest('base64url');
    return `${name},sha256=${digest},${data.length}\n`;
  });
  entries.push([`${info}/RECORD`, Buffer.from(`${record.join('')}${info}/RECORD,,\n`)]);
  return { name: `${dist}-${project.version}-py3-none-any.whl`, bytes: zip(entries), dist };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const at = process.argv.indexOf('--out');
  const out = resolve(at > 0 ? process.argv[at + 1] : join(root, 'dist', 'python'));
  try {
    const { name, bytes, dist } = buildWheel();
    mkdirSync(out, { recursive: true });
    // An older version's wheel would make `pip install dist/python/audiogen_data-*.whl` see two.
    for (const f of readdirSync(out))
      if (f.startsWith(`${dist}-`) && f.endsWith('.whl') && f !== name) rmSync(join(out, f));
    const path = join(out, name);
    const same = existsSync(path) && statSync(path).size === bytes.length && readFileSync(path).equals(bytes);
    if (!same) {
      writeFileSync(`${path}.partial`, bytes);
      renameSync(`${path}.partial`, path);
    }
    process.stdout.write(`${path}\n`);
  } catch (err) {
    // (Not console.error: assemblyscript's typings redeclare console, as scripts/build-wasm.mjs says.)
    process.stderr.write(`build-wheel: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  }
}
