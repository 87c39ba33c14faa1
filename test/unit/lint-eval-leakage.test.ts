import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EvalFeatureCache, evalFileOptions, evalLeakage, lintSource, TrainingFeatures, withLeakage, type FileLintResult, type LintInput, type LintOptions } from '../../src/core/lint';
import { planLint } from '../../src/core/lint/lint-files';
import { cleanChat, rng, sentence, type Rng } from './support/lint-corpus';

const chatLine = (r: Rng): string => JSON.stringify(cleanChat(r));
const chat = (u: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });

/** What `tunelab lint --eval` reports on the eval file: every training file streamed through one full index. */
function oneLint(train: LintInput[], held: LintInput, options: LintOptions): FileLintResult {
  const inputs = new Map([...train, held].map((f) => [f.path, f.input]));
  const plan = planLint(train.map((f) => f.path), { ...options, evalFiles: [held.path] }, (p) => inputs.get(p)!);
  const results = plan.files.map((f) => lintSource(f.path, f.load()!, plan.options, f.role));
  return results[results.length - 1];
}

/** The editor's way: the eval text linted alone, then the leakage from kept training features added. */
function editorLint(train: LintInput[], held: { path: string; input: string }, options: LintOptions, features?: TrainingFeatures, cache?: EvalFeatureCache): FileLintResult {
  features ??= TrainingFeatures.of(train, options.nearDuplicateThreshold ?? 0.8);
  return withLeakage(lintSource(held.path, held.input, evalFileOptions(options)), evalLeakage(held.path, held.input, features, options, cache));
}

function replaceWord(r: Rng, line: string): string {
  const v = JSON.parse(line) as { messages: { role: string; content: string }[] };
  const last = v.messages[v.messages.length - 1];
  const words = last.content.split(' ');
  words[Math.floor(r() * words.length)] = 'zebra';
  last.content = words.join(' ');
  return JSON.stringify(v);
}

/**
 * Two training files and an eval file with every kind of leak, records whose 13-grams the eval set shares more than
 * the index follows (a template in 40 eval records) and a band key shared past its chain limit (18 equal records).
 */
function pair(seed: number): { train: LintInput[]; evalLines: string[] } {
  const r = rng(seed);
  const template = 'Read the clause below and say in one plain sentence what it obliges the tenant to do before moving out';
  const t1 = Array.from({ length: 150 }, () => chatLine(r));
  const t2 = Array.from({ length: 120 }, (_, i) => (i % 10 === 0 ? chat(`${template}: clause ${i}.`, sentence(r)) : chatLine(r)));
  const evalLines: string[] = [];
  for (let i = 0; i < 25; i++) evalLines.push(chatLine(r));
  for (let i = 0; i < 6; i++) evalLines.push(t1[Math.floor(r() * t1.length)]);
  for (let i = 0; i < 6; i++) evalLines.push(replaceWord(r, t2[1 + Math.floor(r() * 100)]));
  for (let i = 0; i < 40; i++) evalLines.push(chat(`${template}: clause e${i}.`, sentence(r)));
  const repeated = chatLine(r);
  for (let i = 0; i < 18; i++) evalLines.push(repeated);
  evalLines.push('not json', '');
  t2.splice(7, 0, '{"messages": [oops');
  for (let i = evalLines.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [evalLines[i], evalLines[j]] = [evalLines[j], evalLines[i]];
  }
  return { train: [{ path: '/d/train-a.jsonl', input: Buffer.from(t1.join('\n') + '\n') }, { path: '/d/train-b.jsonl', input: t2.join('\n') + '\n' }], evalLines };
}

test('eval leakage from kept training features: the same findings and counts as one lint of train and eval, for any split of exact, near and shared-span leaks', () => {
  for (const seed of [1, 2, 3]) {
    const { train, evalLines } = pair(seed);
    const held = { path: '/d/eval.jsonl', input: evalLines.join('\n') + '\n' };
    // CRLF line ends on both sides (Windows files): the same findings, on the same lines
    const crlf = train.map((f) => ({ path: f.path, input: typeof f.input === 'string' ? f.input.replace(/\n/g, '\r\n') : Buffer.from(f.input.toString().replace(/\n/g, '\r\n')) }));
    const heldCrlf = { path: held.path, input: held.input.replace(/\n/g, '\r\n') };
    assert.deepEqual(editorLint(crlf, heldCrlf, {}), oneLint(crlf, heldCrlf, {}), `seed ${seed}, CRLF`);
    assert.deepEqual(editorLint(crlf, heldCrlf, {}).findings.map((f) => [f.line, f.related[0]?.line]), oneLint(train, held, {}).findings.map((f) => [f.line, f.related[0]?.line]));
    for (const options of [{}, { nearDuplicateThreshold: 0.7, maxFindingsPerCode: 5 }, { severity: { leakage: 'warning' as const } }]) {
      const want = oneLint(train, held, options);
      const kinds = new Set(want.findings.filter((f) => f.code === 'leakage').map((f) => f.message.slice(0, 30)));
      assert.ok(kinds.size >= 3 && (want.stats.findingsByCode.leakage ?? 0) >= 12, `seed ${seed}: every kind of leak is planted (${[...kinds].join(' | ')})`);
      assert.deepEqual(editorLint(train, held, options), want, `seed ${seed}, ${JSON.stringify(options)}`);
    }
  }
});

