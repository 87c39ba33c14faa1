// Fuzz: valid records of every format, mutated at random (byte flips, truncation, inserted quotes, braces, control
// characters and invalid UTF-8, deep nesting, huge numbers). Every line must be parsed or reported, never throw.
// Reproduce a failure with TUNELAB_FUZZ_SEED=<seed printed below>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataset } from '../../src/core/dataset';
import { lintSource, type LintOptions } from '../../src/core/lint';
import { rng, type Rng } from './support/lint-corpus';

const CASES = 10_000;
const PER_FILE = 100;
const SEED = Number(process.env.TUNELAB_FUZZ_SEED ?? Date.now() % 2 ** 31);
// Every rule on, nothing dropped, so a line's finding cannot hide behind the per-code limit.
const OPTS: LintOptions = { maxFindingsPerCode: Infinity, maxTokens: 50, minRecords: 0 };
const REPORTING = new Set(['invalid-json', 'schema', 'encoding']);

const VALID: unknown[] = [
  { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 2 + 2?' }, { role: 'assistant', content: 'It is 4. Mail: a@b.org' }] },
  { messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe <b>this</b>' }] }, { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{"x": 1}' } }] }, { role: 'tool', content: '42' }, { role: 'assistant', content: 'Done.', weight: 1 }] },
  { messages: [{ role: 'user', content: 'q', name: 'ann' }, { role: 'assistant', content: 'a', weight: 0 }, { role: 'user', content: 'q2' },
    { role: 'assistant', content: null, function_call: { name: 'g', arguments: '{}' } }, { role: 'tool', content: 'r', tool_call_id: 'c1' }, { role: 'assistant', content: 'ok' }],
  tools: [{ type: 'function', function: { name: 'g', parameters: {} } }] },
  { conversations: [{ from: 'human', value: 'Hi café 日本語' }, { from: 'gpt', value: 'Hello 🎉' }] },
  { instruction: 'Translate', input: 'Good morning', output: 'Bonjour' },
  { prompt: 'Once upon a time', completion: ' there was a fuzzer.' },
  { text: 'A document with several words, enough to be a text record.\n\nAnd a second paragraph.' },
];

type Mutation = (r: Rng, b: Buffer) => Buffer;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const at = (r: Rng, b: Buffer): number => Math.floor(r() * (b.length + 1));
const insert = (b: Buffer, i: number, bytes: Buffer): Buffer => Buffer.concat([b.subarray(0, i), bytes, b.subarray(i)]);

const MUTATIONS: Mutation[] = [
  (r, b) => { const c = Buffer.from(b); const i = Math.floor(r() * c.length); c[i] ^= 1 << Math.floor(r() * 8); return c; },  // bit flip
  (r, b) => { const c = Buffer.from(b); c[Math.floor(r() * c.length)] = Math.floor(r() * 256); return c; },                 // byte flip
  (r, b) => b.subarray(0, Math.floor(r() * b.length)),                                                                      // truncation
  (r, b) => insert(b, at(r, b), Buffer.from(pick(r, ['"', '{', '}', '[', ']', ',', ':', '\\', '\\u', '\\ud800', '"\\"']))),  // syntax characters
  (r, b) => insert(b, at(r, b), Buffer.from([pick(r, [1, 7, 8, 9, 11, 12, 13, 27, 127])])),                                   // control characters
  (r, b) => insert(b, at(r, b), Buffer.from(pick(r, [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]]))), // invalid UTF-8
  (r, _b) => { const d = 1 + Math.floor(r() * 20000); const k = pick(r, ['[', '{"a":']); const close = k === '[' ? ']' : '}';          // deep nesting
    const nested = k.repeat(d) + '1' + close.repeat(r() < 0.5 ? d : Math.floor(r() * d));
    return Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'x' }], extra: 0 }).replace(r() < 0.5 ? '0' : '"x"', nested)); },
  (r, b) => Buffer.from(b.toString('latin1').replace(/"[^"]*"/, () => pick(r, ['1e400', '-1e400', '9'.repeat(400), '0.' + '0'.repeat(400) + '1', '123456789012345678901234567890'])), 'latin1'), // huge numbers
  (r, b) => insert(b, at(r, b), Buffer.from(pick(r, ['\u2028', '\ufeff', '\ufffd', 'Ã©', '\u0085']))),                       // odd but valid UTF-8
  (r, b) => { const s = b.toString('utf8'); const i = Math.floor(r() * s.length); return Buffer.from(s.slice(0, i) + s.slice(i).replace(/"(role|from|content|value|text)"/, '"x$1"')); }, // schema damage
];

function mutated(r: Rng, start: Buffer = Buffer.from(JSON.stringify(pick(r, VALID)))): Buffer {
  let b = start;
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) b = pick(r, MUTATIONS)(r, b);
  // one record per line: a mutation's line break would make two lines, each still checked below
  return b;
}

