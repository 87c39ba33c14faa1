// The editor's incremental lint session (src/core/lint/lint-session.ts): whatever the edits, each update equals a
// full lint of the new text. These cases aim at what the session keeps between updates for the whole-file rules:
// exact-duplicate groups whose first record changes, near-duplicate LSH chains longer than the rule looks back,
// formats that lose or win the majority, an answer that crosses the skew share, length outliers coming and going,
// per-code limits, rules set off, and the caller's hint of the unchanged text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLintSession, LINT_CODES, lintText, lintTextParallel, type FileLintResult, type LintOptions, type LintSeeds, type LintSession } from '../../src/core/lint';
import { chatJsonl, cleanChat, rng, sentence, type Rng } from './support/lint-corpus';
import { recordAtLine } from '../../src/core/dataset/read';
import type { SourceRecord } from '../../src/core/dataset/types';
import { recordValueEdits, STRING_CLEANUPS } from '../../src/host/stringValueFixes';

const SKEW_ANSWER = "I'm sorry, I can't help with that.";

function chatLine(r: Rng): string {
  return JSON.stringify(cleanChat(r));
}

/** A record that differs from `line` in one word of its last message: a near-duplicate (Jaccard well over 0.8). */
function nearCopy(line: string, r: Rng): string {
  const rec = JSON.parse(line) as { messages: { content: string }[] };
  const last = rec.messages[rec.messages.length - 1];
  const words = last.content.split(' ');
  words[Math.floor(r() * words.length)] = `w${Math.floor(r() * 1e6)}`;
  last.content = words.join(' ');
  return JSON.stringify(rec);
}

/** A family of records sharing one long text with one word changed each: more band-key neighbours than the rule looks back on. */
function family(r: Rng, n: number): string[] {
  const base = Array.from({ length: 12 }, () => sentence(r, true)).join(' ');
  return Array.from({ length: n }, (_, i) => JSON.stringify({
    messages: [{ role: 'user', content: `Summarise part ${i % 3}.` }, { role: 'assistant', content: base.replace(/\b(\w+)\b/, `v${i}`) }],
  }));
}

function skewed(r: Rng): string {
  return JSON.stringify({ messages: [{ role: 'user', content: sentence(r) }, { role: 'assistant', content: SKEW_ANSWER }] });
}

function longRecord(r: Rng): string {
  return JSON.stringify({ messages: [{ role: 'user', content: 'Tell me everything.' }, { role: 'assistant', content: Array.from({ length: 120 }, () => sentence(r, true)).join(' ') }] });
}

function baseLines(r: Rng): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 220; i++) lines.push(chatLine(r));
  for (let i = 0; i < 12; i++) lines.push(lines[Math.floor(r() * 200)]); // exact duplicates
  for (let i = 0; i < 12; i++) lines.push(nearCopy(lines[Math.floor(r() * 200)], r));
  lines.push(...family(r, 40));
  for (let i = 0; i < 36; i++) lines.push(skewed(r)); // just over 10% of the records
  lines.push(longRecord(r), longRecord(r));
  lines.push(JSON.stringify({ instruction: 'Add 2 and 2.', output: '4' }), JSON.stringify({ instruction: 'Name a colour.', output: 'Blue.' }));
  lines.push(JSON.stringify({ question: 'q', answer: 'a' }), '[1, 2]', '{"messages": [', '');
  // Shuffle: families, duplicates and formats spread over the file.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  if (!lines[0].startsWith('{"messages":[')) lines.unshift(chatLine(r)); // a plain JSONL start: the session reads it incrementally
  return lines;
}

/** Common prefix and suffix lengths of two texts. */
function unchangedParts(a: string, b: string): { prefix: number; suffix: number } {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { prefix: p, suffix: s };
}

/**
 * `seeded`: the session starts from a threaded lint of the first text (lintTextParallel's seeds), as the editor's
 * does for a large document: its first update must take every valid record's work from them.
 */
