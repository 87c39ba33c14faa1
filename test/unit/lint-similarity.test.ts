import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lintFiles, lintText, type Finding, type LintOptions } from '../../src/core/lint';
import { IntList } from '../../src/core/lint/text/int-list';
import { jaccardSorted, sortedUnique } from '../../src/core/lint/text/jaccard';
import { appendShingles, bandKeys, candidateProbability, lshLayout, minhashSignature, PERMUTATIONS } from '../../src/core/lint/text/minhash';
import { KeyIndex } from '../../src/core/lint/text/key-index';
import { scanWords } from '../../src/core/lint/text/words';
import { cleanChat, rng, sentence, type Rng } from './support/lint-corpus';

const SAMPLES = resolve(__dirname, '../../../samples');
const QUIET: LintOptions = { severity: { 'too-few-records': 'off' } };
const chat = (u: string, a: string, system?: string): string =>
  JSON.stringify({ messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: u }, { role: 'assistant', content: a }] });
const lint = (lines: string[], opts: LintOptions = {}): Finding[] =>
  lintText('d.jsonl', lines.join('\n') + '\n', { ...QUIET, ...opts, severity: { ...QUIET.severity, ...opts.severity } }).findings;
const of = (fs: Finding[], code: string): Finding[] => fs.filter((f) => f.code === code);

/** A text of `n` sentences from the corpus vocabulary (60-120 words for n = 6). */
const prose = (r: Rng, n = 6): string => Array.from({ length: n }, () => sentence(r)).join(' ');
function replaceWords(r: Rng, text: string, k: number): string {
  const words = text.split(' ');
  for (let i = 0; i < k; i++) words[Math.floor(r() * words.length)] = `edit${i}x`;
  return words.join(' ');
}

test('near-duplicate: a record with one word changed is reported on the later line, related to the earlier one, with a delete fix', () => {
  const r = rng(11);
  const a = prose(r);
  const lines = [chat('How do I fold a quilt?', a), chat('Unrelated question?', prose(r)), chat('How do I fold a quilt?', replaceWords(r, a, 1))];
  const found = lint(lines);
  assert.deepEqual(found.map((f) => [f.code, f.line, f.severity]), [['near-duplicate', 3, 'warning']]);
  const [f] = found;
  assert.match(f.message, /^near-duplicate of line 1, Jaccard 0\.(8|9)\d \(word 5-grams\)$/);
  assert.deepEqual(f.related.map((x) => [x.path, x.line]), [['d.jsonl', 1]]);
  assert.match(f.related[0].message, /similar record \(Jaccard 0\.\d\d\)/);
  assert.deepEqual(f.fixes?.map((x) => [x.title, x.edits[0]]), [['Delete near-duplicate record', { line: 3, column: 1, endLine: 4, endColumn: 1, newText: '' }]]);
});

test('near-duplicate: exact duplicates, distinct records, system prompts and pairs below the threshold are not reported', () => {
  const r = rng(12);
  const a = prose(r);
  // an exact duplicate is the duplicate rule's finding only
  assert.deepEqual(lint([chat('q', a), chat('q', a)]).map((f) => f.code), ['duplicate']);
  // a long shared system prompt does not make different conversations similar
  const system = prose(r, 8);
  assert.deepEqual(lint([chat('q1', prose(r, 2), system), chat('q2', prose(r, 2), system)]), []);
  // many edits: below 0.8, reported only when the threshold is lowered
  const far = replaceWords(r, a, 6);
  assert.deepEqual(lint([chat('q', a), chat('q', far)]), []);
  const lowered = lint([chat('q', a), chat('q', far)], { nearDuplicateThreshold: 0.3 });
  assert.deepEqual(lowered.map((f) => f.code), ['near-duplicate']);
  assert.deepEqual(lint([chat('q', a), chat('q', replaceWords(r, a, 1))], { severity: { 'near-duplicate': 'off' } }), []);
});

