// The rows of a dataset manifest: CSV as Python's csv module reads it, TSV without quoting, JSON Lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingColumnsError, parseCsv, readTable, type TableFormat } from '../../src/dataset/table.js';
import { TextFileError } from '../../src/dataset/lines.js';
import { noTick } from '../../src/dataset/tick.js';
import { python, tempDir } from '../helpers.js';

async function rows(text: string | Buffer, wanted: string[]): Promise<{ format: TableFormat; rows: string[][] }> {
  const path = join(tempDir(), 'm');
  writeFileSync(path, text);
  const out: string[][] = [];
  const format = await readTable(path, 'm.csv', wanted, (cells, line) => out.push([String(line), ...cells]), noTick);
  return { format, rows: out };
}

test('CSV fields are read as Python\u2019s csv module reads them: quotes, doubled quotes, commas and line breaks inside', async () => {
  const text =
    '\ufeffSET,LINK,WORD\r\n' +
    'TRAIN,a/1.opus,"hello, world"\r\n' +
    'DEV,"a/""2"".opus",x\r\n' +
    'TEST,"a/3\nsecond line.opus",y\r\n' +
    '\r\n' +
    'TRAIN,a/4.opus,plain"quote\r\n';
  const got = await rows(text, ['WORD', 'LINK']);
  assert.equal(got.format, 'csv');
  assert.deepEqual(got.rows, [
    ['2', 'hello, world', 'a/1.opus'],
    ['3', 'x', 'a/"2".opus'],
    ['4', 'y', 'a/3\nsecond line.opus'],
    ['7', 'plain"quote', 'a/4.opus'],
  ]);
  // The same cells as Python's csv.DictReader.
  const path = join(tempDir(), 'p.csv');
  writeFileSync(path, text);
  const expected = JSON.parse(
    python(
      'import csv,json,sys\nprint(json.dumps([[r["WORD"], r["LINK"]] for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8-sig"))]))',
      [path],
    ),
  );
  assert.deepEqual(
    got.rows.map((r) => r.slice(1)),
    expected,
  );
});

test('TSV is split on tabs with no quoting, as Common Voice writes it', async () => {
  const got = await rows('client_id\tpath\tsentence\nabc\tx.mp3\t"Quoted" words, with commas\n', ['path', 'sentence']);
  assert.equal(got.format, 'tsv');
  assert.deepEqual(got.rows, [['2', 'x.mp3', '"Quoted" words, with commas']]);
});

test('JSON Lines: one object per line; values other than strings as their JSON text', async () => {
  const got = await rows(
    '{"path": "a.wav", "valid": true, "n": 3, "s": null}\n\n{"path": "b.wav", "valid": false, "n": 1.5, "s": "x"}\n',
    ['path', 'valid', 'n', 's'],
  );
  assert.equal(got.format, 'jsonl');
  assert.deepEqual(got.rows, [
    ['1', 'a.wav', 'true', '3', ''],
    ['3', 'b.wav', 'false', '1.5', 'x'],
  ]);
});

test('missing columns name what the file has; malformed rows name their line', async () => {
  await assert.rejects(rows('A,B\n1,2\n', ['A', 'C', 'D']), (err: unknown) => {
    assert.ok(err instanceof MissingColumnsError);
    assert.deepEqual(
      [err.missing, err.available],
      [
        ['C', 'D'],
        ['A', 'B'],
      ],
    );
    return true;
  });
  await assert.rejects(rows('{"a": 1}\n{"b": 2}\n', ['a']), /m\.csv:2: no column "a"/);
  await assert.rejects(rows('A,B\n1,2\n3\n', ['A']), /^Error: m\.csv:3: 1 fields where the header has 2$/);
  await assert.rejects(rows('A,A\n1,2\n', ['A']), /m\.csv:1: column "A" appears twice in the header/);
  await assert.rejects(rows('A,B\n1,"2\n3,4\n', ['A']), /m\.csv:2: a quoted field is never closed/);
  await assert.rejects(rows('{"a": 1}\n{"a": 2\n', ['a']), /m\.csv:2: not JSON/);
  await assert.rejects(rows('{"a": 1}\n[1]\n', ['a']), /m\.csv:2: expected a JSON object per line/);
  await assert.rejects(
    rows('\n\n', ['a']),
    (err: unknown) => err instanceof TextFileError && /is empty/.test(err.message),
  );
});

test('a single CSV record: empty fields, a quoted empty field, text after the closing quote kept', () => {
  assert.deepEqual(parseCsv('a,,"",d', 'f', 1), ['a', '', '', 'd']);
  assert.deepEqual(parseCsv('"ab"c,d', 'f', 1), ['abc', 'd']);
  assert.equal(parseCsv('"open', 'f', 1), null);
});

test('an unclosed quote cannot gather the rest of a big file into one record', async () => {
  const text = `A,B\n1,"open\n${'2,3\n'.repeat(300_000)}`;
  await assert.rejects(
    rows(text, ['A']),
    /m\.csv:2: a quoted field runs past 1048576 bytes \(is a quote never closed\?\)/,
  );
});
