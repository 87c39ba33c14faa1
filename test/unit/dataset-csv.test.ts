import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataset } from '../../src/core/dataset';
import { csvRecords, parseCsv } from '../../src/core/dataset/csv';
import { lintText, type LintOptions, type TextEdit } from '../../src/core/lint';
import { recordStringEdits, STRING_CLEANUPS } from '../../src/host/stringValueFixes';

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
  // The quotes of the quoted part are undone; the text after the closing quote is taken as written.
  assert.deepEqual(parseCsv('a,b\n"a""b"x""y,1\n').at(-1)!.fields, ['a"bx""y', '1']);
  // A carriage return alone ends a row for Python's csv module (the trainer) but not a line here: the row is reported,
  // after a closing quote or in an unquoted field; inside quotes it is the field's text for both.
  for (const text of ['a,b\n"x"\r"y",1\n', 'a,b\nx\ry,1\n']) {
    const rows = parseCsv(text);
    assert.deepEqual(rows.map((r) => r.line), [1, 2], JSON.stringify(text));
    assert.match(rows[1].error!, /a carriage return \(CR\) without a line feed on line 2: the trainer would end the row there/, JSON.stringify(text));
  }
  assert.deepEqual(parseCsv('a,b\n"x\ry",1\r\n').map((r) => [r.fields, r.error]), [[['a', 'b'], undefined], [['x\ry', '1'], undefined]]);
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

