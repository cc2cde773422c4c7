#!/usr/bin/env node
// Compiles each AssemblyScript module in assembly/ (a file that is not a shared part, named `_*.ts`) to
// wasm/<name>.wasm, and writes its typed facade src/wasm/generated/<name>.ts from the exports the compiler declares
// for it (`--bindings raw` makes asc emit a .d.ts next to the .wasm, whose bytes it leaves as they are). Run by
// `npm run build` (and so by `npm install`) before tsc, and by the test runner when a source is newer than its
// output. SIMD is on: Node has had WebAssembly SIMD since 16.4.
//
//   node scripts/build-wasm.mjs [--if-stale | --check]
//
// --check compiles every module in memory and fails, naming the file, where wasm/ or src/wasm/generated/ differ
// from what the sources give (test/wasm/generated.test.ts runs it).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import asc from 'assemblyscript/asc';

const root = new URL('..', import.meta.url).pathname;
const source = join(root, 'assembly');
const target = join(root, 'wasm');
const facades = join(root, 'src/wasm/generated');
const ifStale = process.argv.includes('--if-stale');
const check = process.argv.includes('--check');

const modules = readdirSync(source)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const shared = readdirSync(source).filter((f) => f.startsWith('_') && f.endsWith('.ts'));

/** Compiles assembly/<name>.ts: the module's bytes and its facade's source. */
async function compile(name) {
  const out = new Map();
  const { error, stderr } = await asc.main(
    [
      join(source, `${name}.ts`),
      '--outFile',
      join(target, `${name}.wasm`),
      '-O3',
      '--noAssert',
      '--runtime',
      'stub',
      '--enable',
      'simd',
      '--initialMemory',
      '1',
      '--bindings',
      'raw',
    ],
    { writeFile: (file, contents) => void out.set(basename(file).replace(/^.*?\./, ''), contents) },
  );
  if (error) throw new Error(`build-wasm: assembly/${name}.ts: ${error.message}\n${stderr.toString()}`);
  return { wasm: out.get('wasm'), facade: facade(name, String(out.get('d.ts'))) };
}

// ---- The facade: the exports asc declares (their AssemblyScript types are in its doc comments) as a class whose
// methods take their arguments as one object, named as in the source and mapped to positions here only.

/** TypeScript type of each AssemblyScript type an export may take or return; usize is an address. */
const TS_TYPES = {
  bool: 'boolean',
  i32: 'number',
  u32: 'number',
  f32: 'number',
  f64: 'number',
  i64: 'bigint',
  u64: 'bigint',
  usize: 'Ptr',
};

