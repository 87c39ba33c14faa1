/**
 * The pre-checks that let pii, markup-noise, encoding, the content fingerprint and answer-skew skip work must never
 * change a finding: each test runs the full check without its pre-check (hints -1: every flag set, digit runs at
 * the maximum) and with it, on strings that hold every pattern (mixed case, at the string's edges, next to
 * non-ASCII text) and on random ones, and asserts the same result; the planted strings must also be found, so a
 * pre-check that skipped one fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalText, contentFingerprint, hex64 } from '../../src/core/dataset/canonical';
import { answerKey } from '../../src/core/lint/rules/answer-skew';
import { findBoilerplate } from '../../src/core/lint/rules/markup';
import { findPii } from '../../src/core/lint/rules/pii-detectors';
import { findEncodingIssues } from '../../src/core/lint/rules/text-encoding';
import { digitRun, MAX_DIGIT_RUN, mayHaveEncodingIssues, scanTextHints } from '../../src/core/lint/rules/text-hints';
import { buildRecordView } from '../../src/core/lint/record-view';
import { readDataset } from '../../src/core/dataset/read';
import { PII_VALUES, rng } from './support/lint-corpus';

/** Every flag set and the longest digit run: no pre-check skips anything. */
const NO_HINTS = -1;

/** Variants of a phrase: as is, upper case, alternating case, at the start and end, inside text with non-ASCII. */
function variants(phrase: string): string[] {
  const alternating = [...phrase].map((ch, i) => (i % 2 ? ch.toUpperCase() : ch.toLowerCase())).join('');
  const title = phrase.replace(/\b[a-z]/g, (ch) => ch.toUpperCase());
  const out: string[] = [];
  for (const p of [phrase, phrase.toUpperCase(), alternating, title]) {
    out.push(p, `${p}.`, `Text before: ${p}`, `Grüße — ${p} — naïve café 🙂`, `line one\n${p}\nline three`, `"${p}"\t`);
  }
  return out;
}

const BOILERPLATE_PHRASES = [
  'click here', 'accept cookies', 'accept all cookies', 'we use cookies', 'this site uses cookies', 'this website uses cookies',
  'cookie policy', 'cookie settings', 'cookie preferences', 'all rights reserved', 'subscribe to our newsletter',
  'sign up for the newsletter', 'subscribe for our newsletter', 'skip to content', 'skip to main content', 'back to top',
  'share on facebook', 'share this on twitter', 'share on linkedin', 'follow us on facebook', 'follow us on twitter',
  'follow us on instagram', 'follow us on linkedin', 'read more »', 'read more›', 'read more  ›', 'privacy policy | terms',
  'privacy policy·terms', 'privacy policy • terms', '© 2024', 'copyright © 1999', '©2023', 'home > shop > shoes',
  'home » shop » shoes', 'home › a › b', 'home / docs / api', 'home | blog | post', '  home > a > b',
];

test('boilerplate: the pre-check passes every phrase of the expression, in any case, anywhere in the string', () => {
  for (const phrase of BOILERPLATE_PHRASES) {
    for (const s of variants(phrase)) {
      const full = findBoilerplate(s, NO_HINTS);
      assert.deepEqual(findBoilerplate(s), full, JSON.stringify(s));
      if (!phrase.trimStart().startsWith('home') || s.startsWith(phrase) || s.includes(`\n${phrase}`)) {
        assert.ok(full.length > 0, `the expression finds ${JSON.stringify(s)}`);
      }
    }
  }
});

test('boilerplate: characters that case-fold to ASCII letters elsewhere do not match, with or without the pre-check', () => {
  // U+017F (long s) and U+212A (Kelvin sign) upper- or lower-case to ASCII letters; outside /u the expression
  // leaves them alone, and the pre-check folds them anyway, so either way the result is the expression's.
  for (const s of ['\u017fkip to content', 'coo\u212aie policy', 'click here \u0130', 'cl\u0131ck here']) {
    assert.deepEqual(findBoilerplate(s), findBoilerplate(s, NO_HINTS), JSON.stringify(s));
  }
});

