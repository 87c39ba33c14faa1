// The editor's first lint of a large document on several threads (src/core/lint/lint-text-parallel.ts) must give
// lintText's findings on the same text, or decline (undefined) where the threads would read the text differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createLintSession, lintBytesParallel, lintText, lintTextParallel, lintTrainAndEval, lintTrainAndEvalParallel, type LintInput, type LintOptions } from '../../src/core/lint';
import { ShardPool } from '../../src/core/lint/lint-parallel';
import { corpusRecords, csvCell, indentedArray, messagesCsv } from './support/dataset-forms';
import { chatJsonl, makeCorpus } from './support/lint-corpus';

const JOBS = 3; // more threads than this machine's cores: every slice boundary and the merge are exercised

test('a document linted on threads equals lintText: planted defects of every code, non-ASCII, CRLF, rules off and limits', async () => {
  const corpus = makeCorpus(7, 600);
  const chat = corpus.files.find((f) => f.role === 'train' && f.name.endsWith('.jsonl'))!;
  const texts: [string, string][] = [
    ['planted', chat.lines.join('\n') + '\n'],
    ['crlf', chat.lines.join('\r\n')], // no newline at the end, too
    // Its delete fix ends on the line itself: there is no line break to take.
    ['a duplicate last line without a line break', chat.lines.join('\n') + '\n' + chat.lines[chat.clean[0] - 1]],
    ['mixed formats', [...chat.lines.slice(0, 200), '{"instruction": "Add 2 and 3.", "output": "5"}', '{broken', chatJsonl(200_000, 3)].join('\n')],
    ['non-ASCII', chat.lines.map((l, i) => (i % 7 ? l : l.replace(/"content": "/, '"content": "naïve café 東京 😀 '))).join('\n')],
  ];
  const variants: LintOptions[] = [corpus.options, { ...corpus.options, maxFindingsPerCode: 2 }, { severity: { duplicate: 'off', pii: 'off' } }];
  for (const [name, text] of texts) {
    for (const options of variants) {
      const parallel = await lintTextParallel('doc.jsonl', text, options, { jobs: JOBS });
      assert.ok(parallel, `${name}: linted on threads`);
      const serial = lintText('doc.jsonl', text, options);
      assert.ok(serial.findings.length > 0, `${name}: the text has findings`);
      assert.deepStrictEqual(parallel, serial, `${name}, ${JSON.stringify(options)}`);
      assert.ok(parallel.findings.some((f) => f.fixes?.length), `${name}: quick fixes kept`);
    }
  }
});

test('declines where the threads would not read the text as lintText does, or would not help', async () => {
  const lines = chatJsonl(50_000, 4);
  const cases: [string, string, number, string?][] = [
    ['an unpaired surrogate (UTF-8 would turn it into U+FFFD)', lines + '{"text": "broken \ud800 half"}\n', JOBS],
    ['a leading U+FEFF (read from bytes it is a byte order mark)', '\ufeff' + lines, JOBS],
    ['a JSON array on one line (no line between records to cut at)', `[${lines.trim().split('\n').join(',')}]`, JOBS],
    ['a JSON array on one line after blank lines', `\n  \n[${lines.trim().split('\n').join(',')}]`, JOBS],
    ['a CSV file that starts with a blank line', '\n' + messagesCsv(lines.trim().split('\n').map((l) => JSON.parse(l) as unknown)), JOBS, 'doc.csv'],
    ['one thread', lines, 1],
  ];
  for (const [why, text, jobs, path] of cases) {
    assert.equal(await lintTextParallel(path ?? 'doc.jsonl', text, {}, { jobs }), undefined, why);
    const shared = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(text)));
    shared.write(text);
    if (!why.includes('U+FEFF') && !why.includes('surrogate')) assert.equal(await lintBytesParallel(path ?? 'doc.jsonl', shared, {}, { jobs }), undefined, `${why} (bytes)`);
  }
  // The serial lint still sees what made the text unfit: the surrogate is an encoding finding.
  assert.ok(lintText('doc.jsonl', cases[0][1]).findings.some((f) => f.code === 'encoding'));
});

test('JSON array and CSV documents linted on threads, in parts, equal lintText; a session starts from their seeds and then takes edits', async () => {
  const corpus = makeCorpus(9, 400);
  const values = corpusRecords(9, 400);
  const lines = values.map((v) => JSON.stringify(v));
  // Two records on one line here and there (the session then reads the text whole: no seeds), and cells over several
  // lines with findings below a record's first line.
  const shared = `[\n${lines.map((l, i) => l + (i === lines.length - 1 ? '' : i % 7 === 3 ? ', ' : ',\n')).join('')}\n]\n`;
  const cells = ['instruction,output', ...values.slice(0, 300).map((v, i) => `${csvCell(`Question ${i}\nwrite to ann.lee${i % 9}@example.com`, true)},${csvCell(JSON.stringify(v).slice(0, 80 + (i % 40)))}`)].join('\n') + '\n';
  const docs: [string, string][] = [['doc.json', indentedArray(values)], ['shared.json', shared], ['doc.csv', messagesCsv(values)], ['cells.csv', cells]];
  for (const [path, text] of docs) {
    const seeds = { summaries: [] };
    const parallel = await lintTextParallel(path, text, corpus.options, { jobs: JOBS, seeds });
    assert.ok(parallel, `${path}: linted on threads`);
    assert.deepStrictEqual(parallel, lintText(path, text, corpus.options), path);
    assert.ok(parallel.findings.some((f) => (f.code === 'duplicate' || f.code === 'pii') && f.fixes?.length), `${path}: findings with their fixes`);
    assert.ok(seeds.summaries.length > 0, `${path}: the parts' summaries kept`);
    const session = createLintSession(path, corpus.options, seeds);
    assert.deepStrictEqual(session.update(text), parallel, `${path}: the session built from the seeds`);
    const seeded = session.lastUpdate.linesSeeded;
    if (path === 'shared.json') assert.equal(seeded, 0, 'not held record by record');
    else assert.ok(seeded > parallel.records * 0.9 && seeded <= parallel.records, `${path}: ${seeded} of ${parallel.records} records seeded`);
    // Then edits, as the worker sends them: a record copied to the end, and one word changed.
    const edited = text.replace(/\n\]\n$/, '') + (path.endsWith('.json') ? `,\n${lines[5]}\n]\n` : text.split('\n')[3] + '\n');
    assert.deepStrictEqual(session.update(edited), lintText(path, edited, corpus.options), `${path}: a record added`);
    const reworded = edited.replace('Question 1\n', 'Query 1\n').replace('"content":"', '"content":"Well, ');
    assert.deepStrictEqual(session.update(reworded), lintText(path, reworded, corpus.options), `${path}: a word changed`);
  }
});

test('a document\'s UTF-8 bytes in shared memory (its file) linted on threads equal lintText of its text', async () => {
  const corpus = makeCorpus(8, 400);
  const chat = corpus.files.find((f) => f.role === 'train' && f.name.endsWith('.jsonl'))!;
  const text = chat.lines.map((l, i) => (i % 5 ? l : l.replace(/"content": "/, '"content": "naïve 東京 😀 '))).join('\n') + '\n';
  const shared = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(text)));
  shared.write(text);
  const seeds = { summaries: [] };
  const parallel = await lintBytesParallel('doc.jsonl', shared, corpus.options, { jobs: JOBS, seeds });
  assert.deepStrictEqual(parallel, lintText('doc.jsonl', text, corpus.options));
  assert.ok(seeds.summaries.length > 0, 'the threads\' seeds kept for the session');
  // Bytes the threads cannot share (not in a SharedArrayBuffer): declined, never copied behind the caller's back.
  assert.equal(await lintBytesParallel('doc.jsonl', Buffer.from(text), corpus.options, { jobs: JOBS }), undefined);
});

test('the check before a training run on threads (lintTrainAndEvalParallel) equals lintTrainAndEval, for text and bytes, with one pool used by two at once', async () => {
  const train = chatJsonl(20_000, 21);
  const lines = train.split('\n').filter(Boolean);
  const held = [lines[2], lines[Math.floor(lines.length / 2)], lines[lines.length - 1], ...chatJsonl(2_000, 22).split('\n').filter(Boolean).slice(0, 4)].join('\n') + '\n';
  const csvValues = corpusRecords(23, 1500);
  const trainCsv = messagesCsv(csvValues);
  const heldCsv = messagesCsv(csvValues.slice(100, 104));
  const pool = new ShardPool(1, join(__dirname, '../../src/core/lint/lint-parallel.js'));
  try {
    const cases: [string, LintInput, LintInput][] = [
      ['JSONL text', { path: 'train.jsonl', input: train }, { path: 'eval.jsonl', input: held }],
      ['JSONL bytes', { path: 'train.jsonl', input: Buffer.from(train) }, { path: 'eval.jsonl', input: Buffer.from(held) }],
      ['CSV text', { path: 'train.csv', input: trainCsv }, { path: 'eval.csv', input: heldCsv }],
    ];
    // All at once on one pool of one thread: each task waits for the one before on that thread.
    const got = await Promise.all(cases.map(([, t, e]) => lintTrainAndEvalParallel(t, e, {}, { jobs: 2, pool, minChars: 0 })));
    cases.forEach(([what, t, e], k) => {
      const want = lintTrainAndEval(t, e);
      assert.ok((want.eval.stats.findingsByCode.leakage ?? 0) >= 3, `${what}: ${JSON.stringify(want.eval.stats.findingsByCode)}`);
      assert.deepStrictEqual(got[k], want, what);
    });
  } finally {
    await pool.close();
  }
});
