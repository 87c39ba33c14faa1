// The parallel lint without eval files: every thread lints a slice with the per-record rules and sums up its records,
// the main thread finishes duplicate, near-duplicate, answer-skew, length-outlier, schema and too-few-records from
// those summaries (src/core/lint/shard-summary.ts). Its output must be the serial one, key order included (the CLI
// prints it as JSON).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintFiles, lintFilesParallel, type LintOptions } from '../../src/core/lint';
import { findPii } from '../../src/core/lint/rules/pii-detectors';
import { findBoilerplate } from '../../src/core/lint/rules/markup';
import { chatJsonl, cleanChat, makeCorpus, rng, writeCorpus } from './support/lint-corpus';

test('parallel lint from per-slice summaries: byte-identical JSON to the serial lint (planted defects, mixed formats, skewed answers, outliers, limits, rules off)', async () => {
  const corpus = makeCorpus(4242, 1200);
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-sum-'));
  try {
    const path = (name: string): string => join(dir, name);
    writeCorpus(corpus, dir);
    // One chat file with what only the whole-file rules see: a skewed final answer, a length outlier, records of
    // another format, objects of no format, invalid lines; duplicates and near-duplicates spread over every slice.
    const r = rng(8);
    const lines = chatJsonl(400_000, 5).split('\n').filter(Boolean);
    for (let i = 0; i < 400; i++) {
      const rec = cleanChat(r);
      if (i % 3 === 0) rec.messages.push({ role: 'assistant', content: "I'm sorry, I can't help with that." });
      lines.splice(Math.floor(r() * lines.length), 0, JSON.stringify(rec));
    }
    lines.splice(37, 0, JSON.stringify({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'long '.repeat(20_000) }] }));
    lines.splice(90, 0, JSON.stringify({ instruction: 'Add 2 and 3.', output: '5' }), '{"data": [{"a": 1}]}', '{broken', '[1, 2]');
    lines.push(JSON.stringify({ prompt: 'p', completion: 'c' }), '{"foo": "bar"}');
    writeFileSync(path('whole.jsonl'), lines.join('\n') + '\n');
    writeFileSync(path('small.jsonl'), lines.slice(0, 12).join('\n') + '\n'); // too-few-records
    const train = [...corpus.files.filter((f) => f.role === 'train').map((f) => path(f.name)), path('whole.jsonl'), path('small.jsonl')];
    const variants: LintOptions[] = [
      {},
      { maxFindingsPerCode: 3 },
      { maxFindingsPerCode: 0 },
      { severity: { duplicate: 'off', schema: 'info', pii: 'off' } },
      { severity: { 'near-duplicate': 'off', 'answer-skew': 'error' }, nearDuplicateThreshold: 0.6 },
      { maxTokens: 300 },
    ];
    let compared = 0;
    for (const extra of variants) {
      const opts = { ...corpus.options, ...extra, severity: { ...corpus.options.severity, ...extra.severity } };
      const serial = JSON.stringify(lintFiles(train, opts));
      for (const jobs of [2, 3]) {
        const parallel = JSON.stringify(await lintFilesParallel(train, { ...opts, jobs, minParallelBytes: 0 }));
        assert.equal(parallel, serial, `jobs ${jobs}, ${JSON.stringify(extra)}`);
      }
      compared += (JSON.parse(serial) as { diagnostics: unknown[] }).diagnostics.length;
    }
    const codes = Object.keys((JSON.parse(JSON.stringify(lintFiles([path('whole.jsonl')], corpus.options))) as { stats: { findingsByCode: object } }).stats.findingsByCode);
    for (const c of ['duplicate', 'near-duplicate', 'answer-skew', 'length-outlier', 'schema', 'invalid-json']) assert.ok(codes.includes(c), `${c} in ${codes}`);
    assert.ok(compared > 500, `${compared} findings compared`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pii and boilerplate pre-checks: what the detectors find is unchanged where the cheap tests let them run', () => {
  const cases: [string, number][] = [
    ['call 555-867-5309 today', 1], ['call (555) 867-5309', 1], ['+44 20 7946 0958', 1], ['ssn 123-45-6789.', 1],
    ['card 4111 1111 1111 1111', 1], ['ip 8.8.8.8', 1], ['v6 2001:db8:85a3::8a2e:370:7334', 1], ['mail jo@example.org', 1],
    ['key AKIAIOSFODNN7EXAMPLE', 1], ['tok ghp_' + 'a'.repeat(36), 1], ['sk-Ab1' + 'x'.repeat(20), 1], ['xoxb-1234567890-abc', 1],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.abcdefghijklmnopqrstuv', 1], ['-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----', 1],
    ['iban DE89 3704 0044 0532 0130 00', 1], ['at 47:30 on Sunday, 2024-017-14, 1,300,000 people', 0], ['no digits here', 0],
  ];
  for (const [text, n] of cases) assert.equal(findPii(text).length, n, text);
  assert.equal(findBoilerplate('Read more » and Click Here, © 2024 ACME').length, 3);
  assert.deepEqual(findBoilerplate('we share one home with the cookie jar'), []);
});
