// The dataset overview's figures from a real lint of a real text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../src/core/lint';
import { computeOverview, duplicateClusters, histogram, quantile } from '../../src/host/overviewData';
import { parseOverviewMessage } from '../../webview/overviewProtocol';

const chat = (q: string, a: string, system?: string): string => JSON.stringify({ messages: [
  ...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: q }, { role: 'assistant', content: a }] });

test('quantiles by nearest rank', () => {
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(quantile(s, 0.1), 1);
  assert.equal(quantile(s, 0.5), 5);
  assert.equal(quantile(s, 0.9), 9);
  assert.equal(quantile([42], 0.9), 42);
  assert.equal(quantile([], 0.5), 0);
});

test('histogram bins cover 0..max and count every value once', () => {
  const values = [0, 1, 5, 19, 20, 99];
  const bins = histogram(values, 10);
  assert.equal(bins[0].from, 0);
  assert.ok(bins[bins.length - 1].to > 99);
  assert.ok(bins.length <= 10);
  assert.equal(bins.reduce((n, b) => n + b.count, 0), values.length);
  assert.deepEqual(histogram([]), []);
});

test('overview of a chat file: formats, roles, token percentiles, a duplicate cluster and findings by code', () => {
  const lines = [
    chat('What is the capital of France?', 'Paris.', 'You are terse.'),
    chat('Name a prime number between ten and twenty, please.', 'Thirteen is one; eleven, seventeen and nineteen are the others.'),
    chat('What is the capital of France?', 'Paris.', 'You are terse.'),
    '{"messages": [',
    JSON.stringify({ text: 'Plain text record for continued pre-training about rivers and mountains.' }),
    chat('What is the capital of France?', 'Paris.', 'You are terse.'),
  ];
  const text = lines.join('\n') + '\n';
  const lint = lintText('/d/x.jsonl', text);
  const o = computeOverview('file:///d/x.jsonl', 'x.jsonl', text, lint);
  assert.equal(o.records, 6);
  assert.equal(o.invalidRecords, 1);
  assert.equal(o.formats.chat, 4);
  assert.equal(o.formats.text, 1);
  assert.equal(o.roles.user, 4);
  assert.equal(o.roles.system, 3);
  assert.ok(o.tokens);
  assert.equal(o.tokens.exact, false);
  assert.equal(o.tokens.label, 'estimate');
  assert.equal(o.tokens.counted, 5);
  assert.ok(o.tokens.p10 <= o.tokens.p50 && o.tokens.p50 <= o.tokens.p90 && o.tokens.p90 <= o.tokens.max);
  assert.equal(o.tokens.bins.reduce((n, b) => n + b.count, 0), 5);
  assert.deepEqual(o.duplicateClusters, [{ kind: 'duplicate', lines: [1, 3, 6] }]);
  const invalid = o.findings.find((g) => g.code === 'invalid-json');
  assert.ok(invalid, `no invalid-json group in ${JSON.stringify(o.findings.map((g) => g.code))}`);
  assert.equal(invalid.severity, 'error');
  assert.deepEqual(invalid.items.map((i) => i.line), [4]);
  assert.equal(o.findings[0].severity, 'error', 'errors come first');
  const dup = o.findings.find((g) => g.code === 'duplicate');
  assert.equal(dup?.count, 2);
  // The page offers Fix All when a group's findings have fixes: duplicates do, invalid JSON does not.
  assert.deepEqual([dup.fixable, invalid.fixable], [true, false]);
});

test('overview messages from the page are checked on arrival: Fix All, reveal with a line, nothing else', () => {
  assert.deepEqual(parseOverviewMessage({ type: 'fixAll' }), { type: 'fixAll' });
  assert.deepEqual(parseOverviewMessage({ type: 'fixAll', codes: ['pii'] }), { type: 'fixAll' }, 'extra fields are dropped');
  assert.deepEqual(parseOverviewMessage({ type: 'reveal', line: 3 }), { type: 'reveal', line: 3 });
  for (const bad of [{ type: 'reveal', line: 0 }, { type: 'reveal', line: '3' }, { type: 'run', command: 'x' }, null, 'fixAll', []]) {
    assert.equal(parseOverviewMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('overview of a CSV dataset: token lengths of its rows, read as CSV by the file name', () => {
  const text = 'instruction,input,output\nTranslate to French.,Good morning,Bonjour\n"Summarise, briefly.",A long text,A summary.\n';
  const o = computeOverview('file:///d/rows.csv', 'rows.csv', text, lintText('/d/rows.csv', text));
  assert.equal(o.records, 2);
  assert.equal(o.formats.instruction, 2);
  assert.equal(o.tokens?.counted, 2);
});

test('clusters join chains of related records, and near copies make a near-duplicate cluster', () => {
  const mk = (line: number, rel: number, code: 'duplicate' | 'near-duplicate') =>
    ({ path: 'p', line, column: 1, endLine: line, endColumn: 2, code, severity: 'warning' as const, message: '', related: [{ path: 'p', line: rel, message: '' }] });
  const { clusters, total } = duplicateClusters([mk(5, 2, 'duplicate'), mk(9, 5, 'near-duplicate'), mk(12, 11, 'duplicate'), mk(20, 1, 'duplicate')]);
  assert.equal(total, 3);
  assert.deepEqual(clusters[0], { kind: 'near-duplicate', lines: [2, 5, 9] });
  assert.deepEqual(clusters.slice(1).map((c) => c.lines), [[1, 20], [11, 12]]);
});
