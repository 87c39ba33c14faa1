import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataset } from '../../src/core/dataset';
import { parseCsv } from '../../src/core/dataset/csv';
import { lintText, type LintOptions } from '../../src/core/lint';

const QUIET: LintOptions = { severity: { 'too-few-records': 'off' } };

test('CSV: RFC 4180 quoting (commas, doubled quotes, line breaks in fields), CRLF, blank lines, the line each row starts on', () => {
  const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\r\n3,plain,"\n"';
  assert.deepEqual(parseCsv(text).map((r) => [r.line, r.fields, r.error]), [
    [1, ['a', 'b', 'c'], undefined],
    [2, ['1', 'x, y', 'say "hi"'], undefined],
    [4, ['2', 'two\nlines', ''], undefined],
    [6, ['3', 'plain', '\n'], undefined],
  ]);
  assert.match(parseCsv('a\n"open\n').at(-1)!.error!, /a quoted field opened on line 2 is never closed/);
  assert.match(parseCsv('a,b\n"x"y,1\n').at(-1)!.error!, /unexpected text after a closing quote on line 2/);
});

test('CSV: columns map to instruction, prompt-completion, text and JSON-encoded messages records; the format is detected per file', () => {
  const instruction = readDataset('instruction,input,output\nTranslate,Good morning,Bonjour\n', 'd.csv');
  assert.equal(instruction.container, 'csv');
  assert.deepEqual(instruction.records[0].value, { instruction: 'Translate', input: 'Good morning', output: 'Bonjour' });
  assert.equal(instruction.records[0].line, 2);
  const messages = JSON.stringify([{ role: 'user', content: 'Hi, there' }, { role: 'assistant', content: 'Hello "you"' }]);
  const chatCsv = `messages\n"${messages.replace(/"/g, '""')}"\n`;
  assert.deepEqual(readDataset(chatCsv, 'c.csv').records[0].value, { messages: JSON.parse(messages) });
  for (const [csv, format] of [
    ['prompt,completion\nOnce,upon\n', 'prompt-completion'], ['text\nA document.\n', 'text'], [chatCsv, 'chat'], ['instruction,output\nDo,Done\n', 'instruction'],
  ]) {
    assert.equal(lintText('f.csv', csv, QUIET).format, format, csv);
  }
  // a .jsonl name keeps JSONL reading
  assert.equal(readDataset('text\nA document.\n', 'd.jsonl').container, 'jsonl');
});

test('CSV: rules run on the rows; findings point at the row line without fixes; broken rows and headers are reported, not thrown', () => {
  const csv = 'prompt,completion\n'
    + 'Write to me,at jane.doe@example.org\n'
    + '"Say hello","<b>Hello</b>"\n'
    + 'Write to me,at jane.doe@example.org\n'
    + 'one,two,three\n'
    + '"unterminated,x\n';
  const found = lintText('d.csv', csv, QUIET).findings;
  assert.deepEqual(found.map((f) => [f.line, f.code, f.column, f.endLine]), [
    [2, 'pii', 1, 2], [3, 'markup-noise', 1, 3], [4, 'duplicate', 1, 4], [4, 'pii', 1, 4], [5, 'invalid-json', 1, 5], [6, 'invalid-json', 1, 6],
  ]);
  assert.ok(found.every((f) => f.fixes === undefined), 'a CSV row cannot take a JSON edit');
  assert.equal(found[4].message, 'invalid CSV row: row has 3 fields but the header has 2 columns (quote fields that contain commas)');
  assert.match(found[5].message, /^invalid CSV row: a quoted field opened on line 6 is never closed/);
  const badJson = lintText('m.csv', 'messages\n"[{""role"": ""user"""\n', QUIET).findings;
  assert.match(badJson[0].message, /^invalid CSV row: column "messages" must hold JSON \(a list of messages\)/);
  const dupHeader = lintText('h.csv', 'text,text\na,b\n', QUIET);
  assert.deepEqual(dupHeader.findings.map((f) => [f.line, f.code, f.message]), [[1, 'invalid-json', 'CSV header names the column "text" twice: rename one']]);
  const [unknown] = lintText('q.csv', 'question,answer\nWhat?,That.\n', QUIET).findings;
  assert.match(unknown.message, /^the record has none of the fields of a known format: .*; the file's columns: question, answer \(rename them to one format's\)$/);
  assert.deepEqual(lintText('e.csv', '', QUIET).findings, []);
  assert.equal(lintText('e.csv', 'text\n', QUIET).records, 0);
});
