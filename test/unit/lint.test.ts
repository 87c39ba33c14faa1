import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  formatFindingsText, LINT_CODES, lintFiles, lintSource, lintText, type Finding, type LintOptions, type TextEdit,
} from '../../src/core/lint';

import { trainingInput } from '../../src/core/tokenizer/training-input';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/lint');
const SHAPE_CHECK = '/work/shared/checks/lint-json-shape.mjs';

const msg = (role: string, content: unknown, extra: object = {}) => ({ role, content, ...extra });
const chatLine = (...messages: object[]): string => JSON.stringify({ messages });
const CALL = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } };
const ok = (u = 'What is 2+2?', a = 'Four.'): string => chatLine(msg('user', u), msg('assistant', a));

/**
 * Options for snippets of a few short records: the checks that judge a whole dataset (its size) or a whole document
 * (Gopher quality of `text` records) are tested in lint-dataset.test.ts.
 */
const SNIPPET: LintOptions = { severity: { 'too-few-records': 'off', 'low-quality-text': 'off' } };
const snippet = (opts?: LintOptions): LintOptions => ({ ...SNIPPET, ...opts, severity: { ...SNIPPET.severity, ...opts?.severity } });

function lint(text: string, opts?: LintOptions): Finding[] {
  return lintText('data.jsonl', text, snippet(opts)).findings;
}
function codes(text: string, opts?: LintOptions): string[] {
  return lint(text, opts).map((f) => f.code);
}
/** The text a finding's range covers, to check ranges without counting columns by hand. */
function covered(text: string, f: { line: number; column: number; endLine: number; endColumn: number }): string {
  return text.slice(offsetAt(text, f.line, f.column), offsetAt(text, f.endLine, f.endColumn));
}
function offsetAt(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) off = text.indexOf('\n', off) + 1;
  return off + column - 1;
}
function applyEdits(text: string, edits: TextEdit[]): string {
  for (const e of [...edits].reverse()) text = text.slice(0, offsetAt(text, e.line, e.column)) + e.newText + text.slice(offsetAt(text, e.endLine, e.endColumn));
  return text;
}

test('a clean chat file, with tool calls and null content, has no findings but its size', () => {
  const all = lintFiles([join(FIXTURES, 'clean-chat.jsonl')]);
  assert.deepEqual(all.diagnostics.map((d) => [d.line, d.code, d.severity]), [[1, 'too-few-records', 'info']]);
  const r = lintFiles([join(FIXTURES, 'clean-chat.jsonl')], SNIPPET);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.files, [{ path: join(FIXTURES, 'clean-chat.jsonl'), records: 3, format: 'chat' }]);
  assert.deepEqual(r.stats.roles, { system: 1, user: 3, assistant: 4, tool: 1 });
  assert.equal(r.stats.messages, 9);
  assert.deepEqual(r.stats.messagesPerConversation, { min: 2, mean: 3, max: 4 });
  assert.match(formatFindingsText(r), /1 file, 3 records \(chat 3\): no problems found\n$/);
});

test('clean records of every format give no findings', () => {
  const lines = {
    sharegpt: JSON.stringify({ conversations: [{ from: 'system', value: 's' }, { from: 'human', value: 'q' }, { from: 'gpt', value: 'a' }] }),
    instruction: JSON.stringify({ instruction: 'Sum', input: '', output: '3' }),
    'prompt-completion': JSON.stringify({ prompt: 'The sky is', completion: ' blue.' }),
    text: JSON.stringify({
      text: 'Plain text for continued pre-training is a document of ordinary prose. It has sentences of usual length, with ' +
        'the small words that English needs, and it talks about one subject from the start to the end. The model reads ' +
        'it whole and learns the style and the facts of the domain, which is why such records should be clean and long.',
    }),
  };
  for (const [format, line] of Object.entries(lines)) {
    const r = lintText('d.jsonl', `${line}\n`, { severity: { 'too-few-records': 'off' } });
    assert.deepEqual([r.format, r.records, r.findings], [format, 1, []], format);
  }
});

