// `tunelab lint --fix`: every fix of the chosen codes applied to a copy, deletions first, until nothing more applies;
// the original file is never written.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintText, lintTrainAndEval } from '../../src/core/lint';
import { applySplices, applyTextEdits, composeSplices, FIXABLE_CODES, fixText, toTextEdits, type Splice } from '../../src/core/lint/fix-text';
import { rng } from './support/lint-corpus';
import { makeCorpus } from './support/lint-corpus';
import { runCli } from './support/run-cli';

const chat = (q: string, a: string, role = 'user'): string => JSON.stringify({ messages: [{ role, content: q }, { role: 'assistant', content: a }] });
const QUIET = { severity: { 'too-few-records': 'off' as const } };
const HARBOUR = 'The northern harbour of Tollbridge was built in 1820 by the fishing families who settled along the coast after the great storm, and it still shelters the fleet every winter.';

/** One finding of each fixable code, two on one string (markup and mojibake), and a redaction that makes two records equal. */
const DIRTY = [
  chat('Tell me about the harbour.', HARBOUR),
  chat('Mail jo.doe@example.com about it.', 'Sure.'),
  chat('Tell me about the harbour.', HARBOUR),
  chat('Tell me about the harbour!', HARBOUR.replace('every winter', 'each winter')),
  chat('What is <b>bold</b>?', 'It is caf\u00c3\u00a9 style &amp; more.'),
  chat('hi', 'hello', 'human'),
  chat('Mail ann.lee@example.org about it.', 'Sure.'),
].join('\n') + '\n';

const CLEAN = [
  chat('Tell me about the harbour.', HARBOUR),
  chat('Mail [EMAIL] about it.', 'Sure.'),
  chat('What is bold?', 'It is café style & more.'),
  chat('hi', 'hello'),
].join('\n') + '\n';

test('applyTextEdits: 1-based lines, UTF-16 columns, exclusive ends, edits in any order, CRLF lines', () => {
  const text = 'ab😀cd\r\nsecond line\nthird';
  assert.equal(applyTextEdits(text, [
    { line: 3, column: 1, endLine: 3, endColumn: 6, newText: 'THIRD' },
    { line: 1, column: 3, endLine: 1, endColumn: 5, newText: '🙂' }, // the surrogate pair is two columns
    { line: 1, column: 8, endLine: 2, endColumn: 1, newText: '' }, // \r\n at the end of line 1 (columns 7 and 8 are "\r")
  ]), 'ab🙂cd\rsecond line\nTHIRD');
  assert.equal(applyTextEdits(text, []), text);
  assert.throws(() => applyTextEdits(text, [{ line: 9, column: 1, endLine: 9, endColumn: 1, newText: 'x' }]), /outside the text/);
  assert.throws(() => applyTextEdits(text, [
    { line: 1, column: 1, endLine: 1, endColumn: 4, newText: '' }, { line: 1, column: 2, endLine: 1, endColumn: 3, newText: '' },
  ]), /overlapping/);
});

test('composeSplices: passes of splices, each of the text the one before made, as one set of splices of the original', () => {
  const r = rng(41);
  const pick = (s: string): string => s[Math.floor(r() * s.length)];
  const randomText = (n: number): string => Array.from({ length: n }, () => pick('ab\ncd😀')).join('');
  const randomSplices = (text: string): Splice[] => {
    const out: Splice[] = [];
    for (let at = 0; at <= text.length;) {
      at += Math.floor(r() * 6);
      if (at > text.length) break;
      const end = Math.min(text.length, at + (r() < 0.3 ? 0 : Math.floor(r() * 4)));
      const replacement = r() < 0.3 ? '' : randomText(Math.floor(r() * 4));
      if (end > at || replacement) out.push({ start: at, end, text: replacement });
      at = end + (r() < 0.2 ? 0 : 1);
    }
    return out;
  };
  for (let round = 0; round < 3000; round++) {
    const original = randomText(Math.floor(r() * 30));
    let text = original;
    let composed: Splice[] = [];
    for (let pass = 0, passes = 1 + Math.floor(r() * 4); pass < passes; pass++) {
      const splices = randomSplices(text);
      composed = composeSplices(composed, splices, text);
      text = applySplices(text, splices);
      for (let i = 1; i < composed.length; i++) assert.ok(composed[i].start >= composed[i - 1].end, `round ${round}: sorted and apart`);
      assert.equal(applySplices(original, composed), text, `round ${round}, pass ${pass}: ${JSON.stringify({ original, composed })}`);
    }
    // As line and column edits of the original, they make the same text.
    assert.equal(applyTextEdits(original, toTextEdits(original, composed)), text);
  }
});

test('fixText: deletions first, then edits, and what the edits uncover, until nothing more applies', () => {
  const result = fixText('d.jsonl', DIRTY, FIXABLE_CODES, QUIET);
  assert.equal(result.text, CLEAN);
  assert.equal(applyTextEdits(DIRTY, result.edits), CLEAN, 'the edits of the original make the same text in one step');
  // The second redaction made line 7 a copy of line 2: a deletion pass after the edits removed it.
  assert.deepEqual(result.fixed, { duplicate: 2, 'near-duplicate': 1, pii: 2, 'markup-noise': 2, encoding: 1, 'unknown-role': 1 });
  assert.ok(result.passes >= 3 && result.passes <= 8, `${result.passes} passes`);
  const left = lintText('d.jsonl', result.text, QUIET).findings;
  assert.deepEqual(left.map((f) => f.code), []);
});

