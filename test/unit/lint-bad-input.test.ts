// Bad input through lintFiles (the CLI path): each case ends with a clear finding or message, never an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFindingsText, lintFiles, lintSource, lintText, type LintOptions, type TokenCounter } from '../../src/core/lint';

const QUIET: LintOptions = { severity: { 'too-few-records': 'off' } };
const REC = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });

function withDir(f: (file: (name: string, content: string | Buffer) => string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-bad-'));
  try {
    f((name, content) => { writeFileSync(join(dir, name), content); return join(dir, name); });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const summary = (out: ReturnType<typeof lintFiles>): string[] => out.diagnostics.map((d) => `${d.line} ${d.code} ${d.severity}: ${d.message}`);

test('bad input: empty, binary, invalid UTF-8, UTF-16 with BOM and CRLF files', () => {
  withDir((file) => {
    const empty = lintFiles([file('empty.jsonl', '')], QUIET);
    assert.deepEqual([empty.files[0].records, empty.files[0].format, empty.diagnostics], [0, 'empty', []]);
    assert.match(formatFindingsText(empty), /1 empty file/);

    const binary = lintFiles([file('model.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0]))], QUIET);
    assert.deepEqual(summary(binary), ['1 encoding error: the file holds binary data (a NUL byte on line 1), not JSON text; point Tunelab at a .jsonl or .json dataset']);

    const [before, after] = REC.split('hello');
    const latin1 = lintFiles([file('latin1.jsonl', Buffer.concat([Buffer.from(`${REC}\n${before}caf`), Buffer.from([0xe9]), Buffer.from(`${after}\n`)]))], QUIET);
    assert.equal(latin1.files[0].records, 2, 'records are still read, with U+FFFD for the bad bytes');
    assert.deepEqual(latin1.diagnostics.map((d) => [d.line, d.code]), [[2, 'encoding']]);
    assert.match(latin1.diagnostics[0].message, /^line 2 holds bytes that are not valid UTF-8; the file may be Latin-1/);

    const utf16 = lintFiles([file('u16.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${REC}\n`, 'utf16le')]))], QUIET);
    assert.deepEqual(summary(utf16).map((s) => s.slice(0, 95)), ['1 encoding error: the file is UTF-16 encoded (it starts with a UTF-16 byte order mark); re-save']);
    // With encoding off a file that cannot be read at all still says so, rather than "0 records: no problems found".
    const quiet16 = lintFiles([file('u16.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${REC}\n`, 'utf16le')]))], { ...QUIET, severity: { ...QUIET.severity, encoding: 'off' } });
    assert.deepEqual(summary(quiet16).map((s) => s.slice(0, 60)), ['1 encoding error: the file is UTF-16 encoded (it starts with']);
    const quietLatin1 = lintFiles([file('latin1.jsonl', Buffer.concat([Buffer.from(`${REC}\n${before}caf`), Buffer.from([0xe9]), Buffer.from(`${after}\n`)]))], { ...QUIET, severity: { ...QUIET.severity, encoding: 'off' } });
    assert.deepEqual(quietLatin1.diagnostics, [], 'a readable file with a few bad bytes follows the setting');

    const crlf = lintFiles([file('crlf.jsonl', `${REC}\r\n${REC.replace('hi', 'hey')}\r\n`)], QUIET);
    assert.deepEqual([crlf.files[0].records, crlf.diagnostics], [2, []], 'CRLF line ends are ordinary JSONL');
  });
});

test('bad input: a single 100 MB line finishes quickly with one clear finding and bounded memory', () => {
  withDir((file) => {
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'lorem ipsum '.repeat(8.4e6) }] });
    const path = file('huge.jsonl', line);
    const rss = process.memoryUsage().rss;
    const t = Date.now();
    const out = lintFiles([path], QUIET);
    const ms = Date.now() - t;
    const grew = (process.memoryUsage().rss - rss) / 2 ** 20;
    assert.deepEqual(summary(out), ['1 too-long error: line 1 is 96 MiB long, over the 16 MiB a record may have (a model\'s whole context is well under 1 MiB of text): split it into several records or remove it; it was not checked further']);
    // The file is not empty: the summary used to say "0 records, 1 empty file" of it.
    assert.equal(out.files[0].format, 'unknown');
    assert.doesNotMatch(formatFindingsText(out), /empty file/);
    // parsing it and running every rule took about 10 s and 800 MiB; now it is the read and a scan for line breaks
    assert.ok(ms < 3000, `took ${ms} ms`);
    assert.ok(grew < 400, `memory grew by ${grew.toFixed(0)} MiB`);
  });
});

test('bad input: a file deleted or rewritten while others are linted gives a clear message, not an exception', () => {
  withDir((file) => {
    const a = file('a.jsonl', Array.from({ length: 3 }, (_, i) => REC.replace('hello', `hello ${i}`)).join('\n'));
    const b = file('b.jsonl', `${REC}\n`);
    const c = file('c.jsonl', `${REC}\n`);
    // The counter runs while a.jsonl is linted: it removes b.jsonl and rewrites c.jsonl before their turn.
    let calls = 0;
    const counter: TokenCounter = {
      exact: true, label: 'test',
      count(text) {
        if (calls++ === 0) { unlinkSync(b); writeFileSync(c, '{"messages": [\n'); }
        return text.length;
      },
    };
    const out = lintFiles([a, b, c], { ...QUIET, maxTokens: 1000, tokenCounter: counter });
    assert.ok(calls > 0);
    assert.deepEqual(out.ioErrors, [{ path: b, message: 'file not found' }]);
    assert.deepEqual(out.files.map((f) => f.path), [a, c]);
    // c is linted as it is when its turn comes
    assert.deepEqual(out.diagnostics.filter((d) => d.path === c).map((d) => [d.line, d.code]), [[1, 'invalid-json']]);
    assert.match(formatFindingsText(out), /b\.jsonl: error: cannot read the file: file not found/);
  });
});

test('editor text of a JSON array or CSV file reads as its bytes would, lone surrogates (U+FFFD in UTF-8) included', () => {
  const array = `[\n  ${JSON.stringify({ messages: [{ role: 'user', content: 'hi \ud800 there' }, { role: 'assistant', content: 'hello' }] })},\n  ${REC}\n]\n`;
  const csv = 'instruction,output\n"Say \ud83d hi",Hi.\nSay bye,Bye.\n';
  for (const [name, text] of [['a.json', array], ['a.csv', csv], ['b.json', `\uFEFF${array}`]]) {
    const fromText = lintText(name, text, QUIET);
    assert.deepEqual(fromText, lintSource(name, Buffer.from(text, 'utf8'), QUIET), name);
    assert.ok(fromText.findings.some((f) => f.code === 'encoding'), `${name}: the replacement character is reported`);
  }
});