test('invalid-json: reason and column in the message, range from the failure to the end of the line', () => {
  const text = `${ok()}\n{"messages": [{"role": "user", "content": 'hi'}]}\n`;
  const [f] = lint(text);
  assert.equal(f.code, 'invalid-json');
  assert.equal(f.severity, 'error');
  assert.equal(f.line, 2);
  const column = text.split('\n')[1].indexOf("'") + 1;
  assert.equal(f.message, `invalid JSON at column ${column}: Unexpected token ''' (JSON strings and keys need double quotes)`);
  assert.equal(f.column, column);
  assert.equal(covered(text, f), `'hi'}]}`);
  const end = lint('{"text": "unterminated\n')[0];
  assert.match(end.message, /Unterminated string/);
  assert.ok(end.column < end.endColumn, 'a range that can be seen');
  assert.deepEqual(codes(`${ok()}\n`), []);
});

test('schema: non-objects, missing and ill-typed fields, empty messages', () => {
  const cases: [string, RegExp, string][] = [
    ['[1, 2]', /the record is an array, not a JSON object/, '[1, 2]'],
    ['{"messages": "hi"}', /`messages` is a string; it must be an array/, '"hi"'],
    ['{"messages": []}', /`messages` is an empty array/, '[]'],
    ['{"messages": ["hi"]}', /messages\[0\] is a string; each message must be an object with `role` and `content`/, '"hi"'],
    ['{"messages": [{"content": "hi"}]}', /messages\[0\] has no `role`/, '{"content": "hi"}'],
    ['{"messages": [{"role": 1, "content": "hi"}]}', /messages\[0\]\.role is a number; it must be a string/, '1'],
    ['{"messages": [{"role": "user"}]}', /messages\[0\] has no `content`/, '{"role": "user"}'],
    ['{"messages": [{"role": "user", "content": 7}]}', /messages\[0\]\.content is a number/, '7'],
    ['{"messages": [{"role": "assistant", "content": null}]}', /content is null/, 'null'],
    ['{"messages": [{"role": "user", "content": [3]}]}', /content\[0\] is a number; content parts must be objects with a `type`/, '3'],
    ['{"conversations": [{"from": "human"}]}', /conversations\[0\] has no `value`/, '{"from": "human"}'],
    ['{"instruction": "Add 1 and 2"}', /the record has no `output`/, '{"instruction": "Add 1 and 2"}'],
    ['{"input": "x", "output": "y"}', /has no `instruction`/, '{"input": "x", "output": "y"}'],
    ['{"instruction": "a", "input": 3, "output": "b"}', /`input` is a number; it must be a string/, '3'],
    ['{"prompt": "a"}', /has no `completion`/, '{"prompt": "a"}'],
    ['{"text": ["a"]}', /`text` is an array; it must be a string/, '["a"]'],
  ];
  for (const [line, message, range] of cases) {
    const text = `${ok()}\n${line}\n`; // after a JSONL line, so that `[1, 2]` is not read as a JSON array file
    const f = lint(text).find((x) => x.code === 'schema' && message.test(x.message));
    assert.ok(f, `schema finding ${message} for ${line}: ${JSON.stringify(lint(text).map((x) => x.message))}`);
    assert.deepEqual([f.severity, f.line], ['error', 2], line);
    assert.equal(covered(text, f), range, line);
  }
});

test('schema: an unrecognized message key is a warning on the key, once per record', () => {
  const line = chatLine(msg('user', 'q', { contnet: 'x' }), msg('assistant', 'a', { contnet: 'y' }));
  const found = lint(line);
  assert.equal(found.length, 1);
  assert.deepEqual([found[0].code, found[0].severity], ['schema', 'warning']);
  assert.match(found[0].message, /messages\[0\] has an unrecognized key `contnet`/);
  assert.equal(covered(line, found[0]), '"contnet"');
  assert.deepEqual(codes(chatLine(msg('user', 'q', { name: 'ann' }), msg('assistant', 'a', { weight: 1 }))), []);
});