test('near-duplicate: records under 5 words are one shingle, near-duplicates only when their words are the same', () => {
  assert.deepEqual(of(lint([chat('Hi there', 'Hello!'), chat('hi, THERE', 'hello')]), 'near-duplicate').map((f) => f.message),
    ['near-duplicate of line 1, Jaccard 1.00 (word 5-grams)']);
  assert.deepEqual(lint([chat('Hi there', 'Hello!'), chat('Hi there', 'Goodbye!')]), []);
});

test('words: case, punctuation, decimals, contractions and CJK characters', () => {
  const words = (s: string): string[] => {
    const h = new IntList(), spans = new IntList();
    scanWords(s, h, spans);
    return Array.from({ length: spans.length / 2 }, (_, k) => s.slice(spans.data[2 * k], spans.data[2 * k + 1]));
  };
  assert.deepEqual(words("Don't pay 3.50 or 1,000 — café, ÜBER: 東京 🙂 ok."), ["Don't", 'pay', '3.50', 'or', '1,000', 'café', 'ÜBER', '東', '京', 'ok']);
  const hash = (s: string): number[] => { const h = new IntList(); scanWords(s, h); return Array.from(h.toArray()); };
  assert.deepEqual(hash('Hello, ÜBER World'), hash('hello über world'));
});

/** Records as shingle sets and LSH bands, built the way the rule builds them. */
function analyse(texts: string[]): { sets: Int32Array[]; bands: Int32Array[]; signatures: Int32Array[] } {
  const sets: Int32Array[] = [], bands: Int32Array[] = [], signatures: Int32Array[] = [];
  for (const t of texts) {
    const words = new IntList(), shingles = new IntList();
    scanWords(t, words);
    appendShingles(words.data, words.length, shingles);
    const layout = lshLayout(0.8);
    const sig = new Int32Array(PERMUTATIONS), b = new Int32Array(layout.bands);
    minhashSignature(shingles.data, shingles.length, sig);
    bandKeys(sig, layout, b);
    sets.push(sortedUnique(shingles.toArray()));
    bands.push(b);
    signatures.push(sig);
  }
  return { sets, bands, signatures };
}

/** 150 base texts and 2 to 3 edited variants of each, so that pair similarities spread over 0.5 to 1. */
function variants(seed: number): string[] {
  const r = rng(seed);
  const texts: string[] = [];
  for (let i = 0; i < 150; i++) {
    const base = prose(r, 8);
    texts.push(base);
    for (let v = 0, n = 2 + (i % 2); v < n; v++) texts.push(replaceWords(r, base, Math.floor(r() * 5)));
  }
  return texts;
}

test('LSH layout: the default threshold gets 16 bands × 7 rows; others a layout that still catches pairs at the threshold', () => {
  assert.deepEqual(lshLayout(0.8), { bands: 16, rows: 7 });
  assert.ok(candidateProbability(0.8, 16, 7) > 0.97 && candidateProbability(0.8, 14, 8) < 0.93);
  for (const t of [0.3, 0.5, 0.7, 0.9, 0.95]) {
    const { bands, rows } = lshLayout(t);
    assert.equal(bands * rows, PERMUTATIONS);
    assert.ok(candidateProbability(t, bands, rows) >= 0.95, `threshold ${t}: ${bands} × ${rows}`);
  }
  assert.deepEqual(lshLayout(0.9), { bands: 14, rows: 8 });
});

test('LSH: candidate recall against brute-force exact Jaccard is at least 0.95 for pairs at 0.8 or more', () => {
  const texts = variants(21);
  const { sets, bands, signatures } = analyse(texts);
  let similar = 0, candidates = 0, estimateError = 0, compared = 0;
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const jac = jaccardSorted(sets[i], sets[j]);
      if (jac >= 0.5) {
        let equal = 0;
        for (let p = 0; p < PERMUTATIONS; p++) if (signatures[i][p] === signatures[j][p]) equal++;
        estimateError += Math.abs(equal / PERMUTATIONS - jac);
        compared++;
      }
      if (jac < 0.8) continue;
      similar++;
      if (bands[i].some((k, b) => bands[j][b] === k)) candidates++;
    }
  }
  assert.ok(similar > 150, `enough similar pairs to measure (${similar})`);
  assert.ok(candidates / similar >= 0.95, `LSH recall ${candidates}/${similar}`);
  // the hash family behaves like random permutations: the share of equal signature values estimates Jaccard
  assert.ok(estimateError / compared < 0.05, `mean |MinHash estimate - Jaccard| = ${(estimateError / compared).toFixed(3)} over ${compared} pairs`);
});

