import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalText, describeJsonError, detectRecordFormat, fileFormat, contentFingerprint, locateValue, openDataset, positionInRecord,
  readDataset, syntaxErrorOffset, type RecordFormat,
} from '../../src/core/dataset';
import { firstInvalidUtf8 } from '../../src/core/dataset/encoding';
import { recordAtLine } from '../../src/core/dataset/read';

const chat = (u: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });

test('JSONL: 1-based lines and byte offsets, blank lines skipped, last line without newline', () => {
  const text = `${chat('a', 'b')}\n\n   \n${chat('é', 'ü')}\n${chat('c', 'd')}`;
  const { container, records, problems } = readDataset(Buffer.from(text));
  assert.equal(container, 'jsonl');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => [r.index, r.line]), [[0, 1], [1, 4], [2, 5]]);
  const buf = Buffer.from(text);
  for (const r of records) assert.equal(buf.toString('utf8', r.byteOffset, r.byteEnd), r.text);
  assert.equal(records[1].byteEnd - records[1].byteOffset, Buffer.byteLength(records[1].text)); // é, ü are two bytes each
  assert.deepEqual(records.map((r) => r.newlineAfter), [true, true, false]);
  assert.deepEqual(records[2].value, JSON.parse(chat('c', 'd')));
});

test('JSONL: CRLF line ends are not part of the record and spans end before them', () => {
  const line = '{"text": "x"}';
  const { records } = readDataset(Buffer.from(`${line}\r\n\r\n  ${line}  \r\n`));
  assert.equal(records.length, 2);
  assert.equal(records[0].text, line);
  assert.deepEqual(records[0].span, { line: 1, column: 1, endLine: 1, endColumn: line.length + 1 });
  assert.deepEqual(records[1].span, { line: 3, column: 3, endLine: 3, endColumn: line.length + 3 });
  assert.deepEqual(records[1].value, { text: 'x' });
});

