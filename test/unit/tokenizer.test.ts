import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintText, type LintOptions } from '../../src/core/lint';
import { loadTokenizer, ModelTokenizer, TokenizerLoadError, trainingInput } from '../../src/core/tokenizer';
import { FIXTURES, TINY_MODEL, tokenizerDir } from './support/tokenizer-fixtures';

interface Reference {
  strings: string[];
  tokenizers: Record<string, { strings: number[]; records: { kind: string; tokens: number; rendered?: string; firstTurnWithPrompt?: string; reason?: string }[] }>;
}
// Computed with transformers by test/fixtures/tokenizers/make_references.py.
const REFS = JSON.parse(readFileSync(join(FIXTURES, 'references.json'), 'utf8')) as Reference;
const RECORDS = readFileSync(join(FIXTURES, 'records.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);

for (const name of ['qwen3', 'llama3', 'tunelab-tiny-llama']) {
  test(`tokenizer ${name}: counts, rendered templates and record counts equal transformers'`, () => {
    const t = loadTokenizer(tokenizerDir(name));
    const ref = REFS.tokenizers[name];
    assert.deepEqual(REFS.strings.map((s) => t.count(s)), ref.strings);
    assert.equal(ref.records.length, RECORDS.length);
    RECORDS.forEach((rec, i) => {
      const want = ref.records[i];
      const got = t.countRecord(rec);
      assert.equal(got.kind, want.kind, `record ${i + 1}`);
      if (got.kind === 'skip') {
        // a template without tool support: the trainer refuses the record, with the same words
        assert.equal(got.reason, want.reason, `record ${i + 1}`);
        return;
      }
      assert.equal(got.tokens, want.tokens, `record ${i + 1} (${JSON.stringify(rec).slice(0, 60)})`);
      if (got.kind === 'chat') {
        assert.equal(got.rendered, want.rendered, `record ${i + 1}: rendered template`);
        const input = trainingInput(rec);
        assert.ok(input.kind === 'chat');
        assert.equal(t.renderChat(input.messages.slice(0, 1), { addGenerationPrompt: true, tools: input.tools }), want.firstTurnWithPrompt);
        // the bounds used to skip tokenizing are never below the exact count; the cheap one not below the rendered one
        assert.ok(t.upperBound(rec)! >= got.tokens);
        const cheap = t.upperBound(rec, true);
        if (cheap !== undefined) assert.ok(cheap >= t.upperBound(rec)!, `record ${i + 1}: cheap bound ${cheap} < ${t.upperBound(rec)}`);
      }
    });
  });
}

test('trainingInput maps formats the way the trainer does, and says why it skips a record', () => {
  assert.deepEqual(trainingInput({ conversations: [{ from: 'human', value: 'a' }, { from: 'gpt', value: 'b' }] }),
    { kind: 'chat', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] });
  assert.deepEqual(trainingInput({ instruction: 'i', input: 'x', output: 'o', system: 's' }),
    { kind: 'chat', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'i\n\nx' }, { role: 'assistant', content: 'o' }] });
  assert.deepEqual(trainingInput({ text: 'hello' }), { kind: 'text', text: 'hello' });
  assert.deepEqual(trainingInput({ messages: [{ role: 'bot', content: 'x' }] }), { kind: 'skip', reason: 'message 1 has unknown role "bot" (use system, user, assistant, tool)' });
  assert.deepEqual(trainingInput({ messages: [{ role: 'user', content: 'x' }] }), { kind: 'skip', reason: 'no assistant message with content' });
  assert.deepEqual(trainingInput([1]), { kind: 'skip', reason: 'not a JSON object' });
});

test('loading: a missing folder or file, or a broken tokenizer.json, is a TokenizerLoadError that says what to fix', () => {
  assert.throws(() => ModelTokenizer.load('/nonexistent/model'), (e: Error) => e instanceof TokenizerLoadError && /tokenizer not found: \/nonexistent\/model/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'tl-tok-'));
  assert.throws(() => ModelTokenizer.load(dir), /the model folder has no tokenizer\.json/);
  writeFileSync(join(dir, 'tokenizer.json'), '{"model": ');
  writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
  assert.throws(() => ModelTokenizer.load(dir), /tokenizer\.json is not valid JSON/);
  // the path of tokenizer.json itself is accepted too
  assert.equal(ModelTokenizer.load(join(tokenizerDir('qwen3'), 'tokenizer.json')).count('Hello, world!'), REFS.tokenizers.qwen3.strings[0]);
});

const QUIET: LintOptions = { severity: { 'too-few-records': 'off' } };

