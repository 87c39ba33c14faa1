// The lint worker reads a large, unmodified document from its file (src/host/documentFile.ts) only when the file's
// bytes are the UTF-8 of the text the editor shows: everything that would make them differ is refused, with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentFacts, readDocumentFile } from '../../src/host/documentFile';

const line = (i: number): string => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: naïve 東京 😀?` }, { role: 'assistant', content: `Answer ${i}.` }] });
const TEXT = Array.from({ length: 500 }, (_, i) => line(i)).join('\n') + '\n';
const factsOf = (text: string) => {
  const lines = text.split('\n');
  return documentFacts(lines.length, (i) => lines[i]);
};

function withFile(content: string | Buffer, check: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-docfile-'));
  try {
    const path = join(dir, 'd.jsonl');
    writeFileSync(path, content);
    check(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('document facts: the first and last eight lines and lines spread between, each with its length and start', () => {
  const middle = documentFacts(1000, () => '').samples[30].line;
  const lines = Array.from({ length: 1000 }, (_, i) => (i === middle ? 'x'.repeat(10_000) : `line ${i}`));
  const facts = documentFacts(lines.length, (i) => lines[i]);
  const at = facts.samples.map((s) => s.line);
  assert.equal(facts.lineCount, 1000);
  for (const i of [0, 7, 992, 999]) assert.ok(at.includes(i), `line ${i} sampled`);
  assert.ok(at.length >= 50 && at.length <= 64, `${at.length} samples`);
  assert.deepEqual(at, [...at].sort((a, b) => a - b));
  const long = facts.samples.find((s) => s.line === middle);
  assert.ok(long, 'a middle line sampled');
  assert.equal(long.length, 10_000);
  assert.equal(long.head.length, 4096, 'a long line sends only its start');
  assert.deepEqual(documentFacts(1, () => '').samples, [{ line: 0, length: 0, head: '' }]);
});

test('a file that is the UTF-8 of the document is read into shared memory, bytes for bytes', () => {
  withFile(TEXT, (path) => {
    const r = readDocumentFile(path, factsOf(TEXT));
    assert.equal(r.why, undefined);
    assert.ok(r.bytes && r.bytes.buffer instanceof SharedArrayBuffer);
    assert.equal(r.bytes.toString('utf8'), TEXT);
  });
  withFile(TEXT.trimEnd(), (path) => assert.ok(readDocumentFile(path, factsOf(TEXT.trimEnd())).bytes, 'no line break at the end'));
});

test('a file that differs from the document is refused, saying why', () => {
  const lines = TEXT.split('\n');
  const sampled = factsOf(TEXT).samples.map((s) => s.line);
  const k = sampled[25];
  const changedMiddle = TEXT.replace(`Question ${k}:`, `Question ${k}!`); // the same length, at a sampled line's start
  const longer = lines.map((l, i) => (i === sampled[20] ? l + ' ' : l)).join('\n');
  const cases: [string, string | Buffer, RegExp][] = [
    ['a byte order mark (VS Code drops it)', '\ufeff' + TEXT, /byte order mark/],
    ['CRLF line ends (VS Code may normalise them)', TEXT.replace(/\n/g, '\r\n'), /carriage returns/],
    ['Latin-1 bytes', Buffer.from(TEXT, 'latin1'), /not UTF-8/],
    ['one line more at the end', TEXT + line(999) + '\n', /line 501 differs/],
    ['a sampled line longer', longer, new RegExp(`line ${sampled[20] + 1} differs`)],
    ['a sampled line changed at its start', changedMiddle, new RegExp(`line ${k + 1} differs`)],
  ];
  for (const [what, content, why] of cases) {
    withFile(content, (path) => {
      const r = readDocumentFile(path, factsOf(TEXT));
      assert.equal(r.bytes, undefined, what);
      assert.match(r.why ?? '', why, what);
    });
  }
  withFile(TEXT, (path) => assert.match(readDocumentFile(path, { ...factsOf(TEXT), lineCount: 600 }).why ?? '', /501 lines, the document has 600/));
  assert.match(readDocumentFile(join(tmpdir(), 'no-such-dir-tunelab', 'd.jsonl'), factsOf(TEXT)).why ?? '', /unreadable/);
});