test('a UTF-8 BOM is skipped: the first record parses and starts at column 1', () => {
  const { records } = readDataset(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text": "a"}\n')]));
  assert.equal(records[0].error, undefined);
  assert.equal(records[0].span.column, 1);
  assert.equal(records[0].byteOffset, 3);
  // an editor's text may keep the BOM as U+FEFF
  assert.deepEqual(readDataset('\ufeff{"text": "a"}').records[0].value, { text: 'a' });
});

test('an invalid line keeps the JSON.parse reason and the position of the failure', () => {
  const { records } = readDataset('{"text": "ok"}\n{"text": "a",}\n{"text": x}\n');
  assert.equal(records.length, 3);
  assert.equal(records[1].error?.offset, 13);
  assert.match(records[1].error!.reason, /property name/);
  assert.match(records[1].error!.reason, /trailing comma/);
  // V8 gives no position for "Unexpected token": the scanner finds it
  assert.equal(records[2].error?.offset, 9);
  assert.match(records[2].error!.reason, /Unexpected token/);
  assert.doesNotMatch(records[2].error!.reason, /is not valid JSON/);
});

test('syntaxErrorOffset agrees with the positions JSON.parse reports', () => {
  const broken = ['{"a":1,}', '{"a" 1}', '{a:1}', '{"a":1', '{"a":"x', '{"a":1} x', '{"a":"\u0001"}', '{"a":"\\q"}',
    '{"a":01}', '{"a":-}', '{"a":1.}', '[1 2]', '{"a":[1,2}', '{"a":"\\u12G4"}'];
  for (const s of broken) {
    let pos: number | undefined;
    try { JSON.parse(s); } catch (e) { pos = Number(/at position (\d+)/.exec((e as Error).message)?.[1]); }
    assert.ok(Number.isInteger(pos), `V8 gave a position for ${s}`);
    assert.equal(syntaxErrorOffset(s), pos, s);
  }
  for (const s of ['{"a":[1,{"b":null}],"c":"\\u00e9"}', '  -1.5e+3 ', '"x"']) assert.equal(syntaxErrorOffset(s), -1, s);
  assert.equal(describeJsonError(new SyntaxError('Unexpected end of JSON input'), '{"a":').offset, 5);
  assert.match(describeJsonError(new SyntaxError('x'), '{"a": True}').reason, /use true, false, null/);
});

test('locateValue finds values and keys, escaped keys, and the last of duplicate keys', () => {
  const text = '{"messages": [{"role": "user"}, {"ro\\u006ce": "bot", "content": "hi"}], "m": {"m": 1, "m": 22}}';
  const role = locateValue(text, ['messages', 1, 'role'])!;
  assert.equal(text.slice(role.start, role.end), '"bot"');
  assert.equal(text.slice(role.keyStart, role.keyEnd), '"ro\\u006ce"');
  const dup = locateValue(text, ['m', 'm'])!;
  assert.equal(text.slice(dup.start, dup.end), '22');
  assert.equal(locateValue(text, ['messages', 5]), undefined);
  assert.equal(locateValue(text, ['nope']), undefined);
  assert.equal(locateValue(text, ['m', 0]), undefined);
});

test('JSON array: each element is a record with exact lines and columns', () => {
  const text = '[\n  {"text": "a"},\n  {"text":\n     "b"},\r\n  {"text": "c"}\n]\n';
  const { container, records, problems } = readDataset(Buffer.from(text));
  assert.equal(container, 'json-array');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => r.value), [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
  assert.deepEqual(records.map((r) => r.span), [
    { line: 2, column: 3, endLine: 2, endColumn: 16 },
    { line: 3, column: 3, endLine: 4, endColumn: 10 },
    { line: 5, column: 3, endLine: 5, endColumn: 16 },
  ]);
  assert.deepEqual(positionInRecord(records[1], records[1].text.indexOf('"b"')), { line: 4, column: 6 });
  const buf = Buffer.from(text);
  for (const r of records) assert.equal(buf.toString('utf8', r.byteOffset, r.byteEnd), r.text);
});

test('JSON array slips: trailing comma, missing comma and a missing ] are problems, the records are still read', () => {
  const trailing = readDataset('[{"text": "a"},\n{"text": "b"},\n]');
  assert.equal(trailing.records.length, 2);
  assert.deepEqual(trailing.problems.map((p) => [p.kind, p.span.line, p.fatal]), [['array-syntax', 2, false]]);
  assert.match(trailing.problems[0].message, /trailing comma/);
  const missing = readDataset('[{"text": "a"}\n {"text": "b"}]');
  assert.equal(missing.records.length, 2);
  assert.match(missing.problems[0].message, /missing comma/);
  assert.deepEqual([missing.problems[0].span.line, missing.problems[0].span.column], [2, 2]);
  const open = readDataset('[{"text": "a"},\n{"text": "b"}\n');
  assert.equal(open.records.length, 2);
  assert.match(open.problems[0].message, /not closed/);
  assert.equal(readDataset('[]').records.length, 0);
});

test('JSONL whose records are arrays is not mistaken for one JSON array', () => {
  const { container, records } = readDataset('[1, 2]\n["a"]\n');
  assert.equal(container, 'jsonl');
  assert.deepEqual(records.map((r) => r.value), [[1, 2], ['a']]);
});

test('pretty-printed objects are read as a sequence and flagged once', () => {
  const text = `${JSON.stringify({ text: 'a' }, null, 2)}\n${JSON.stringify({ text: 'b' }, null, 2)}\n`;
  const { container, records, problems } = readDataset(text);
  assert.equal(container, 'json-sequence');
  assert.deepEqual(records.map((r) => [r.line, r.value]), [[1, { text: 'a' }], [4, { text: 'b' }]]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].kind, 'multi-line-records');
  assert.match(problems[0].message, /lines 1-3.*jq -c/);
  // an invalid first line that is not part of a multi-line record stays JSONL
  assert.equal(readDataset('{"text": "a",}\n{"text": "b"}\n').container, 'jsonl');
});

test('format of each record and of the file', () => {
  const cases: [unknown, RecordFormat][] = [
    [{ messages: [] }, 'chat'],
    [{ conversations: [{ from: 'human', value: 'x' }] }, 'sharegpt'],
    [{ instruction: 'a', input: '', output: 'b' }, 'instruction'],
    [{ input: 'a', output: 'b' }, 'instruction'],
    [{ prompt: 'a', completion: 'b' }, 'prompt-completion'],
    [{ text: 'a' }, 'text'],
    [{ messages: [], text: 'a' }, 'chat'],
    [{ foo: 1 }, 'unknown'],
    [[1], 'unknown'],
    ['messages', 'unknown'],
    [null, 'unknown'],
  ];
  for (const [v, f] of cases) assert.equal(detectRecordFormat(v), f, JSON.stringify(v));
  assert.equal(fileFormat(new Map(), 0), 'empty');
  assert.equal(fileFormat(new Map([['unknown', 3]]), 3), 'unknown');
  assert.equal(fileFormat(new Map<RecordFormat, number>([['text', 1], ['chat', 2], ['unknown', 5]]), 8), 'chat');
  assert.equal(fileFormat(new Map<RecordFormat, number>([['text', 2], ['chat', 2]]), 4), 'text'); // ties: first seen
});

