// The dataset status bar's text (src/host/datasetStatusText.ts): the detected format and record count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../src/core/lint';
import { datasetStatus } from '../../src/host/datasetStatusText';

const chat = (q: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

test('status: the file\'s format and record count; the tooltip counts every format and the invalid lines', () => {
  const lines = Array.from({ length: 1203 }, (_, i) => chat(`Question ${i}?`, `Answer ${i}.`));
  lines.push(JSON.stringify({ instruction: 'Add 2 and 2.', output: '4' }), '{broken', '');
  const s = datasetStatus(lintText('d.jsonl', lines.join('\n')));
  assert.equal(s.text, '$(database) chat · 1,205 records');
  assert.match(s.tooltip, /^Tunelab: chat \(messages\) dataset, 1,205 records \(1 not valid JSON\)\./);
  assert.match(s.tooltip, /Formats: chat 1,203, instruction 1; records of another format than the file's get a schema finding\./);
  assert.doesNotMatch(s.tooltip, /Re-checking/);
  assert.match(datasetStatus(lintText('d.jsonl', lines.join('\n')), true).tooltip, /Re-checking after an edit/);
});

test('status: one record, ShareGPT, and an empty file', () => {
  const one = datasetStatus(lintText('s.jsonl', JSON.stringify({ conversations: [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello' }] }) + '\n'));
  assert.equal(one.text, '$(database) sharegpt · 1 record');
  assert.match(one.tooltip, /ShareGPT \(conversations\) dataset, 1 record\./);
  assert.doesNotMatch(one.tooltip, /Formats:/);
  assert.equal(datasetStatus(lintText('e.jsonl', '')).text, '$(database) empty dataset');
});
