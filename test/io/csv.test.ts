// The index CSV: RFC 4180 quoting that Python's csv module reads back field for field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvField, csvLine, parseCsv } from '../../src/io/csv.js';
import { python, tempDir } from '../helpers.js';

const AWKWARD = [
  'plain',
  'with,comma',
  'with "quotes"',
  'line\nbreak',
  'carriage\rreturn',
  '',
  ' spaced ',
  'ünïcødé/файл.wav',
  '"',
  ',',
  'a""b',
];

test('fields are quoted only when they hold a comma, a quote or a line break; null is an empty field', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(12.5), '12.5');
  assert.equal(csvField(null), '');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\r'), '"cr\r"');
  assert.equal(csvLine(['a', 1, null, 'b,c']), 'a,1,,"b,c"\n');
});

test('parseCsv reads back every row csvLine writes, awkward fields included', () => {
  const rows = [AWKWARD, AWKWARD.slice().reverse(), ['0', '1', '', 'yes/a.wav']];
  const text = rows.map((r) => csvLine(r)).join('');
  assert.deepEqual(parseCsv(text), rows);
  // CRLF line ends (a file edited on Windows) read the same; a last line without its newline is kept.
  assert.deepEqual(parseCsv('a,b\r\nc,d'), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.deepEqual(parseCsv(''), []);
});

test("Python's csv module reads our rows field for field", () => {
  const path = join(tempDir(), 'index.csv');
  const rows = [['position', 'file'], ...AWKWARD.map((f, i) => [String(i), f])];
  writeFileSync(path, rows.map((r) => csvLine(r)).join(''));
  const out = python(`import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))`, [
    path,
  ]);
  assert.deepEqual(JSON.parse(out), rows);
});