async function randomEdits(seed: number, opts: LintOptions, steps: number, seeded = false): Promise<void> {
  const r = rng(seed);
  const lines = baseLines(r);
  const seeds: LintSeeds = { summaries: [] };
  if (seeded) {
    const threaded = await lintTextParallel('d.jsonl', lines.join('\n') + '\n', opts, { jobs: 3, seeds });
    assert.deepEqual(threaded, lintText('d.jsonl', lines.join('\n') + '\n', opts), 'the threaded lint');
    assert.ok(seeds.summaries.length > 3, `${seeds.summaries.length} slices`);
  }
  const session = createLintSession('d.jsonl', opts, seeded ? seeds : undefined);
  let prev = '';
  const codes = new Set<string>();
  const check = (what: string): void => {
    const text = lines.join('\n') + '\n';
    const way = prev ? r() : 1;
    let got: FileLintResult;
    if (way < 0.5) {
      // As the lint worker does: the change events go to the session, which holds the text; sometimes as two events
      // (an insertion, then the deletion of the old part), or two edits in one event.
      const { prefix, suffix } = unchangedParts(prev, text);
      const removed = prev.length - prefix - suffix, added = text.slice(prefix, text.length - suffix);
      const events = way < 0.2
        ? [[{ offset: prefix, length: 0, text: added }], [{ offset: prefix + added.length, length: removed, text: '' }]]
        : way < 0.3
          ? [[{ offset: prefix + removed, length: 0, text: added }, { offset: prefix, length: removed, text: '' }]]
          : [[{ offset: prefix, length: removed, text: added }]];
      let plain = true;
      for (const changes of events) plain = session.edit(changes) && plain;
      assert.equal(session.text(), text, `${what}: the session's copy of the text`);
      got = plain ? session.lint() : session.update(session.text());
    } else {
      // The whole text, sometimes with the unchanged parts told (any lower bound is allowed).
      const hint = prev && way < 0.75 ? unchangedParts(prev, text) : undefined;
      if (hint && way < 0.6) { hint.prefix = Math.floor(hint.prefix / 2); hint.suffix = Math.floor(hint.suffix / 3); }
      got = session.update(text, hint);
    }
    const want = lintText('d.jsonl', text, opts);
    assert.deepEqual(got, want, `${what} (seed ${seed})`);
    for (const f of want.findings) codes.add(f.code);
    prev = text;
  };
  check('first update');
  const valid = lines.filter((l) => { try { JSON.parse(l); return true; } catch { return false; } }).length;
  assert.equal(session.lastUpdate.linesSeeded, seeded ? valid : 0, 'records whose per-record work came from the seeds');
  const at = (): number => Math.floor(r() * lines.length);
  const ops: [string, () => void][] = [
    ['copy a line elsewhere (exact duplicate, maybe before its first)', () => { lines.splice(at(), 0, lines[at()]); }],
    ['delete a line', () => { lines.splice(at(), 1); }],
    ['near-copy a chat line elsewhere', () => { const l = lines[at()]; if (l.startsWith('{"messages":[')) lines.splice(at(), 0, nearCopy(l, r)); }],
    ['edit a word', () => { const i = at(); lines[i] = lines[i].replace(/ [a-z]{3,} /, ' zebra '); }],
    ['move a block', () => { const block = lines.splice(at(), 1 + Math.floor(r() * 30)); lines.splice(at(), 0, ...block); }],
    ['swap two lines', () => { const i = at(), j = at(); [lines[i], lines[j]] = [lines[j], lines[i]]; }],
    ['add a skewed answer', () => { lines.splice(at(), 0, skewed(r)); }],
    ['drop skewed answers', () => { for (let k = 0; k < 4; k++) { const i = lines.findIndex((l) => l.includes(SKEW_ANSWER)); if (i > 0) lines.splice(i, 1); } }],
    ['add a long record', () => { lines.splice(at(), 0, longRecord(r)); }],
    ['drop a long record', () => { const i = lines.findIndex((l) => l.length > 5000); if (i > 0) lines.splice(i, 1); }],
    ['add instruction records', () => { for (let k = 0; k < 3; k++) lines.splice(at(), 0, JSON.stringify({ instruction: sentence(r), output: sentence(r) })); }],
    ['break a line', () => { const i = at(); if (i > 0) lines[i] = lines[i].slice(0, -1); }],
    ['a family member copied and edited', () => { const f = lines.filter((l) => l.includes('Summarise part')); if (f.length) lines.splice(at(), 0, nearCopy(f[0], r)); }],
  ];
  for (let step = 0; step < steps; step++) {
    const [what, op] = ops[Math.floor(r() * ops.length)];
    op();
    check(`step ${step}: ${what}`);
  }
  // A paste of many lines and its undo: the session's sorted lengths take them in bulk.
  const paste = Array.from({ length: 400 }, () => chatLine(r));
  const where = at();
  lines.splice(where, 0, ...paste);
  check('paste 400 lines');
  lines.splice(where, 400);
  check('undo the paste');
  // The cases are there to be compared: the file keeps findings of the codes these edits aim at.
  for (const code of ['duplicate', 'near-duplicate', 'schema', 'invalid-json', 'answer-skew', 'length-outlier'] as const) {
    if (opts.severity?.[code] !== 'off') assert.ok(codes.has(code), `no ${code} finding was compared`);
  }
}

