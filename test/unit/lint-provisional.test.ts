// Provisional answers while the editor's session is built (src/core/lint/provisional.ts): the edited lines' own
// findings are exact, and the rest of the last full result is moved with the lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, type FileLintResult, type Finding } from '../../src/core/lint';
import { EditedSpan, provisionalResult, ScanMemo } from '../../src/core/lint/provisional';
import { PER_RECORD_CODES } from '../../src/core/lint/rule-groups';
import { corpusRecords, csvCell, indentedArray, messagesCsv, messagesRows } from './support/dataset-forms';
import { makeCorpus, PII_VALUES, rng, type Rng } from './support/lint-corpus';

interface Change { offset: number; length: number; text: string }

function apply(text: string, changes: readonly Change[], span: EditedSpan): string {
  for (const c of changes) {
    text = text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);
    span.add(c.offset, c.length, c.text);
  }
  return text;
}

const key = (f: Finding): string => JSON.stringify(f);
/** Findings that depend on their record alone: exact in a provisional answer. */
const ownFindings = (r: FileLintResult): string[] => r.findings.filter((f) => PER_RECORD_CODES.includes(f.code)).map(key).sort();
const ofCode = (r: FileLintResult, code: string): Finding[] => r.findings.filter((f) => f.code === code);

/**
 * A provisional answer to `changes` of `before` (fully linted: `full`) exists, and its per-record findings are a full
 * lint's of the edited text; `changesThem`: the edit changed those findings (the test edits something the rules see).
 */
function assertOwnFindingsExact(path: string, before: string, full: FileLintResult, changes: Change[], what: string, changesThem = true): void {
  const span = new EditedSpan();
  const now = apply(before, changes, span);
  const got = provisionalResult(path, before, full, span);
  assert.ok(got, what);
  const want = lintText(path, now);
  assert.deepEqual(ownFindings(got), ownFindings(want), `${what}: per-record findings`);
  if (changesThem) assert.notDeepEqual(ownFindings(want), ownFindings(full), `${what}: the edit changed them`);
}

function lineStart(text: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) at = text.indexOf('\n', at) + 1;
  return at;
}

/** The text `before` with each region's old part replaced by what it is now. */
function withRegions(before: string, span: EditedSpan): string {
  let out = '', at = 0;
  for (const r of span.regions(before)) {
    out += before.slice(at, r.oldFrom) + r.text;
    at = r.oldTo;
  }
  return out + before.slice(at);
}

