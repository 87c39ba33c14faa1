import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLintConfigDir, gateOptions, LINT_CODES, lintFiles, lintText, loadLintConfig, mergeLintOptions, validateLintConfig, type Finding, type LintOptions } from '../../src/core/lint';
import { gopherFailures } from '../../src/core/lint/rules/gopher';
import { cleanChat, cleanText, rng, sentence } from './support/lint-corpus';

const chat = (u: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });
const file = (lines: string[]): string => lines.join('\n') + '\n';
const lint = (lines: string[], opts?: LintOptions): Finding[] => lintText('d.jsonl', file(lines), opts).findings;
const of = (fs: Finding[], code: string): Finding[] => fs.filter((f) => f.code === code);
const distinct = (n: number, seed = 1): string[] => { const r = rng(seed); return Array.from({ length: n }, () => JSON.stringify(cleanChat(r))); };

test('too-few-records: an info finding on the first record below minRecords (default 50), none for 50 or an empty file', () => {
  const [f] = of(lint(['', ...distinct(3)]), 'too-few-records');
  assert.deepEqual([f.line, f.column, f.endLine, f.endColumn, f.severity], [2, 1, 2, 2, 'info']);
  assert.equal(f.message, "the file has 3 records: fine-tuning usually needs at least 50 (10 at the very least) to change a model's behaviour");
  assert.deepEqual(of(lint(distinct(50)), 'too-few-records'), []);
  assert.deepEqual(lintText('e.jsonl', '').findings, []);
  assert.deepEqual(of(lint(distinct(10), { minRecords: 10 }), 'too-few-records'), []);
  assert.equal(of(lint(distinct(10), { severity: { 'too-few-records': 'warning' } }), 'too-few-records')[0].severity, 'warning');
});

test('too-few-records for a training run: records × epochs under 100 examples is a warning with the optimizer steps and the epochs that would do', () => {
  const run = (epochs: number, effectiveBatchSize = 32): LintOptions => ({ training: { epochs, effectiveBatchSize } });
  let [f] = of(lint(distinct(20), run(3)), 'too-few-records');
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, "20 records × 3 epochs: training sees 60 examples in 3 optimizer steps (effective batch 32), under the 100 that OpenAI's data "
    + 'preparation checks aim for; add records, or raise the epochs to 5');
  // 60 records × 2 = 120 seen, and over the 50-record floor: nothing to say.
  assert.deepEqual(of(lint(distinct(60), run(2)), 'too-few-records'), []);
  // 40 records × 3 = 120 seen: the run is fine, the file is still small (the plain info).
  assert.equal(of(lint(distinct(40), run(3)), 'too-few-records')[0].severity, 'info');
  [f] = of(lint(distinct(3), run(1, 8)), 'too-few-records');
  assert.match(f.message, /^3 records × 1 epoch: training sees 3 examples in 1 optimizer step \(effective batch 8\).*; add records: even 25 epochs would show the model 75$/);
  assert.equal(of(lint(distinct(20), { ...run(3), severity: { 'too-few-records': 'off' } }), 'too-few-records').length, 0);
});