test('fixText: only the codes asked for; other findings stay', () => {
  const result = fixText('d.jsonl', DIRTY, ['pii'], QUIET);
  assert.deepEqual(result.fixed, { pii: 2 });
  assert.equal(result.passes, 1);
  const lines = result.text.split('\n');
  assert.equal(lines.length, DIRTY.split('\n').length, 'no record deleted');
  assert.equal(JSON.parse(lines[1]).messages[0].content, 'Mail [EMAIL] about it.');
  assert.equal(JSON.parse(lines[4]).messages[0].content, 'What is <b>bold</b>?');
  assert.deepEqual(fixText('d.jsonl', CLEAN, FIXABLE_CODES, QUIET), { text: CLEAN, edits: [], fixed: {}, passes: 0 });
});

test('fixText on a CSV file: fixes in CSV syntax, a duplicate row deleted', () => {
  const csv = 'instruction,output\n"Mail jo@example.com, please",Sure.\nSay hi,"<i>Hi</i> there"\n"Mail jo@example.com, please",Sure.\n';
  const result = fixText('d.csv', csv, FIXABLE_CODES, QUIET);
  assert.equal(result.text, 'instruction,output\n"Mail [EMAIL], please",Sure.\nSay hi,"Hi there"\n');
});

test('fixText on a generated corpus: every record left is valid, no fixable finding is left, and records only go or change', () => {
  const corpus = makeCorpus(7, 600);
  const text = corpus.files.find((f) => f.name === 'train.jsonl')!.lines.join('\n') + '\n';
  const result = fixText('c.jsonl', text, FIXABLE_CODES, QUIET);
  const after = lintText('c.jsonl', result.text, QUIET);
  assert.deepEqual(after.findings.filter((f) => FIXABLE_CODES.includes(f.code) && f.fixes?.length).map((f) => `${f.line} ${f.code}`), []);
  assert.equal(after.stats.invalidRecords, lintText('c.jsonl', text, QUIET).stats.invalidRecords, 'no record made invalid');
  const before = text.split('\n').length, now = result.text.split('\n').length;
  assert.ok(now < before && before - now === (result.fixed.duplicate ?? 0) + (result.fixed['near-duplicate'] ?? 0), `${before} -> ${now} lines`);
  for (const code of ['duplicate', 'near-duplicate', 'pii', 'markup-noise', 'encoding'] as const) assert.ok((result.fixed[code] ?? 0) > 0, code);
});

test('tunelab lint --fix CODES --out FILE: writes the fixed copy, leaves the dataset as it was, and lints the copy', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-fix-'));
  fs.writeFileSync(path.join(dir, 'train.jsonl'), `\uFEFF${DIRTY}`);
  const run = (...args: string[]) => runCli(['lint', ...args], { cwd: dir, timeoutMs: 60_000 });

  const fixed = await run('--fix', 'all', '--out', 'clean.jsonl', '--format', 'json', 'train.jsonl');
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'train.jsonl'), 'utf8'), `\uFEFF${DIRTY}`, 'the dataset is unchanged');
  assert.equal(fs.readFileSync(path.join(dir, 'clean.jsonl'), 'utf8'), `\uFEFF${CLEAN}`, 'the copy keeps the byte order mark');
  assert.match(fixed.stderr, /^tunelab: fixed 9 findings \(duplicate 2, near-duplicate 1, pii 2, markup-noise 2, encoding 1, unknown-role 1\) in \d passes; wrote clean\.jsonl/);
  const out = JSON.parse(fixed.stdout);
  assert.deepEqual(out.files.map((f: { path: string }) => f.path), ['clean.jsonl'], 'the report is of the copy');

  const some = await run('--fix', 'pii, encoding', '--out', 'some.jsonl', 'train.jsonl');
  assert.equal(some.code, 1, 'the unknown role is still an error');
  assert.match(some.stderr, /fixed 3 findings \(pii 2, encoding 1\)/);
  assert.match(some.stdout, /^some\.jsonl:6:\d+: error unknown-role/m);

  const refusals: [string[], RegExp][] = [
    [['--fix', 'all', '--out', 'train.jsonl', 'train.jsonl'], /--out must not be one of the datasets/],
    [['--fix', 'all', '--out', `${dir}/./train.jsonl`, 'train.jsonl'], /--out must not be one of the datasets/],
    [['--fix', 'all', 'train.jsonl'], /--fix needs --out FILE/],
    [['--out', 'x.jsonl', 'train.jsonl'], /give --fix CODES too/],
    [['--fix', 'pii,typo', '--out', 'x.jsonl', 'train.jsonl'], /--fix: unknown code "typo"; codes with fixes: duplicate, near-duplicate, pii/],
    [['--fix', 'schema', '--out', 'x.jsonl', 'train.jsonl'], /--fix: schema has no automatic fix/],
    [['--fix', 'all', '--out', 'x.jsonl', 'train.jsonl', 'clean.jsonl'], /name one FILE/],
  ];
  for (const [args, message] of refusals) {
    const r = await run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.equal(fs.existsSync(path.join(dir, 'x.jsonl')), false);
  assert.equal(fs.readFileSync(path.join(dir, 'train.jsonl'), 'utf8'), `\uFEFF${DIRTY}`);

  fs.writeFileSync(path.join(dir, 'latin1.jsonl'), Buffer.concat([Buffer.from(chat('caf', 'x').slice(0, 40)), Buffer.from([0xe9]), Buffer.from('"}]}\n')]));
  const latin1 = await run('--fix', 'all', '--out', 'y.jsonl', 'latin1.jsonl');
  assert.equal(latin1.code, 2);
  assert.match(latin1.stderr, /latin1\.jsonl is not UTF-8 text; run `tunelab lint latin1\.jsonl` to see why/);
  fs.writeFileSync(path.join(dir, 'd.parquet'), Buffer.from('PAR1\0\0\0\0PAR1'));
  const parquet = await run('--fix', 'all', '--out', 'y.jsonl', 'd.parquet');
  assert.match(parquet.stderr, /--fix cannot edit a Parquet file/);
  assert.equal(fs.existsSync(path.join(dir, 'y.jsonl')), false);
});

