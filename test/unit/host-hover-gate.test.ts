// The record hover's text and the training gate's verdict, from real lint results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { lintText } from '../../src/core/lint';
import { loadTokenizer } from '../../src/core/tokenizer/model-tokenizer';
import { fenceFor, recordHoverMarkdown, truncateMiddle } from '../../src/host/recordHoverText';
import { estimateRecordTokens } from '../../src/host/recordTokens';
import { Linter } from '../../src/host/linter';
import { judgeForTraining, refusalText, trainingOfForm, warningText } from '../../src/host/trainingGateText';

const REPO = join(__dirname, '..', '..', '..');
const record = { messages: [{ role: 'user', content: 'Say hi.' }, { role: 'assistant', content: 'Hi! ```code```' }] };

test('hover with the bundled tokenizer: exact count and the rendered template in a fence the text cannot close', () => {
  const tok = loadTokenizer(join(REPO, 'models', 'tunelab-tiny-llama'));
  const counted = tok.countRecord(record);
  assert.equal(counted.kind, 'chat');
  if (counted.kind !== 'chat') return;
  const md = recordHoverMarkdown({ exact: true, label: `tokenizer of ${tok.name}`, tokens: counted.tokens, rendered: counted.rendered });
  assert.match(md, new RegExp(`^\\*\\*${counted.tokens} tokens\\*\\* \\(tokenizer of tunelab-tiny-llama\\)`));
  assert.ok(md.includes('<|assistant|>'), 'the rendered template shows the role markers');
  assert.ok(md.includes('````text\n'), 'the fence is longer than the ``` inside the record');
});

test('hover without a tokenizer says it is an estimate, and says why a record is not trained on', () => {
  const est = estimateRecordTokens(record, 'estimate: tokenizer not found');
  assert.equal(est.exact, false);
  assert.ok(est.tokens! > 0);
  assert.match(recordHoverMarkdown(est), /^\*\*≈ \d+ tokens\*\* \(estimate: tokenizer not found\)/);
  const skipped = estimateRecordTokens({ messages: [{ role: 'user', content: 'no answer' }] }, 'estimate');
  assert.match(recordHoverMarkdown(skipped), /Not trained on:.*assistant/);
});

test('long renders keep the start and the end with a note in the middle', () => {
  const long = 'A'.repeat(3000) + 'END';
  const t = truncateMiddle(long, 1000);
  assert.ok(t.length < 1100);
  assert.ok(t.startsWith('AAA') && t.endsWith('END'));
  assert.match(t, /characters left out/);
  assert.equal(truncateMiddle('short', 1000), 'short');
  assert.equal(fenceFor('no ticks'), '```');
});

test('training gate: errors stop with counts by code and the first line; warnings are summed up', () => {
  const good = JSON.stringify(record);
  const bad = lintText('t.jsonl', [good, '{"messages": [', JSON.stringify({ messages: 'x' }), good].join('\n') + '\n');
  const v = judgeForTraining(bad);
  assert.equal(v.ok, false);
  assert.ok(v.errors >= 2);
  assert.equal(v.errorFindings[0].line, 2);
  assert.match(v.errorCodes, /invalid-json ×1/);
  assert.match(refusalText('t.jsonl', v), /^Tunelab: t\.jsonl has \d+ errors to fix before training \(.*invalid-json ×1.*\)\. First: line 2: /);
  const warned = judgeForTraining(lintText('t.jsonl', [good, good].join('\n') + '\n'));
  assert.equal(warned.ok, true);
  assert.ok(warned.warnings >= 1);
  assert.match(warningText('t.jsonl', warned), /duplicate ×1.*training goes ahead/);
});

test('training gate: the form\'s epochs and effective batch go to the lint when both are valid; its warning names the run', () => {
  assert.deepEqual(trainingOfForm({ epochs: '2', effective_batch_size: 16 }), { epochs: 2, effectiveBatchSize: 16 });
  assert.equal(trainingOfForm({ epochs: 'many', effective_batch_size: 16 }), undefined);
  assert.equal(trainingOfForm({ epochs: 3, effective_batch_size: 2.5 }), undefined);
  assert.equal(trainingOfForm({}), undefined);
  const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Q${i}?` }, { role: 'assistant', content: `A${i}.` }] }));
  const result = lintText('d.jsonl', lines.join('\n'), { training: trainingOfForm({ epochs: 3, effective_batch_size: 32 }) });
  const verdict = judgeForTraining(result);
  assert.equal(verdict.ok, true);
  assert.match(warningText('d.jsonl', verdict), /too-few-records/);
});

test('hover of a record with tool calls and a weight-0 turn: the rendered call, and which turns are context only', async () => {
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), { warn: () => undefined, error: () => undefined } as unknown as vscode.LogOutputChannel);
  try {
    const value = { messages: [{ role: 'user', content: 'Too dark here.' }, { role: 'assistant', content: 'Which room?', weight: 0 },
      { role: 'user', content: 'Kitchen' }, { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'lights_on', arguments: '{"room": "kitchen"}' } }] }] };
    const info = await linter.recordTokens(JSON.stringify(value), join(REPO, 'models', 'tunelab-tiny-llama'));
    const md = recordHoverMarkdown(info);
    assert.ok(md.includes('<tool_call>{"name": "lights_on", "arguments": {"room": "kitchen"}}</tool_call>'), md);
    assert.match(md, /Context only, no loss on it \(weight 0\): message 2\n/);
    const est = recordHoverMarkdown(estimateRecordTokens(value, 'estimate'));
    assert.match(est, /Context only, no loss on it \(weight 0\): message 2$/);
  } finally {
    linter.dispose();
  }
});