test('boilerplate: random mixes of phrase fragments give the same ranges with and without the pre-check', () => {
  const r = rng(11);
  const pieces = [...BOILERPLATE_PHRASES.flatMap((p) => p.split(/(?<= )/)), 'ookie', 'k h', 'kie', 'hts ', 'rve', '\n', ' ', '»', '›',
    '|', '/', '>', '©', '·', '•', '20', '19', 'é', '—', 'Home', 'CLICK', 'Cookie', '  ', '\t'];
  let found = 0;
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const n = 1 + Math.floor(r() * 8);
    for (let k = 0; k < n; k++) {
      const p = pieces[Math.floor(r() * pieces.length)];
      s += r() < 0.3 ? p.toUpperCase() : p;
    }
    const full = findBoilerplate(s, NO_HINTS);
    if (full.length) found++;
    assert.deepEqual(findBoilerplate(s), full, JSON.stringify(s));
  }
  assert.ok(found > 200, `${found} random strings with boilerplate`);
});

const SECRETS = ['AKIAABCDEFGHIJKLMNOP', 'ASIAABCDEFGHIJKLMNOP', `ghp_${'a1B2'.repeat(9)}`, `gho_${'a'.repeat(36)}`, `ghu_${'Z'.repeat(40)}`,
  `ghs_${'0'.repeat(36)}`, `ghr_${'x9'.repeat(18)}`, `github_pat_${'A_b'.repeat(10)}`, 'sk-abcDEF123456ghiJKL789', 'sk-proj-abcDEF123456ghiJKL789',
  'sk-ant-abcDEF123456ghiJKL789', 'xoxa-1234567890-abc', 'xoxb-12345-67890-abcdef', 'xoxp-abcdefghijkl', 'xoxr-0000000000', 'xoxs-AAAAAAAAAA',
  'eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijklmnopqrstuvwx', '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
  '-----BEGIN RSA PRIVATE KEY-----\nabc', '-----BEGIN OPENSSH PRIVATE KEY-----'];

test('pii: the pre-check passes every secret prefix and every kind of personal data, anywhere in the string', () => {
  const r = rng(5);
  const samples = [...SECRETS, ...Object.values(PII_VALUES).flatMap((make) => [make(r), make(r), make(r)]),
    'GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000', 'mail me: a.b+c@example.co.uk', '+1 (415) 555-0100', '415.555.0100',
    '4111 1111 1111 1111', '5500-0000-0000-0004', '078-05-1120', '8.8.8.8', '2001:4860:4860::8888', 'fe80::1:2:3'];
  for (const v of samples) {
    for (const s of [v, `${v}.`, `Contact: ${v} now`, `Grüße ${v} 🙂`, `x\n${v}\ny`]) {
      const full = findPii(s, NO_HINTS);
      assert.deepEqual(findPii(s), full, JSON.stringify(s));
      if (!v.startsWith('fe80') && !v.startsWith('-----BEGIN RSA') && !v.startsWith('-----BEGIN OPENSSH')) {
        assert.ok(full.length > 0, `the detectors find ${JSON.stringify(s)}`);
      }
    }
  }
});

test('pii: random strings of digits, separators and secret letters give the same matches with and without the pre-check', () => {
  const r = rng(23);
  const pieces = ['0', '1', '4', '5', '9', '2', '7', ' ', '-', '.', '(', ')', '+', '@', ':', '::', 'a', 'A', 'K', 'I', 'S', 'gh', 'p_', '_',
    'sk-', 'xox', 'b-', 'eyJ', 'PRIVATE KEY', 'GB', 'DE', 'example.com', 'v', 'version ', '\n', 'é', '🙂', 'ff', 'x'];
  let found = 0;
  for (let i = 0; i < 30_000; i++) {
    let s = '';
    const n = 4 + Math.floor(r() * 40);
    for (let k = 0; k < n; k++) s += pieces[Math.floor(r() * pieces.length)];
    const full = findPii(s, NO_HINTS);
    if (full.length) found++;
    assert.deepEqual(findPii(s), full, JSON.stringify(s));
  }
  assert.ok(found > 300, `${found} random strings with a match`);
});