test('near-duplicate rule: every record with an earlier record at Jaccard ≥ 0.8 is reported (recall ≥ 0.95), with the exact figure', () => {
  const texts = variants(22);
  const { sets } = analyse(texts);
  const r = rng(5);
  // shuffle so that variants are spread through the file
  const order = texts.map((_, i) => i).sort(() => r() - 0.5);
  const lines = order.map((i) => JSON.stringify({ text: texts[i] }));
  const found = new Map(of(lintText('d.jsonl', lines.join('\n'), { severity: { 'too-few-records': 'off', 'low-quality-text': 'off' } }).findings, 'near-duplicate').map((f) => [f.line, f]));
  let expected = 0, hit = 0;
  order.forEach((ti, pos) => {
    const earlier = order.slice(0, pos).map((tj) => jaccardSorted(sets[ti], sets[tj]));
    const best = Math.max(0, ...earlier.filter((j) => j < 1)); // identical texts are exact duplicates
    const f = found.get(pos + 1);
    if (f) {
      // a reported pair is a true one, and the figure is the exact Jaccard of that pair
      const other = order[f.related[0].line - 1];
      const exact = jaccardSorted(sets[ti], sets[other]);
      assert.ok(exact >= 0.8, `reported pair at ${exact}`);
      assert.equal(f.message.match(/Jaccard (\d\.\d\d)/)![1], exact.toFixed(2));
    }
    if (best >= 0.8 && !earlier.includes(1)) { expected++; if (f) hit++; }
  });
  assert.ok(expected > 100, `enough near-duplicate records (${expected})`);
  assert.ok(hit / expected >= 0.95, `rule recall ${hit}/${expected}`);
});

test('near-duplicate stays linear: 8,000 distinct records lint in a few seconds', () => {
  const r = rng(31);
  const text = Array.from({ length: 8000 }, () => JSON.stringify(cleanChat(r))).join('\n');
  const t = Date.now();
  const res = lintText('big.jsonl', text, { severity: { duplicate: 'off' } });
  const ms = Date.now() - t;
  assert.deepEqual(res.findings, []);
  assert.ok(ms < 8000, `took ${ms} ms`);
});

