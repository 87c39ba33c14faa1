// The host's side of the lint worker (src/host/linter.ts) with the real worker script: a document's text lives in the
// worker, which the host's forwarded edits keep current; the host keeps its own copy only when no worker can start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { lintText, lintTrainAndEval, type FileLintResult } from '../../src/core/lint';
import { documentFacts, type DocumentFacts } from '../../src/host/documentFile';
import { Linter, UnknownDocumentError } from '../../src/host/linter';
import { messagesRows } from './support/dataset-forms';
import { chatJsonl } from './support/lint-corpus';

const log = { warn: () => undefined, error: () => undefined } as unknown as vscode.LogOutputChannel;

/** `text` with 1-based, end-exclusive edits applied (they do not overlap). */
function applyEdits(text: string, edits: { line: number; column: number; endLine: number; endColumn: number; newText: string }[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = (l: number, c: number): number => starts[l - 1] + c - 1;
  return [...edits].sort((a, b) => at(b.line, b.column) - at(a.line, a.column))
    .reduce((t, e) => t.slice(0, at(e.line, e.column)) + e.newText + t.slice(at(e.endLine, e.endColumn)), text);
}
const line = (q: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

async function editAndLint(linter: Linter): Promise<void> {
  const text = [line('Hi?', 'Hello.'), line('Name a colour.', 'Blue.'), ''].join('\n');
  linter.syncDocument('doc', 'd.jsonl', 1, text);
  const first = await linter.lintDocument('doc');
  assert.deepEqual(first.result, lintText('d.jsonl', text));
  // The first record copied to the end: a duplicate, once the edit is applied where the text is kept.
  const edited = text + line('Hi?', 'Hello.') + '\n';
  linter.editDocument('doc', 2, [{ offset: text.length, length: 0, text: line('Hi?', 'Hello.') + '\n' }]);
  if (!linter.hasCopy('doc')) {
    // Without a worker the edit is not applied: the host's copy is dropped, and the document must be synced again.
    await assert.rejects(linter.lintDocument('doc'), UnknownDocumentError);
    linter.syncDocument('doc', 'd.jsonl', 2, edited);
  }
  const second = await linter.lintDocument('doc');
  assert.equal(second.version, 2);
  assert.deepEqual(second.result, lintText('d.jsonl', edited));
  assert.ok(second.result.findings.some((f) => f.code === 'duplicate' && f.line === 3));
}

test('with a worker, the host keeps no copy of a document\'s text: edits go to the worker\'s copy', async () => {
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    await editAndLint(linter);
    assert.equal(linter.hostCopies(), 0);
  } finally {
    linter.dispose();
  }
});

test('without a worker (its script missing), the host lints its own copy, and an edit makes it ask for the text again', async () => {
  const linter = new Linter(join(__dirname, 'no-such-worker.js'), log);
  try {
    await editAndLint(linter);
    assert.equal(linter.hostCopies(), 1);
  } finally {
    linter.dispose();
  }
});

/** A file for syncDocumentFromFile, with the facts the host would send of the document it shows. */
function datasetFile(name: string, text: string, fileContent: string = text): { path: string; facts: DocumentFacts; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-linter-'));
  const path = join(dir, name);
  writeFileSync(path, fileContent);
  const lines = text.split('\n');
  return { path, facts: documentFacts(lines.length, (i) => lines[i]), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a large document read by the worker from its file: threaded first lint, then edits, each equal to lintText', async () => {
  // Over the worker's threshold for a threaded first lint (8 M characters); duplicates planted by the generator.
  const text = chatJsonl(8_500_000, 5);
  const file = datasetFile('big.jsonl', text);
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    assert.ok(linter.syncDocumentFromFile('big', file.path, 1, file.facts));
    const first = await linter.lintDocument('big');
    assert.equal(first.fromFile, true);
    assert.equal(first.threads, 2 <= availableParallelism() ? Math.min(availableParallelism(), 4) : undefined);
    // Edited right away, twice (this thread lints nothing meanwhile: lintText of the file takes a second): the worker
    // is still building the session from the threads' seeds, and answers at once with the last result and the edited
    // lines' own findings. First two lines with an email are added, then the second one's email is replaced.
    const lines = text.split('\n').length;
    const added = line('Mail me', 'at ann.lee@example.com') + '\n' + line('Mail me', 'at ann.lee@example.com') + '\n';
    linter.editDocument('big', 2, [{ offset: text.length, length: 0, text: added }]);
    const second = await linter.lintDocument('big');
    const at = text.length + added.lastIndexOf('ann.lee@example.com');
    linter.editDocument('big', 3, [{ offset: at, length: 'ann.lee@example.com'.length, text: 'the office' }]);
    const third = await linter.lintDocument('big');
    // The overview asked for meanwhile waits for the session: it counts the records of the text as edited.
    const overview = linter.overview('big', undefined);
    const edited = text + added.slice(0, at - text.length) + 'the office' + added.slice(at - text.length + 'ann.lee@example.com'.length);
    const whole = await linter.lintDocument('big', undefined, true);
    const newLines = (r: FileLintResult, code: string): number[] => r.findings.filter((f) => f.code === code && f.line >= lines).map((f) => f.line);
    assert.deepEqual([second.version, second.provisional, second.fromFile], [2, true, undefined], 'provisional; fromFile said on the first lint only');
    assert.deepEqual(newLines(second.result, 'pii'), [lines, lines + 1]);
    assert.deepEqual(newLines(second.result, 'duplicate'), [], 'duplicates need the session');
    assert.deepEqual([third.version, third.provisional], [3, true]);
    assert.deepEqual(newLines(third.result, 'pii'), [lines]);
    assert.deepEqual([whole.version, whole.provisional], [3, undefined]);
    assert.deepEqual(first.result, lintText(file.path, text));
    const want = lintText(file.path, edited);
    assert.deepEqual(newLines(want, 'duplicate'), []);
    assert.deepEqual(newLines(lintText(file.path, text + added), 'duplicate'), [lines + 1], 'the two lines added were duplicates');
    assert.deepEqual(whole.result, want, 'the session, built, took both edits');
    assert.equal((await overview).records, want.records);
    assert.equal(want.records, first.result.records + 2);
    linter.editDocument('big', 4, [{ offset: 0, length: 0, text: '\n' }]);
    const fourth = await linter.lintDocument('big');
    assert.equal(fourth.incremental, true, 'the session');
    assert.deepEqual(fourth.result, lintText(file.path, '\n' + edited));
    assert.equal(linter.hostCopies(), 0);
  } finally {
    linter.dispose();
    file.cleanup();
  }
});