test('schema: records in another format than the file majority, and unknown records, name the majority', () => {
  const text = [ok('a'), ok('b'), JSON.stringify({ instruction: 'x', output: 'y' }), JSON.stringify({ question: 'q', answer: 'a' }), ok('c')].join('\n');
  const r = lintText('d.jsonl', text, SNIPPET);
  assert.equal(r.format, 'chat');
  const [mismatch, unknown] = r.findings;
  assert.equal(mismatch.line, 3);
  assert.match(mismatch.message, /record is instruction .* but 3 of 5 records in this file are chat \(`messages`\): use one format per file/);
  assert.equal(unknown.line, 4);
  assert.match(unknown.message, /none of the fields of a known format.*other records of this file are chat.*its fields: question, answer/);
  const nested = lint(JSON.stringify({ data: [{ text: 'a' }, { text: 'b' }] }))[0];
  assert.match(nested.message, /`data` field holds a list of 2 objects/);
});

test('unknown-role: chat and sharegpt, with a fix that makes the record clean', () => {
  const text = `${chatLine(msg('user', 'q'), msg('bot', 'a'))}\n`;
  const [f] = lint(text);
  assert.equal(f.code, 'unknown-role');
  assert.equal(f.severity, 'error');
  assert.match(f.message, /unknown role "bot" in messages\[1\]: use one of system, user, assistant, tool \(did you mean "assistant"\?\)/);
  assert.equal(covered(text, f), '"bot"');
  const fixed = applyEdits(text, f.fixes![0].edits);
  assert.equal(f.fixes![0].title, 'Change role to "assistant"');
  assert.deepEqual(codes(fixed), []);
  assert.deepEqual(lint(chatLine(msg('User', 'q'), msg('assistant', 'a')))[0].fixes![0].edits[0].newText, '"user"');
  const sg = JSON.stringify({ conversations: [{ from: 'user', value: 'q' }, { from: 'gpt', value: 'a' }] });
  const [s] = lint(sg);
  assert.match(s.message, /unknown from "user" in conversations\[0\]: use one of human, gpt, system, tool, function_call, observation \(did you mean "human"\?\)/);
  assert.equal(lint(chatLine(msg('user', 'q'), msg('narrator', 'a')))[0].fixes, undefined);
  assert.deepEqual(codes(chatLine(msg('user', 'q'), msg('assistant', '', { tool_calls: [CALL] }), msg('tool', 'r'), msg('assistant', 'a'))), []);
  // The roles the trainer reads: `function` (OpenAI's older tool role) it skips, so it is unknown, with `tool` offered;
  // ShareGPT's function_call and observation it maps to assistant and tool.
  const [fn] = lint(chatLine(msg('user', 'q'), msg('assistant', 'a'), msg('function', 'r')));
  assert.equal(fn.code, 'unknown-role');
  assert.equal(fn.fixes![0].edits[0].newText, '"tool"');
  const tools = JSON.stringify({ conversations: [{ from: 'human', value: 'Weather?' }, { from: 'function_call', value: '{"name": "weather"}' },
    { from: 'observation', value: '18C' }, { from: 'gpt', value: 'It is 18C.' }] });
  assert.deepEqual(codes(tools), []);
  assert.deepEqual(codes(chatLine(msg('user', 'q'), msg('observer', 'x'), msg('assistant', 'a')), { extraRoles: ['observer'] }), []);
});

test('empty-content: empty or blank turns, outputs, completions and texts; empty input and tool calls are fine', () => {
  const blank = chatLine(msg('user', 'q'), msg('assistant', ' \n\t'));
  const [f] = lint(blank);
  assert.deepEqual([f.code, f.severity], ['empty-content', 'error']);
  assert.match(f.message, /messages\[1\] \(assistant\) content is only whitespace/);
  assert.equal(covered(blank, f), '" \\n\\t"');
  assert.match(lint(chatLine(msg('user', ''), msg('assistant', 'a')))[0].message, /messages\[0\] \(user\) content is empty/);
  assert.match(lint(JSON.stringify({ conversations: [{ from: 'human', value: 'q' }, { from: 'gpt', value: '' }] }))[0].message, /conversations\[1\] \(gpt\) value is empty/);
  assert.match(lint(JSON.stringify({ instruction: 'a', input: '', output: ' ' }))[0].message, /`output` is only whitespace/);
  assert.match(lint(JSON.stringify({ prompt: 'a', completion: '' }))[0].message, /`completion` is empty/);
  assert.match(lint(JSON.stringify({ text: '' }))[0].message, /`text` is empty/);
  assert.deepEqual(codes(chatLine(msg('user', [{ type: 'text', text: ' ' }]), msg('assistant', 'a'))), ['empty-content']);
  assert.deepEqual(codes(chatLine(msg('user', [{ type: 'image_url', image_url: { url: 'x' } }]), msg('assistant', 'a'))), []);
  assert.deepEqual(codes(chatLine(msg('user', 'q'), msg('assistant', '', { tool_calls: [CALL] }), msg('tool', 'r'), msg('assistant', 'a'))), []);
});

