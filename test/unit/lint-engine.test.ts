// The lint engine: the fingerprint shared through the record view, the parallel lint (same output as the serial
// one), the rule groups it relies on, and the incremental session of the editor (same output as a full lint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentFingerprint } from '../../src/core/dataset/canonical';
import { readDataset } from '../../src/core/dataset/read';
import { createLintSession, lintFiles, lintFilesParallel, lintText, RULES, type LintOptions } from '../../src/core/lint';
import { FileContext } from '../../src/core/lint/context';
import { splitLines } from '../../src/core/lint/lint-parallel';
import { buildRecordView } from '../../src/core/lint/record-view';
import { PER_RECORD_CODES } from '../../src/core/lint/rule-groups';
import { duplicateRule } from '../../src/core/lint/rules/duplicate';
import { nearDuplicateRule } from '../../src/core/lint/rules/near-duplicate';
import { chatJsonl, cleanChat, makeCorpus, rng, writeCorpus } from './support/lint-corpus';

test('record view: the content fingerprint is computed once when the view is built, and duplicate and near-duplicate use that one', () => {
  const [a, b] = readDataset([JSON.stringify(cleanChat(rng(1))), JSON.stringify(cleanChat(rng(2)))].join('\n')).records;
  const va = buildRecordView(a), vb = buildRecordView(b);
  assert.equal(va.fingerprint, contentFingerprint(a.value, va.format));
  assert.notEqual(va.fingerprint, vb.fingerprint);
  assert.equal(buildRecordView(a, { fingerprint: false }).fingerprint, undefined);
  // Two different records whose views carry the same fingerprint: the rules compare the views' field, not a recomputation.
  vb.fingerprint = va.fingerprint;
  const ctx = new FileContext('d.jsonl');
  for (const rule of [duplicateRule, nearDuplicateRule]) {
    const v = rule.create(ctx);
    v.record!(va);
    v.record!(vb);
  }
  assert.deepEqual(ctx.findings.map((f) => [f.code, f.line]), [['duplicate', 2]]);
});

test('rule groups: the rules that run on slices of a file (workers) and per cached line (session) keep no state across records', () => {
  const ctx = new FileContext('d.jsonl');
  for (const rule of RULES.filter((r) => PER_RECORD_CODES.includes(r.code))) {
    assert.equal(rule.create(ctx).finish, undefined, `${rule.code} has a finish(): it sums up the file and cannot run per slice`);
  }
  assert.ok(PER_RECORD_CODES.includes('pii') && !PER_RECORD_CODES.includes('schema') && !PER_RECORD_CODES.includes('duplicate'));
});

test('splitLines: ranges of whole lines, each after the first starting at a line that is a JSON object, with the right line numbers', () => {
  const lines = ['{"a": 1}', '', '[1, 2]', '{"b": 2}', '{broken', '{"c": 3}', '{"d": 4}', '  {"e": 5}', '{"f": 6}'];
  const buf = Buffer.from(lines.join('\n') + '\n');
  for (let n = 1; n <= 6; n++) {
    const ranges = splitLines(buf, n);
    assert.equal(ranges[0].start, 0);
    assert.equal(ranges.at(-1)!.end, buf.length);
    for (let k = 1; k < ranges.length; k++) {
      const r = ranges[k];
      assert.equal(r.start, ranges[k - 1].end);
      const first = buf.toString('utf8', r.start, buf.indexOf(0x0a, r.start));
      assert.equal(first, lines[r.lineOffset], `range ${k} of ${n} starts at line ${r.lineOffset + 1}`);
      assert.doesNotThrow(() => JSON.parse(first));
      assert.ok(first.startsWith('{'));
    }
  }
  assert.ok(splitLines(buf, 4).length >= 3);
});