test('lint session: random edits of a file with duplicates, near-duplicate families, mixed formats, answer skew and long records equal a full lint', async () => {
  for (const seed of [1, 2, 3]) await randomEdits(seed, {}, 50);
});

test('lint session: the same with per-code limits hit and rules set off or to another severity', async () => {
  await randomEdits(4, { maxFindingsPerCode: 3, severity: { 'answer-skew': 'off', 'near-duplicate': 'error', 'length-outlier': 'off' } }, 40);
  await randomEdits(5, { maxFindingsPerCode: 5, severity: { duplicate: 'off' }, nearDuplicateThreshold: 0.6 }, 30);
});

test('lint session started from a threaded lint\'s seeds: its first update takes each record\'s work from them, and it and every edit after equal a full lint', async () => {
  await randomEdits(6, {}, 40, true);
  await randomEdits(7, { maxFindingsPerCode: 3, severity: { pii: 'off', 'near-duplicate': 'error' }, nearDuplicateThreshold: 0.6 }, 30, true);
  await randomEdits(8, { severity: { duplicate: 'off', 'answer-skew': 'off', 'length-outlier': 'off' } }, 20, true);
});

test('lint session: removing the first of an exact-duplicate group makes the next one the record near-duplicates are compared with', () => {
  const r = rng(9);
  const a = chatLine(r);
  const near = nearCopy(a, r);
  const filler = Array.from({ length: 30 }, () => chatLine(r));
  const lines = [filler[0], a, ...filler.slice(1, 10), a, ...filler.slice(10), near];
  const session = createLintSession('d.jsonl');
  for (const text of [lines, lines.filter((_, i) => i !== 1), lines]) {
    const t = text.join('\n') + '\n';
    const got = session.update(t);
    assert.deepEqual(got, lintText('d.jsonl', t));
    const nd = got.findings.find((f) => f.code === 'near-duplicate')!;
    assert.equal(nd.related[0].line, text.indexOf(a) + 1, 'the near-duplicate points at the first copy of its original');
  }
});

test('lint session: edits that make the text something other than plain JSONL, and back', () => {
  const r = rng(11);
  const lines = Array.from({ length: 60 }, () => chatLine(r));
  let text = lines.join('\n') + '\n';
  const session = createLintSession('d.jsonl');
  assert.equal(session.edit([{ offset: 0, length: 0, text: 'x' }]), false, 'no text held before the first update');
  session.update(text);
  assert.ok(session.holdsText);
  // [what, offset, length, inserted, edit() took it, the session holds the text after (line by line or, for the array
  // of records without commas, record by record)]
  const steps: [string, number, number, string, boolean, boolean][] = [
    ['a NUL in a record', 200, 0, '\0', false, false],
    ['the NUL removed', 200, 1, '', false, true],
    ['the first record broken', 0, 1, '', false, false],
    ['the first record mended', 0, 0, '{', false, true],
    ['a JSON array opened before the records', 0, 0, '[\n', false, true],
    ['a record of the array edited', 300, 0, 'x', true, true],
    ['and the array removed', 0, 2, '', false, true],
    ['blank lines before the first record', 0, 0, '\n  \n', true, true],
    ['a line break joining two records', text.indexOf('\n', 300) + 5, 0, '\n', true, true],
  ];
  for (const [what, offset, length, insert, took, holds] of steps) {
    const wasHeld: boolean = session.holdsText;
    text = text.slice(0, offset) + insert + text.slice(offset + length);
    const ok = session.edit([{ offset, length, text: insert }]);
    assert.equal(ok, took, what);
    const got: FileLintResult = ok ? session.lint() : session.update(wasHeld ? session.text() : text);
    assert.deepEqual(got, lintText('d.jsonl', text), what);
    assert.equal(session.holdsText, holds, what);
  }
  assert.throws(() => session.edit([{ offset: text.length + 1, length: 0, text: 'x' }]), /outside the text/);
});