test('missing-assistant: conversations without an assistant turn', () => {
  const line = chatLine(msg('system', 's'), msg('user', 'q'));
  const [f] = lint(line);
  assert.deepEqual([f.code, f.severity, covered(line, f)], ['missing-assistant', 'error', line]);
  assert.match(f.message, /no assistant message/);
  assert.deepEqual(codes(JSON.stringify({ conversations: [{ from: 'human', value: 'q' }] })), ['missing-assistant']);
  assert.deepEqual(codes(ok()), []);
  // a misnamed assistant is reported once, as unknown-role
  assert.deepEqual(codes(chatLine(msg('user', 'q'), msg('bot', 'a'))), ['unknown-role']);
});

test('role-order: assistant first, system after other turns; system-then-user is fine', () => {
  const first = chatLine(msg('system', 's'), msg('assistant', 'Hello!'), msg('user', 'q'), msg('assistant', 'a'));
  const [f] = lint(first);
  assert.deepEqual([f.code, f.severity, covered(first, f)], ['role-order', 'warning', '"assistant"']);
  assert.match(f.message, /starts with an assistant turn \(messages\[1\]\)/);
  const late = chatLine(msg('user', 'q'), msg('assistant', 'a'), msg('system', 's'));
  const [g] = lint(late);
  assert.match(g.message, /system message at messages\[2\] comes after other turns/);
  assert.deepEqual(codes(chatLine(msg('system', 's'), msg('system', 's2'), msg('user', 'q'), msg('assistant', 'a'))), []);
});

test('duplicate: same content after key order and whitespace normalisation, related to the first line, with a delete fix', () => {
  const a = chatLine(msg('user', 'What is 2+2?'), msg('assistant', 'Four.'));
  const b = JSON.stringify({ id: 9, messages: [{ content: 'What  is 2+2? ', role: 'user' }, { content: 'Four.', role: 'assistant' }] });
  const text = `${a}\n${ok('other')}\n\n${b}\n${ok('last')}\n`;
  const found = lint(text);
  assert.equal(found.length, 1);
  const [f] = found;
  assert.deepEqual([f.code, f.severity, f.line, f.message], ['duplicate', 'warning', 4, 'duplicate of line 1']);
  assert.deepEqual(f.related, [{ path: 'data.jsonl', line: 1, message: 'first occurrence' }]);
  assert.equal(covered(text, f), b);
  assert.equal(f.fixes![0].title, 'Delete duplicate record');
  assert.equal(applyEdits(text, f.fixes![0].edits), `${a}\n${ok('other')}\n\n${ok('last')}\n`);
  // on the last line without a line break the fix leaves a clean file
  const last = `${a}\n${b}`;
  assert.equal(applyEdits(last, lint(last)[0].fixes![0].edits), `${a}\n`);
  assert.deepEqual(codes(`${ok('a')}\n${ok('b')}\n${ok('a', 'different answer')}\n`), []);
});

test('duplicate in a JSON array: the fix removes the element and its comma, leaving valid JSON', () => {
  const path = join(FIXTURES, 'sharegpt.json');
  const r = lintFiles([path]);
  assert.deepEqual(r.files, [{ path, records: 3, format: 'sharegpt' }]);
  const text = `[\n  {"text": "a"},\n  {"text": "b"},\n  {"text":  "a"}\n]\n`;
  const [f] = lintText('d.json', text, SNIPPET).findings;
  assert.deepEqual([f.code, f.line, f.message], ['duplicate', 4, 'duplicate of line 2']);
  const fixed = applyEdits(text, f.fixes![0].edits);
  assert.deepEqual(JSON.parse(fixed), [{ text: 'a' }, { text: 'b' }]);
  const trailing = lintText('d.json', '[\n  {"text": "a"},\n]\n', SNIPPET).findings;
  assert.deepEqual(trailing.map((x) => [x.code, x.line, x.column]), [['invalid-json', 2, 16]]);
  assert.match(trailing[0].message, /trailing comma/);
});

