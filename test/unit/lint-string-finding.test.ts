import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataset } from '../../src/core/dataset';
import { FileContext } from '../../src/core/lint/context';
import { buildRecordView } from '../../src/core/lint/record-view';
import { reportStringFindings } from '../../src/core/lint/rules/string-finding';

test('reportStringFindings: a match in a string with escapes is reported at its source range, with a span or whole-string fix', () => {
  const line = JSON.stringify({ messages: [{ role: 'user', content: 'caf\u00e9 "quoted"\nNEEDLE here' }, { role: 'assistant', content: 'ok NEEDLE' }] })
    .replace('é', '\\u00e9');
  const [rec] = readDataset(line).records;
  const ctx = new FileContext('d.jsonl');
  reportStringFindings(ctx, buildRecordView(rec), (s) => {
    const at = s.text.indexOf('NEEDLE');
    if (at < 0) return [];
    const whole = s.path.includes(1);
    return [{ code: 'pii', severity: 'warning', message: `in ${s.path.join('.')}`, start: at, end: at + 6,
      fix: whole ? { title: 'rewrite', text: 'line\n"two"', whole: true } : { title: 'redact', text: 'a "b"' } }];
  });
  assert.deepEqual(ctx.findings.map((f) => [f.message, line.slice(f.column - 1, f.endColumn - 1)]), [['in messages.0.content', 'NEEDLE'], ['in messages.1.content', 'NEEDLE']]);
  const apply = (edit: { column: number; endColumn: number; newText: string }): unknown => JSON.parse(line.slice(0, edit.column - 1) + edit.newText + line.slice(edit.endColumn - 1));
  const [first, second] = ctx.findings.map((f) => f.fixes![0].edits[0]);
  assert.equal((apply(first) as { messages: { content: string }[] }).messages[0].content, 'café "quoted"\na "b" here');
  assert.equal((apply(second) as { messages: { content: string }[] }).messages[1].content, 'line\n"two"');
});
