// The start of a large document linted ahead of the whole file (the editor's first sight): cut anywhere, it holds
// only whole records, and its findings are the whole file's findings on those records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headText } from '../../src/core/dataset/head-text';
import { lintText, type Finding } from '../../src/core/lint';

const records = Array.from({ length: 40 }, (_, i) => ({
  messages: [{ role: 'user', content: `Question ${i}:\nwith a second line, "quoted", and an e-mail ${i % 7 === 0 ? 'jo@example.com' : 'nowhere'}` },
    { role: 'assistant', content: `Answer ${i}.` }],
  id: 1000 + i,
}));
const csv = ['messages', ...records.map((r) => `"${JSON.stringify(r.messages).replace(/"/g, '""')}"`)].join('\n') + '\n';
// A CSV file whose cells hold line breaks: rows span lines, so a cut at a line may fall inside a row.
const csvLines = ['instruction,output', ...records.map((r, i) => `"${r.messages[0].content.replace(/"/g, '""')}",Answer ${i}.`)].join('\n') + '\n';
const array = `${JSON.stringify(records, null, 2)}\n`;
const jsonl = records.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** The findings of the head's records, as the editor shows them before the whole file's (no dataset-level codes). */
const perRecord = (fs: Finding[]): string[] => fs.filter((f) => !['too-few-records', 'answer-skew', 'length-outlier', 'duplicate', 'near-duplicate'].includes(f.code))
  .map((f) => `${f.code}@${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.message}`);

test('headText: cut after any line, the head holds whole records only, and their findings are the whole file\'s', () => {
  for (const [name, text] of [['d.csv', csv], ['l.csv', csvLines], ['a.json', array], ['d.jsonl', jsonl]] as const) {
    const full = new Set(perRecord(lintText(name, text).findings));
    const lines = text.split('\n');
    let heads = 0;
    for (let n = 1; n < lines.length; n++) {
      const cut = lines.slice(0, n).join('\n') + '\n';
      const head = headText(cut, name.endsWith('.csv'));
      if (head === undefined) continue;
      heads++;
      assert.ok(cut.startsWith(head.replace(/\n\]$/, '')), `${name}, ${n} lines: the head is the text's start`);
      const found = lintText(name, head).findings;
      assert.ok(!found.some((f) => f.code === 'invalid-json'), `${name}, ${n} lines: ${JSON.stringify(found.find((f) => f.code === 'invalid-json'))}`);
      for (const f of perRecord(found)) assert.ok(full.has(f), `${name}, ${n} lines: ${f} is not a finding of the whole file`);
    }
    assert.ok(heads > lines.length / 2, `${name}: ${heads} heads`);
  }
});

test('headText: a JSON array cut inside a value is cut before it (a line ends a number); a closed one is kept whole; no whole record gives none', () => {
  assert.equal(headText('[1, 2, 123\n', false), '[1, 2, 123\n]');
  assert.equal(headText('[{"a": "b, ]"}, {"a": "c\n', false), '[{"a": "b, ]"}\n]');
  assert.equal(headText('[1, 2]\n', false), '[1, 2]\n');
  assert.equal(headText('[{"a": 1\n', false), undefined);
  assert.equal(headText('prompt,completion\n"open\n', true), 'prompt,completion\n');
  assert.equal(headText('"open\n', true), undefined);
});