test('eval leakage: kept features answer edit after edit of the eval text (JSON array too) as a fresh lint would; off reports none', () => {
  const { train, evalLines } = pair(4);
  const features = TrainingFeatures.of(train, 0.8);
  const cache = new EvalFeatureCache(); // the eval records' features kept from one edit to the next, as the editor keeps them
  const r = rng(5);
  const lines = evalLines.filter((l) => l.startsWith('{'));
  const t2 = (train[1].input as string).split('\n');
  for (let step = 0; step < 12; step++) {
    const i = Math.floor(r() * lines.length);
    if (step % 3 === 0) lines.splice(i, 1);
    else if (step % 3 === 1) lines.splice(i, 0, t2[Math.floor(r() * 100)]);
    else lines[i] = replaceWord(r, lines[i]);
    const array = { path: '/d/eval.json', input: `[\n${lines.join(',\n')}\n]\n` };
    assert.deepEqual(editorLint(train, array, {}, features, cache), oneLint(train, array, {}), `step ${step}`);
  }
  const held = { path: '/d/eval.jsonl', input: lines.join('\n') };
  const off = { severity: { leakage: 'off' as const } };
  assert.equal(evalLeakage(held.path, held.input, features, off).findings.length, 0);
  assert.deepEqual(editorLint(train, held, off, features), oneLint(train, held, off));
  assert.throws(() => evalLeakage(held.path, held.input, features, { nearDuplicateThreshold: 0.6 }), /threshold 0.8, not 0.6/);
});

test('eval leakage: training features keep about 4 bytes per training word', () => {
  const { train } = pair(6);
  const features = TrainingFeatures.of(train, 0.8);
  const words = train.reduce((n, f) => n + String(f.input).split(/\s+/).length, 0);
  assert.equal(features.records, 270, 'the invalid training line is not a record');
  assert.ok(features.bytes < 16 * words + 200 * features.records, `${features.bytes} bytes for ${words} words`);
});

test('eval leakage: a small eval set is linted as an eval file (no too-few-records), as one lint of train and eval lints it', () => {
  const { train, evalLines } = pair(7);
  const held = { path: '/d/eval.jsonl', input: evalLines.filter((l) => l.startsWith('{')).slice(0, 5).join('\n') + '\n' };
  const want = oneLint(train, held, {});
  assert.equal(want.stats.findingsByCode['too-few-records'], undefined);
  assert.equal(lintSource(held.path, held.input).stats.findingsByCode['too-few-records'], 1, 'linted alone, a training file of 5 records gets it');
  assert.deepEqual(editorLint(train, held, {}), want);
});

test('training features read in slices of lines (the worker answers between them) equal those read in one go: BOM, CRLF, an invalid line, a line longer than a slice', () => {
  const { train, evalLines } = pair(8);
  const text = `\ufeff${String(train[1].input).replace(/\n/g, '\r\n')}not json\r\n${JSON.stringify({ text: 'x '.repeat(5000) + evalLines[3] })}\r\n`;
  const sources = [train[0], { path: '/d/train-b.jsonl', input: text }, { path: '/d/train-c.json', input: `[${evalLines.filter((l) => l.startsWith('{')).slice(0, 3).join(',')}]` }];
  const steps = TrainingFeatures.read(sources, 0.8, 4096);
  let pauses = 0;
  let r = steps.next();
  for (; !r.done; r = steps.next()) pauses++;
  assert.ok(pauses > 20, `${pauses} pauses`);
  const held = { path: '/d/eval.jsonl', input: evalLines.join('\n') + '\n' };
  const want = oneLint(sources, held, {});
  assert.ok((want.stats.findingsByCode.leakage ?? 0) > 10);
  assert.deepEqual(editorLint(sources, held, {}, r.value), want);
  // a file that cannot be read as text has no records, whichever slice its NUL is in
  assert.equal(TrainingFeatures.of([{ path: '/d/bin.jsonl', input: Buffer.concat([Buffer.from(String(train[1].input)), Buffer.from([0, 1, 2])]) }], 0.8).records, 0);
});

