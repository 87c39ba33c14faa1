import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintSource, lintText, type Finding, type LintOptions, type TextEdit } from '../../src/core/lint';
import { ESTIMATED_TOKENS } from '../../src/core/lint/token-count';
import { isCardNumber, isIban, luhn } from '../../src/core/lint/rules/pii-detectors';
import { PII_VALUES, rng } from './support/lint-corpus';

const QUIET: LintOptions = { severity: { 'too-few-records': 'off' } };
const chat = (u: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });
const lint = (text: string, opts: LintOptions = {}): Finding[] =>
  lintText('d.jsonl', text, { ...QUIET, ...opts, severity: { ...QUIET.severity, ...opts.severity } }).findings;
const codes = (text: string, code: string): Finding[] => lint(text).filter((f) => f.code === code);
/** The text a finding's range covers (one-line records). */
const covered = (line: string, f: Finding): string => line.slice(f.column - 1, f.endColumn - 1);
function applyEdits(text: string, edits: TextEdit[]): string {
  for (const e of [...edits].sort((a, b) => b.column - a.column)) {
    assert.equal(e.line, e.endLine);
    text = text.slice(0, e.column - 1) + e.newText + text.slice(e.endColumn - 1);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------- pii

test('pii: each kind of personal data and secret, with its range, severity and a redaction fix that keeps the JSON valid', () => {
  const r = rng(3);
  const expected: Record<string, [string, 'warning' | 'error', RegExp]> = {
    email: ['[EMAIL]', 'warning', /^e-mail address in messages\[1\]\.content: personal data/],
    'us-phone': ['[PHONE]', 'warning', /^phone number/], 'intl-phone': ['[PHONE]', 'warning', /^phone number/],
    card: ['[CARD_NUMBER]', 'warning', /^payment card number/], iban: ['[IBAN]', 'warning', /^IBAN/], ssn: ['[SSN]', 'warning', /^US social security number/],
    'ssn-spaced': ['[SSN]', 'warning', /^US social security number/], 'uk-phone': ['[PHONE]', 'warning', /^phone number/],
    'slack-app': ['[SLACK_TOKEN]', 'error', /^Slack token/],
    ipv4: ['[IP_ADDRESS]', 'warning', /^IP address/], ipv6: ['[IP_ADDRESS]', 'warning', /^IP address/],
    aws: ['[AWS_ACCESS_KEY]', 'error', /^AWS access key in messages\[1\]\.content: a model trained on it can repeat it; revoke/],
    github: ['[GITHUB_TOKEN]', 'error', /^GitHub token/], openai: ['[API_KEY]', 'error', /^API key/], slack: ['[SLACK_TOKEN]', 'error', /^Slack token/],
    huggingface: ['[HF_TOKEN]', 'error', /^Hugging Face token/], google: ['[GOOGLE_API_KEY]', 'error', /^Google API key/],
    stripe: ['[STRIPE_KEY]', 'error', /^Stripe key/], gitlab: ['[GITLAB_TOKEN]', 'error', /^GitLab token/], npm: ['[NPM_TOKEN]', 'error', /^npm token/],
    jwt: ['[JWT]', 'error', /^JSON Web Token/], 'private-key': ['[PRIVATE_KEY]', 'error', /^private key/],
  };
  for (const [kind, [placeholder, severity, message]] of Object.entries(expected)) {
    const value = PII_VALUES[kind](r);
    const line = chat('Where do I send it?', `Send it to ${value} today, please.`);
    const found = codes(line, 'pii');
    assert.equal(found.length, 1, `${kind}: ${value} -> ${JSON.stringify(found.map((f) => f.message))}`);
    const [f] = found;
    assert.equal(f.severity, severity, kind);
    assert.match(f.message, message, kind);
    assert.equal(JSON.parse(`"${covered(line, f)}"`), value, kind); // the range is the value in the source line
    assert.equal(f.fixes![0].title, `Redact with ${placeholder}`);
    const fixed = applyEdits(line, f.fixes![0].edits);
    assert.equal(JSON.parse(fixed).messages[1].content, `Send it to ${placeholder} today, please.`, kind);
    assert.deepEqual(codes(fixed, 'pii'), [], `${kind} fixed`);
  }
});

test('pii: ranges and fixes stay right after escapes (\\n, \\", \\u00e9, surrogate pairs) in the JSON string', () => {
  const line = chat('q', 'Caf\u00e9 "Chez Lu" \n😀 mail: lu.chen@example.org, or call +44 20 7946 0958.').replace('é', '\\u00e9');
  assert.ok(line.includes('\\u00e9') && line.includes('\\"') && line.includes('\\n'));
  const found = codes(line, 'pii');
  assert.deepEqual(found.map((f) => covered(line, f)), ['lu.chen@example.org', '+44 20 7946 0958']);
  let fixed = line;
  for (const f of [...found].reverse()) fixed = applyEdits(fixed, f.fixes![0].edits);
  assert.equal(JSON.parse(fixed).messages[1].content, 'Café "Chez Lu" \n😀 mail: [EMAIL], or call [PHONE].');
});

test('pii: in a pretty-printed JSON array the range is on the line of the string and the fix keeps the array valid', () => {
  const text = `${JSON.stringify([{ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Mail: ann@example.com "now"' }] }], null, 2)}\n`;
  const [f] = lintText('d.json', text, QUIET).findings;
  const lines = text.split('\n');
  assert.deepEqual([f.code, f.line, lines[f.line - 1].slice(f.column - 1, f.endColumn - 1)], ['pii', 10, 'ann@example.com']);
  const e = f.fixes![0].edits[0];
  lines[e.line - 1] = lines[e.line - 1].slice(0, e.column - 1) + e.newText + lines[e.line - 1].slice(e.endColumn - 1);
  assert.equal(JSON.parse(lines.join('\n'))[0].messages[1].content, 'Mail: [EMAIL] "now"');
});

test('pii: numbers, dates, versions, code and private addresses in ordinary text are not reported', () => {
  const clean = [
    'The meeting is on 2024-05-01 at 10:30:45; sizes 256 512 1024 and 128-256-512; range 100-200; pi is 3.14159265358979.',
    'Version 1.2.3.4 of the tool, ISBN 978-3-16-148410-0, order 1234567890123456, invoice 4111111111111112 (bad check digit).',
    'Local addresses 192.168.1.1, 10.0.0.1, 127.0.0.1, 172.16.0.5, netmask 255.255.255.0, ::1 and fe80::1 are not personal.',
    'In C++ use std::vector<int>; the MAC is 00:1A:2B:3C:4D:5E; slice a[1::2]; the time is 12:30.',
    'Install scikit-learn (sk-learn), read the risk-free-investing-strategy-for-beginners page, icon@2x.png, npm i @types/node.',
    'Score went from 3 +4 to 5 and the ratio is 16:9; call me at extension 4412; the year 2023 had 365 days.',
    'Counts 123 45 67 89 and 100 20 3000 4 in a table; 0 10 20 30 40 50; part 010 2030; lot 0001 2345 6789 0123 4567.',
    'The key is GB82 short and DE12 too; AKIA alone is nothing; ghp_short; xoxb- ; eyJ alone.',
    'Call hf_hub_download(repo_id), or hf_abcdefghijklmnopqrstuvwxyzabcdefghij in one case; set npm_config_cache_dir; AIza keys, sk_live_ mode, glpat- prefixes.',
  ];
  for (const s of clean) assert.deepEqual(codes(chat('q', s), 'pii').map((f) => f.message), [], s);
});

test('pii: only strings that reach training are scanned, tool call arguments included', () => {
  const meta = JSON.stringify({ id: 'owner: ann@example.com', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] });
  assert.deepEqual(codes(meta, 'pii'), []);
  const tool = JSON.stringify({ messages: [{ role: 'user', content: 'mail Ann' },
    { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'send', arguments: '{"to": "ann@example.com"}' } }] },
    { role: 'tool', content: 'sent' }, { role: 'assistant', content: 'Done.' }] });
  const [f] = codes(tool, 'pii');
  assert.match(f.message, /messages\[1\]\.tool_calls\[0\]\.function\.arguments/);
  assert.equal(JSON.parse(applyEdits(tool, f.fixes![0].edits)).messages[1].tool_calls[0].function.arguments, '{"to": "[EMAIL]"}');
});