test('lint session: formats and roles are counted in the order they first occur, as a full lint lists them, while the records that name them first come and go', () => {
  const r = rng(13);
  const instruction = JSON.stringify({ instruction: 'Add 2 and 3.', output: '5' });
  const share = JSON.stringify({ conversations: [{ from: 'human', value: 'Hi there.' }, { from: 'gpt', value: 'Hello!' }] });
  const odd = JSON.stringify({ messages: [{ role: 'constructor', content: 'a role named like an Object method' }, { role: 'assistant', content: 'ok' }] });
  const chats = Array.from({ length: 20 }, () => chatLine(r));
  const session = createLintSession('d.jsonl');
  const texts = [
    [instruction, ...chats.slice(0, 10), share, ...chats.slice(10), odd],
    [...chats.slice(0, 10), share, ...chats.slice(10), odd], // the first format and the first roles go
    [share, ...chats, instruction, odd],
    [...chats, instruction],
  ];
  for (const lines of texts) {
    const text = lines.join('\n') + '\n';
    const got = session.update(text);
    const full = lintText('d.jsonl', text);
    // JSON text: key order counts (deepEqual does not compare it). The overview lists formats and roles in this order.
    const order = (x: FileLintResult): string => JSON.stringify([x.stats.formats, x.stats.roles]);
    assert.equal(order(got), order(full));
    assert.deepEqual(got, full);
  }
  const withOdd = lintText('d.jsonl', texts[0].join('\n'));
  assert.equal(withOdd.stats.roles.constructor, 1, 'counted as a number, not added to Object.prototype.constructor');
  assert.deepEqual(Object.keys(withOdd.stats.formats), ['instruction', 'chat', 'sharegpt']);
});

test('findings are counted per code in the order of LINT_CODES: the same JSON from a full lint, the threads and the session, whichever code is found first', async () => {
  const r = rng(17);
  const chats = Array.from({ length: 30 }, () => chatLine(r));
  const near = nearCopy(chats[0], r);
  // A near-duplicate first, then an exact duplicate, then a line that is not JSON: found in the reverse of LINT_CODES.
  const text = [chats[0], near, ...chats.slice(1, 10), chats[5], ...chats.slice(10), '{"messages": [', ''].join('\n');
  const inOrder = LINT_CODES.filter((c) => ['invalid-json', 'duplicate', 'near-duplicate', 'too-few-records'].includes(c));
  const full = lintText('d.jsonl', text);
  assert.deepEqual(Object.keys(full.stats.findingsByCode), inOrder);
  const threaded = await lintTextParallel('d.jsonl', text, {}, { jobs: 2 });
  const session = createLintSession('d.jsonl');
  for (const got of [threaded, session.update(text)]) assert.equal(JSON.stringify(got), JSON.stringify(full));
  // After an edit that removes the near-duplicate, the session's counts keep the order.
  const edited = text.replace(`${near}\n`, '');
  assert.equal(JSON.stringify(session.update(edited)), JSON.stringify(lintText('d.jsonl', edited)));
});

test('lint session: seeds serve only the text of the first update, even when that update is not plain JSONL', async () => {
  const r = rng(21);
  const seeded = Array.from({ length: 80 }, () => chatLine(r)).join('\n') + '\n';
  const seeds: LintSeeds = { summaries: [] };
  await lintTextParallel('d.jsonl', seeded, {}, { jobs: 2, seeds });
  assert.ok(seeds.summaries.length > 0);
  const session = createLintSession('d.jsonl', {}, seeds);
  const withNul = seeded.replace('"user"', '"us\0er"'); // not plain JSONL for the session: linted in full
  assert.deepEqual(session.update(withNul), lintText('d.jsonl', withNul));
  const other = Array.from({ length: 80 }, () => chatLine(r)).join('\n') + '\n';
  assert.deepEqual(session.update(other), lintText('d.jsonl', other));
  assert.equal(session.lastUpdate.linesSeeded, 0);
});

test('lint session: keeps what the rules need of each record, not the parsed records (heap under 6 bytes per character of text)', () => {
  v8.setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const text = chatJsonl(5_000_000, 3);
  let session: ReturnType<typeof createLintSession> | undefined = createLintSession('d.jsonl');
  session.update(text);
  gc();
  const withSession = process.memoryUsage().heapUsed;
  assert.ok(session.holdsText);
  session = undefined;
  gc();
  const perChar = (withSession - process.memoryUsage().heapUsed) / text.length;
  // About 4.3 bytes per character: the lines' own copies, findings, fingerprint ids, shingles and LSH slots. Keeping
  // every parsed record and its view took about 7.9.
  assert.ok(perChar < 6, `${perChar.toFixed(2)} bytes of heap per character`);
});