test('CSV: rules run on the rows; findings point into the cells; broken rows and headers are reported on the row, not thrown', () => {
  const csv = 'prompt,completion\n'
    + 'Write to me,at jane.doe@example.org\n'
    + '"Say hello","<b>Hello</b>"\n'
    + 'Write to me,at jane.doe@example.org\n'
    + 'one,two,three\n'
    + '"unterminated,x\n';
  const found = lintText('d.csv', csv, QUIET).findings;
  assert.deepEqual(found.map((f) => [f.line, f.code, f.column, f.endLine, f.endColumn]), [
    [2, 'pii', 16, 2, 36], [3, 'markup-noise', 14, 3, 17], [4, 'duplicate', 1, 4, 36], [4, 'pii', 16, 4, 36], [5, 'invalid-json', 1, 5, 2], [6, 'invalid-json', 1, 6, 2],
  ]);
  assert.deepEqual(found.map((f) => f.fixes?.length ?? 0), [1, 1, 1, 1, 0, 0]);
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

function offsetAt(text: string, line: number, column: number): number {
  let o = 0;
  for (let l = 1; l < line; l++) o = text.indexOf('\n', o) + 1;
  return o + column - 1;
}

/** Applies the first fix of the first fixable finding, lints again, and so on: what a user picking quick fixes one by one gets. */
function fixOneByOne(name: string, text: string): { text: string; fixed: string[] } {
  const fixed: string[] = [];
  for (let k = 0; k < 20; k++) {
    const f = lintText(name, text, QUIET).findings.find((x) => x.fixes?.length);
    if (!f) break;
    fixed.push(`${f.code}@${f.line}`);
    for (const e of [...f.fixes![0].edits].reverse()) text = text.slice(0, offsetAt(text, e.line, e.column)) + e.newText + text.slice(offsetAt(text, e.endLine, e.endColumn));
  }
  return { text, fixed };
}

test('CSV: quick fixes edit the cells in CSV syntax (doubled quotes, quoting a cell that needs it, multi-line fields) and delete duplicate rows', () => {
  const csv = 'instruction,input,output\n'
    + 'Translate,"He said ""call me"" at jane.doe@example.org",Bonjour\n'
    + '"Summarise","two\nlines <b>bold</b> here",Résumé\n'
    + 'Sum,say &quot;hi&quot; to bob@example.com,Done\n'
    + 'Translate,"He said ""call me"" at jane.doe@example.org",Bonjour\n';
  const first = lintText('d.csv', csv, QUIET).findings;
  // the e-mail after the doubled quotes, the tag on the second line of a quoted field
  assert.deepEqual(first.filter((f) => f.code !== 'duplicate').map((f) => [f.code, f.line, f.column, f.endColumn]), [
    ['pii', 2, 35, 55], ['markup-noise', 4, 7, 10], ['markup-noise', 5, 9, 15], ['pii', 5, 27, 42], ['pii', 6, 35, 55],
  ]);
  const result = fixOneByOne('d.csv', csv);
  assert.deepEqual(result.fixed, ['pii@2', 'markup-noise@4', 'markup-noise@5', 'pii@5', 'pii@6', 'duplicate@6']);
  assert.equal(result.text, 'instruction,input,output\n'
    + 'Translate,"He said ""call me"" at [EMAIL]",Bonjour\n'
    + '"Summarise","two\nlines bold here",Résumé\n'
    + 'Sum,"say ""hi"" to [EMAIL]",Done\n'); // the decoded entities need quotes: the cell is quoted
  assert.deepEqual(readDataset(result.text, 'd.csv').records.map((r) => r.value), [
    { instruction: 'Translate', input: 'He said "call me" at [EMAIL]', output: 'Bonjour' },
    { instruction: 'Summarise', input: 'two\nlines bold here', output: 'Résumé' },
    { instruction: 'Sum', input: 'say "hi" to [EMAIL]', output: 'Done' },
  ]);

  // A messages column holds JSON inside a quoted cell: edits are JSON, then CSV-quoted.
  const messages = JSON.stringify([{ role: 'human', content: 'Mail me at a.b@example.com' }, { role: 'assistant', content: 'CafÃ© "ok"' }]);
  const chat = `messages\n"${messages.replace(/"/g, '""')}"\n`;
  const fixedChat = fixOneByOne('c.csv', chat);
  assert.deepEqual(fixedChat.fixed, ['unknown-role@2', 'pii@2', 'encoding@2']);
  assert.deepEqual(readDataset(fixedChat.text, 'c.csv').records[0].value, {
    messages: [{ role: 'user', content: 'Mail me at [EMAIL]' }, { role: 'assistant', content: 'Café "ok"' }],
  });
  assert.deepEqual(lintText('c.csv', fixedChat.text, QUIET).findings, []);
});

test('CSV: deleting the last row without a line break, and a duplicate spanning lines, leaves the other rows intact', () => {
  const csv = 'prompt,completion\r\n"a\r\nb",c\r\n"a\r\nb",c\r\nx,y\r\n"a\r\nb",c';
  const result = fixOneByOne('p.csv', csv);
  assert.deepEqual(result.fixed, ['duplicate@4', 'duplicate@5']);
  assert.equal(result.text, 'prompt,completion\r\n"a\r\nb",c\r\nx,y\r\n');
});

test('CSV: a header with an index-like column name (JSON objects list those first) still maps findings to the right cell', () => {
  const csv = 'text,1\n"Mail me at a.b@example.org today, please",note\n';
  const [pii] = lintText('n.csv', csv, QUIET).findings.filter((f) => f.code === 'pii');
  assert.deepEqual([pii.line, pii.column, pii.endColumn], [2, 13, 28]);
  assert.equal(csv.split('\n')[1].slice(pii.column - 1, pii.endColumn - 1), 'a.b@example.org');
});

test('CSV clean-ups (trim, NFC) edit the cells, and the strings inside a messages cell, of one row or of all', () => {
  const csv = 'instruction,input,output\n'
    + '"  Translate  ",Good morning  ,Bonjour\n'
    + 'Cafe\u0301,"two\nlines ",ok\n';
  const apply = (text: string, edits: TextEdit[]): string => {
    for (const e of [...edits].reverse()) text = text.slice(0, offsetAt(text, e.line, e.column)) + e.newText + text.slice(offsetAt(text, e.endLine, e.endColumn));
    return text;
  };
  const row2 = recordStringEdits(csv, 'd.csv', STRING_CLEANUPS.trim, 2);
  assert.equal(apply(csv, row2), 'instruction,input,output\n"Translate",Good morning,Bonjour\nCafe\u0301,"two\nlines ",ok\n');
  assert.equal(apply(csv, recordStringEdits(csv, 'd.csv', STRING_CLEANUPS.trim, 4)), csv.replace('lines ",', 'lines",'), 'line 4 is in the row of line 3');
  assert.equal(apply(csv, recordStringEdits(csv, 'd.csv', STRING_CLEANUPS.nfc)), csv.replace('Cafe\u0301', 'Caf\u00e9'));
  assert.deepEqual(recordStringEdits(csv, 'd.csv', STRING_CLEANUPS.nfc, 2), []);
  const messages = JSON.stringify([{ role: 'user', content: '  Hi  ' }, { role: 'assistant', content: 'Hello.\n' }]);
  const chat = `messages\n"${messages.replace(/"/g, '""')}"\n`;
  const fixed = apply(chat, recordStringEdits(chat, 'c.csv', STRING_CLEANUPS.trim));
  assert.deepEqual(readDataset(fixed, 'c.csv').records[0].value, { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }] });
});