test('eval leakage kept between edits compares only the records an edit brought, and all it must when a 13-gram or a band key crosses its limit', () => {
  const r = rng(9);
  const template = 'Read the clause below and say in one plain sentence what it obliges the tenant to do before moving out';
  const t1 = Array.from({ length: 150 }, () => chatLine(r));
  const t2 = Array.from({ length: 120 }, (_, i) => (i % 10 === 0 ? chat(`${template}: clause ${i}.`, sentence(r)) : chatLine(r)));
  const train: LintInput[] = [{ path: '/d/train-a.jsonl', input: t1.join('\n') + '\n' }, { path: '/d/train-b.jsonl', input: t2.join('\n') + '\n' }];
  const lines: string[] = [];
  for (let i = 0; i < 25; i++) lines.push(chatLine(r));
  for (let i = 0; i < 6; i++) lines.push(t1[Math.floor(r() * t1.length)]);
  for (let i = 0; i < 6; i++) lines.push(replaceWord(r, t2[1 + Math.floor(r() * 100)]));
  // 30 records sharing a template's 13-grams, under the limit of 32 the index follows; then more, and fewer again.
  for (let i = 0; i < 30; i++) lines.push(chat(`${template}: clause e${i}.`, sentence(r)));
  const features = TrainingFeatures.of(train, 0.8);
  const cache = new EvalFeatureCache();
  const check = (what: string): number => {
    const held = { path: '/d/eval.jsonl', input: lines.join('\n') + '\n' };
    assert.deepEqual(editorLint(train, held, {}, features, cache), oneLint(train, held, {}), what);
    return cache.lastCompared;
  };
  assert.equal(check('first check'), lines.length);
  lines[3] = replaceWord(r, lines[3]);
  assert.equal(check('a word changed'), 1, 'only the edited record is compared');
  lines.splice(10, 1);
  assert.equal(check('a record deleted'), 0);
  lines.splice(5, 0, lines[20]);
  assert.equal(check('a record copied'), 0, 'a copy of a record whose match is known');
  const holders = (): number => lines.filter((l) => l.includes(template)).length; // a near copy of a training record may be one
  let crossed = false;
  for (let i = 30; i < 35; i++) {
    lines.push(chat(`${template}: clause e${i}.`, sentence(r)));
    const compared = check(`${holders()} records share the template`);
    // Crossing the limit (33 records) changes what the others share with the training records: they are compared again.
    assert.equal(compared, holders() === 33 ? 33 : 1, `${holders()} records of the template`);
    crossed ||= holders() === 33;
  }
  assert.ok(crossed, 'the template crossed the limit');
  for (let i = 0; i < 5; i++) {
    lines.splice(lines.findIndex((l) => l.includes('clause e3')), 1);
    check(`back to ${holders()} records of the template`);
  }
  // One record 18 times: its band keys are held past the chain limit (16), and while they are, every record is compared.
  const repeated = chatLine(r);
  for (let n = 1; n <= 18; n++) {
    lines.splice(Math.floor(r() * lines.length), 0, repeated);
    const compared = check(`${n} copies of one record`);
    if (n === 1) assert.equal(compared, 1);
    if (n === 18) assert.equal(compared, lines.length);
  }
  for (let n = 17; n >= 14; n--) {
    lines.splice(lines.indexOf(repeated), 1);
    check(`${n} copies of one record`);
  }
  lines[7] = replaceWord(r, lines[7]);
  assert.equal(check('a word changed, the copies under the limit again'), 1);
});

test('eval leakage kept between edits: past the chain limit, copies of one record interleaved with near copies match as a full comparison matches each of them', () => {
  const r = rng(10);
  const source = chat(Array.from({ length: 4 }, () => sentence(r)).join(' '), Array.from({ length: 4 }, () => sentence(r)).join(' '));
  const train: LintInput[] = [{ path: '/d/train.jsonl', input: [...Array.from({ length: 60 }, () => chatLine(r)), source].join('\n') + '\n' }];
  // 24 copies of one near copy of a training record, each followed by another near copy: far more than 16 records
  // share each of its band keys, and which of them a training record reaches depends on where they are.
  const copy = replaceWord(r, source);
  const lines = Array.from({ length: 20 }, () => chatLine(r));
  for (let i = 0; i < 24; i++) lines.push(copy, replaceWord(r, source));
  const features = TrainingFeatures.of(train, 0.8);
  const cache = new EvalFeatureCache();
  for (let step = 0; step < 6; step++) {
    const held = { path: '/d/eval.jsonl', input: lines.join('\n') + '\n' };
    const want = oneLint(train, held, {});
    if (step === 0) {
      const copies = want.findings.filter((f) => f.code === 'leakage' && lines[f.line - 1] === copy).map((f) => f.message.slice(0, 30));
      assert.ok(new Set(copies).size > 1 || copies.length < 24, `the copies do not all match alike in a full comparison: ${[...new Set(copies)].join(' | ')}`);
    }
    assert.deepEqual(editorLint(train, held, {}, features, cache), want, `step ${step}`);
    lines.splice(Math.floor(r() * lines.length), 0, step % 2 ? copy : chatLine(r));
  }
});