test('lint session in steps (updateSteps): it pauses every thousand or so lines, and ends with what update() gives', async () => {
  const text = chatJsonl(3_000_000, 4);
  const lines = text.split('\n').length;
  const seeds: LintSeeds = { summaries: [] };
  await lintTextParallel('s.jsonl', text, {}, { jobs: 2, seeds });
  for (const seeded of [false, true]) {
    const steps = createLintSession('s.jsonl', {}, seeded ? seeds : undefined).updateSteps(text);
    let pauses = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) pauses++;
    assert.ok(pauses >= lines / 1024 && pauses < lines / 100, `${pauses} pauses over ${lines} lines`);
    assert.deepEqual(r.value, lintText('s.jsonl', text), seeded ? 'seeded' : 'from nothing');
  }
});

/**
 * The session brought from `prev` to `next`: through update(next) on even steps; on odd ones through edit() with the
 * change an editor would send (the span between the common prefix and suffix; if `split`, as two changes, an insert
 * then a delete, on every fourth step), then lint(), or update(text()) when edit() declines.
 */
function sessionTo(session: LintSession, prev: string, next: string, step: number, split = true): FileLintResult {
  if (step % 2 === 0 || !session.holdsText) return session.update(next);
  let p = 0, q = 0;
  while (p < prev.length && p < next.length && prev[p] === next[p]) p++;
  while (q < prev.length - p && q < next.length - p && prev[prev.length - 1 - q] === next[next.length - 1 - q]) q++;
  const inserted = next.slice(p, next.length - q), removed = prev.length - p - q;
  const changes = step % 4 === 1 || !split ? [{ offset: p, length: removed, text: inserted }]
    : [{ offset: p, length: 0, text: inserted }, { offset: p + inserted.length, length: removed, text: '' }];
  if (session.edit(changes)) return session.lint();
  assert.equal(session.text(), next, 'the session keeps the edited text when edit() declines');
  return session.update(session.text());
}

/**
 * Random edits of a document the session cannot hold line by line (a pretty-printed JSON array, a CSV file): each
 * update equals a full lint, and only the records an edit changed are checked again.
 */
function randomRecordEdits(seed: number, path: string, render: (records: object[]) => string, opts: LintOptions, onlyChanged = true): void {
  const r = rng(seed);
  const base = baseLines(r).flatMap((l) => { try { const v = JSON.parse(l); return v && typeof v === 'object' && !Array.isArray(v) ? [v as object] : []; } catch { return []; } });
  const records = base.slice(0, 160);
  const session = createLintSession(path, opts);
  const codes = new Set<string>();
  let prev = '', step = 0;
  const check = (what: string, changed: number): void => {
    const text = render(records);
    const got = sessionTo(session, prev, text, step++, false); // two changes would read records the first one cut
    prev = text;
    const want = lintText(path, text, opts);
    assert.deepEqual(got, want, `${what} (seed ${seed})`);
    for (const f of want.findings) codes.add(f.code);
    if (onlyChanged) assert.ok(session.lastUpdate.linesChecked <= changed, `${what}: ${session.lastUpdate.linesChecked} records checked, at most ${changed} changed`);
  };
  check('first update', records.length);
  const at = (): number => Math.floor(r() * records.length);
  const ops: [string, () => number][] = [
    ['copy a record elsewhere', () => { records.splice(at(), 0, records[at()]); return 1; }],
    ['delete a record', () => { records.splice(at(), 1); return 0; }],
    ['edit a word', () => { const i = at(); records[i] = JSON.parse(JSON.stringify(records[i]).replace(/ [a-z]{3,} /, ' zebra ')); return 1; }],
    ['near-copy a chat record', () => { const i = at(); if ('messages' in records[i]) records.splice(at(), 0, JSON.parse(nearCopy(JSON.stringify(records[i]), r))); return 1; }],
    ['add an e-mail address', () => { const i = at(); records[i] = JSON.parse(JSON.stringify(records[i]).replace(/ ([a-z]{3,}) /, ' $1@example.com ')); return 1; }],
    ['move a block', () => { const block = records.splice(at(), 1 + Math.floor(r() * 20)); records.splice(at(), 0, ...block); return 0; }],
    ['add a skewed answer', () => { records.splice(at(), 0, JSON.parse(skewed(r))); return 1; }],
  ];
  for (let step = 0; step < 40; step++) {
    const [what, op] = ops[Math.floor(r() * ops.length)];
    check(`step ${step}: ${what}`, op());
  }
  for (const code of ['duplicate', 'near-duplicate', 'pii']) assert.ok(codes.has(code), `no ${code} finding was compared`);
}

/** Chat records as a CSV file with a `messages` column (JSON), as pandas writes a list column after json.dumps. */
function chatCsv(records: object[]): string {
  const rows = records.filter((v) => 'messages' in v).map((v) => `"${JSON.stringify((v as { messages: unknown }).messages).replace(/"/g, '""')}"`);
  return ['messages', ...rows].join('\n') + '\n';
}