test(`fuzz: ${CASES} mutated records, every line parsed or reported, never an exception (seed ${SEED})`, () => {
  console.log(`# lint-fuzz seed ${SEED} (rerun with TUNELAB_FUZZ_SEED=${SEED})`);
  const r = rng(SEED);
  let invalid = 0, reported = 0;
  for (let done = 0; done < CASES; done += PER_FILE) {
    // Line 1 stays valid so that the file is read as JSONL; a NUL byte anywhere makes it binary, reported once.
    const lines = [Buffer.from(JSON.stringify(VALID[0])), ...Array.from({ length: PER_FILE }, () => mutated(r))];
    const buf = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    let result;
    try {
      result = lintSource(`fuzz-${done}.jsonl`, buf, OPTS);
    } catch (e) {
      assert.fail(`lintSource threw on file ${done / PER_FILE} (seed ${SEED}): ${(e as Error).stack}\nlines: ${JSON.stringify(lines.map((l) => l.toString('latin1').slice(0, 200)))}`);
    }
    const { records, problems } = readDataset(buf);
    const lineCount = buf.toString('utf8').split('\n').length;
    for (const f of result.findings) {
      assert.ok(f.line >= 1 && f.line <= lineCount && f.endLine >= f.line && f.column >= 1 && f.endColumn >= 1, `finding out of range: ${JSON.stringify(f)}`);
    }
    if (problems.some((p) => p.fatal)) {
      assert.ok(result.findings.some((f) => f.code === 'encoding'), `fatal read problem not reported (seed ${SEED})`);
      reported += PER_FILE;
      continue;
    }
    const reportedLines = new Set(result.findings.filter((f) => REPORTING.has(f.code)).map((f) => f.line));
    for (const rec of records) {
      if (rec.value !== undefined) continue;
      invalid++;
      assert.ok(reportedLines.has(rec.line), `line ${rec.line} of file ${done / PER_FILE} neither parsed nor reported (seed ${SEED}): ${rec.text.slice(0, 200)}`);
      reported++;
    }
  }
  // the mutations must actually break lines, or the test checks nothing
  assert.ok(invalid > CASES / 4, `only ${invalid} of ${CASES} mutated lines were invalid`);
  assert.ok(reported >= invalid);
});

test(`fuzz: 1000 mutated CSV rows are read or reported, never an exception (seed ${SEED})`, () => {
  const r = rng(SEED + 1);
  const rows = ['"Translate, please",Good morning,Bonjour', 'List primes,,"2, 3, 5"', '"Say ""hi""","multi\nline",ok'];
  for (let done = 0; done < 1000; done += 50) {
    const body = Array.from({ length: 50 }, () => mutated(r, Buffer.from(pick(r, rows))).toString('utf8').replace(/\0/g, '')).join('\n');
    const text = `instruction,input,output\n${body}\n`;
    let result;
    try {
      result = lintSource(`fuzz-${done}.csv`, text, OPTS);
    } catch (e) {
      assert.fail(`lintSource threw on CSV (seed ${SEED}): ${(e as Error).stack}\n${JSON.stringify(text.slice(0, 2000))}`);
    }
    const { records } = readDataset(text, 'f.csv');
    const reportedLines = new Set(result.findings.filter((f) => REPORTING.has(f.code)).map((f) => f.line));
    for (const rec of records) if (rec.value === undefined) assert.ok(reportedLines.has(rec.line), `CSV row at line ${rec.line} neither read nor reported (seed ${SEED})`);
  }
});

function offsetAt(text: string, line: number, column: number): number {
  let o = 0;
  for (let l = 1; l < line; l++) o = text.indexOf('\n', o) + 1;
  return o + column - 1;
}

test(`fuzz: every fix on mutated CSV rows keeps the file readable and touches only its own row (seed ${SEED})`, () => {
  const r = rng(SEED + 2);
  const messages = (content: string): string => `"${JSON.stringify([{ role: 'human', content: 'Hi, mail a.b@example.org' }, { role: 'assistant', content }]).replace(/"/g, '""')}"`;
  const files = [
    { header: 'instruction,input,output', rows: ['"Say ""hi"" to jane@example.com",x,<b>ok</b>', 'Caf\u00c3\u00a9 menu,"two\nlines &amp; more",call 555-867-5309', 'A,B,"say &quot;yes&quot;, <i>now</i>"'] },
    { header: 'messages', rows: [messages('Caf\u00c3\u00a9 "ok"'), messages('<p>Hello</p> at 10.0.0.1')] },
  ];
  let applied = 0;
  for (let done = 0; done < 400; done += 20) {
    const file = pick(r, files);
    const body = Array.from({ length: 20 }, () => {
      const row = Buffer.from(pick(r, file.rows));
      return (r() < 0.5 ? row : mutated(r, row)).toString('utf8').replace(/\0/g, '');
    }).join('\n');
    const text = `${file.header}\n${body}\n`;
    const before = readDataset(text, 'f.csv').records;
    for (const f of lintSource('f.csv', text, OPTS).findings) {
      for (const fix of f.fixes ?? []) {
        let fixed = text;
        for (const e of [...fix.edits].reverse()) fixed = fixed.slice(0, offsetAt(fixed, e.line, e.column)) + e.newText + fixed.slice(offsetAt(fixed, e.endLine, e.endColumn));
        const after = readDataset(fixed, 'f.csv').records;
        const target = before.findIndex((rec) => rec.span.line <= f.line && f.line <= rec.span.endLine);
        const deleted = /^Delete/.test(fix.title);
        const where = `${fix.title} on line ${f.line} (seed ${SEED}):\n${text}\n---\n${fixed}`;
        assert.equal(after.length, before.length - (deleted ? 1 : 0), `row count changed by ${where}`);
        const others = (rs: typeof before, skip: number): unknown[] => rs.filter((_, i) => i !== skip).map((rec) => rec.value ?? rec.text);
        assert.deepEqual(others(after, deleted ? -1 : target), others(before, target), `other rows changed by ${where}`);
        if (!deleted) assert.ok(after[target].value !== undefined, `the fixed row no longer reads: ${where}`);
        applied++;
      }
    }
  }
  assert.ok(applied > 200, `only ${applied} fixes applied`);
});