test('encoding: the pre-check passes controls, U+FFFD, unpaired surrogates and every mojibake lead, and skips emoji and accents', () => {
  const CONTINUATION = ['\u0080', '\u00a9', '\u00bf', '€', '™', 'Ÿ', '\u0081', '\u009d', '’', '“', '•'];
  const samples = ['\u0000', '\u0007', '\u000b', '\u000c', '\u001b[31m', '\u001f', '\u007f', '\ufffd', '\ud83d', '\ude42', '\ude42\ud83d', 'a\ud800'];
  for (let lead = 0xc2; lead <= 0xf4; lead++) for (const c of CONTINUATION) samples.push(String.fromCharCode(lead) + c + c + c);
  samples.push('Ã©', 'â€™', 'Ã¼ÃŸ', 'ð\u009f\u0098\u0080');
  for (const v of samples) {
    for (const s of [v, `${v} tail`, `head ${v}`, `café ${v} 🙂`]) {
      for (const withReplacement of [true, false]) {
        const full = findEncodingIssues(s, withReplacement, true);
        assert.deepEqual(findEncodingIssues(s, withReplacement, mayHaveEncodingIssues(scanTextHints(s), s)), full, JSON.stringify(s));
        if (v !== '\ufffd' || withReplacement) assert.ok(full.length > 0, `issues in ${JSON.stringify(s)}`);
      }
    }
  }
  for (const s of ['café naïve Grüße', 'smile 🙂 and 😀', 'é C', 'Ã a', '']) {
    assert.equal(mayHaveEncodingIssues(scanTextHints(s), s), false, JSON.stringify(s));
    assert.deepEqual(findEncodingIssues(s, true, true), []);
  }
});

test('encoding: random strings give the same issues with and without the pre-check', () => {
  const r = rng(31);
  const pieces = ['a', ' ', 'Ã', '©', '€', 'â', '™', '\u0080', '\u00c2', '\u00f4', '\u00f5', '\u00c1', 'é', '\ud83d', '\ude42', '🙂', '\u0007', '\t', '\n',
    '\u001b', '[', '0m', '\ufffd', '\u009d'];
  for (let i = 0; i < 30_000; i++) {
    let s = '';
    const n = 1 + Math.floor(r() * 12);
    for (let k = 0; k < n; k++) s += pieces[Math.floor(r() * pieces.length)];
    assert.deepEqual(findEncodingIssues(s, true, mayHaveEncodingIssues(scanTextHints(s), s)), findEncodingIssues(s, true, true), JSON.stringify(s));
  }
});

/** Random text of words, single spaces and, now and then, runs of any whitespace, at the ends too. */
function randomSpacedText(r: () => number): string {
  const spaces = [' ', ' ', ' ', ' ', '  ', '\n', '\t', '\u00a0', '\u3000', '\r\n', ' \n ', '\u2028', '\ufeff'];
  const words = ['a', 'B', 'word', 'Grüße', '🙂', 'x1', 'ß'];
  let s = r() < 0.2 ? spaces[Math.floor(r() * spaces.length)] : '';
  const n = Math.floor(r() * 8);
  for (let k = 0; k < n; k++) {
    s += words[Math.floor(r() * words.length)];
    if (k < n - 1 || r() < 0.2) s += r() < 0.8 ? ' ' : spaces[Math.floor(r() * spaces.length)];
  }
  return s;
}