test('edited regions: the old text with each region replaced is the edited text, whatever the edits (2,000 random sequences)', () => {
  const r = rng(3);
  let apart = 0;
  for (let n = 0; n < 2000; n++) {
    const before = Array.from({ length: 1 + Math.floor(r() * 80) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
    const span = new EditedSpan();
    let now = before;
    for (let k = 1 + Math.floor(r() * 8); k > 0; k--) {
      const offset = Math.floor(r() * (now.length + 1));
      const length = Math.floor(r() * Math.min(6, now.length - offset + 1) * (r() < 0.5 ? 0 : 1));
      now = apply(now, [{ offset, length, text: 'XY\n'.slice(0, Math.floor(r() * 4)) }], span);
      // Asked after some changes only: the regions are kept and taken on from there.
      if (r() < 0.3) assert.equal(withRegions(before, span), now, `case ${n}, midway`);
    }
    assert.equal(withRegions(before, span), now, `case ${n}`);
    const regions = span.regions(before);
    for (let k = 1; k < regions.length; k++) assert.ok(regions[k - 1].oldTo < regions[k].oldFrom, `case ${n}: regions apart, in order`);
    if (regions.length > 1) apart++;
  }
  assert.ok(apart > 500, `${apart} cases with regions apart`);
});

test('edited regions: edits far apart stay apart, and one that reaches both joins them', () => {
  const before = 'abcdefghij'.repeat(10);
  const span = new EditedSpan();
  let now = apply(before, [{ offset: 10, length: 2, text: 'X' }, { offset: 60, length: 0, text: 'YY' }], span);
  // The second change's offset is of the text the first made, one character shorter.
  assert.deepEqual(span.regions(before), [{ oldFrom: 10, oldTo: 12, text: 'X' }, { oldFrom: 61, oldTo: 61, text: 'YY' }]);
  now = apply(now, [{ offset: 5, length: 0, text: 'Z' }], span);
  assert.equal(span.regions(before).length, 3);
  // From inside the first region to inside the last: one region of the old text, 'Z' and 'Y' kept at its ends.
  now = apply(now, [{ offset: 6, length: 56, text: '' }], span);
  assert.deepEqual(span.regions(before), [{ oldFrom: 5, oldTo: 61, text: 'ZY' }]);
  assert.equal(withRegions(before, span), now);
});

test('provisional result: the edited lines\' own findings are those of a full lint, and the findings below move with their lines', () => {
  const corpus = makeCorpus(5, 600);
  const train = corpus.files.find((f) => f.name === 'train.jsonl')!;
  const before = train.lines.join('\n') + '\n';
  const full = lintText('train.jsonl', before);
  const r: Rng = rng(11);
  const email = PII_VALUES.email(r);
  const edits: [string, (t: string) => Change[]][] = [
    ['an email typed into a record', (t) => {
      const at = t.indexOf('"content":"', lineStart(t, 300)) + 11;
      return [{ offset: at, length: 0, text: `write to ${email} ` }];
    }],
    ['a record with markup inserted as a new line', (t) => [{ offset: lineStart(t, 120), length: 0, text: JSON.stringify({ messages: [{ role: 'user', content: 'Hi <b>there</b> &amp; more' }, { role: 'assistant', content: 'Hello.' }] }) + '\n' }]],
    ['three lines deleted', (t) => [{ offset: lineStart(t, 200), length: lineStart(t, 203) - lineStart(t, 200), text: '' }]],
    ['a line broken (invalid JSON), then a later record emptied of its roles', (t) => {
      const a = lineStart(t, 400);
      const b = lineStart(t, 450);
      return [{ offset: a, length: 1, text: '' }, { offset: b - 1, length: lineStart(t, 451) - b - 1, text: '{"messages":[]}' }];
    }],
  ];
  for (const [what, make] of edits) {
    const span = new EditedSpan();
    const now = apply(before, make(before), span);
    const got = provisionalResult('train.jsonl', before, full, span);
    assert.ok(got, what);
    const want = lintText('train.jsonl', now);
    assert.deepEqual(ownFindings(got), ownFindings(want), `${what}: per-record findings`);
    // Cross-record findings are the last full result's, moved: those outside the edited lines are where a full lint puts them.
    const lineOf = (t: string, offset: number): number => t.slice(0, offset).split('\n').length;
    const regions = span.regions(before);
    const shift = (k: number): number => regions.slice(0, k).reduce((d, x) => d + x.text.length - (x.oldTo - x.oldFrom), 0);
    const firstEdited = lineOf(now, regions[0].oldFrom), lastEdited = lineOf(now, regions[regions.length - 1].oldFrom + shift(regions.length - 1) + regions[regions.length - 1].text.length);
    const outside = (line: number): boolean => line < firstEdited || line > lastEdited;
    const compared = (res: FileLintResult): string[] => res.findings
      .filter((f) => (f.code === 'duplicate' || f.code === 'near-duplicate') && outside(f.line) && f.related.every((x) => outside(x.line)))
      .map((f) => `${f.line}:${f.message}:${f.related.map((x) => x.line).join()}`).sort();
    assert.deepEqual(compared(got), compared(want), `${what}: duplicates and near-duplicates, moved with their lines`);
    assert.ok(compared(want).some((c) => Number(c.split(':')[0]) > lastEdited && Number(c.split(':').pop()) < firstEdited),
      `${what}: a duplicate across the edit`);
  }
  // The email edit is found on its line, with its redaction fix; the full result it started from is left as it was.
  const span = new EditedSpan();
  apply(before, edits[0][1](before), span);
  const snapshot = JSON.stringify(full);
  const pii = ofCode(provisionalResult('train.jsonl', before, full, span)!, 'pii').filter((f) => f.line === 300);
  assert.ok(pii.some((f) => f.fixes?.some((x) => x.edits.some((e) => e.newText === '[EMAIL]'))), JSON.stringify(pii));
  assert.equal(JSON.stringify(full), snapshot);
});

test('provisional result: none when the edits reach the first record, span more than a megabyte or are too many; the same result without edits', () => {
  const corpus = makeCorpus(6, 200);
  const before = corpus.files[0].lines.join('\n') + '\n';
  const full = lintText('train.jsonl', before);
  assert.equal(provisionalResult('train.jsonl', before, full, new EditedSpan()), full);
  let span = new EditedSpan();
  apply(before, [{ offset: 3, length: 0, text: ' ' }], span);
  assert.equal(provisionalResult('train.jsonl', before, full, span), undefined);
  // A replace-all of thousands of words: each is small, but placing them among the regions costs their number each.
  span = new EditedSpan();
  for (let k = 2500; k > 0; k--) span.add(lineStart(before, 20) + k, 0, 'x');
  assert.equal(provisionalResult('train.jsonl', before, full, span), undefined);
  span = new EditedSpan();
  const big = (JSON.stringify({ text: 'x'.repeat(1000) }) + '\n').repeat(1100);
  apply(before, [{ offset: lineStart(before, 50), length: 0, text: big }], span);
  assert.equal(provisionalResult('train.jsonl', before, full, span), undefined);
});

test('provisional result of a CSV file: the edited rows read under its header; none where they may not be whole rows, nor for a JSON array', () => {
  const rows = messagesRows(corpusRecords(7, 300));
  const cell = (s: string): string => csvCell(s, true);
  rows.splice(50, 0, cell('[{"role": "user", "content": "a line\nbreak in the cell"}, {"role": "assistant", "content": "ok"}]'));
  const before = `messages\n${rows.join('\n')}\n`;
  const full = lintText('train.csv', before);
  const r: Rng = rng(12);
  const email = PII_VALUES.email(r);
  const typed = before.indexOf('""content"":""', lineStart(before, 200)) + 14;
  const cases: [string, Change[]][] = [
    ['an email typed into a row', [{ offset: typed, length: 0, text: `write to ${email} ` }]],
    ['a row with markup inserted', [{ offset: lineStart(before, 120), length: 0, text: cell(JSON.stringify([{ role: 'user', content: 'Hi <b>there</b>' }, { role: 'assistant', content: 'Hello.' }])) + '\n' }]],
    ['a row broken (a field too many)', [{ offset: lineStart(before, 90), length: 0, text: 'x,' }]],
    ['a row broken (text after a closing quote, its line named)', [{ offset: lineStart(before, 95) + 1, length: 0, text: '"x"' }]],
  ];
  for (const [what, changes] of cases) assertOwnFindingsExact('train.csv', before, full, changes, what);
  const none: [string, Change[]][] = [
    ['the second line of a quoted field', [{ offset: before.indexOf('break in the cell'), length: 0, text: 'x' }]],
    ['a quote left open', [{ offset: typed, length: 0, text: '"' }]],
    ['the header', [{ offset: 0, length: 0, text: 'x' }]],
  ];
  for (const [what, changes] of none) {
    const span = new EditedSpan();
    apply(before, changes, span);
    assert.equal(provisionalResult('train.csv', before, full, span), undefined, what);
  }
});

test('provisional result of a JSON array: the records the edits touch, read as an array of their own; none where they are not whole records', () => {
  const values = corpusRecords(8, 300);
  const indented = indentedArray(values);
  const lines = `[\n${values.map((v) => JSON.stringify(v)).join(',\n')}\n]\n`;
  // Records two to a line, and both of every other pair broken over two lines: a record ends on the line where the next starts.
  const shared = `[\n${values.map((v, i) => JSON.stringify(v).replace(/^\{"messages":\[/, i % 4 < 2 ? '{"messages":\n[' : '{"messages":[') + (i % 2 ? ',\n' : ', ')).join('').replace(/,\s$/, '')}\n]\n`;
  const brokenAt = shared.indexOf('{"messages":\n', lineStart(shared, 40)) + 12;
  const missingComma = lines.slice(0, lineStart(lines, 80) - 2) + lines.slice(lineStart(lines, 80) - 1);
  const r: Rng = rng(13);
  const email = PII_VALUES.email(r);
  const contentAt = (t: string, line: number): number => t.indexOf('"content": "', lineStart(t, line)) + 12;
  const contentAtCompact = (t: string, line: number): number => t.indexOf('"content":"', lineStart(t, line)) + 11;
  const record = JSON.stringify({ messages: [{ role: 'user', content: 'Hi <b>there</b>' }, { role: 'assistant', content: 'Hello.' }] });
  const cases: [string, string, Change[]][] = [
    ['an email typed into a record\'s line (indented)', indented, [{ offset: contentAt(indented, 900), length: 0, text: `write to ${email} ` }]],
    ['a record inserted between two (indented)', indented, [{ offset: indented.lastIndexOf('\n  {', lineStart(indented, 600)) + 1, length: 0, text: `  ${record},\n` }]],
    ['a record broken, its brackets whole (indented)', indented, [{ offset: indented.indexOf('"role": "user"', lineStart(indented, 1200)) + 6, length: 1, text: '' }]],
    ['the last record edited', indented, [{ offset: contentAt(indented, indented.split('\n').length - 8), length: 0, text: `write to ${email} ` }]],
    ['an email typed (a record per line)', lines, [{ offset: contentAtCompact(lines, 40), length: 0, text: `write to ${email} ` }]],
    ['two records joined into one line', lines, [{ offset: lineStart(lines, 61) - 1, length: 1, text: ' ' }]],
    ['an email typed into a record that shares its lines with others', shared, [{ offset: contentAtCompact(shared, 30), length: 0, text: `write to ${email} ` }]],
    ['two records over three lines: a space typed on the first, whose record ends where the next starts', shared, [{ offset: brokenAt, length: 0, text: ' ' }]],
  ];
  for (const [what, before, changes] of cases) assertOwnFindingsExact('train.json', before, lintText('train.json', before), changes, what, !what.startsWith('two'));
  const none: [string, string, Change[]][] = [
    ['a bracket removed', indented, [{ offset: indented.indexOf('{', lineStart(indented, 700)), length: 1, text: '' }]],
    ['a comma removed between records', lines, [{ offset: lineStart(lines, 80) - 2, length: 1, text: '' }]],
    ['the first line', lines, [{ offset: 0, length: 0, text: ' ' }]],
    ['a one-line array', JSON.stringify(values), [{ offset: 500, length: 0, text: ' ' }]],
    ['a record after a missing comma', missingComma, [{ offset: contentAtCompact(missingComma, 80), length: 0, text: 'x' }]],
  ];
  for (const [what, before, changes] of none) {
    const span = new EditedSpan();
    apply(before, changes, span);
    assert.equal(provisionalResult('train.json', before, lintText('train.json', before), span), undefined, what);
  }
});

test('provisional results from one scan memo over many edits equal those scanned afresh (CSV and JSON arrays, edits in any order)', () => {
  const values = corpusRecords(9, 300);
  const docs: [string, string][] = [['t.csv', messagesCsv(values)], ['t.json', indentedArray(values)]];
  const r: Rng = rng(21);
  for (const [path, before] of docs) {
    const full = lintText(path, before);
    const memo = new ScanMemo(4096); // notes every 4096 characters: many notes in a test-sized text
    let answered = 0;
    for (let n = 0; n < 60; n++) {
      const at = before.indexOf('content', Math.floor(r() * before.length * 0.95));
      if (at < 0) continue;
      const span = new EditedSpan();
      apply(before, [{ offset: at, length: 0, text: n % 5 ? 'x' : '"' }], span);
      const got = provisionalResult(path, before, full, span, {}, memo);
      assert.deepEqual(got, provisionalResult(path, before, full, span), `${path}, edit at ${at}`);
      if (got) answered++;
    }
    assert.ok(answered > 30, `${path}: ${answered} provisional answers`);
  }
});

test('provisional result of edits more than a megabyte apart (JSONL, CSV, JSON array): each edited part linted alone, the lines between moved', () => {
  const values = corpusRecords(10, 4000);
  const jsonl = values.map((v) => JSON.stringify(v)).join('\n') + '\n';
  const docs: [string, string][] = [['train.jsonl', jsonl], ['train.csv', messagesCsv(values)], ['train.json', indentedArray(values)]];
  const r: Rng = rng(14);
  const email = PII_VALUES.email(r);
  for (const [path, before] of docs) {
    assert.ok(before.length > 2_200_000, `${path}: ${before.length} characters`);
    const full = lintText(path, before);
    const at = (fraction: number): number => before.indexOf('content', Math.floor(before.length * fraction)) + 12;
    const lines = before.split('\n').length;
    // From the end backwards, so that each offset is still the one found in `before`: an email typed, a line break added
    // inside a string (the record no longer reads, and the lines below move), a quote doubled (CSV) or a letter typed.
    const changes: Change[] = [
      { offset: at(0.9), length: 0, text: `write to ${email} ` },
      { offset: at(0.5), length: 0, text: path.endsWith('.csv') ? 'a\nb' : '\n' },
      { offset: at(0.1), length: 0, text: path.endsWith('.csv') ? '""' : 'x' },
    ];
    assertOwnFindingsExact(path, before, full, changes, `${path}, ${lines} lines`);
    const span = new EditedSpan();
    apply(before, changes, span);
    assert.equal(span.regions(before).length, 3, path);
  }
});

test('provisional results of several random edits equal a full lint\'s per-record findings wherever they answer (JSONL, CSV, JSON array)', () => {
  const values = corpusRecords(15, 300);
  const docs: [string, string][] = [['t.jsonl', values.map((v) => JSON.stringify(v)).join('\n') + '\n'], ['t.csv', messagesCsv(values)], ['t.json', indentedArray(values)]];
  const r: Rng = rng(22);
  const typed = ['x', ' ', '\n', '""', '<b>', 'Ã©', `mail ${PII_VALUES.email(r)} `, ''];
  for (const [path, before] of docs) {
    const full = lintText(path, before);
    let answered = 0, apart = 0;
    for (let n = 0; n < 50; n++) {
      const span = new EditedSpan();
      let now = before;
      for (let k = 2 + Math.floor(r() * 4); k > 0; k--) {
        const at = now.indexOf('content', Math.floor(r() * now.length * 0.97));
        if (at < 0) continue;
        const offset = at + 8 + Math.floor(r() * 6);
        // Mostly typing; now and then a whole line copied below itself or taken out.
        const lineFrom = now.lastIndexOf('\n', offset) + 1, lineTo = now.indexOf('\n', offset) + 1;
        const roll = r();
        const change = roll < 0.1 ? { offset: lineTo, length: 0, text: now.slice(lineFrom, lineTo) }
          : roll < 0.2 ? { offset: lineFrom, length: lineTo - lineFrom, text: '' }
            : { offset, length: r() < 0.2 ? 1 : 0, text: typed[Math.floor(r() * typed.length)] };
        now = apply(now, [change], span);
      }
      const got = provisionalResult(path, before, full, span);
      if (!got) continue;
      answered++;
      if (span.regions(before).length > 1) apart++;
      assert.deepEqual(ownFindings(got), ownFindings(lintText(path, now)), `${path}, case ${n}: ${JSON.stringify(span.changes)}`);
    }
    assert.ok(answered >= 30 && apart >= 20, `${path}: ${answered} answered, ${apart} of them with edits apart`);
  }
});