test('a record nested too deep to walk is still linted without a crash', () => {
  const deep = `{"meta": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const r = lintText('d.jsonl', `${deep}\n${deep}\n{"x": ${'['.repeat(100_000)}}\n`, SNIPPET);
  assert.deepEqual(r.findings.map((f) => [f.line, f.code]), [[1, 'schema'], [2, 'schema'], [3, 'invalid-json']]);
});

test('line and column stay right after CRLF lines, after a BOM, and count UTF-16 units', () => {
  const crlf = `${ok()}\r\n\r\n${chatLine(msg('user', 'q'), msg('bot', 'a'))}\r\n`;
  const [f] = lintSource('d.jsonl', Buffer.from(crlf), SNIPPET).findings;
  assert.equal(f.line, 3);
  assert.equal(covered(crlf.replace(/\r/g, ''), f), '"bot"');
  const bomText = `{"text": ""}\n`;
  const [g] = lintSource('d.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bomText)]), SNIPPET).findings;
  assert.deepEqual([g.code, g.line, g.column, g.endColumn], ['empty-content', 1, 10, 12]);
  // 😀 is two UTF-16 units (four bytes): the role after it starts two columns later, not four
  const emoji = chatLine(msg('user', '😀'), msg('bot', 'a'));
  const [h] = lintSource('d.jsonl', Buffer.from(emoji), SNIPPET).findings;
  assert.equal(h.column, emoji.indexOf('"bot"') + 1);
});

test('severity overrides and off', () => {
  const text = `${ok()}\n${ok()}\n`;
  assert.equal(lint(text, { severity: { duplicate: 'error' } })[0].severity, 'error');
  assert.deepEqual(lint(text, { severity: { duplicate: 'off' } }), []);
  assert.deepEqual(codes(`{"x":}\n`, { severity: { 'invalid-json': 'off' } }), []);
});

test('empty files: format empty, no records, no findings', () => {
  for (const text of ['', '\n\n', '   \r\n']) {
    const r = lintText('e.jsonl', text);
    assert.deepEqual([r.format, r.records, r.findings], ['empty', 0, []]);
  }
});

test('binary and UTF-16 files give one encoding finding and no records', () => {
  const bin = lintSource('x.jsonl', Buffer.from([0x7b, 0x00, 0x00, 0x01, 0x02, 0x0a, 0x00, 0x41, 0x42, 0x00]));
  assert.deepEqual([bin.records, bin.format, bin.findings.map((f) => [f.code, f.severity])], [0, 'unknown', [['encoding', 'error']]]);
  assert.match(bin.findings[0].message, /binary data/);
  const utf16 = lintSource('x.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${ok()}\n`, 'utf16le')]));
  assert.equal(utf16.findings.length, 1);
  assert.match(utf16.findings[0].message, /UTF-16.*re-save it as UTF-8/);
  assert.deepEqual([utf16.findings[0].line, utf16.findings[0].column], [1, 1]);
  const latin1 = lintSource('x.jsonl', Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]), SNIPPET);
  assert.deepEqual(latin1.findings.map((f) => f.code), ['encoding']);
  assert.equal(latin1.records, 1);
});

test('pretty-printed JSON objects: one invalid-json finding for the file, the records are still checked', () => {
  const text = `${JSON.stringify({ text: 'a' }, null, 2)}\n${JSON.stringify({ text: '' }, null, 2)}\n`;
  const r = lintText('p.jsonl', text, SNIPPET);
  assert.equal(r.records, 2);
  assert.deepEqual(r.findings.map((f) => [f.code, f.line]), [['invalid-json', 1], ['empty-content', 5]]);
  assert.match(r.findings[0].message, /records span several lines/);
});