test('lint session on a JSON array or a CSV file: random edits equal a full lint, and unchanged records are not checked again', () => {
  // TUNELAB_SESSION_SEEDS=N runs N more seeds of each (a longer search for rare failures).
  for (let k = 0; k < Number(process.env.TUNELAB_SESSION_SEEDS ?? 0); k++) {
    randomRecordEdits(1000 + k, 'd.json', (records) => `${JSON.stringify(records, null, 2)}\n`, {});
    randomRecordEdits(2000 + k, 'd.csv', chatCsv, {});
  }
  randomRecordEdits(31, 'd.json', (records) => `${JSON.stringify(records, null, 2)}\n`, {});
  randomRecordEdits(32, 'd.json', (records) => `${JSON.stringify(records, null, 2)}\n`, { maxFindingsPerCode: 3, severity: { 'role-order': 'off', pii: 'error' } });
  randomRecordEdits(33, 'd.csv', chatCsv, {});
  // With a byte order mark; and a one-line array, where an edit moves every later record along the line (those are
  // checked again: findings are moved by lines only), and a CSV file with a BOM.
  randomRecordEdits(35, 'd.json', (records) => `\ufeff${JSON.stringify(records, null, 1)}\n`, {});
  randomRecordEdits(36, 'd.json', (records) => JSON.stringify(records), {}, false);
  randomRecordEdits(37, 'd.csv', (records) => `\ufeff${chatCsv(records)}`, {});
});

test('lint session on a JSON array: a one-word edit checks that one record again', () => {
  const r = rng(34);
  const records = Array.from({ length: 300 }, () => cleanChat(r));
  const session = createLintSession('a.json');
  session.update(`${JSON.stringify(records, null, 4)}\n`);
  assert.deepEqual(session.lastUpdate, { linesChecked: 300, linesReused: 0, linesSeeded: 0, full: false });
  records[150].messages[0].content += ' Thanks.';
  const text = `${JSON.stringify(records, null, 4)}\n`;
  assert.deepEqual(session.update(text), lintText('a.json', text));
  // Held value by value: the text is not read in full again.
  assert.deepEqual(session.lastUpdate, { linesChecked: 1, linesReused: 299, linesSeeded: 0, full: false });
  // The same through edit(), as the editor's worker sends it: the session takes it (its text is held in pieces).
  const at = text.indexOf(' Thanks.');
  assert.equal(session.edit([{ offset: at, length: 0, text: ' Bye.' }]), true);
  const edited = `${text.slice(0, at)} Bye.${text.slice(at)}`;
  assert.deepEqual(session.lint(), lintText('a.json', edited));
  assert.deepEqual(session.lastUpdate, { linesChecked: 1, linesReused: 299, linesSeeded: 0, full: false });
  assert.equal(session.text(), edited);
});

test('lint session on a JSON array over a megabyte: a quote that makes the rest one string is split to the end, and taken back', () => {
  const r = rng(51);
  const records = Array.from({ length: 4000 }, () => cleanChat(r));
  let text = `${JSON.stringify(records, null, 2)}\n`;
  assert.ok(text.length > 1.5e6);
  const session = createLintSession('q.json');
  session.update(text);
  const at = text.indexOf('"content"', 2000);
  const checked: number[] = [];
  for (const [offset, length, put] of [[at, 0, '"'], [at, 1, ''], [text.length - 5000, 0, '"'], [text.length - 5000, 1, '']] as const) {
    text = text.slice(0, offset) + put + text.slice(offset + length);
    assert.equal(session.edit([{ offset, length, text: put }]), true);
    assert.deepEqual(session.lint(), lintText('q.json', text), JSON.stringify({ offset, length, put }));
    checked.push(session.lastUpdate.linesChecked);
  }
  // The first quote made the rest of the array one value; taking it away splits that into the records again, to the end
  // (a split past a megabyte of text).
  assert.ok(checked[0] === 1 && checked[1] > 3000 && checked[3] < 10, JSON.stringify(checked));
});

