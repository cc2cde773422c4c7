// Rows of a file that describes a dataset: CSV (RFC 4180 quoting, as Python's csv module writes it), TSV (tabs,
// no quoting, as Common Voice's .tsv files) or JSON Lines (one object per line). The format is read from the
// content: a first line starting with `{` is JSON Lines, a header holding a tab is TSV, anything else CSV.
import { forEachLine, MAX_LINE_BYTES, TextFileError } from './lines.js';
import type { Tick } from './tick.js';

export type TableFormat = 'csv' | 'tsv' | 'jsonl';

/** Columns the caller asked for that the file does not have (CSV/TSV header, or a JSON Lines row). */
export class MissingColumnsError extends TextFileError {
  constructor(
    readonly missing: string[],
    readonly available: string[],
    where: string,
  ) {
    super(`${where}: no column ${missing.map((c) => JSON.stringify(c)).join(', ')}`);
  }
}

/**
 * Reads the table at `path`, calling `onRow` with the cells of the `wanted` columns (in that order, as text: JSON
 * values other than strings as their JSON text, null as '') and the row's line. Blank lines are skipped.
 */
export async function readTable(
  path: string,
  shown: string,
  wanted: readonly string[],
  onRow: (cells: string[], line: number) => void,
  tick: Tick,
): Promise<TableFormat> {
  let format: TableFormat | null = null;
  let indices: number[] = [];
  let width = 0;
  // A CSV record whose quoted field holds line breaks spans several lines.
  let pending = '';
  let pendingLine = 0;
  const header = (cells: string[], line: number) => {
    const seen = new Set<string>();
    for (const c of cells) {
      if (seen.has(c))
        throw new TextFileError(`${shown}:${line}: column ${JSON.stringify(c)} appears twice in the header`);
      seen.add(c);
    }
    const missing = wanted.filter((w) => !seen.has(w));
    if (missing.length) throw new MissingColumnsError(missing, cells, shown);
    indices = wanted.map((w) => cells.indexOf(w));
    width = cells.length;
  };
  const row = (cells: string[], line: number) => {
    if (cells.length !== width)
      throw new TextFileError(`${shown}:${line}: ${cells.length} fields where the header has ${width}`);
    onRow(
      indices.map((i) => cells[i]),
      line,
    );
  };
  await forEachLine(
    path,
    shown,
    (text, line) => {
      if (format === null) {
        if (text.trim() === '') return;
        format = /^\s*\{/.test(text) ? 'jsonl' : text.includes('\t') ? 'tsv' : 'csv';
        if (format === 'tsv') return header(text.split('\t'), line);
        if (format === 'csv') {
          const cells = parseCsv(text, shown, line);
          if (cells === null) {
            pending = text;
            pendingLine = line;
            return;
          }
          return header(cells, line);
        }
      }
      if (format === 'jsonl') {
        if (text.trim() !== '') onRow(jsonCells(text, wanted, shown, line), line);
      } else if (format === 'tsv') {
        if (text !== '') row(text.split('\t'), line);
      } else if (pending) {
        pending += `\n${text}`;
        // An unclosed quote would otherwise gather the rest of the file into one record.
        if (pending.length > MAX_LINE_BYTES)
          throw new TextFileError(
            `${shown}:${pendingLine}: a quoted field runs past ${MAX_LINE_BYTES} bytes (is a quote never closed?)`,
          );
        const cells = parseCsv(pending, shown, pendingLine);
        if (cells !== null) {
          pending = '';
          if (width === 0) header(cells, pendingLine);
          else row(cells, pendingLine);
        }
      } else if (text !== '') {
        const cells = parseCsv(text, shown, line);
        if (cells === null) {
          pending = text;
          pendingLine = line;
        } else if (width === 0) header(cells, line);
        else row(cells, line);
      }
    },
    tick,
  );
  if (pending) throw new TextFileError(`${shown}:${pendingLine}: a quoted field is never closed`);
  if (format === null) throw new TextFileError(`${shown} is empty: expected a header line, or JSON Lines`);
  return format;
}

/**
 * One CSV record as Python's csv module reads it (excel dialect): `"` opens a quoted field where `""` is a quote;
 * after the closing quote, text up to the comma is kept. Null when a quoted field is still open at the end (the
 * record goes on on the next line).
 */
export function parseCsv(text: string, shown: string, line: number): string[] | null {
  // Most rows quote nothing.
  if (!text.includes('"')) return text.split(',');
  const cells: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    let cell = '';
    if (text.charCodeAt(i) === 0x22) {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) return null;
        cell += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 0x22) {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    }
    const comma = text.indexOf(',', i);
    const end = comma === -1 ? n : comma;
    // Python keeps what follows the closing quote; a stray quote inside an unquoted field is a plain character.
    cell += text.slice(i, end);
    cells.push(cell);
    if (comma === -1) break;
    i = comma + 1;
  }
  if (cells.length === 0) throw new TextFileError(`${shown}:${line}: an empty record`);
  return cells;
}

function jsonCells(text: string, wanted: readonly string[], shown: string, line: number): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TextFileError(`${shown}:${line}: not JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TextFileError(`${shown}:${line}: expected a JSON object per line`);
  const row = value as Record<string, unknown>;
  const missing = wanted.filter((w) => !Object.hasOwn(row, w));
  if (missing.length) throw new MissingColumnsError(missing, Object.keys(row), `${shown}:${line}`);
  return wanted.map((w) => {
    const v = row[w];
    if (typeof v === 'string') return v;
    return v === null ? '' : JSON.stringify(v);
  });
}