test('leakage: exact and near copies of training records carry a delete fix (not shared spans, not the first record of an array); --fix leakage writes the eval file without them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-leak-fix-'));
  const long = (topic: string): string => `${HARBOUR} The ${topic} is described in the records of the town council and in letters kept at the museum by the harbour.`;
  const train = [chat('Tell me about the harbour.', HARBOUR), chat('And the council?', long('council')), chat('What is 2 + 2?', 'Four.')];
  const evalLines = [
    chat('Tell me about the harbour.', HARBOUR), // an exact copy
    chat('What is 3 + 3?', 'Six.'),
    chat('And the council?', long('council').replace('letters', 'notes')), // a near copy (one word of many)
    chat('Tell me about the harbour walls.', `${HARBOUR.slice(0, 90)} and then something else entirely about walls and gates and towers.`), // a shared span
  ];
  fs.writeFileSync(path.join(dir, 'train.jsonl'), train.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'eval.jsonl'), evalLines.join('\n') + '\n');
  const both = lintTrainAndEval({ path: 'train.jsonl', input: train.join('\n') + '\n' }, { path: 'eval.jsonl', input: evalLines.join('\n') + '\n' });
  const leaks = both.eval.findings.filter((f) => f.code === 'leakage');
  assert.deepEqual(leaks.map((f) => [f.line, f.severity, f.fixes?.[0].title]), [
    [1, 'error', 'Delete the leaked eval record'], [3, 'error', 'Delete the leaked eval record'], [4, 'warning', undefined],
  ]);
  // In a JSON array the first record has no record before it to delete from: no fix there, a fix on the others.
  const arrayText = `${JSON.stringify(evalLines.map((l) => JSON.parse(l)), null, 2)}\n`;
  const arrayLeaks = lintTrainAndEval({ path: 'train.jsonl', input: train.join('\n') + '\n' }, { path: 'eval.json', input: arrayText }).eval.findings.filter((f) => f.code === 'leakage' && f.severity === 'error');
  assert.deepEqual(arrayLeaks.map((f) => !!f.fixes), [false, true]);

  const r = await runCli(['lint', '--eval', 'eval.jsonl', '--fix', 'leakage', '--out', 'eval.clean.jsonl', 'train.jsonl'], { cwd: dir, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^tunelab: fixed 2 findings \(leakage 2\) in 1 pass; wrote eval\.clean\.jsonl/);
  assert.equal(fs.readFileSync(path.join(dir, 'eval.clean.jsonl'), 'utf8'), [evalLines[1], evalLines[3]].join('\n') + '\n');
  assert.equal(fs.readFileSync(path.join(dir, 'eval.jsonl'), 'utf8'), evalLines.join('\n') + '\n', 'the eval file is unchanged');
  assert.match(r.stdout, /^eval\.clean\.jsonl:2:1: warning leakage: eval record shares the 13-word span/m, 'the report is of the copy, with the eval file\'s role');
  for (const [args, message] of [
    [['--eval', 'eval.jsonl', '--fix', 'leakage,pii', '--out', 'x.jsonl', 'train.jsonl'], /--fix leakage writes a fixed copy of the eval file: fix the training file's codes in another run/],
    [['--fix', 'leakage', '--out', 'x.jsonl', 'train.jsonl'], /--fix leakage needs one training FILE and one --eval file/],
    [['--eval', 'eval.jsonl', '--fix', 'leakage', '--out', 'eval.jsonl', 'train.jsonl'], /--out must not be one of the datasets/],
  ] as [string[], RegExp][]) {
    const bad = await runCli(['lint', ...args], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(bad.code, 2, args.join(' '));
    assert.match(bad.stderr, message, args.join(' '));
  }
});
