import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, extractVins, toCsv, csvCell } from '../js/lib/csv.js';

test('parses quotes, escaped quotes, embedded newlines, CRLF, BOM, no final newline', () => {
  const text = '\ufeffa,"b, c","say ""hi"""\r\n"multi\nline",2,3\n4,,6';
  assert.deepEqual(parseCsv(text), [
    ['a', 'b, c', 'say "hi"'],
    ['multi\nline', '2', '3'],
    ['4', '', '6'],
  ]);
});

test('guesses semicolon and tab delimiters', () => {
  assert.deepEqual(parseCsv('vin;year\nX;2003\n'), [['vin', 'year'], ['X', '2003']]);
  assert.deepEqual(parseCsv('vin\tyear\nX\t2003\n'), [['vin', 'year'], ['X', '2003']]);
});

test('extractVins: uses the VIN column and keeps a year column as VIN,year', () => {
  const text = 'Stock,VIN,Year\n12,1hgcm82633a004352,2003\n13,5YJXCBE10KF604140,\n14,,2001\n';
  assert.deepEqual(extractVins(text), ['1HGCM82633A004352,2003', '5YJXCBE10KF604140']);
});

test('extractVins: plain text and headerless CSV find VIN-shaped cells only', () => {
  assert.deepEqual(extractVins('1HGCM82633A004352\n\n5YJ-XCB-E10-KF604140\nhello\n'), ['1HGCM82633A004352', '5YJXCBE10KF604140']);
  assert.deepEqual(extractVins('note,1HGCM82633A004352,42\n'), ['1HGCM82633A004352']);
});

test('toCsv quotes what needs it and round-trips through parseCsv', () => {
  const header = ['vin', 'make', 'note'];
  const rows = [['1HGCM82633A004352', 'HONDA', 'a "quoted", text\nwith a line break'], ['X', null, 7]];
  const csv = toCsv(header, rows);
  assert.ok(csv.endsWith('\r\n'));
  assert.deepEqual(parseCsv(csv), [header, ['1HGCM82633A004352', 'HONDA', 'a "quoted", text\nwith a line break'], ['X', '', '7']]);
});

test('csvCell defuses spreadsheet formulas but keeps negative numbers', () => {
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('@SUM'), "'@SUM");
  assert.equal(csvCell('-12.5'), '-12.5');
  assert.equal(csvCell('-cmd'), "'-cmd");
});