test('content fingerprint: strings equal after whitespace normalisation, and only those, get the same fingerprint', () => {
  const r = rng(41);
  const byText = new Map<string, string>();
  for (let i = 0; i < 20_000; i++) {
    const value = { text: randomSpacedText(r) };
    const canonical = canonicalText(value), fp = contentFingerprint(value);
    const seen = byText.get(canonical);
    if (seen !== undefined) assert.equal(fp, seen, JSON.stringify(value));
    byText.set(canonical, fp);
  }
  const fingerprints = new Set(byText.values());
  assert.equal(fingerprints.size, byText.size, 'distinct canonical texts, distinct fingerprints');
  assert.ok(byText.size > 5000, `${byText.size} distinct texts`);
});

test('answer-skew key: answers equal after collapsing whitespace and lower-casing ASCII, and only those, share a key', () => {
  const r = rng(43);
  const normalize = (s: string): string => s.replace(/[ \t\n\v\f\r\u00a0]+/g, ' ').replace(/^ | $/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
  const byText = new Map<string, string>();
  let blank = 0;
  for (let i = 0; i < 20_000; i++) {
    const answer = randomSpacedText(r);
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: answer }] });
    const key = answerKey(buildRecordView(readDataset(line).records[0], { fingerprint: false }));
    const text = normalize(answer);
    if (text === '') { blank++; assert.equal(key, undefined, JSON.stringify(answer)); continue; }
    assert.ok(key, JSON.stringify(answer));
    const k = key.join(','), seen = byText.get(text);
    if (seen !== undefined) assert.equal(k, seen, JSON.stringify(answer));
    byText.set(text, k);
  }
  assert.equal(new Set(byText.values()).size, byText.size, 'distinct answers, distinct keys');
  assert.ok(blank > 0 && byText.size > 5000, `${blank} blank, ${byText.size} distinct`);
});

test('content fingerprint: 16 lower-case hex digits, the high lane first, as toString(16) would write them', () => {
  const r = rng(47);
  for (let i = 0; i < 10_000; i++) {
    const hi = Math.floor(r() * 2 ** 32) | 0, lo = i < 4 ? [0, -1, 1, 0x7fffffff][i] : Math.floor(r() * 2 ** 32) | 0;
    assert.equal(hex64(hi, lo), (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0'));
  }
  assert.match(contentFingerprint({ text: 'x' }), /^[0-9a-f]{16}$/);
});

test('content fingerprint: key order does not matter, for two keys and more', () => {
  const values = [{ b: 1, a: 2 }, { a: 2, b: 1 }, { c: 1, a: 2, b: 3 }, { b: 3, c: 1, a: 2 }, { a: 2, c: 1, b: 3 }, { ab: 1, a: 1 }, { a: 1, ab: 1 }, { B: 1, a: 1 }, { a: 1, B: 1 }];
  for (const x of values) for (const y of values) {
    assert.equal(contentFingerprint(x) === contentFingerprint(y), canonicalText(x) === canonicalText(y), `${JSON.stringify(x)} ${JSON.stringify(y)}`);
  }
  assert.equal(canonicalText({ b: 1, a: 2 }), '{"a":2,"b":1}');
  assert.equal(canonicalText({ B: 1, a: 2 }), '{"B":1,"a":2}');
});

test('hints are small non-negative integers (kept on every training string), with the digit run capped above every threshold', () => {
  const r = rng(53);
  for (let i = 0; i < 5000; i++) {
    let s = '';
    for (let k = 0; k < 40; k++) s += String.fromCharCode(r() < 0.5 ? 48 + Math.floor(r() * 10) : Math.floor(r() * 0x10000));
    const h = scanTextHints(s);
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 30, `${h}`);
  }
  assert.equal(digitRun(scanTextHints('1 2-3.4(5)6+7 8 9 0 1 2 3 4 5 6 7')), MAX_DIGIT_RUN);
  assert.equal(digitRun(scanTextHints('12a345b6789')), 4);
  assert.equal(digitRun(scanTextHints('12a345 6789')), 7);
  assert.equal(digitRun(scanTextHints('no digits')), 0);
});