test('pii checksums: Luhn for cards, mod 97 for IBANs', () => {
  assert.ok(luhn('4111111111111111') && !luhn('4111111111111112'));
  assert.ok(isCardNumber('4111 1111 1111 1111') && !isCardNumber('4111 1111-1111 1111') && !isCardNumber('1234567812345670'));
  assert.ok(isIban('DE89 3704 0044 0532 0130 00') && isIban('GB82WEST12345698765432'));
  assert.ok(!isIban('DE89 3704 0044 0532 0130 01') && !isIban('GB82WEST1234569876543'));
});

// ---------------------------------------------------------------------------------------------------- markup-noise

test('markup-noise: HTML tags and entities, with a fix that strips and decodes them', () => {
  const line = chat('q', '<div class="post"><p>Fold the quilt&nbsp;twice.</p><p>Tom &amp; Ann agree.</p></div>');
  const [f] = codes(line, 'markup-noise');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /^6 HTML tags and 2 HTML entities in messages\[1\]\.content \(first: <div class="post">\): scraped markup/);
  assert.equal(JSON.parse(`"${covered(line, f)}"`), '<div class="post">');
  assert.equal(f.fixes![0].title, 'Strip HTML tags and decode entities');
  const fixed = applyEdits(line, f.fixes![0].edits);
  assert.equal(JSON.parse(fixed).messages[1].content, 'Fold the quilt twice.\nTom & Ann agree.');
  assert.deepEqual(codes(fixed, 'markup-noise'), []);
  const entities = chat('q', 'It&rsquo;s 5&nbsp;kg &#8211; or &#x2014; less.');
  const [g] = codes(entities, 'markup-noise');
  assert.match(g.message, /^4 HTML entities/);
  assert.equal(g.fixes![0].title, 'Decode HTML entities');
  assert.equal(JSON.parse(applyEdits(entities, g.fixes![0].edits)).messages[1].content, 'It’s 5 kg – or — less.');
});