function withFiles(files: Record<string, string[]>, f: (path: (name: string) => string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-leak-'));
  try {
    for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), lines.join('\n') + '\n');
    f((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('leakage: exact copies and near copies (errors), and records that share 13-word spans with a training record (warnings)', () => {
  const r = rng(41);
  const train = [chat('How do I wash a wooden bowl?', prose(r)), chat('Why is the kettle noisy?', prose(r)), chat('Tell me about the harbor.', prose(r))];
  const answer = JSON.parse(train[2]).messages[1].content as string;
  const evals = [
    train[1],
    chat('How do I wash a wooden bowl?', replaceWords(r, JSON.parse(train[0]).messages[1].content, 1)),
    chat(`Something new about ferries: ${prose(r, 3)} What do you think?`, answer),
    chat('An unrelated question about lanterns?', prose(r)),
  ];
  withFiles({ 'train.jsonl': train, 'eval.jsonl': evals }, (p) => {
    const out = lintFiles([p('train.jsonl')], { ...QUIET, evalFiles: [p('eval.jsonl')] });
    assert.deepEqual(out.files.map((f) => f.path), [p('train.jsonl'), p('eval.jsonl')]);
    const leaks = out.diagnostics.filter((d) => d.code === 'leakage');
    assert.deepEqual(leaks.map((d) => [d.path, d.line, d.severity, d.related.map((x) => [x.path, x.line])]), [
      [p('eval.jsonl'), 1, 'error', [[p('train.jsonl'), 2]]],
      [p('eval.jsonl'), 2, 'error', [[p('train.jsonl'), 1]]],
      [p('eval.jsonl'), 3, 'warning', [[p('train.jsonl'), 3]]],
    ]);
    assert.match(leaks[0].message, /^eval record is an exact copy of a training record \(train\.jsonl line 2\); the eval score on it measures memorisation/);
    assert.match(leaks[1].message, /^eval record is a near copy of a training record \(train\.jsonl line 1, Jaccard 0\.\d\d\)/);
    assert.match(leaks[2].message, /^eval record shares the 13-word span "[^"]+" with a training record \(train\.jsonl line 3; \d+% of its 13-word spans occur there\)/);
    // only the eval file gets leakage findings; off turns the comparison off
    assert.ok(out.diagnostics.every((d) => d.code !== 'leakage' || d.path === p('eval.jsonl')));
    const off = lintFiles([p('train.jsonl')], { ...QUIET, evalFiles: [p('eval.jsonl')], severity: { ...QUIET.severity, leakage: 'off' } });
    assert.equal(off.diagnostics.filter((d) => d.code === 'leakage').length, 0);
  });
});

test('leakage: one shared 13-word span is reported (warning, quoting the span); 12 shared words are not; a file named as both train and eval is compared with the other training files only', () => {
  const r = rng(42);
  const template = 'Use C1 times V1 equals C2 times V2 so V1 equals C2 times V2 divided by C1 and then add water.';
  const train = [chat('Dilute the stock of tris?', `${template} ${prose(r)}`), chat('Dilute the stock of salt?', `${template} ${prose(r)}`)];
  const evals = [chat('Dilute the stock of urea?', `${template} ${prose(r)}`), chat('Dilute the stock of urea?', `Use C1 times V1 equals C2 times V2 so V1 equals C2 zzz ${prose(r)}`)];
  withFiles({ 'train.jsonl': train, 'eval.jsonl': evals }, (p) => {
    const out = lintFiles([p('train.jsonl')], { ...QUIET, evalFiles: [p('eval.jsonl')] }).diagnostics;
    assert.deepEqual(out.map((d) => [d.line, d.code, d.severity, d.related.map((x) => x.line)]), [[1, 'leakage', 'warning', [1]]]);
    assert.match(out[0].message, /^eval record shares the 13-word span "Use C1 times V1 equals C2 times V2 so V1 equals C2 times" with a training record \(train\.jsonl line 1; \d+% of its 13-word spans occur there\)/);
    // the CLI passes the eval file among the datasets too: it must not leak into itself
    const both = lintFiles([p('train.jsonl'), p('eval.jsonl')], { ...QUIET, evalFiles: [p('eval.jsonl')] });
    assert.deepEqual(both.files.map((f) => f.path), [p('train.jsonl'), p('eval.jsonl')]);
    assert.deepEqual(both.diagnostics.map((d) => [d.path, d.line]), [[p('eval.jsonl'), 1]]);
  });
});

test('leakage: the bundled samples (eval written apart from train) share no 13-word span with it', () => {
  const out = lintFiles([join(SAMPLES, 'train.jsonl'), join(SAMPLES, 'eval.jsonl')], { evalFiles: [join(SAMPLES, 'eval.jsonl')] });
  assert.deepEqual(out.files.map((f) => f.records), [400, 60]);
  assert.deepEqual(out.diagnostics, []);
});

test('key index: reserve() makes room without changing an id, and interning the reserved count then moves no table', () => {
  const keys = new KeyIndex(16);
  const before = [1, -7, 0x7fffffff, 42].map((k, i) => keys.intern(k, i));
  keys.reserve(5000);
  const tables = keys.tables();
  assert.deepEqual([1, -7, 0x7fffffff, 42].map((k, i) => keys.get(k, i)), before);
  const r = rng(9);
  const ids = new Map<string, number>();
  while (keys.size < 5000) {
    const k = Math.floor(r() * 2 ** 32) | 0, c = Math.floor(r() * 16);
    ids.set(`${k}/${c}`, keys.intern(k, c));
  }
  assert.deepEqual(keys.tables(), tables, 'the reserved tables were replaced while filling them');
  for (const [kc, id] of ids) {
    const [k, c] = kc.split('/').map(Number);
    assert.equal(keys.get(k, c), id);
  }
  assert.equal(keys.get(5, 99), -1);
});