test('a large CSV document: threaded first lint in parts; an edit right after is answered from its rows under the header, a row\'s clean-up asked during the lint waits for the session', async () => {
  const rows = messagesRows(chatJsonl(8_500_000, 6).trim().split('\n').map((l) => JSON.parse(l) as unknown));
  rows[100] = rows[100].replace('""content"":""', '""content"":""  ');
  const text = `messages\n${rows.join('\n')}\n`;
  const file = datasetFile('big.csv', text);
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    assert.ok(linter.syncDocumentFromFile('big', file.path, 1, file.facts));
    const answered: string[] = [];
    const linting = linter.lintDocument('big').then((r) => { answered.push('lint'); return r; });
    // Asked while the threads lint: reading 8.5 MB of CSV for the row would take the cores they need.
    const trimming = linter.stringEdits('big', 'trim', 102).then((e) => { answered.push('trim'); return e; });
    const first = await linting;
    assert.equal(first.threads, 2 <= availableParallelism() ? Math.min(availableParallelism(), 4) : undefined);
    assert.deepEqual(first.result, lintText(file.path, text));
    // Rows added right away, while the session is built: a copy of row 4 and a row with an email.
    const added = `${rows[3]}\n"[{""role"":""user"",""content"":""Mail me""},{""role"":""assistant"",""content"":""at ann.lee@example.com""}]"\n`;
    linter.editDocument('big', 2, [{ offset: text.length, length: 0, text: added }]);
    const second = await linter.lintDocument('big');
    const at = (r: FileLintResult, code: string): number[] => r.findings.filter((f) => f.code === code && f.line > rows.length + 1).map((f) => f.line);
    assert.equal(second.version, 2);
    assert.deepEqual(at(second.result, 'pii'), [rows.length + 3], 'the email row, read under the header');
    // While the session is built (from the threads' seeds: it may be done by now), duplicates need it.
    if (second.provisional) assert.deepEqual(at(second.result, 'duplicate'), [], 'duplicates need the session');
    else assert.deepEqual(second.result, lintText(file.path, text + added));
    const trimmed = await trimming;
    assert.deepEqual(answered, ['lint', 'trim']);
    assert.equal(trimmed.length, 1, 'the row\'s leading blanks');
    assert.deepEqual(await linter.stringEdits('big', 'trim', 102), trimmed, 'the same from the built session');
    const whole = await linter.lintDocument('big', undefined, true);
    const want = lintText(file.path, text + added);
    assert.deepEqual(at(want, 'duplicate'), [rows.length + 2]);
    assert.deepEqual(whole.result, want);
    linter.editDocument('big', 3, [{ offset: text.length, length: added.length, text: '' }]);
    const third = await linter.lintDocument('big');
    assert.equal(third.incremental, true, 'the session');
    assert.deepEqual(third.result, first.result);
  } finally {
    linter.dispose();
    file.cleanup();
  }
});