test('too-few-records: not for eval files, which are small by design', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-few-'));
  try {
    writeFileSync(join(dir, 'train.jsonl'), file(distinct(5, 11)));
    writeFileSync(join(dir, 'eval.jsonl'), file(distinct(5, 12)));
    // leakage off: the clean generator draws sentences from one pool, so two files share 13-word spans
    const out = lintFiles([join(dir, 'train.jsonl')], { evalFiles: [join(dir, 'eval.jsonl')], severity: { leakage: 'off' } });
    assert.deepEqual(out.diagnostics.map((d) => [d.path, d.code]), [[join(dir, 'train.jsonl'), 'too-few-records']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('answer-skew: one answer ending more than 10% of 20+ records, on line 1 with the first records as related', () => {
  const r = rng(2);
  const lines = distinct(26, 2);
  for (const i of [3, 9, 15, 21]) lines[i] = chat(sentence(r), i === 21 ? '  i am SORRY, I cannot   help with that. ' : 'I am sorry, I cannot help with that.');
  const found = lint(lines, { severity: { 'too-few-records': 'off' } });
  assert.deepEqual(found.map((f) => [f.code, f.line, f.severity]), [['answer-skew', 1, 'warning']]);
  assert.match(found[0].message, /^4 of 26 records \(15%\) end with the same answer "I am sorry, I cannot help with that\.": the model will learn to give it regardless of the question/);
  assert.deepEqual(found[0].related.map((x) => x.line), [4, 10, 16]);
  // 10% exactly is not skew; under 20 records there are too few to tell
  assert.deepEqual(of(lint([...lines.slice(0, 21), ...distinct(9, 3)]), 'answer-skew'), []);
  assert.deepEqual(of(lint(Array.from({ length: 19 }, (_, i) => chat(`question ${i}`, 'Yes.'))), 'answer-skew'), []);
  assert.equal(of(lint(Array.from({ length: 20 }, (_, i) => chat(`question ${i}`, 'Yes.'))), 'answer-skew').length, 1);
});

test('length-outlier: records far longer or far shorter than the file\'s middle half, in files of 100 records or more', () => {
  const lines = distinct(150, 4);
  const r = rng(5);
  const long = (): string => chat('Tell me everything.', Array.from({ length: 120 }, () => sentence(r)).join(' '));
  lines[70] = long();
  const found = of(lint(lines), 'length-outlier');
  assert.deepEqual(found.map((f) => [f.line, f.severity]), [[71, 'info']]);
  assert.match(found[0].message, /^the record's text is [\d,]+ characters, far longer than the rest of this file \(median [\d,]+, middle half [\d,]+-[\d,]+\): check that it is one example/);
  assert.deepEqual(of(lint(lines.slice(0, 99)), 'length-outlier'), [], 'under 100 records');
  assert.deepEqual(of(lint(distinct(150, 6)), 'length-outlier'), [], 'ordinary spread of lengths');
  // 6% of the records pasted together: a 99th percentile would be one of them and hide them all
  const many = distinct(150, 4);
  const at = [10, 30, 50, 70, 90, 110, 130, 140, 145];
  for (const i of at) many[i] = long();
  assert.deepEqual(of(lint(many), 'length-outlier').map((f) => f.line), at.map((i) => i + 1));
  // truncated records: a question with a two-letter answer among records of a few hundred characters
  const short = distinct(150, 4);
  short[20] = chat('Hi', 'Ok');
  short[99] = chat('', '.');
  const shortFound = of(lint(short, { severity: { 'empty-content': 'off' } }), 'length-outlier');
  assert.deepEqual(shortFound.map((f) => f.line), [21, 100]);
  assert.match(shortFound[0].message, /^the record's text is 4 characters, far shorter than the rest of this file \(median [\d,]+, middle half [\d,]+-[\d,]+\): check that it is not truncated/);
});

test('low-quality-text: Gopher heuristics on `text` records, with the failing measures named', () => {
  const r = rng(7);
  const good = cleanText(r).text;
  assert.deepEqual(gopherFailures(good), []);
  const cases: [string, RegExp][] = [
    ['Too short to learn from, with the words and the stop words.', /: \d+ words \(needs 50 to 100,000\)$/],
    [Array.from({ length: 30 }, () => '- the tiny kettle and the lamp').join('\n'), /100% of lines start with a bullet \(at most 90%\)/],
    [`${good}\n${'### # ## '.repeat(40)}`, /"#" per word \(at most 0\.1\)/],
    [Array.from({ length: 12 }, () => `${sentence(r, true).replace(/\.$/, '')}...`).join('\n'), /of lines end with an ellipsis \(at most 30%\)/],
    [Array.from({ length: 20 }, (_, i) => `${i} 17 2.5 99 | 3 8 the x`).join('\n'), /of words contain a letter \(needs 80%\)/],
    [Array.from({ length: 40 }, () => 'bright kettle, rusty lantern').join(' '), /0 of the stop words the, be, to, of, and, that, have, with \(needs 2\)/],
    [Array.from({ length: 60 }, () => 'a b c the of').join(' '), /mean word length 1\.\d \(needs 3 to 10\)/],
  ];
  for (const [text, reason] of cases) {
    const line = JSON.stringify({ text });
    const [f] = of(lint([line]), 'low-quality-text');
    assert.ok(f, `no finding for ${text.slice(0, 40)}`);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^`text` fails the Gopher quality heuristics: /);
    assert.match(f.message, reason);
    assert.equal(line.slice(f.column - 1, f.endColumn - 1), JSON.stringify(text));
  }
  // chat records are short by nature: not checked
  assert.deepEqual(of(lint([chat('hi', 'ok')]), 'low-quality-text'), []);
});

test('every rule can be set to error, warning, info or off', () => {
  const lines = [...distinct(30, 8), chat('q', 'mail ann@example.com'), JSON.stringify({ text: 'short' })];
  for (const code of ['pii', 'too-few-records', 'low-quality-text', 'schema'] as const) {
    for (const level of ['error', 'warning', 'info'] as const) {
      const found = of(lint(lines, { severity: { [code]: level } }), code);
      assert.ok(found.length > 0 && found.every((f) => f.severity === level), `${code} as ${level}`);
    }
    assert.deepEqual(of(lint(lines, { severity: { [code]: 'off' } }), code), [], `${code} off`);
  }
});

function workspace(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-lintcfg-'));
  if (config !== undefined) {
    mkdirSync(join(dir, '.tunelab'));
    writeFileSync(join(dir, '.tunelab', 'lint.json'), config);
  }
  return dir;
}

test('loadLintConfig: reads .tunelab/lint.json into LintOptions; a missing file means defaults', () => {
  const none = workspace();
  const ok = workspace(JSON.stringify({ rules: { pii: 'error', 'near-duplicate': 'off' }, nearDuplicateThreshold: 0.85, maxTokens: 4096, minRecords: 10 }));
  try {
    assert.deepEqual(loadLintConfig(none), { path: join(none, '.tunelab', 'lint.json'), found: false, options: {}, problems: [] });
    const cfg = loadLintConfig(ok);
    assert.deepEqual(cfg.problems, []);
    assert.deepEqual(cfg.options, { severity: { pii: 'error', 'near-duplicate': 'off' }, nearDuplicateThreshold: 0.85, maxTokens: 4096, minRecords: 10 });
    // the options do what they say
    const found = lint([...distinct(12, 9), chat('q', 'write to ann@example.com')], cfg.options);
    assert.deepEqual(found.map((f) => [f.code, f.severity]), [['pii', 'error']]);
  } finally {
    rmSync(none, { recursive: true, force: true });
    rmSync(ok, { recursive: true, force: true });
  }
});

test('loadLintConfig: every problem at once, each naming the key and what to write instead', () => {
  const dir = workspace(JSON.stringify({ rules: { pi: 'error', 'near-duplicate': 'loud', leakage: 'off' }, nearDuplicateThreshold: 2, maxTokens: -1, colour: 'red' }));
  const bad = workspace('{"rules": {');
  const notObject = workspace('[1]');
  try {
    const cfg = loadLintConfig(dir);
    assert.deepEqual(cfg.problems, [
      '.tunelab/lint.json: unknown key "colour"; known keys: rules, nearDuplicateThreshold, maxTokens, minRecords, extraRoles, maxFindingsPerCode',
      `.tunelab/lint.json: unknown rule "pi" in "rules" (did you mean "pii"?); rules: ${LINT_CODES.join(', ')}`,
      '.tunelab/lint.json: rule "near-duplicate" is set to "loud"; use one of "error", "warning", "info", "off"',
      '.tunelab/lint.json: "nearDuplicateThreshold" must be a number above 0 and at most 1, e.g. 0.8 (got 2)',
      '.tunelab/lint.json: "maxTokens" must be a positive whole number (got -1)',
    ]);
    assert.deepEqual(cfg.options, { severity: { leakage: 'off' } }, 'the valid settings are kept');
    assert.match(loadLintConfig(bad).problems[0], /^\.tunelab\/lint\.json is not valid JSON: /);
    assert.deepEqual(loadLintConfig(notObject).problems, ['.tunelab/lint.json must hold a JSON object such as {"rules": {"pii": "error"}}']);
    assert.deepEqual(validateLintConfig({ rules: 'pii' }).problems, ['.tunelab/lint.json: "rules" must be an object of rule name to level, e.g. {"pii": "error", "near-duplicate": "off"}']);
    assert.deepEqual(validateLintConfig({ extraRoles: ['observer'], maxFindingsPerCode: 5 }), { options: { extraRoles: ['observer'], maxFindingsPerCode: 5 }, problems: [] });
  } finally {
    for (const d of [dir, bad, notObject]) rmSync(d, { recursive: true, force: true });
  }
});

test('editor lint settings: the nearest lint.json inside the workspace folder, over the rules setting; the setting lists every rule', () => {
  const root = mkdtempSync(join(tmpdir(), 'tunelab-lintcfg-'));
  try {
    const project = join(root, 'project'), data = join(project, 'data', 'train');
    mkdirSync(data, { recursive: true });
    mkdirSync(join(root, '.tunelab'));
    writeFileSync(join(root, '.tunelab', 'lint.json'), '{}');
    assert.equal(findLintConfigDir(data), root, 'without a top: upwards to the nearest');
    assert.equal(findLintConfigDir(data, project), undefined, 'not above the workspace folder');
    mkdirSync(join(project, '.tunelab'));
    writeFileSync(join(project, '.tunelab', 'lint.json'), '{}');
    assert.equal(findLintConfigDir(data, project), project);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const fromSetting = validateLintConfig({ rules: { pii: 'off', duplicate: 'info' } }).options;
  const fromFile = validateLintConfig({ rules: { pii: 'error' }, maxTokens: 512 }).options;
  assert.deepEqual(mergeLintOptions(fromSetting, fromFile), { severity: { pii: 'error', duplicate: 'info' }, maxTokens: 512 });
  assert.deepEqual(mergeLintOptions({}, {}), {});
  // package.json's tunelab.lint.rules offers each rule with the four levels.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { properties: Record<string, { enum: string[] }> }> } } };
  const rules = pkg.contributes.configuration.properties['tunelab.lint.rules'].properties;
  assert.deepEqual(Object.keys(rules), [...LINT_CODES]);
  for (const r of Object.values(rules)) assert.deepEqual(r.enum, ['error', 'warning', 'info', 'off']);
});

test('gateOptions: the run\'s epochs, batch and max_seq_length, and the model\'s tokenizer when it has a tokenizer.json; lint.json wins', () => {
  const model = join(__dirname, '..', '..', '..', 'models', 'tunelab-tiny-llama');
  const run = { epochs: 2, effectiveBatchSize: 16, maxSeqLength: 512, model };
  assert.deepEqual(gateOptions({ minRecords: 10 }, run), { minRecords: 10, training: { epochs: 2, effectiveBatchSize: 16 }, maxTokens: 512, tokenizer: model });
  assert.deepEqual(gateOptions({ maxTokens: 4096 }, run), { maxTokens: 4096, training: { epochs: 2, effectiveBatchSize: 16 } });
  assert.deepEqual(gateOptions({}, { ...run, model: '/no/such/model' }), { training: { epochs: 2, effectiveBatchSize: 16 }, maxTokens: 512 });
  assert.deepEqual(gateOptions({ minRecords: 10 }, undefined), { minRecords: 10 });
});