test('CSV: a row read before under the same header takes its record from the reuse hook instead of parsing its cells', () => {
  const text = 'messages,note\n"[{""role"":""user"",""content"":""hi""}]",a\n"[{""role"":""user"",""content"":""yo""}]",b\nbroken,"x\n';
  const asked: string[] = [];
  const known = { value: { messages: [], note: 'kept' }, text: '{"kept":true}' };
  const { records, header } = csvRecords(text, (start, end, h) => {
    const row = text.slice(start, end);
    asked.push(row);
    assert.equal(h, 'messages,note');
    return row.endsWith(',a') ? known : undefined;
  });
  assert.equal(header, 'messages,note');
  assert.deepEqual(asked, ['"[{""role"":""user"",""content"":""hi""}]",a', '"[{""role"":""user"",""content"":""yo""}]",b'], 'rows with a read error are not asked for');
  assert.equal(records[0].value, known.value);
  assert.equal(records[0].text, known.text);
  assert.equal(records[0].fileMap!.position(0).line, 2, 'positions still come from this text');
  assert.deepEqual(records.map((r) => r.offset), [14, 14 + asked[0].length + 1, text.indexOf('broken')], 'each row says where it starts');
  assert.deepEqual(records[1].value, { messages: [{ role: 'user', content: 'yo' }], note: 'b' });
  assert.ok(records[2].error);
});

test('CSV: rows known from before are taken by their extent without being scanned; their fields are read only when asked', () => {
  const text = 'instruction,output\r\n"Say ""hi""",Hi.\r\n"Two\nlines",Yes\r\nlast,row';
  const fresh = parseCsv(text);
  const asked: number[] = [];
  const rows = parseCsv(text, (start) => {
    asked.push(start);
    const r = fresh.find((x) => x.start === start && x.line > 1);
    return r && { length: r.end - r.start, lines: r.endLine - r.line, newline: !r.newlineAfter ? 0 : text[r.end] === '\r' ? 2 : 1 };
  });
  assert.deepEqual(asked, fresh.map((r) => r.start), 'asked at each row start, the header included');
  const shape = (r: { start: number; end: number; line: number; endLine: number; newlineAfter: boolean }): number[] => [r.start, r.end, r.line, r.endLine, +r.newlineAfter];
  assert.deepEqual(rows.map(shape), fresh.map(shape));
  assert.deepEqual(rows.map((r) => r.fields), fresh.map((r) => r.fields), 'read when asked');
  assert.deepEqual(rows.map((r) => r.spans), fresh.map((r) => r.spans));
});