test('a file that is not the document\'s text is not used: the lint asks for the text, and the reason is given', async () => {
  const text = [line('Hi?', 'Hello.'), line('Name a colour.', 'Blue.'), line('Hi?', 'Hello.'), ''].join('\n');
  const file = datasetFile('crlf.jsonl', text, text.replace(/\n/g, '\r\n')); // VS Code may show it with LF
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    linter.syncDocument('other', 'other.jsonl', 1, text);
    assert.ok(linter.syncDocumentFromFile('crlf', file.path, 1, file.facts));
    await assert.rejects(linter.lintDocument('crlf'), (err: Error) => err instanceof UnknownDocumentError && /^the lint worker has no copy of crlf \(its file was not used: carriage returns\)$/.test(err.message));
    assert.equal(linter.hasCopy('crlf'), false);
    assert.equal(linter.hasCopy('other'), true, 'only that document is sent again');
    linter.syncDocument('crlf', file.path, 1, text);
    const r = await linter.lintDocument('crlf');
    assert.equal(r.fromFile, undefined);
    assert.deepEqual(r.result, lintText(file.path, text));
  } finally {
    linter.dispose();
    file.cleanup();
  }
});

test('a Parquet file given as bytes (the training gate) is linted by its rows, with and without the worker', async () => {
  const bytes = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet'));
  for (const script of [join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), join(__dirname, 'no-such-worker.js')]) {
    const linter = new Linter(script, log);
    try {
      const result = await linter.lint('/data/chat.parquet', bytes, { severity: { 'too-few-records': 'off' } });
      assert.deepEqual([result.records, result.format], [5, 'chat'], script);
      assert.deepEqual(result.findings.map((f) => [f.line, f.code]), [[3, 'pii'], [4, 'duplicate'], [5, 'role-order']], script);
    } finally {
      linter.dispose();
    }
  }
});

test('lintPair: a training file and its eval file together, the eval file checked for leakage, with and without the worker', async () => {
  const records = Array.from({ length: 6 }, (_, i) => JSON.stringify({ messages: [
    { role: 'user', content: `Which river flows past town number ${i} in the northern valley?` },
    { role: 'assistant', content: `The river flows past town ${i}, then turns east toward the sea.` }] }));
  const train = { path: '/data/train.jsonl', input: `${records.join('\n')}\n` };
  const held = { path: '/data/eval.jsonl', input: Buffer.from(`${records[2]}\n`) };
  const options = { severity: { 'too-few-records': 'off' as const } };
  for (const script of [join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), join(__dirname, 'no-such-worker.js')]) {
    const linter = new Linter(script, log);
    try {
      const r = await linter.lintPair(train, held, options);
      assert.deepEqual(r.train.findings, [], script);
      assert.deepEqual(r.eval.findings.map((f) => [f.line, f.code, f.severity, f.related?.[0]?.path, f.related?.[0]?.line]), [[1, 'leakage', 'error', '/data/train.jsonl', 3]], script);
    } finally {
      linter.dispose();
    }
  }
});

