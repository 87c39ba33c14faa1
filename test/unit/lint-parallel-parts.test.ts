// JSON arrays and CSV files linted on several threads: their records are cut into parts at line starts between two
// records (src/core/dataset/record-parts.ts) that the threads read as the whole file reads there. Wherever the cuts
// fall, the output must be the serial lint's, and a file the cuts misjudge must be linted serially, not differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintFiles, lintFilesParallel, type FileLintResult, type LintOptions } from '../../src/core/lint';
import { lintSource } from '../../src/core/lint/lint-source';
import { lintFileParallel, readShared, ShardPool } from '../../src/core/lint/lint-parallel';
import type { ShardSummary } from '../../src/core/lint/shard-summary';
import { arrayParts, csvHeaderBytes, csvParts } from '../../src/core/dataset/record-parts';
import { csvPartRecords } from '../../src/core/dataset/csv';
import { openArrayPart } from '../../src/core/dataset/read';
import { csvCell, indentedItem, messagesRows } from './support/dataset-forms';
import { chatJsonl, cleanChat, makeCorpus, rng } from './support/lint-corpus';

/** Chat records with what the whole-file rules see (duplicates, near-duplicates, a skewed answer), planted defects and non-ASCII text. */
function chatValues(seed: number): unknown[] {
  const corpus = makeCorpus(seed, 300);
  const chat = corpus.files.find((f) => f.role === 'train' && f.name.endsWith('.jsonl'))!;
  const values: unknown[] = [];
  for (const l of [...chat.lines, ...chatJsonl(60_000, seed).split('\n')]) {
    try { values.push(JSON.parse(l)); } catch { /* a planted broken line: the files below plant their own */ }
  }
  const r = rng(seed);
  for (let i = 0; i < 120; i++) {
    const rec = cleanChat(r);
    rec.messages.push({ role: 'assistant', content: "I'm sorry, I can't help with that." });
    values.splice(Math.floor(r() * values.length), 0, rec);
  }
  values.splice(9, 0, { messages: [{ role: 'user', content: 'naïve café 東京 😀, "quoted", back\\slash' }, { role: 'assistant', content: 'ok\nmulti-line' }] });
  values.splice(15, 0, { messages: [{ role: 'user', content: 'one quote " then ]}] and, more [' }, { role: 'assistant', content: 'a \\" backslash' }] });
  values.splice(20, 0, { instruction: 'Add 2 and 3.', output: '5' }, { data: [{ a: 1 }] }, [1, 2], 'a string');
  values.push(values[12], values[40], values[300]);
  return values;
}