/** The functions a module exports, from asc's .d.ts: names, parameters and AssemblyScript types. */
function parseDeclarations(name, dts) {
  const body = /^declare namespace __AdaptedExports \{\n([\s\S]*?)\n\}\n/.exec(dts)?.[1];
  if (body === undefined) throw new Error(`build-wasm: ${name}: asc's declarations have an unknown form:\n${dts}`);
  const entry = /^ {2}\/\*\*([\s\S]*?)\*\/\n {2}export (const|function) (\w+)(.*);$/gm;
  if (body.replace(entry, '').trim() !== '') throw new Error(`build-wasm: ${name}: unexpected declarations:\n${body}`);
  const functions = [];
  let memory = false;
  for (const [, doc, kind, id, rest] of body.matchAll(entry)) {
    if (kind === 'const') {
      if (id !== 'memory' || rest !== ': WebAssembly.Memory')
        throw new Error(`build-wasm: ${name}: exports ${id}: only functions and the memory can be`);
      memory = true;
      continue;
    }
    const where = /^\s*\* (assembly\/[\w/]+)$/m.exec(doc)?.[1];
    const params = [...doc.matchAll(/@param (\w+) `([^`]+)`/g)].map(([, param, type]) => ({ name: param, type }));
    const returns = /@returns `([^`]+)`/.exec(doc)?.[1] ?? 'void';
    const declared = /^\((.*)\): .+$/
      .exec(rest)?.[1]
      .split(', ')
      .filter(Boolean)
      .map((p) => p.split(':')[0]);
    if (!where || declared?.join() !== params.map((p) => p.name).join()) {
      throw new Error(`build-wasm: ${name}: cannot read the declaration of ${id}: ${doc} ${rest}`);
    }
    for (const [what, type] of [...params.map((p) => [`parameter ${p.name}`, p.type]), ['result', returns]]) {
      if (!(type in TS_TYPES) && !(what === 'result' && type === 'void')) {
        throw new Error(
          `build-wasm: assembly/${name}.ts ${id}: ${what} is ${type}; exports take and return ${Object.keys(TS_TYPES).join(', ')} only`,
        );
      }
    }
    functions.push({ id, params, returns, source: `${where.slice(0, where.lastIndexOf('/'))}.ts` });
  }
  if (!memory) throw new Error(`build-wasm: ${name}: the module does not export its memory`);
  return functions;
}

/** The doc comment above `export function id` in `file`, as lines, or none. */
function docComment(file, id) {
  const text = readFileSync(join(root, file), 'utf8');
  const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export function ${id}\\(`).exec(text);
  if (!match) return [];
  return match[1]
    .split('\n')
    .map((l) => l.replace(/^\s*\*? ?/, '').trimEnd())
    .filter((l, i, all) => l !== '' || (i > 0 && i < all.length - 1));
}

/** `head(items...)tail`, on one line when it fits in 120 columns, else one item per line. */
function list(indent, head, items, tail) {
  const line = `${indent}${head}${items.join(', ')}${tail}`;
  if (line.length <= 120) return [line];
  return [`${indent}${head}`, ...items.map((i) => `${indent}  ${i},`), `${indent}${tail}`];
}

function facade(name, dts) {
  const functions = parseDeclarations(name, dts);
  const type = `${name[0].toUpperCase()}${name.slice(1)}`;
  const result = (f) => (f.returns === 'void' ? 'void' : f.returns === 'usize' ? 'Ptr' : TS_TYPES[f.returns]);
  const lines = [
    `// Generated from the exports asc declares for assembly/${name}.ts by scripts/build-wasm.mjs (\`npm run build\`):`,
    `// do not edit. test/wasm/generated.test.ts checks that it is current and matches wasm/${name}.wasm.`,
    `import type { Ptr } from '../heap.js';`,
    `import { instantiate } from '../load.js';`,
    '',
    `/** wasm/${name}.wasm's exports as the module takes them: arguments by position. */`,
    `export interface ${type}Exports {`,
    '  readonly memory: WebAssembly.Memory;',
    ...functions.flatMap((f) =>
      list(
        '  ',
        `${f.id}(`,
        f.params.map((p) => `${p.name}: ${TS_TYPES[p.type]}`),
        `): ${f.returns === 'void' ? 'void' : f.returns === 'usize' || f.returns === 'u32' || f.returns === 'bool' ? 'number' : TS_TYPES[f.returns]};`,
      ),
    ),
    '}',
    '',
    '/**',
    ` * An instance of wasm/${name}.wasm, with its own memory. Each export takes its arguments as one object, named as in`,
    ` * the AssemblyScript source (each field's AssemblyScript type in its comment; a usize is an address, a Ptr).`,
    ' */',
    `export class ${type}Module {`,
    `  /** Each export's parameters, in the module's order. */`,
    '  static readonly parameters = {',
    ...functions.flatMap((f) =>
      list(
        '    ',
        `${f.id}: [`,
        f.params.map((p) => `'${p.name}'`),
        '],',
      ),
    ),
    '  } as const;',
    '',
    '  readonly memory: WebAssembly.Memory;',
    '',
    `  constructor(private readonly exports: ${type}Exports = instantiate<${type}Exports>('${name}')) {`,
    '    this.memory = exports.memory;',
    '  }',
  ];
  for (const f of functions) {
    const doc = docComment(f.source, f.id);
    lines.push('', '  /**', ...doc.map((l) => (l ? `   * ${l}` : '   *')), `   * (${f.source})`, '   */');
    const call = `this.exports.${f.id}(`;
    const args = f.params.map((p) => `args.${p.name}`);
    const value =
      f.returns === 'usize'
        ? ['(', ' >>> 0) as Ptr;']
        : f.returns === 'u32'
          ? ['', ' >>> 0;']
          : f.returns === 'bool'
            ? ['', ' !== 0;']
            : ['', ';'];
    if (f.params.length === 0) {
      lines.push(`  ${f.id}(): ${result(f)} {`);
    } else {
      lines.push(
        `  ${f.id}(args: {`,
        ...f.params.map((p) => `    ${p.name}: ${TS_TYPES[p.type]}; // ${p.type}`),
        `  }): ${result(f)} {`,
      );
    }
    const body = list('    ', `${f.returns === 'void' ? '' : 'return '}${value[0]}${call}`, args, `)${value[1]}`);
    lines.push(...body, '  }');
  }
  lines.push('}', '');
  return lines.join('\n');
}

// ---- Build, or check.

const newestSource = () =>
  Math.max(
    0,
    ...[...modules.map((m) => `${m}.ts`), ...shared].map((f) => statSync(join(source, f)).mtimeMs),
    statSync(new URL(import.meta.url)).mtimeMs,
  );
const wasmFile = (name) => join(target, `${name}.wasm`);
const facadeFile = (name) => join(facades, `${name}.ts`);
const stale = (name) =>
  !existsSync(wasmFile(name)) || !existsSync(facadeFile(name)) || statSync(wasmFile(name)).mtimeMs < newestSource();

let failed = false;
// (Not console.error: assemblyscript's own typings redeclare console for the code it compiles.)
const fail = (/** @type {string} */ message) => {
  process.stderr.write(message + '\n');
  failed = true;
};

if (check) {
  for (const name of modules) {
    let wasm, text;
    try {
      ({ wasm, facade: text } = await compile(name));
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
      continue;
    }
    if (!existsSync(wasmFile(name)) || !Buffer.from(wasm).equals(readFileSync(wasmFile(name)))) {
      fail(`build-wasm --check: wasm/${name}.wasm is not what assembly/${name}.ts compiles to (run \`npm run build\`)`);
    }
    if (!existsSync(facadeFile(name)) || readFileSync(facadeFile(name), 'utf8') !== text) {
      fail(
        `build-wasm --check: src/wasm/generated/${name}.ts is not what assembly/${name}.ts gives (run \`npm run build\`)`,
      );
    }
  }
  for (const file of existsSync(facades) ? readdirSync(facades) : []) {
    if (!modules.includes(file.replace(/\.ts$/, ''))) {
      fail(`build-wasm --check: src/wasm/generated/${file} has no module in assembly/ (delete it)`);
    }
  }
} else {
  mkdirSync(target, { recursive: true });
  mkdirSync(facades, { recursive: true });
  for (const name of modules) {
    if (ifStale && !stale(name)) continue;
    try {
      const { wasm, facade: text } = await compile(name);
      writeFileSync(wasmFile(name), wasm);
      // Written only when it changes: it is committed, and tsc need not see a new file.
      if (!existsSync(facadeFile(name)) || readFileSync(facadeFile(name), 'utf8') !== text)
        writeFileSync(facadeFile(name), text);
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
  }
}
process.exit(failed ? 1 : 0);