test('an eval document is checked for leakage against its training files: read once (the answer before is provisional), kept across edits, read again when one changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-leakage-'));
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    // every few words name the record: no two records share a 13-word span
    const records = Array.from({ length: 8 }, (_, i) => line(`Which river${i} flows past town${i} in the northern valley${i} of the old kingdom${i}?`,
      `The river${i} flows past town${i}, then turns east${i} toward the sea, where the ferries${i} of the harbour${i} wait.`));
    const trainPath = join(dir, 'train.jsonl');
    const evalPath = join(dir, 'eval.jsonl');
    writeFileSync(trainPath, `${records.join('\n')}\n`);
    const options = { severity: { 'too-few-records': 'off' as const } };
    const expected = (evalText: string, trainText = readFileSync(trainPath, 'utf8')): FileLintResult =>
      lintTrainAndEval({ path: trainPath, input: Buffer.from(trainText) }, { path: evalPath, input: evalText }, options).eval;
    const leaks = (r: FileLintResult): number[][] => r.findings.filter((f) => f.code === 'leakage').map((f) => [f.line, f.related[0].line]);
    const refs = [{ path: trainPath }];

    let evalText = `${line('Something new?', 'Yes.')}\n${records[2]}\n`;
    linter.syncDocument('eval', evalPath, 1, evalText);
    const first = await linter.lintDocument('eval', options, false, refs);
    assert.equal(first.provisional, true, 'the training file is not read yet');
    assert.deepEqual(leaks(first.result), []);
    const read = await linter.lintDocument('eval', options, true, refs);
    assert.deepEqual(read.result, expected(evalText));
    assert.deepEqual(leaks(read.result), [[2, 3]]);
    assert.deepEqual(read.leakage && { ...read.leakage, ms: 0 }, { trainPaths: [trainPath], trainingRecords: 8, read: true, ms: 0 });
    assert.deepEqual((await linter.overview('eval', undefined)).leakage, { trainFiles: ['train.jsonl'], trainingRecords: 8, findings: 1, skipped: undefined });
    // linted as an eval file: a small eval set is normal (no too-few-records), as `tunelab lint --eval` lints it
    const tooFew = async (refs2?: { path: string }[]): Promise<number | undefined> => (await linter.lintDocument('eval', {}, true, refs2)).result.stats.findingsByCode['too-few-records'];
    assert.deepEqual([await tooFew(refs), await tooFew()], [undefined, 1]);

    // an edit copies another training record in: answered at once from the kept features
    linter.editDocument('eval', 2, [{ offset: evalText.length, length: 0, text: `${records[5]}\n` }]);
    evalText += `${records[5]}\n`;
    const edited = await linter.lintDocument('eval', options, false, refs);
    assert.equal(edited.provisional, undefined);
    assert.equal(edited.leakage?.read, false);
    assert.deepEqual(edited.result, expected(evalText));
    assert.deepEqual(leaks(edited.result), [[2, 3], [3, 6]]);

    // the training file rewritten on disk without its third record: compared with the earlier features until read again
    const rewritten = records.filter((_, i) => i !== 2).join('\n') + '\n';
    writeFileSync(trainPath, rewritten);
    utimesSync(trainPath, new Date(), new Date(Date.now() + 5000));
    const stale = await linter.lintDocument('eval', options, false, refs);
    assert.equal(stale.provisional, true);
    assert.deepEqual(stale.result, edited.result, 'no finding comes and goes while the training file is read');
    const fresh = await linter.lintDocument('eval', options, true, refs);
    assert.deepEqual(fresh.result, expected(evalText));
    assert.deepEqual(leaks(fresh.result), [[3, 5]]);

    // the training file open with unsaved edits: the worker's copy of it counts, not the file
    const openTrain = `${rewritten}${records[2]}\n`;
    linter.syncDocument('train', trainPath, 7, openTrain);
    const open = await linter.lintDocument('eval', options, true, [{ path: trainPath, doc: 'train' }]);
    assert.deepEqual(open.result, expected(evalText, openTrain));
    assert.deepEqual(leaks(open.result), [[2, 8], [3, 5]]);

    // fix-all of leakage on the worker's copy: both copies of training records go, in one set of edits
    const fixed = await linter.fixAll('eval', 2, ['leakage'], options, [{ path: trainPath, doc: 'train' }]);
    assert.deepEqual(fixed?.fixed, { leakage: 2 });
    assert.equal(applyEdits(evalText, fixed!.edits), `${line('Something new?', 'Yes.')}\n`);
    assert.equal((await linter.fixAll('eval', 2, ['leakage'], options))?.edits.length, 0, 'without its training files nothing leaks');
    // every leakage finding, past the per-code limit (the fix-all beyond it)
    const every = await linter.lintDocumentOnce('eval', 2, { ...options, maxFindingsPerCode: 1 }, [{ path: trainPath, doc: 'train' }]);
    assert.deepEqual([every?.stats.findingsByCode.leakage, every?.findings.filter((f) => f.code === 'leakage').length], [2, 2]);

    // a training file that is gone, or the rule off: the eval document by itself
    const gone = await linter.lintDocument('eval', options, false, [{ path: join(dir, 'nope.jsonl') }]);
    assert.deepEqual(leaks(gone.result), []);
    assert.match(gone.leakage?.skipped ?? '', /^not found: .*nope\.jsonl$/);
    assert.deepEqual((await linter.overview('eval', undefined)).leakage, { trainFiles: ['nope.jsonl'], trainingRecords: 0, findings: 0, skipped: gone.leakage?.skipped });
    const off = await linter.lintDocument('eval', { severity: { ...options.severity, leakage: 'off' as const } }, false, refs);
    assert.deepEqual([leaks(off.result), off.leakage, (await linter.overview('eval', undefined)).leakage], [[], undefined, undefined]);
  } finally {
    linter.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the overview\'s duplicate clusters are whole when the lint kept only some of the duplicates (per-code limit)', async () => {
  const a = line('What is three plus three?', 'Six.');
  const b = line('What is four plus four?', 'Eight.');
  const text = `${[a, b, ...Array.from({ length: 12 }, (_, i) => (i % 2 ? b : a))].join('\n')}\n`;
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    linter.syncDocument('d', '/data/d.jsonl', 1, text);
    const r = await linter.lintDocument('d', { maxFindingsPerCode: 3, severity: { 'too-few-records': 'off' } });
    assert.equal(r.result.stats.findingsByCode.duplicate, 12);
    const overview = await linter.overview('d', undefined);
    assert.deepEqual(overview.duplicateClusters.map((c) => [c.kind, c.lines]), [
      ['duplicate', [1, 3, 5, 7, 9, 11, 13]], ['duplicate', [2, 4, 6, 8, 10, 12, 14]]]);
  } finally {
    linter.dispose();
  }
});