test('markup-noise: scraped boilerplate and navigation crumbs', () => {
  for (const [text, phrase] of [
    ['Great recipe.\n\nAccept all cookies', 'Accept all cookies'], ['Home > Recipes > Soups\nSimmer it.', 'Home > Recipes > Soups'],
    ['Nice. © 2023 Saltmere Media. All rights reserved.', '© 2023'], ['Read on. Click here to subscribe.', 'Click here'],
    ['Thanks! Subscribe to our newsletter for more.', 'Subscribe to our newsletter'],
  ]) {
    const line = chat('q', text);
    const found = codes(line, 'markup-noise');
    assert.equal(found.length, 1, text);
    assert.match(found[0].message, /^scraped web page boilerplate in messages\[1\]\.content/);
    assert.equal(JSON.parse(`"${covered(line, found[0])}"`), phrase);
  }
});

test('markup-noise: code, generics, comparisons and one mentioned tag are not markup', () => {
  for (const s of [
    'Use List<String> or Map<String, Integer>; Array<A> too. If a < b && c > d then swap.',
    'What does the <div> element do? It groups content.',
    'Write `<b>bold</b>` in HTML, or:\n```html\n<p class="x">Hi</p>\n```',
    'R&D and Q&A at AT&T; the &unknown; entity; 3 < 4 > 2.',
    'Click the Save button, then read more about the settings.',
  ]) assert.deepEqual(codes(chat('q', s), 'markup-noise').map((f) => f.message), [], s);
});

// ---------------------------------------------------------------------------------------------------- encoding

