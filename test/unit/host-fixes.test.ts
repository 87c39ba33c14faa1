// Pure parts of the editor quick fixes: string clean-ups on a line, fix-all merging, and edits replayed on a copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, type Finding, type TextEdit } from '../../src/core/lint';
import { fixAllOfCode, nonOverlapping } from '../../src/core/lint/fix-all';
import { limitNote, shownFindings } from '../../src/host/findingLimit';
import { NFC_NORMALISE, stringValueEdits, stringValueEditsInText, TRIM_WHITESPACE } from '../../src/host/stringValueFixes';
import { applyChanges } from '../../src/core/dataset/text-changes';

/** Applies 1-based line/column edits to a text (as the editor would), last first. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (line: number, col: number): number => lineStarts[line - 1] + col - 1;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column))) {
    out = out.slice(0, offset(e.line, e.column)) + e.newText + out.slice(offset(e.endLine, e.endColumn));
  }
  return out;
}

test('trim edits string values only, never keys, and re-encodes what it changes', () => {
  const line = '{"messages": [{"role": "user", "content": "  hi there \\n"}, {" role ": "assistant", "content": "ok"}]}';
  const edits = stringValueEdits(line, 7, TRIM_WHITESPACE);
  assert.equal(edits.length, 1);
  assert.equal(edits[0].line, 7);
  const fixed = applyEdits(line, edits.map((e) => ({ ...e, line: 1, endLine: 1 })));
  assert.deepEqual(JSON.parse(fixed), { messages: [{ role: 'user', content: 'hi there' }, { ' role ': 'assistant', content: 'ok' }] });
});

test('trim handles escaped quotes and backslashes inside strings', () => {
  const line = String.raw`{"text": " say \"hi\" \\ "}`;
  const fixed = applyEdits(line, stringValueEdits(line, 1, TRIM_WHITESPACE));
  assert.deepEqual(JSON.parse(fixed), { text: 'say "hi" \\' });
});

test('NFC-normalise turns decomposed accents into composed ones and leaves NFC text alone', () => {
  const decomposed = 'cafe\u0301';
  const line = JSON.stringify({ text: decomposed, other: 'café' });
  const edits = stringValueEdits(line, 1, NFC_NORMALISE);
  assert.equal(edits.length, 1);
  assert.equal(JSON.parse(applyEdits(line, edits)).text, 'caf\u00e9');
  assert.deepEqual(stringValueEdits(JSON.stringify({ text: 'café' }), 1, NFC_NORMALISE), []);
});

test('a whole text: edits on the right lines, CRLF kept, invalid lines skipped', () => {
  const text = '{"text": " a"}\r\n{"text": "b"}\r\n{"text": " c \r\n{"text": "d "}';
  const edits = stringValueEditsInText(text, TRIM_WHITESPACE);
  assert.deepEqual(edits.map((e) => e.line), [1, 4]);
  assert.equal(applyEdits(text, edits), '{"text": "a"}\r\n{"text": "b"}\r\n{"text": " c \r\n{"text": "d"}');
});

test('fix all duplicates: one edit per duplicate, applied together they leave the first of each', () => {
  const a = JSON.stringify({ messages: [{ role: 'user', content: 'What is one plus one?' }, { role: 'assistant', content: 'Two.' }] });
  const b = JSON.stringify({ messages: [{ role: 'user', content: 'What is two plus two?' }, { role: 'assistant', content: 'Four.' }] });
  const text = [a, b, a, a, b].join('\n') + '\n';
  const result = lintText('x.jsonl', text);
  const all = fixAllOfCode(result.findings, 'duplicate');
  assert.ok(all, 'expected a fix-all for duplicate');
  assert.equal(all.fixed, 3);
  assert.equal(applyEdits(text, all.edits), [a, b].join('\n') + '\n');
});

test('fix all skips a fix that overlaps one already taken, and needs two fixable findings', () => {
  const f = (line: number, col: number, endCol: number): Finding => ({
    path: 'x', line, column: col, endLine: line, endColumn: endCol, code: 'pii', severity: 'warning', message: 'm', related: [],
    fixes: [{ title: 'Redact', edits: [{ line, column: col, endLine: line, endColumn: endCol, newText: '[EMAIL]' }] }],
  });
  const all = fixAllOfCode([f(1, 5, 10), f(1, 8, 12), f(2, 1, 3)], 'pii');
  assert.ok(all);
  assert.equal(all.fixed, 2);
  assert.deepEqual(all.edits.map((e) => [e.line, e.column]), [[1, 5], [2, 1]]);
  assert.equal(fixAllOfCode([f(1, 1, 2)], 'pii'), undefined);
  assert.equal(nonOverlapping([{ line: 1, column: 1, endLine: 2, endColumn: 1, newText: '' }, { line: 2, column: 1, endLine: 3, endColumn: 1, newText: '' }]).length, 2,
    'deleting two adjacent lines touches at a point: both are kept');
});

test('change events replay on the worker copy; an out-of-range edit throws', () => {
  const text = 'line one\nline two\n';
  // Two changes of one event, listed last-first as the editor lists multi-cursor edits.
  assert.equal(applyChanges(text, [{ offset: 9, length: 4, text: 'LINE' }, { offset: 0, length: 4, text: 'LINE' }]), 'LINE one\nLINE two\n');
  assert.equal(applyChanges('', [{ offset: 0, length: 0, text: 'x' }]), 'x');
  assert.throws(() => applyChanges('abc', [{ offset: 2, length: 5, text: '' }]), RangeError);
});

test('a file shows at most the limit of diagnostics, errors first in line order, and the note counts the rest', () => {
  const lines = [];
  for (let i = 0; i < 30; i++) lines.push(i % 3 === 0 ? '{"messages": [' : JSON.stringify({ messages: [{ role: 'user', content: 'same' }, { role: 'assistant', content: 'same' }] }));
  const result = lintText('x.jsonl', lines.join('\n') + '\n');
  const shown = shownFindings(result.findings, 12);
  assert.equal(shown.length, 12);
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  assert.equal(errors, 10);
  assert.deepEqual(shown.slice(0, 10).map((f) => [f.severity, f.line]), Array.from({ length: 10 }, (_, i) => ['error', 1 + 3 * i]));
  assert.equal(shown[10].severity, 'warning');
  assert.equal(shownFindings(result.findings).length, result.findings.length);
  assert.match(limitNote(12, result.findings.length), /^Showing 12 of \d+ findings \(errors first\)/);
});