test('lintDocumentOnce lints the worker\'s copy with other options, outside its session, only at the version asked, with and without the worker', async () => {
  const a = line('What is five plus five?', 'Ten.');
  const text = `${[a, line('Name a fruit.', 'A pear.'), a, a].join('\n')}\n`;
  const options = { maxFindingsPerCode: 1, severity: { 'too-few-records': 'off' as const } };
  for (const script of [join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), '/nonexistent/lintWorker.js']) {
    const linter = new Linter(script, log);
    try {
      await assert.rejects(linter.lintDocumentOnce('d', 1, options), UnknownDocumentError);
      linter.syncDocument('d', '/data/d.jsonl', 1, text);
      const kept = await linter.lintDocument('d', options);
      assert.deepEqual(kept.result.findings.filter((f) => f.code === 'duplicate' && f.severity !== 'info').map((f) => f.line), [3], script);
      const all = await linter.lintDocumentOnce('d', 1, { ...options, maxFindingsPerCode: Infinity });
      assert.deepEqual(all?.findings.filter((f) => f.code === 'duplicate').map((f) => f.line), [3, 4], script);
      assert.equal(await linter.lintDocumentOnce('d', 2, options), undefined, `a stale version gets no answer (${script})`);
      // The session is untouched: the next lint under its own options is incremental and equal to a full lint.
      const again = await linter.lintDocument('d', options);
      assert.deepEqual(again.result, lintText('/data/d.jsonl', text, options), script);
    } finally {
      linter.dispose();
    }
  }
});