test('lint session on a CSV file: edit() takes a row\'s edit and checks that row again, and declines an edit of the byte order mark', () => {
  const rows = Array.from({ length: 200 }, (_, i) => `"Say hi to person ${i}, please",Hi ${i}.`);
  let text = `\ufeff${['instruction,output', ...rows].join('\n')}\n`;
  const session = createLintSession('e.csv');
  session.update(text);
  const at = text.indexOf('Hi 120.');
  assert.equal(session.edit([{ offset: at, length: 2, text: 'Hello' }]), true);
  text = `${text.slice(0, at)}Hello${text.slice(at + 2)}`;
  assert.deepEqual(session.lint(), lintText('e.csv', text));
  assert.deepEqual(session.lastUpdate, { linesChecked: 1, linesReused: 199, linesSeeded: 0, full: false });
  assert.equal(session.edit([{ offset: 0, length: 1, text: '' }]), false, 'the mark removed: the text is read in full');
  assert.equal(session.text(), text.slice(1));
  assert.deepEqual(session.update(session.text()), lintText('e.csv', text.slice(1)));
});

/**
 * Keystrokes at random places of a document the session holds record by record (a JSON array, a CSV file), with an
 * undo back to the valid text now and then: every update equals a full lint.
 */
function keystrokes(path: string, seeds: number[], render: (records: object[], seed: number) => string, pieces: string[]): void {
  // TUNELAB_SESSION_SEEDS=N runs N more seeds (a longer search for rare failures).
  const more = Array.from({ length: Number(process.env.TUNELAB_SESSION_SEEDS ?? 0) }, (_, k) => 5000 + 7 * k + seeds[0]);
  for (const seed of [...seeds, ...more]) {
    const r = rng(seed);
    const records = baseLines(r).slice(0, 70).flatMap((l) => { try { const v = JSON.parse(l); return v && typeof v === 'object' && !Array.isArray(v) ? [v as object] : []; } catch { return []; } });
    const valid = render(records, seed);
    let text = valid;
    const session = createLintSession(path);
    let held = 0;
    for (let step = 0; step < 120; step++) {
      const prev = step ? text : '';
      if (r() < 0.25) text = valid; // back to the valid text now and then, as an undo does
      const at = Math.floor(r() * (text.length + 1));
      const cut = r() < 0.4 ? Math.floor(r() * Math.min(12, text.length - at + 1)) : 0;
      text = text.slice(0, at) + pieces[Math.floor(r() * pieces.length)] + text.slice(at + cut);
      assert.deepEqual(sessionTo(session, prev, text, step), lintText(path, text), `${path} seed ${seed}, step ${step}: ${JSON.stringify(text.slice(Math.max(0, at - 20), at + 20))}`);
      if (!session.lastUpdate.full && step > 0) held++;
    }
    assert.ok(held > 40, `${path} seed ${seed}: only ${held} of 120 updates held the records one by one`);
  }
}

test('lint session on a pretty-printed JSON array: keystrokes anywhere (commas, brackets, quotes, line breaks) equal a full lint at every step', () => {
  // Seed 48: CRLF line ends (a file saved on Windows); 49: a byte order mark.
  keystrokes('k.json', [41, 42, 43, 48, 49], (records, seed) => {
    const text = `${seed === 43 ? '\n  ' : ''}${JSON.stringify(records, null, seed === 42 ? 4 : 2)}\n`;
    return seed === 48 ? text.replace(/\n/g, '\r\n') : seed === 49 ? `\ufeff${text}` : text;
  },
    [',', ']', '[', '{', '}', '"', '\\', ' ', '\n', '\0', '\ud800', 'x', '  ', '},\n  {', '"role": "user"', '']);
});

test('lint session on a CSV file: keystrokes anywhere (quotes, commas, line breaks, carriage returns, the header) equal a full lint at every step', () => {
  keystrokes('k.csv', [44, 45, 46, 47], (records, seed) => (seed === 46 ? chatCsv(records).replace(/\n/g, '\r\n') : `${seed === 45 ? '\n' : seed === 47 ? '\ufeff' : ''}${chatCsv(records)}`),
    [',', '"', '""', '\n', '\r', '\r\n', ' ', 'x', '[', '{"role": "user", "content": "hi"}', '\0', '\ud800', '\n\n', '']);
});

test('lint session on a CSV file: typing at the end of a row or of the header, or a quote that makes a row run on, is read as it now is', () => {
  const rows = Array.from({ length: 30 }, (_, i) => `"Say hi to person ${i}, please",Hi ${i}`);
  const session = createLintSession('t.csv');
  let text = ['instruction,output', ...rows].join('\n') + '\n';
  session.update(text);
  // [where, what is inserted, how many characters it replaces]; the last turns a cell into an open quote that runs on
  // into the next row, without changing the row's length: its extent is no longer the one read before.
  const edits: [() => number, string, number][] = [[() => text.indexOf('Hi 7\n') + 4, '7, then bye', 0], [() => text.indexOf('\n'), 'x', 0],
    [() => text.indexOf('Hi 29\n') + 5, ',extra field', 0], [() => text.indexOf('Hi 10\n'), '"', 1]];
  for (const [where, insert, replaced] of edits) {
    const at = where();
    text = text.slice(0, at) + insert + text.slice(at + replaced);
    assert.deepEqual(session.update(text), lintText('t.csv', text), JSON.stringify(insert));
  }
  assert.ok(lintText('t.csv', text).findings.some((f) => f.code === 'invalid-json' && f.line === 9), 'the row with a field too many is reported');
});