test('canonicalText ignores key order, whitespace runs and metadata, and keeps content differences', () => {
  const a = { id: 1, messages: [{ role: 'user', content: 'Hello  there\n' }, { role: 'assistant', content: 'Hi' }] };
  const b = { messages: [{ content: ' Hello there', role: 'user' }, { content: 'Hi', role: 'assistant' }], id: 2 };
  const c = { messages: [{ role: 'user', content: 'Hello there' }, { role: 'assistant', content: 'hi' }] };
  assert.equal(canonicalText(a), canonicalText(b));
  assert.notEqual(canonicalText(a), canonicalText(c));
  assert.equal(contentFingerprint(a), contentFingerprint(b));
  assert.notEqual(contentFingerprint(a), contentFingerprint(c));
  assert.equal(canonicalText({ b: [1, { d: 'x', c: null }], a: true }), '{"a":true,"b":[1,{"c":null,"d":"x"}]}');
});

test('contentFingerprint groups records exactly as canonicalText does', () => {
  const texts = ['a b', ' a b', 'a  b', 'a\u3000b', 'a\tb ', 'ab', 'a\u00a0\u00a0b', 'a', 'b', '', '   ', 'a\nb\n\n'];
  const values: unknown[] = [];
  for (const t of texts) {
    values.push({ text: t }, { text: t, id: 1 }, { messages: [{ role: 'user', content: t }] }, { messages: [{ content: t, role: 'user' }] });
    values.push({ instruction: t, output: 'o' }, { output: 'o', instruction: t, input: '' }, { q: t }, [t], t, { q: [t, 1, null, true] });
  }
  values.push(1, 1.5, '1', true, 'true', null, 'null', { a: { b: 'c' } }, { a: { 'b': 'c ' } }, { ab: 'c' }, { a: 'bc' }, [['a'], 'b'], [['a', 'b']]);
  for (let i = 0; i < values.length; i++) {
    for (let j = i; j < values.length; j++) {
      const sameText = canonicalText(values[i]) === canonicalText(values[j]);
      assert.equal(contentFingerprint(values[i]) === contentFingerprint(values[j]), sameText, `${JSON.stringify(values[i])} vs ${JSON.stringify(values[j])}`);
    }
  }
  const seen = new Set<string>();
  for (let i = 0; i < 50_000; i++) seen.add(contentFingerprint({ text: `record number ${i}` }));
  assert.equal(seen.size, 50_000);
});

test('binary, compressed and UTF-16/32 files are refused with a fatal problem that says what to do', () => {
  const fatal = (buf: Buffer) => {
    const ds = openDataset(buf);
    assert.equal(ds.problems.length, 1);
    assert.equal(ds.problems[0].fatal, true);
    assert.equal(ds.forEachRecord(() => assert.fail('no records')), 0);
    return ds.problems[0];
  };
  const utf16le = fatal(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"text": "a"}\n', 'utf16le')]));
  assert.equal(utf16le.kind, 'utf16');
  assert.match(utf16le.message, /UTF-16.*re-save it as UTF-8/);
  const be = Buffer.from('{"text": "a"}\n', 'utf16le').swap16();
  assert.equal(fatal(Buffer.concat([Buffer.from([0xfe, 0xff]), be])).kind, 'utf16');
  assert.equal(fatal(Buffer.from('{"text": "no byte order mark"}\n', 'utf16le')).kind, 'utf16');
  assert.equal(fatal(Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0])).kind, 'utf32');
  const bin = fatal(Buffer.from('{"text": "a"}\n{"te\u0000xt": 1}\n'));
  assert.equal(bin.kind, 'binary');
  assert.equal(bin.span.line, 2);
  assert.match(bin.message, /binary data \(a NUL byte on line 2\)/);
  assert.match(fatal(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2])).message, /gzip/);
  assert.match(fatal(Buffer.from('PAR1\u0001\u0002')).message, /Parquet/);
});

test('invalid UTF-8 (Latin-1 text) is a non-fatal problem pointing at the first bad byte', () => {
  const buf = Buffer.concat([Buffer.from('{"text": "ok"}\n{"text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n{"text": "na'), Buffer.from([0xef, 0x76]), Buffer.from('"}\n')]);
  const { records, problems } = readDataset(buf);
  assert.equal(records.length, 3);
  assert.deepEqual(records[1].value, { text: 'caf\ufffd' });
  assert.equal(problems.length, 1);
  assert.equal(problems[0].kind, 'invalid-utf8');
  assert.deepEqual([problems[0].span.line, problems[0].span.column], [2, 14]);
  assert.match(problems[0].message, /line 2 .*not valid UTF-8 \(and on 1 more line\).*UTF-8/);
});