test('encoding: mojibake is reported and repaired (Latin-1/Windows-1252 round trip), with NFC', () => {
  const line = chat('q', 'The cafÃ© said itâ€™s GrÃ¼n; cafe\u0301 too.');
  const [f] = codes(line, 'encoding');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /^mojibake \(UTF-8 text decoded as Windows-1252 or Latin-1, e\.g\. "Ã©" for "é"\) in messages\[1\]\.content$/);
  assert.equal(JSON.parse(`"${covered(line, f)}"`), 'Ã©');
  const fixed = JSON.parse(applyEdits(line, f.fixes![0].edits)).messages[1].content;
  assert.equal(fixed, 'The café said it’s Grün; café too.');
  assert.equal(fixed.normalize('NFC'), fixed);
});

test('encoding: control characters, U+FFFD and unpaired surrogates from escapes, pointing at the escape', () => {
  const bell = chat('q', 'ring\u0007 the \u001b[31mbell\u001b[0m');
  const [f] = codes(bell, 'encoding');
  assert.match(f.message, /^control characters in messages\[1\]\.content$/);
  assert.equal(covered(bell, f), '\\u0007');
  assert.equal(JSON.parse(applyEdits(bell, f.fixes![0].edits)).messages[1].content, 'ring the bell');
  const lost = chat('q', 'caf\ufffd au lait');
  const [g] = codes(lost, 'encoding');
  assert.match(g.message, /U\+FFFD replacement characters \(text lost/);
  assert.equal(g.fixes, undefined, 'lost text cannot be repaired');
  const lone = '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "half \\ud83d of a smile"}]}';
  const [h] = codes(lone, 'encoding');
  assert.match(h.message, /unpaired UTF-16 surrogates/);
  assert.equal(covered(lone, h), '\\ud83d');
  assert.equal(JSON.parse(applyEdits(lone, h.fixes![0].edits)).messages[1].content, 'half  of a smile');
});

test('encoding: accented, CJK and emoji text is fine; in a file that is not UTF-8, U+FFFD is left to the file-level finding', () => {
  assert.deepEqual(codes(chat('q', 'Grüße aus Köln, São Paulo, naïve café, 東京, Ελλάδα, Москва 🙂 — “quoted” ‘text’ … tab\there'), 'encoding'), []);
  const latin1 = lintSource('x.jsonl', Buffer.concat([Buffer.from(chat('q', 'caf').slice(0, -4)), Buffer.from([0xe9]), Buffer.from('"}]}\n')]), QUIET);
  assert.deepEqual(latin1.findings.map((f) => [f.code, f.severity]), [['encoding', 'error']]);
  assert.match(latin1.findings[0].message, /not valid UTF-8/);
});

// ---------------------------------------------------------------------------------------------------- too-long

test('too-long: off without maxTokens; an estimate labelled as such; an exact counter when given', () => {
  const long = chat('Summarise this.', 'word '.repeat(400).trim());
  assert.deepEqual(codes(long, 'too-long'), []);
  const [f] = lint(long, { maxTokens: 100 }).filter((x) => x.code === 'too-long');
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, 'the record is ≈ 512 tokens (estimate from characters; give the model\'s tokenizer for exact counts), over the limit of 100 tokens: training truncates it; shorten or split it');
  assert.deepEqual(lint(long, { maxTokens: 600 }).filter((x) => x.code === 'too-long'), []);
  const words = { exact: true, label: 'whitespace words', count: (s: string) => s.split(/\s+/).filter(Boolean).length };
  const [g] = lint(long, { maxTokens: 100, tokenCounter: words }).filter((x) => x.code === 'too-long');
  assert.equal(g.message, 'the record is 410 tokens (whitespace words), over the limit of 100 tokens: training truncates it; shorten or split it');
});

test('token estimate: about 4 ASCII characters per token, 2 per other character', () => {
  assert.equal(ESTIMATED_TOKENS.count('abcd'.repeat(25)), 25);
  assert.equal(ESTIMATED_TOKENS.count('東京'.repeat(10)), 10);
  assert.equal(ESTIMATED_TOKENS.exact, false);
});