test('lint session on a CSV file: a new header re-checks every row; a row written another way is checked again', () => {
  const rows = Array.from({ length: 40 }, (_, i) => `"Say hi to person ${i}, please",Hi ${i}.`);
  const session = createLintSession('h.csv');
  const check = (text: string, checked: number): void => {
    assert.deepEqual(session.update(text), lintText('h.csv', text), text.slice(0, 40));
    assert.equal(session.lastUpdate.linesChecked, checked, text.slice(0, 40));
  };
  check(['instruction,output', ...rows].join('\n') + '\n', 40);
  check(['prompt,completion', ...rows].join('\n') + '\n', 40); // the same rows are other records now
  check(['prompt,completion', ...rows].join('\n') + '\n', 0);
  // The same cells, quoted where they were not: the row's text differs, its record does not; checked again.
  const requoted = rows.map((r, i) => (i === 7 ? r.replace(`Hi ${i}.`, `"Hi ${i}."`) : r));
  check(['prompt,completion', ...requoted].join('\n') + '\n', 1);
});

test('lint session: recordAt gives the record under a line as recordAtLine reads it from the whole text, for JSONL, a JSON array and a CSV file', () => {
  const r = rng(47);
  const records = baseLines(r).slice(0, 40).flatMap((l) => { try { const v = JSON.parse(l); return v && typeof v === 'object' && !Array.isArray(v) && 'messages' in v ? [v as object] : []; } catch { return []; } });
  // Spaces and a decomposed é to clean, so that the clean-ups' edits (through a CSV row's map into its cells) are compared too.
  (records[3] as { messages: { content: string }[] }).messages[0].content = '  Cafe\u0301 au lait  ';
  const pretty = JSON.stringify(records, null, 2);
  const docs: [string, string][] = [
    ['r.jsonl', `${records.map((v) => JSON.stringify(v)).join('\n')}\n{"broken": \n\n`],
    // `}, {` puts a value's start on the line the one before it ends on; an invalid value in the middle.
    ['r.json', `${pretty.replace(/\n {2}\},\n {2}\{/g, '\n  }, {').replace('"role": "user"', '"role": "user",,')}\n`],
    ['r.csv', `${chatCsv(records).replace(/\n/, '\n"[]",extra\n')}"[{""role"": ""user"", ""content"": ""two\nlines ""}]"\n`],
  ];
  for (const [path, first] of docs) {
    const session = createLintSession(path);
    let text = first;
    for (const step of ['first update', 'after an edit']) {
      if (step === 'after an edit') text = text.replace('\n', '\n\n');
      session.update(text);
      const lines = text.split('\n').length;
      let found = 0;
      for (let line = 1; line <= lines; line++) {
        const got = session.recordAt(line);
        assert.ok(got, `${path} ${step}: the session tells the record under line ${line}`);
        const want = recordAtLine(text, path, line);
        const fields = (rec: SourceRecord | undefined) => rec && { text: rec.text, line: rec.line, column: rec.column, span: rec.span, value: rec.value, sourceText: rec.sourceText };
        assert.deepEqual(fields(got.record), fields(want), `${path} ${step}, line ${line}`);
        if (!want) continue;
        found++;
        for (const t of [STRING_CLEANUPS.trim, STRING_CLEANUPS.nfc]) assert.deepEqual(recordValueEdits(got.record!, t), recordValueEdits(want, t), `${path} ${step}, line ${line}: clean-up edits`);
      }
      assert.ok(found > 30, `${path}: ${found} lines with a record`);
    }
  }
  // A JSONL session with edits not linted yet, and text read in full (a one-line array), cannot tell.
  const jsonl = createLintSession('e.jsonl');
  jsonl.update(docs[0][1]);
  jsonl.edit([{ offset: 0, length: 0, text: '\n' }]);
  assert.equal(jsonl.recordAt(2), undefined);
  jsonl.lint();
  assert.ok(jsonl.recordAt(2)?.record);
  const oneLine = createLintSession('o.json');
  oneLine.update(JSON.stringify(records));
  assert.equal(oneLine.recordAt(1), undefined);
});