test('a single very long line is read and linted quickly', () => {
  const long = chatLine(msg('user', 'x'.repeat(8_000_000)), msg('assistant', 'ok'));
  const t = Date.now();
  const r = lintText('long.jsonl', `${long}\n${long}\n`, SNIPPET);
  assert.deepEqual(r.findings.map((f) => f.code), ['duplicate']);
  assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
});

test('findings past maxFindingsPerCode are counted but summed up in one info finding', () => {
  const text = Array.from({ length: 30 }, () => '{"x":}').join('\n');
  const r = lintText('d.jsonl', text, snippet({ maxFindingsPerCode: 10 }));
  assert.equal(r.findings.length, 11);
  assert.deepEqual([r.findings[10].severity, r.findings[10].line], ['info', 11]);
  assert.match(r.findings[10].message, /20 more invalid-json findings/);
  assert.equal(r.stats.findingsByCode['invalid-json'], 30);
  assert.equal(r.stats.findingsBySeverity.error, 30);
});

test('lintFiles: fixture with one of each problem, CLI text format, I/O errors reported instead of thrown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-lint-'));
  try {
    const problems = join(FIXTURES, 'problems.jsonl');
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const missing = join(dir, 'gone.jsonl');
    const out = lintFiles([problems, empty, missing, dir]);
    assert.deepEqual(out.files.map((f) => [f.records, f.format]), [[6, 'chat'], [0, 'empty']]);
    assert.deepEqual(out.diagnostics.map((d) => [d.line, d.code]), [
      [1, 'too-few-records'], [2, 'unknown-role'], [3, 'empty-content'], [4, 'missing-assistant'], [5, 'invalid-json'], [7, 'duplicate'],
    ]);
    assert.ok(out.diagnostics.every((d) => !('fixes' in d)), 'the JSON shape carries no fixes');
    assert.deepEqual(out.ioErrors, [{ path: missing, message: 'file not found' }, { path: dir, message: 'is a directory: pass the dataset files inside it' }]);
    assert.deepEqual(out.stats.findingsBySeverity, { error: 4, warning: 1, info: 1 });
    assert.equal(out.stats.records, 6);
    assert.equal(out.stats.invalidRecords, 1);
    assert.equal(out.stats.emptyFiles, 1);
    const text = formatFindingsText(out).split('\n');
    const column = readFileSync(problems, 'utf8').split('\n')[1].indexOf('"bot"') + 1;
    assert.equal(text[0], `${problems}:1:1: info too-few-records: the file has 6 records: fine-tuning usually needs at least 50 (10 at the very least) to change a model's behaviour`);
    assert.equal(text[1], `${problems}:2:${column}: error unknown-role: unknown role "bot" in messages[1]: use one of system, user, assistant, tool (did you mean "assistant"?)`);
    assert.equal(text[6], `${missing}: error: cannot read the file: file not found`);
    assert.equal(text[8], '2 files, 6 records (chat 5), 1 empty file, 2 unreadable files: 4 errors, 1 warning, 1 info');
    // eval files are linted too, each once
    assert.equal(lintFiles([problems], { evalFiles: [problems, empty] }).files.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lintFiles output has the CLI JSON shape of docs/architecture.md', () => {
  const out = lintFiles([join(FIXTURES, 'problems.jsonl'), join(FIXTURES, 'sharegpt.json')]);
  assert.deepEqual(Object.keys(out).sort(), ['diagnostics', 'files', 'ioErrors', 'stats']);
  assert.ok(out.diagnostics.length > 0);
  for (const f of out.files) assert.deepEqual(Object.keys(f), ['path', 'records', 'format']);
  for (const d of out.diagnostics) {
    assert.deepEqual(Object.keys(d), ['path', 'line', 'column', 'endLine', 'endColumn', 'code', 'severity', 'message', 'related']);
    for (const k of ['line', 'column', 'endLine', 'endColumn'] as const) assert.ok(Number.isInteger(d[k]) && d[k] >= 1, `${k} of ${d.message}`);
    assert.ok(d.endLine > d.line || d.endColumn > d.column, 'non-empty range');
    assert.ok(LINT_CODES.includes(d.code));
    assert.ok(['error', 'warning', 'info'].includes(d.severity));
    for (const r of d.related) assert.ok(typeof r.path === 'string' && r.line >= 1 && r.message);
  }
  assert.equal(typeof out.stats, 'object');
});