/** As json.dump(indent=2) writes an array, or one record per line; with values that do not parse (their brackets balanced). */
function arrayText(values: unknown[], style: 'indented' | 'lines', crlf = false): string {
  const items = values.map((v) => (style === 'indented' ? indentedItem(v) : JSON.stringify(v)));
  items.splice(30, 0, '  {"messages": [{"role": "user", "content": "cut off"}], }', '{"text": "unquoted" : 1}');
  const text = `[\n${items.join(',\n')}\n]\n`;
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** A `messages` column of JSON, with invalid rows (a field too many, JSON that does not parse), blank lines and CRLF. */
function chatCsv(values: unknown[], crlf = false): string {
  const rows = messagesRows(values);
  rows.splice(25, 0, '"[]",an extra field', '"[{""role"": ""user"""', '', csvCell('[{"role": "user", "content": "a\nline break"}, {"role": "assistant", "content": "ok"}]'));
  const text = `messages\n${rows.join('\n')}\n`;
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** Instruction data whose cells hold line breaks, commas and quotes: most line starts are inside a quoted field. */
function instructionCsv(seed: number): string {
  const r = rng(seed);
  const rows = ['instruction,input,output'];
  const prose = (): string => chatJsonl(400, Math.floor(r() * 1e6)).split('\n')[0].slice(0, 200 + Math.floor(r() * 200));
  for (let i = 0; i < 400; i++) {
    const out = i % 50 === 7 ? 'The answer is "yes", see below.\nThat is all.' : `${prose()}\n\n${prose()}`;
    rows.push([csvCell(`Question ${i % 97}: ${prose()}\nSecond line, with a comma`), i % 3 ? '' : csvCell(prose()), csvCell(out)].join(','));
  }
  rows.push(rows[5], rows[17]);
  return rows.join('\n'); // no line break after the last row
}

async function inTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-parts-'));
  try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** The file's result from the parallel lint, quick fixes included, and how many slices it merged (0: it linted serially). */
async function linted(file: string, options: LintOptions, sliceBytes: number): Promise<{ result: FileLintResult; slices: number }> {
  const pool = new ShardPool(2, join(__dirname, '../../src/core/lint/lint-parallel.js'));
  try {
    const keep: ShardSummary[] = [];
    const result = await lintFileParallel(file, readShared(file), options, { role: 'train' }, pool, { keep, sliceBytes });
    return { result, slices: keep.length };
  } finally {
    await pool.close();
  }
}

const VARIANTS: LintOptions[] = [{}, { maxFindingsPerCode: 2 }, { severity: { duplicate: 'off', 'near-duplicate': 'info' } }];

test('JSON arrays and CSV files on threads: the serial output wherever the cuts fall (indented, one per line, CRLF, BOM, multi-line cells)', async () => {
  await inTmp(async (dir) => {
    const values = chatValues(5);
    const files: [string, string][] = [
      ['indented.json', arrayText(values, 'indented')],
      ['lines.json', arrayText(values, 'lines', true)],
      ['bom.json', '\ufeff' + arrayText(values.slice(0, 200), 'indented')],
      ['chat.csv', chatCsv(values)],
      ['crlf.csv', '\ufeff' + chatCsv(values, true)],
      ['instructions.csv', instructionCsv(3)],
    ];
    for (const [name, text] of files) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const serial = lintFiles([file]);
      const codes = Object.keys(serial.stats.findingsByCode);
      for (const c of ['duplicate', 'invalid-json']) {
        if (c === 'invalid-json' && name === 'instructions.csv') continue;
        assert.ok(codes.includes(c), `${name}: ${c} in ${codes}`);
      }
      if (!name.startsWith('instructions') && !name.startsWith('bom')) assert.ok(codes.includes('answer-skew') && codes.includes('near-duplicate'), `${name}: ${codes}`);
      const whole = lintSource(file, readFileSync(file), {}, { role: 'train' });
      assert.ok(whole.findings.filter((f) => f.code === 'duplicate' && f.fixes?.length).length > 1, `${name}: duplicates to delete`);
      for (const sliceBytes of [1, 3000]) {
        const { result, slices } = await linted(file, {}, sliceBytes);
        assert.ok(slices > 3, `${name}: linted in parts of ${sliceBytes} bytes`);
        assert.deepStrictEqual(result, whole, `${name}: findings and their fixes, parts of ${sliceBytes} bytes`);
        for (const options of VARIANTS) {
          const parallel = await lintFilesParallel([file], { ...options, jobs: 3, minParallelBytes: 0, sliceBytes });
          assert.deepStrictEqual(parallel, lintFiles([file], options), `${name}, parts of ${sliceBytes} bytes, ${JSON.stringify(options)}`);
        }
      }
    }
  });
});

test('JSON arrays and CSV files the cuts would misread are linted serially, with the same output', async () => {
  await inTmp(async (dir) => {
    const values = chatValues(8).slice(0, 300);
    const array = arrayText(values, 'lines');
    const csv = chatCsv(values);
    const files: [string, string][] = [
      ['garbage after.json', array + '{"more": 1}\n'],
      ['missing comma.json', array.replace('},\n{', '}\n{')],
      ['trailing comma.json', array.replace(/\n\]\n$/, ',\n]\n')],
      ['extra comma.json', array.replace(/\},\n\{/g, (m, at: number) => (at > array.length / 2 && at < array.length / 2 + 400 ? '},\n,{' : m))],
      ['not closed.json', array.replace(/\n\]\n$/, '\n')],
      ['one line.json', JSON.stringify(values)],
      ['arrays as jsonl.json', values.slice(0, 50).map(() => '[1, 2]').join('\n')],
      ['latin-1.json', array],
      ['stray quote.csv', csv.replace(/\n"\[/g, (m, at: number) => (at > csv.length / 2 && at < csv.length / 2 + 2000 ? '\nab"c,"[' : m))],
      ['unclosed quote.csv', csv + '"[{""role"": ""user""}\nnever closed\n'],
      ['blank first line.csv', '\n' + csv],
      ['duplicate column.csv', csv.replace(/^messages/, 'messages,messages')],
      ['lone CR.csv', csv.replace(/\n(?="\[)/, '\r')],
      // The quote after `ab` is a character of its unquoted field, but it makes the line break in the quoted field after it look like a row's end.
      ['stray quote before a line break in a cell.csv', instructionCsv(6).replace('\n"Question 10:', '\nab"c,"Question 10:')],
    ];
    for (const [name, text] of files) {
      const file = join(dir, name);
      const bytes = Buffer.from(text);
      if (name.startsWith('latin-1')) bytes[Math.floor(bytes.length * 0.6)] = 0xe9;
      writeFileSync(file, bytes);
      const serial = lintFiles([file]);
      for (const sliceBytes of [1, 2000]) {
        const parallel = await lintFilesParallel([file], { jobs: 3, minParallelBytes: 0, sliceBytes });
        assert.deepStrictEqual(parallel, serial, `${name}, parts of ${sliceBytes} bytes`);
      }
    }
  });
});

test('cut points: line starts between two records, never inside a string, a nested value or a quoted field', () => {
  const values = chatValues(11).slice(0, 120);
  const array = Buffer.from(arrayText(values, 'indented'));
  const every = Array.from({ length: array.length }, (_, i) => i);
  const parts = arrayParts(array, every)!;
  // Every record starts a part when a cut is asked for at every byte; no cut falls inside a record.
  assert.equal(parts.length, values.length + 2);
  for (const p of parts.slice(1)) {
    assert.equal(array[p.start - 1], 0x0a);
    assert.equal(array.toString('utf8', 0, p.start).split('\n').length - 1, p.lineOffset);
    assert.match(array.toString('utf8', p.start - 3, p.start), /,\n$/);
  }
  const csv = Buffer.from(instructionCsv(4));
  const header = csvHeaderBytes(csv)!;
  assert.deepStrictEqual(header, { start: 0, end: 'instruction,input,output\n'.length, lines: 1 });
  const rows = csvParts(csv, header, Array.from({ length: csv.length }, (_, i) => i))!;
  assert.equal(rows.length, 402, 'one part per row');
  for (const p of rows) assert.equal((csv.toString('latin1', 0, p.start).match(/"/g) ?? []).length % 2, 0, 'outside quotes');
});

test('a part reads clean only when it ends where a record ends, as the whole file reads it there', () => {
  const part = (text: string, first = false, last = false): boolean => openArrayPart(Buffer.from(text), 1, first, last).clean;
  assert.equal(part('[\n{"a": 1},\n', true), true);
  assert.equal(part('{"a": 1},\n{"b": 2}\n]\n', false, true), true);
  assert.equal(part('{"a": 1},\n{"b": ', false), false, 'ends inside a record');
  assert.equal(part('{"a": 1}\n', false), false, 'ends without the comma before the next record');
  assert.equal(part('{"a": 1},\n]\n', false, true), false, 'a trailing comma');
  assert.equal(part(']\n', false, true), false, 'no record after the comma');
  assert.equal(part('{"a": 1}\n{"b": 2},\n', false), false, 'a missing comma');
  assert.equal(part('{"a": 1}\n]\n{"c": 3}\n', false, true), false, 'content after the array');
  assert.equal(part('{"a": 1},\n', false, true), false, 'the last part without the `]`');
  const header = 'instruction,output';
  const rows = (text: string, last = false): boolean => csvPartRecords(Buffer.from(text), header, 2, last).clean;
  assert.equal(rows('a,b\n"c\nd",e\n'), true);
  assert.equal(rows('a,"b\n'), false, 'a quoted field the cut ran through');
  assert.equal(rows('a,"b\n', true), true, 'in the last part that is the file\'s own unclosed quote');
  assert.equal(csvPartRecords(Buffer.from([0x61, 0x2c, 0xe9, 0x0a]), header, 2, false).clean, false, 'not UTF-8');
  const read = csvPartRecords(Buffer.from('a,"b\nc"\r\n\nd,é\n'), header, 7, false);
  assert.deepStrictEqual(read.records.map((r) => [r.span.line, r.span.endLine, r.byteOffset, r.byteEnd, r.value]),
    [[7, 8, 0, 7, { instruction: 'a', output: 'b\nc' }], [10, 10, 10, 14, { instruction: 'd', output: 'é' }]]);
});

test('fuzz: JSON arrays and CSV files with random quotes, commas, brackets, escapes and line breaks give the serial output on threads', async () => {
  await inTmp(async (dir) => {
    const r = rng(77);
    const values = chatValues(13).slice(0, 60);
    const bases: [string, string][] = [['a.json', arrayText(values, 'indented')], ['l.json', arrayText(values, 'lines', true)], ['c.csv', chatCsv(values)], ['i.csv', instructionCsv(9).slice(0, 20_000)]];
    const noise = ['"', '""', ',', '\n', '\r\n', '{', '}', '[', ']', '\\', '\\"', 'x', ' '];
    const pool = new ShardPool(2, join(__dirname, '../../src/core/lint/lint-parallel.js'));
    let cases = 0, inParts = 0;
    try {
      for (let n = 0; n < 400; n++) {
        const [name, base] = bases[n % bases.length];
        let text = base;
        for (let k = Math.floor(r() * 4); k >= 0; k--) {
          const at = Math.floor(r() * text.length);
          text = r() < 0.7 ? text.slice(0, at) + noise[Math.floor(r() * noise.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3));
        }
        const file = join(dir, `${n}-${name}`);
        writeFileSync(file, text);
        const keep: ShardSummary[] = [];
        const sliceBytes = [1, 500, 4000][n % 3];
        const parallel = await lintFileParallel(file, readShared(file), {}, { role: 'train' }, pool, { keep, sliceBytes });
        assert.deepStrictEqual(parallel, lintSource(file, readFileSync(file), {}, { role: 'train' }), `case ${n} (${name}, parts of ${sliceBytes} bytes)`);
        cases++;
        if (keep.length > 1) inParts++;
      }
    } finally {
      await pool.close();
    }
    // Most mutations leave the file cuttable somewhere: the parts path, not only the serial fallback, is what was compared.
    assert.ok(inParts > cases / 3, `${inParts} of ${cases} linted in parts`);
  });
});

test('with eval files, a training JSON array or CSV file is linted on threads in parts (its records compared with the eval records in the merge), an eval file\'s per-record rules in parts: the serial output', async () => {
  await inTmp(async (dir) => {
    const values = chatValues(17);
    const files = { train: join(dir, 'train.csv'), evalArray: join(dir, 'eval.json'), trainArray: join(dir, 'train.json'), evalCsv: join(dir, 'eval.csv') };
    writeFileSync(files.train, chatCsv(values));
    writeFileSync(files.trainArray, arrayText(values, 'indented'));
    // Eval records: new ones, and copies of training records (leakage).
    const evalValues = [...chatValues(18).slice(0, 80), values[40], values[41], values[300]];
    writeFileSync(files.evalArray, arrayText(evalValues, 'lines'));
    writeFileSync(files.evalCsv, chatCsv(evalValues));
    const log = join(dir, 'tasks.log');
    process.env.TUNELAB_TEST_TASK_LOG = log;
    try {
      for (const [train, evalFile] of [[files.train, files.evalArray], [files.trainArray, files.evalCsv]]) {
        const serial = lintFiles([train], { evalFiles: [evalFile] });
        assert.ok((serial.stats.findingsByCode.leakage ?? 0) >= 3, `${evalFile}: leakage found`);
        for (const jobs of [2, 3]) {
          writeFileSync(log, '');
          const parallel = await lintFilesParallel([train], { evalFiles: [evalFile], jobs, minParallelBytes: 0, workerScript: join(__dirname, 'support', 'part-noting-shard-worker.js') });
          assert.deepStrictEqual(parallel, serial, `${train} with ${evalFile}, ${jobs} jobs`);
          const tasks = readFileSync(log, 'utf8').trim().split('\n');
          const [trainAs, evalAs] = train.endsWith('.csv') ? ['csv', 'json-array'] : ['json-array', 'csv'];
          assert.ok(tasks.includes(`slices ${trainAs}`) && tasks.includes(`rules ${evalAs}`), `parts of both files on threads: ${tasks.join('; ')}`);
          assert.ok(tasks.includes('read as whole: true') && !tasks.includes('read as whole: false'), `every part read as the whole file reads there: ${tasks.join('; ')}`);
        }
      }
    } finally {
      delete process.env.TUNELAB_TEST_TASK_LOG;
    }
  });
});