test('firstInvalidUtf8 rejects overlong forms, surrogates and truncated sequences', () => {
  const at = (bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes), 0, bytes.length);
  assert.equal(at([0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]), -1); // a é 😀
  assert.equal(at([0x61, 0xc0, 0xaf]), 1); // overlong "/"
  assert.equal(at([0xe0, 0x80, 0xaf]), 0); // overlong 3-byte
  assert.equal(at([0xed, 0xa0, 0x80]), 0); // UTF-16 surrogate
  assert.equal(at([0x61, 0x62, 0xe2, 0x82]), 2); // cut off at the end
  assert.equal(at([0xf4, 0x90, 0x80, 0x80]), 0); // above U+10FFFF
});

test('empty input has no records and no problems', () => {
  for (const input of [Buffer.alloc(0), Buffer.from('\n\n  \r\n'), Buffer.from([0xef, 0xbb, 0xbf]), '']) {
    const ds = readDataset(input);
    assert.deepEqual([ds.records.length, ds.problems.length], [0, 0]);
  }
});

test('recordAtLine: the record under a line of a JSON array, pretty-printed JSONL or a CSV row spanning lines (the hover\'s lookup)', () => {
  const array = '[\n  {\n    "text": "first"\n  },\n  {"text": "second"}\n]\n';
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((l) => (recordAtLine(array, 'a.json', l)?.value as { text?: string } | undefined)?.text),
    [undefined, 'first', 'first', 'first', 'second', undefined]);
  const pretty = '{\n  "text": "one"\n}\n{\n  "text": "two"\n}\n';
  assert.equal((recordAtLine(pretty, 'p.jsonl', 5)?.value as { text: string }).text, 'two');
  const csv = 'prompt,completion\n"a\nb",c\nbroken,"\n';
  assert.deepEqual(recordAtLine(csv, 'c.csv', 3)?.value, { prompt: 'a\nb', completion: 'c' });
  assert.equal(recordAtLine(csv, 'c.csv', 1), undefined, 'the header is no record');
  assert.equal(recordAtLine(csv, 'c.csv', 4), undefined, 'a broken row has no record to show');
});

test('an editor\'s text is read as its bytes would be, without encoding it into bytes when it holds no NUL or lone surrogate', () => {
  const rec = '{"messages": [{"role": "user", "content": "Caf\u00e9 \u{1F600}?"}, {"role": "assistant", "content": "Yes."}]}';
  const texts: [string, string][] = [
    ['a.json', `[\n  ${rec},\n  ${rec}\n]\n`],
    ['a.json', `\ufeff[${rec},${rec}]`],
    ['a.json', `[${rec}, ]\n`],
    ['a.json', '[1,2]\n[3]\n'],
    ['a.jsonl', `{\n  "text": "pretty"\n}\n{\n  "text": "printed"\n}\n`],
    ['a.jsonl', `  \n\n   {"text": "blank lines first"}\n`],
    ['a.csv', `\ufeffmessages,note\n"${JSON.stringify(JSON.parse(rec).messages).replace(/"/g, '""')}",x\n`],
    ['a.json', 'PK\u0003\u0004 not a zip'],
    ['a.json', 'PAR1'],
    ['a.json', '   '],
    ['a.json', '[{"text": "a NUL \u0000 here"}]'],
    ['a.json', `[{"text": "a lone \ud800 surrogate"}]`],
  ];
  const from = Buffer.from;
  let encoded = 0;
  for (const [name, text] of texts) {
    (Buffer as unknown as { from: (...a: unknown[]) => Buffer }).from = (...a: unknown[]) => {
      if (typeof a[0] === 'string' && a[0].length > 8) encoded++;
      return (from as (...b: unknown[]) => Buffer)(...a);
    };
    let fromText;
    try {
      fromText = readDataset(text, name);
    } finally {
      Buffer.from = from;
    }
    const fromBytes = readDataset(Buffer.from(text, 'utf8'), name);
    // a CSV row's map back to its cells is compared by where it puts an offset
    const plain = (d: typeof fromText): unknown => ({ ...d, records: d.records.map(({ fileMap, ...r }) => ({ ...r, at: fileMap?.position(3) })) });
    if (!text.includes('\ud800')) assert.deepEqual(plain(fromText), plain(fromBytes), `${name}: ${JSON.stringify(text.slice(0, 30))}`);
    else assert.deepEqual(fromText.records.map((r) => r.value), fromBytes.records.map((r) => r.value), 'a lone surrogate reads as U+FFFD either way');
  }
  // the JSONL files are read line by line from bytes; NUL and lone surrogate are placed through the bytes too
  assert.equal(encoded, 4);
});