test('parallel lint: the same output as the serial one on the planted-defect corpus (with eval files, 1 to 3 workers, per-code limit hit)', async () => {
  const corpus = makeCorpus(777, 1500);
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-par-'));
  try {
    const path = (name: string): string => join(dir, name);
    writeCorpus(corpus, dir);
    const big = path('big.jsonl');
    writeFileSync(big, chatJsonl(600_000, 3)); // many duplicates and near-duplicates spread over every slice
    const train = [...corpus.files.filter((f) => f.role === 'train').map((f) => path(f.name)), big];
    const evalFiles = corpus.files.filter((f) => f.role === 'eval').map((f) => path(f.name));
    for (const extra of [{}, { maxFindingsPerCode: 3 }] as LintOptions[]) {
      const opts = { ...corpus.options, ...extra, evalFiles };
      const serial = lintFiles(train, opts);
      assert.ok(serial.diagnostics.length > (extra.maxFindingsPerCode ? 40 : 200), `${serial.diagnostics.length} findings to compare`);
      for (const jobs of [2, 4]) {
        const parallel = await lintFilesParallel(train, { ...opts, jobs, minParallelBytes: 0 });
        assert.deepEqual(parallel, serial, `jobs ${jobs}, ${JSON.stringify(extra)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint session: each update equals a full lint of the new text (fixes included), and a one-line edit re-reads one line', () => {
  const corpus = makeCorpus(99, 400);
  const file = corpus.files.find((f) => f.role === 'train' && f.lines.length > 200)!;
  const opts: LintOptions = { ...corpus.options };
  const session = createLintSession('d.jsonl', opts);
  const lines = [...file.lines];
  const check = (what: string, text = lines.join('\n') + '\n'): void => {
    assert.deepEqual(session.update(text), lintText('d.jsonl', text, opts), what);
  };
  check('first update');
  assert.equal(session.lastUpdate.linesChecked, lines.length - lines.filter((l) => !l.trim()).length);

  const r = rng(5);
  const edits: [string, () => void][] = [
    ['edit one word of a line', () => { const i = 40; lines[i] = lines[i].replace(/ [a-z]+ /, ' lantern '); }],
    ['insert a duplicate of line 10 near the top', () => { lines.splice(3, 0, lines[10]); }],
    ['delete a line', () => { lines.splice(20, 1); }],
    ['break a line\'s JSON', () => { lines[50] = lines[50].slice(0, -2); }],
    ['repair it', () => { lines[50] = file.lines[51]; }],
    ['insert blank lines and CRLF', () => { lines.splice(60, 0, '', '   '); lines[70] += '\r'; }],
    ['move a block of lines', () => { const block = lines.splice(100, 10); lines.splice(5, 0, ...block); }],
    ['put a line with an email in', () => { lines.push(JSON.stringify({ messages: [{ role: 'user', content: 'mail me at jo@example.com' }, { role: 'assistant', content: 'Sure.' }] })); }],
    ['edit the first line', () => { lines[0] = lines[0].replace('"', ' "'); }],
    ['split a line in two (both invalid), then join them again', () => { const t = lines[30]; lines.splice(30, 1, t.slice(0, 40), t.slice(40)); }],
    ['join', () => { lines.splice(30, 2, lines[30] + lines[31]); }],
    ['delete the last lines', () => { lines.splice(-3, 3); }],
    ['random edits', () => { for (let k = 0; k < 5; k++) { const i = Math.floor(r() * lines.length); lines[i] = lines[i].replace('e', 'E'); } }],
  ];
  for (const [what, edit] of edits) {
    edit();
    check(what);
  }
  const before = lines[40];
  lines[40] = lines[40].replace(/"content":"/, '"content":"Well, ');
  assert.notEqual(lines[40], before);
  check('one-line edit');
  assert.deepEqual(session.lastUpdate, { linesChecked: 1, linesReused: lines.filter((l) => l.trim()).length - 1, linesSeeded: 0, full: false });
  check('no trailing newline', lines.join('\n'));
  check('a JSON array instead: held value by value', `[${lines.filter((l) => l.trim()).slice(0, 5).join(',\n')}]`);
  assert.equal(session.lastUpdate.full, false);
  check('one line of it: read in full', `[${lines.filter((l) => l.trim()).slice(0, 5).join(',')}]`);
  assert.equal(session.lastUpdate.full, true, 'two values start on one line');
  check('back to JSONL');
  check('empty', '');
  const csv = createLintSession('d.csv', opts);
  const csvText = 'prompt,completion\n{"a": 1},x\nWhat is 2+2?,4\n';
  assert.deepEqual(csv.update(csvText), lintText('d.csv', csvText, opts));
  assert.equal(csv.lastUpdate.full, false, 'a .csv document is read as CSV, row by row');
});