test('the shared shape check accepts lintFiles output', { skip: !existsSync(SHAPE_CHECK) && 'shared check not in this checkout' }, () => {
  const out = lintFiles([join(FIXTURES, 'problems.jsonl'), join(FIXTURES, 'clean-chat.jsonl'), join(FIXTURES, 'sharegpt.json')]);
  const run = spawnSync(process.execPath, [SHAPE_CHECK], { input: JSON.stringify(out), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /shape ok: \d+ diagnostics in 3 files/);
});

test('schema: chat fields the trainer reads (weight, name, tool_call_id, tool_calls, function_call, tools) with the wrong shape', () => {
  const found = (line: string) => lint(line).map((f) => `${f.code}/${f.severity}: ${f.message}`);
  const call = (c: unknown) => chatLine(msg('user', 'q'), msg('assistant', null, { tool_calls: c }), msg('tool', 'r'), msg('assistant', 'a'));
  assert.deepEqual(found(call([CALL])), []);
  assert.deepEqual(found(call([{ type: 'function', function: { name: 'f', arguments: { city: 'Paris' } } }])), []);
  assert.match(found(call([]))[0], /^schema\/error: messages\[1\]\.tool_calls is an empty array; it must be a non-empty array of calls/);
  assert.match(found(call([{ id: '1' }]))[0], /^schema\/error: messages\[1\]\.tool_calls\[0\] has no function `name`/);
  assert.match(found(call([{ function: { name: 'f', arguments: 'city=Paris' } }]))[0], /^schema\/warning: messages\[1\]\.tool_calls\[0\]\.function\.arguments is not the JSON text of an object/);
  assert.match(found(call([{ function: { name: 'f', arguments: 3 } }]))[0], /^schema\/error: .*arguments is a number; it must be an object or its JSON text/);
  assert.match(found(chatLine(msg('user', 'q', { tool_calls: [CALL] }), msg('assistant', 'a')))[0], /^schema\/warning: messages\[0\]\.tool_calls is on a user turn; only assistant turns call tools/);
  assert.match(found(chatLine(msg('user', 'q'), msg('assistant', null, { function_call: { arguments: '{}' } })))[0], /^schema\/error: messages\[1\]\.function_call has no function `name`/);
  assert.match(found(chatLine(msg('user', 'q'), msg('assistant', 'a', { weight: 0.5 })))[0], /^schema\/error: messages\[1\]\.weight is 0\.5; it must be 0 \(keep the turn as context, no loss\) or 1/);
  assert.match(found(chatLine(msg('user', 'q', { weight: 1 }), msg('assistant', 'a')))[0], /^schema\/warning: messages\[0\]\.weight is set on a user turn; weights apply only to assistant turns/);
  assert.match(found(chatLine(msg('user', 'q', { name: 7 }), msg('assistant', 'a')))[0], /^schema\/error: messages\[0\]\.name is a number; it must be a string/);
  assert.match(found(chatLine(msg('user', 'q'), msg('assistant', '', { tool_calls: [CALL] }), msg('tool', 'r', { tool_call_id: 1 }), msg('assistant', 'a')))[0], /^schema\/error: messages\[2\]\.tool_call_id is a number/);
  const withTools = (tools: unknown) => JSON.stringify({ messages: [msg('user', 'q'), msg('assistant', 'a')], tools });
  assert.deepEqual(found(withTools([{ type: 'function', function: { name: 'f', parameters: {} } }])), []);
  assert.match(found(withTools({ f: 1 }))[0], /^schema\/error: `tools` is an object; it must be an array of tool definitions/);
  assert.match(found(withTools([{ type: 'function', function: { parameters: {} } }]))[0], /^schema\/warning: tools\[0\] has no function `name`/);
  // the span is the offending value
  const line = chatLine(msg('user', 'q'), msg('assistant', 'a', { weight: 2 }));
  assert.equal(covered(line, lint(line)[0]), '2');
});

test('schema agrees with the trainer: every error above is a record the trainer skips, and the clean ones it reads', () => {
  const skipped = [
    chatLine(msg('user', 'q'), msg('assistant', null, { tool_calls: [] })),
    chatLine(msg('user', 'q'), msg('assistant', null, { tool_calls: [{ id: '1' }] })),
    chatLine(msg('user', 'q'), msg('assistant', 'a', { weight: 0.5 })),
    chatLine(msg('user', 'q', { name: 7 }), msg('assistant', 'a')),
    JSON.stringify({ messages: [msg('user', 'q'), msg('assistant', 'a')], tools: { f: 1 } }),
  ];
  for (const line of skipped) {
    assert.ok(lint(line).some((f) => f.severity === 'error'), line);
    assert.equal(trainingInput(JSON.parse(line)).kind, 'skip', line);
  }
  assert.equal(trainingInput(JSON.parse(chatLine(msg('user', 'q'), msg('assistant', null, { tool_calls: [CALL] })))).kind, 'chat');
});

test('role-order: repeated user or assistant turns, and a tool result without a call before it', () => {
  const [twoUsers] = lint(chatLine(msg('user', 'q'), msg('user', 'more'), msg('assistant', 'a')));
  assert.deepEqual([twoUsers.code, twoUsers.severity], ['role-order', 'warning']);
  assert.match(twoUsers.message, /messages\[1\] is a second user turn in a row \(after messages\[0\]\); templates that require turns to alternate \(Mistral, Gemma\) reject the conversation: merge the two, or put the assistant's reply between them/);
  const [twoAnswers] = lint(chatLine(msg('user', 'q'), msg('assistant', 'a'), msg('assistant', 'b')));
  assert.match(twoAnswers.message, /messages\[2\] is a second assistant turn in a row/);
  const [orphan] = lint(chatLine(msg('user', 'q'), msg('assistant', 'a'), msg('tool', 'r'), msg('assistant', 'b')));
  assert.match(orphan.message, /messages\[2\] is a tool result, but no assistant tool call comes before it/);
  // parallel calls: several tool results after one assistant turn
  assert.deepEqual(codes(chatLine(msg('user', 'q'), msg('assistant', '', { tool_calls: [CALL, CALL] }), msg('tool', 'r1'), msg('tool', 'r2'), msg('assistant', 'a'))), []);
  assert.deepEqual(codes(JSON.stringify({ conversations: [{ from: 'human', value: 'q' }, { from: 'human', value: 'q2' }, { from: 'gpt', value: 'a' }] })), ['role-order']);
});

test('missing-assistant: every assistant turn with weight 0 teaches nothing', () => {
  const [f] = lint(chatLine(msg('user', 'q'), msg('assistant', 'a', { weight: 0 }), msg('user', 'q2'), msg('assistant', 'b', { weight: 0 })));
  assert.deepEqual([f.code, f.severity], ['missing-assistant', 'error']);
  assert.match(f.message, /every assistant message has weight 0: training learns only from assistant turns with weight 1/);
  assert.deepEqual(codes(chatLine(msg('user', 'q'), msg('assistant', 'a', { weight: 0 }), msg('user', 'q2'), msg('assistant', 'b'))), []);
});

test('ShareGPT tools as LLaMA-Factory writes them (JSON text): read by the trainer\'s mapping and checked by schema', () => {
  const tools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' } }];
  const record = (t: unknown): string => JSON.stringify({ conversations: [{ from: 'human', value: 'Weather?' }, { from: 'function_call', value: '{"name": "get_weather", "arguments": {}}' },
    { from: 'observation', value: '18C' }, { from: 'gpt', value: 'It is 18C.' }], tools: t });
  assert.deepEqual(codes(record(JSON.stringify(tools))), []);
  const input = trainingInput(JSON.parse(record(JSON.stringify(tools))));
  assert.ok(input.kind === 'chat');
  assert.deepEqual(input.tools, tools);
  assert.deepEqual(codes(record('')), []);
  const [bad] = lint(record('get_weather(city)'));
  assert.deepEqual([bad.code, bad.severity], ['schema', 'error']);
  assert.match(bad.message, /^`tools` is text that is not JSON/);
  assert.equal(trainingInput(JSON.parse(record('get_weather(city)'))).kind, 'skip');
});