test('too-long with a tokenizer: exact counts with the chat template, labelled with the tokenizer; only records over the limit', () => {
  const dir = tokenizerDir('qwen3');
  const lines = RECORDS.map((r) => JSON.stringify(r)).join('\n');
  const expected = REFS.tokenizers.qwen3.records.map((r) => r.tokens);
  const limit = 40;
  const found = lintText('d.jsonl', lines, { ...QUIET, maxTokens: limit, tokenizer: dir }).findings.filter((f) => f.code === 'too-long');
  assert.deepEqual(found.map((f) => f.line), expected.flatMap((n, i) => (n > limit ? [i + 1] : [])));
  assert.equal(found[0].message, `the record is ${expected[1]} tokens (tokenizer of qwen3, chat template applied), over the limit of 40 tokens: training truncates it; shorten or split it`);
  const text = found.find((f) => f.line === 8)!;
  assert.match(text.message, /^the record is 42 tokens \(tokenizer of qwen3\), over/);
});

test('too-long with a tokenizer that cannot be loaded: one finding says so and counts fall back to labelled estimates', () => {
  const long = JSON.stringify({ text: 'word '.repeat(400) });
  const found = lintText('d.jsonl', long, { ...QUIET, maxTokens: 100, tokenizer: '/nonexistent/model' }).findings.filter((f) => f.code === 'too-long');
  assert.equal(found.length, 2);
  assert.match(found[0].message, /^token counts are estimates: tokenizer not found: \/nonexistent\/model/);
  assert.match(found[1].message, /≈ 500 tokens \(estimate from characters/);
});

test('role-order with a tokenizer: conversations the chat template refuses, or renders without their tool calls', () => {
  // Mistral-style: roles must alternate user/assistant.
  const strict = mkdtempSync(join(tmpdir(), 'tl-strict-'));
  copyFileSync(join(TINY_MODEL, 'tokenizer.json'), join(strict, 'tokenizer.json'));
  const config = JSON.parse(readFileSync(join(TINY_MODEL, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  config.chat_template = "{% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}[{{ m['role'] }}] {{ m['content'] }}{% endfor %}";
  writeFileSync(join(strict, 'tokenizer_config.json'), JSON.stringify(config));
  const chat = (...roles: string[]): string => JSON.stringify({ messages: roles.map((role, i) => ({ role, content: `turn ${i} of a ${roles.length}-turn talk` })) });
  const text = [chat('user', 'assistant'), chat('system', 'user', 'assistant'), chat('user', 'assistant', 'user', 'assistant')].join('\n');
  const found = lintText('d.jsonl', text, { ...QUIET, tokenizer: strict }).findings.filter((f) => f.code === 'role-order');
  assert.deepEqual(found.map((f) => f.line), [2]);
  assert.equal(found[0].message, `the chat template of ${strict.split('/').pop()} cannot train on this conversation: the chat template cannot render it (Conversation roles must alternate user/assistant/user/assistant/...); the trainer drops the record`);
  // A template with no tool markup (the llama3 fixture's) would train on an empty answer: the record is named.
  const tools = JSON.stringify({ messages: [{ role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
    { role: 'tool', content: '18 C' }, { role: 'assistant', content: 'It is 18 C.' }] });
  const [dropped] = lintText('d.jsonl', tools, { ...QUIET, tokenizer: tokenizerDir('llama3') }).findings.filter((f) => f.code === 'role-order');
  assert.match(dropped.message, /^the chat template of llama3 cannot train on this conversation: the chat template does not render tool calls \(assistant message 2 calls get_weather, which its rendered turn lacks\); the trainer drops the record$/);
  assert.deepEqual(lintText('d.jsonl', tools, { ...QUIET, tokenizer: TINY_MODEL }).findings, [], 'the bundled model renders tool calls');

  // The editor's default model (templateModel): the same template check, while too-long keeps estimating.
  const live = lintText('d.jsonl', text + '\n' + JSON.stringify({ text: 'word '.repeat(400) }), { ...QUIET, templateModel: strict, maxTokens: 100 }).findings;
  assert.deepEqual(live.filter((f) => f.code === 'role-order').map((f) => [f.line, f.message]), [[2, found[0].message]]);
  assert.match(live.find((f) => f.code === 'too-long')!.message, /≈ 500 tokens \(estimate from characters/);
});

test('trainingInput: a ShareGPT record-level system prompt becomes the first turn, as the trainer reads it', () => {
  const turns = [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello.' }];
  assert.deepEqual(trainingInput({ conversations: turns, system: 'Be brief.' }),
    { kind: 'chat', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }] });
  const own = trainingInput({ conversations: [{ from: 'system', value: 'Own.' }, ...turns], system: 'Ignored.' });
  assert.ok(own.kind === 'chat' && own.messages.length === 3 && own.messages[0].content === 'Own.');
});
