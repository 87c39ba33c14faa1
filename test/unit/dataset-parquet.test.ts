import { test } from 'node:test';
import assert from 'node:assert/strict';
// The module object itself (an `import *` gets a copy), whose readFileSync the code under test calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('node:fs');
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeParquet, decodeParquetFiles } from '../../src/core/dataset/parquet';
import { readDataset } from '../../src/core/dataset';
import { lintFiles, type LintOptions } from '../../src/core/lint';
import { lintFilesParallel } from '../../src/core/lint/lint-parallel';

// Written by pyarrow: test/fixtures/datasets/make_parquet.py
const DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets');
const QUIET: LintOptions = { severity: { 'too-few-records': 'off', 'low-quality-text': 'off' } };

test('Parquet: nested chat columns (list<struct<role, content>>, ZSTD, two row groups), int64 and string columns (Snappy, GZIP)', async () => {
  const chat = readDataset(await decodeParquet(readFileSync(join(DIR, 'chat.parquet'))));
  assert.equal(chat.container, 'parquet');
  assert.deepEqual(chat.problems, []);
  assert.deepEqual(chat.records.map((r) => r.line), [1, 2, 3, 4, 5]);
  assert.deepEqual(chat.records[1].value, { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of Italy?' }, { role: 'assistant', content: 'Rome.' }] });
  const instruction = readDataset(await decodeParquet(readFileSync(join(DIR, 'instruction.parquet'))));
  assert.deepEqual(instruction.records[0].value, { id: 10, instruction: 'Translate to French.', input: 'Good morning', output: 'Bonjour' });
  const text = readDataset(await decodeParquet(readFileSync(join(DIR, 'text.parquet'))));
  assert.deepEqual(text.records.map((r) => r.value), [{ text: 'A plain document for continued pre-training.' }, { text: 'Another one, with <b>markup</b>.' }]);
});

test('Parquet: linted through the same rules, findings on row numbers without fixes, the format per file; serial and parallel agree', async () => {
  const paths = ['chat.parquet', 'instruction.parquet', 'text.parquet'].map((f) => join(DIR, f));
  const tables = await decodeParquetFiles(paths);
  const out = lintFiles(paths, { ...QUIET, tables });
  assert.deepEqual(out.files.map((f) => [f.path, f.records, f.format]), [[paths[0], 5, 'chat'], [paths[1], 3, 'instruction'], [paths[2], 2, 'text']]);
  assert.deepEqual(out.diagnostics.map((d) => [d.path === paths[0] ? 'chat' : d.path === paths[1] ? 'instruction' : 'text', d.line, d.code, d.column]), [
    ['chat', 3, 'pii', 1], ['chat', 4, 'duplicate', 1], ['chat', 5, 'role-order', 1],
    ['instruction', 3, 'empty-content', 1],
    ['text', 2, 'markup-noise', 1],
  ]);
  assert.deepEqual(out.diagnostics.find((d) => d.code === 'duplicate')!.related.map((r) => r.line), [1]);
  const parallel = await lintFilesParallel(paths, { ...QUIET, tables, jobs: 2, minParallelBytes: 0 });
  assert.deepEqual(parallel.diagnostics, out.diagnostics);
});

test('Parquet: a truncated file is one clear finding; without decoding first, a Parquet file is named as such', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-pq-'));
  const cut = join(dir, 'cut.parquet');
  const whole = readFileSync(join(DIR, 'chat.parquet'));
  writeFileSync(cut, whole.subarray(0, 700));
  const out = lintFiles([cut], { ...QUIET, tables: await decodeParquetFiles([cut, join(dir, 'missing.parquet')]) });
  assert.deepEqual(out.files.map((f) => [f.records, f.format]), [[0, 'unknown']]);
  assert.equal(out.diagnostics.length, 1);
  assert.equal(out.diagnostics[0].code, 'encoding');
  assert.match(out.diagnostics[0].message, /^the Parquet file cannot be read \(.+\); check that it is complete, or convert it to JSONL$/);
  const undecoded = lintFiles([join(DIR, 'chat.parquet')], QUIET);
  assert.match(undecoded.diagnostics[0].message, /the file is Parquet/);
});

test('Parquet detection reads only the first bytes of other files: a large JSONL file is not read whole twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-pq-'));
  const jsonl = join(dir, 'train.jsonl');
  writeFileSync(jsonl, '{"text": "a record"}\n'.repeat(1000));
  const short = join(dir, 'short.jsonl');
  writeFileSync(short, 'PA'); // shorter than the magic number
  const parquet = join(DIR, 'chat.parquet');
  const whole = t.mock.method(fs, 'readFileSync'); // counts calls; the real function runs
  const tables = await decodeParquetFiles([jsonl, short, parquet, join(dir, 'missing.jsonl')]);
  assert.deepEqual([...tables.keys()], [parquet]);
  assert.deepEqual(whole.mock.calls.map((c) => c.arguments[0]), [parquet], 'only the Parquet file is read whole');
});