test('parquetRows: a Parquet file\'s rows as JSONL text decoded off the host\'s thread, or why not (not Parquet, over the size an editor shows)', async () => {
  const parquet = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet'));
  for (const script of [join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), '/nonexistent/lintWorker.js']) {
    const linter = new Linter(script, log);
    try {
      const rows = await linter.parquetRows(parquet, 2 ** 20);
      assert.ok('text' in rows, script);
      const lines = rows.text.split('\n').filter(Boolean);
      assert.equal(lines.length, 5, script);
      assert.ok(Array.isArray((JSON.parse(lines[0]) as { messages?: unknown }).messages), script);
      const small = await linter.parquetRows(parquet, 100);
      assert.ok('problem' in small && /more than an editor can show .* "Tunelab: Lint Dataset"/.test(small.problem), script);
      const other = await linter.parquetRows(Buffer.from('{"text": "not parquet"}\n'), 2 ** 20);
      assert.deepEqual(other, { problem: 'it is not a Parquet file (it does not start with PAR1)' }, script);
    } finally {
      linter.dispose();
    }
  }
});

test('recordTokensAt: the worker finds the record under a line of its copy (a CSV row spanning lines, a pretty-printed array record) and counts it', async () => {
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    await assert.rejects(linter.recordTokensAt('c', 2, undefined), UnknownDocumentError);
    linter.syncDocument('c', '/data/c.csv', 1, 'prompt,completion\n"Write a\nhaiku",Autumn moonlight\nx,y\n');
    const row = await linter.recordTokensAt('c', 3, undefined);
    assert.deepEqual(row?.span, { line: 2, column: 1, endLine: 3, endColumn: 24 });
    assert.ok(row && row.info.tokens !== undefined && row.info.tokens > 0 && !row.info.exact, 'an estimate without a model');
    assert.equal(await linter.recordTokensAt('c', 1, undefined), undefined, 'the header is no record');
    const pretty = JSON.stringify([{ text: 'first record' }, { text: 'second record, a little longer' }], null, 2);
    linter.syncDocument('a', '/data/a.json', 1, pretty);
    const second = await linter.recordTokensAt('a', pretty.split('\n').findIndex((l) => l.includes('second')) + 1, undefined);
    assert.equal(second?.span.line, 5);
    assert.ok(second && second.info.tokens! > (await linter.recordTokensAt('a', 3, undefined))!.info.tokens!, 'the longer record counts more');
  } finally {
    linter.dispose();
  }
});

test('a clean-up asked right after an edit, before its lint: its edits are of the edited text, and the lint that follows is of it too', async () => {
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    const rows = Array.from({ length: 30 }, (_, i) => `"Say hi to person ${i}",Hi ${i}.`);
    let text = ['prompt,completion', ...rows].join('\n') + '\n';
    linter.syncDocument('c', '/data/c.csv', 1, text);
    await linter.lintDocument('c');
    let version = 1;
    // A padded row put in, a word added to a row (nothing to trim there), a padded row added at the end.
    const edits: [() => number, string][] = [[() => text.indexOf('\n"Say hi to person 7"'), '\n"  Padded question  ",Padded.'],
      [() => text.indexOf('Hi 3.'), 'Well, '], [() => text.length, '" Another ",one\n']];
    for (const [where, put] of edits) {
      const offset = where();
      text = text.slice(0, offset) + put + text.slice(offset);
      linter.editDocument('c', ++version, [{ offset, length: 0, text: put }]);
      const line = text.slice(0, offset + put.length).split('\n').length;
      const edits = await linter.stringEdits('c', 'trim', line);
      assert.equal(applyEdits(text, edits), recordTrimmed(text, line), `version ${version}: the clean-up of line ${line}`);
      const answer = await linter.lintDocument('c');
      assert.equal(answer.version, version);
      assert.deepEqual(answer.result, lintText('/data/c.csv', text), `version ${version}: the lint after the clean-up`);
    }
  } finally {
    linter.dispose();
  }
});

/** The text with the CSV row at `line` trimmed, as the trim clean-up should leave it (cells padded with spaces). */
function recordTrimmed(text: string, line: number): string {
  const lines = text.split('\n');
  lines[line - 1] = lines[line - 1].replace(/"\s+([^"]*?)\s+"/g, '"$1"');
  return lines.join('\n');
}
