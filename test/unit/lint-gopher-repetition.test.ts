import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../src/core/lint';
import { gopherRepetitionFailures } from '../../src/core/lint/rules/gopher';

// Each case builds a text whose measured fraction equals the threshold exactly (passes: the rules fire above it) and
// one character shorter (just above it: fails). Trailing spaces set the length; they count as characters, as in
// datatrove, and are not words.
const pad = (text: string, length: number): string => {
  assert.ok(text.length <= length, `base text ${text.length} > ${length}`);
  return text + ' '.repeat(length - text.length);
};
const fails = (text: string, message: RegExp): boolean => gopherRepetitionFailures(text).some((m) => message.test(m));
/** Distinct words: a, b, ..., z, ba, bb, ... each repeated to `len` letters when given. */
const word = (i: number, len?: number): string => {
  let s = '';
  do { s = String.fromCharCode(97 + (i % 26)) + s; i = Math.floor(i / 26); } while (i > 0);
  return len === undefined ? `q${s}` : s.repeat(Math.ceil(len / s.length)).slice(0, len);
};

function atAndAbove(name: string, build: (length: number) => string, at: number, message: RegExp): void {
  assert.equal(fails(build(at), message), false, `${name}: at the threshold it passes`);
  assert.equal(fails(build(at - 1), message), true, `${name}: one character more of repetition share fails`);
}

test('gopher repetition: duplicate line and paragraph fractions (0.3) and their character fractions (0.2)', () => {
  const uniqueLines = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${word(i)} here`);
  // 100 lines, d of them repeats of an earlier line: 30 passes, 31 fails
  const lines = (d: number, sep: string): string => [...uniqueLines(99 - d), ...Array(d + 1).fill('the same line')].join(sep);
  assert.equal(fails(lines(30, '\n'), /of lines are repeats/), false);
  assert.equal(fails(lines(31, '\n'), /of lines are repeats/), true);
  assert.equal(fails(lines(30, '\n\n'), /of paragraphs are repeats/), false);
  assert.equal(fails(lines(31, '\n\n'), /of paragraphs are repeats/), true);
  // one repeated line of 20 characters: 20 / 100 = 0.2 passes, 20 / 99 fails
  const repeated = 'twenty chars of text';
  const charText = (sep: string) => (length: number): string => {
    const base = `${repeated}${sep}${repeated}${sep}`;
    return base + 'x'.repeat(length - base.length);
  };
  atAndAbove('line characters', charText('\n'), 100, /repeated lines are \d+% of the characters/);
  atAndAbove('paragraph characters', charText('\n\n'), 100, /repeated paragraphs are \d+% of the characters/);
});

test('gopher repetition: top 2/3/4-gram character shares 0.20/0.18/0.16', () => {
  const cases: [number, string, number, number, number][] = [
    // n, phrase, repeats, threshold length (repeats × phrase length / share)
    [2, 'xq zv', 4, 100, 0.2], [3, 'xq zv wy', 9, 400, 0.18], [4, 'xq zv wy tk', 16, 1100, 0.16],
  ];
  for (const [n, phrase, repeats, length, share] of cases) {
    assert.equal(repeats * phrase.length / length, share);
    const base = Array.from({ length: repeats }, (_, i) => (i ? `${word(i)} ${phrase}` : phrase)).join(' ');
    atAndAbove(`top ${n}-gram`, (len) => pad(base, len), length, new RegExp(`most frequent ${n}-word phrase`));
  }
});

test('gopher repetition: duplicated 5..10-gram character shares 0.15 down to 0.10', () => {
  // A block of n distinct words of equal length L, written twice: the repeat adds n × L characters for n-grams
  // (words joined without spaces), and shorter n-grams stay under their own thresholds.
  const cases: [number, number, number, number][] = [[5, 3, 100, 0.15], [6, 7, 300, 0.14], [7, 13, 700, 0.13], [8, 3, 200, 0.12], [9, 11, 900, 0.11], [10, 1, 100, 0.1]];
  for (const [n, len, length, share] of cases) {
    assert.equal(n * len / length, share);
    const block = Array.from({ length: n }, (_, i) => word(i, len)).join(' ');
    const build = (l: number): string => pad(`${block} ${block}`, l);
    atAndAbove(`duplicated ${n}-grams`, build, length, new RegExp(`repeated ${n}-word phrases`));
    // the shorter n-grams pass at both lengths, so the message names n
    for (let m = 5; m < n; m++) assert.equal(fails(build(length - 1), new RegExp(`repeated ${m}-word phrases`)), false, `n=${n}, m=${m}`);
  }
});

test('low-quality-text reports repetition on text records, with the measured share', () => {
  const para = 'The river was quiet that morning and the boats waited at the pier for the tide to turn.';
  const doc = Array(6).fill(para).join('\n\n');
  const found = lintText('t.jsonl', JSON.stringify({ text: doc }), { severity: { 'too-few-records': 'off' } }).findings;
  assert.equal(found.length, 1);
  assert.equal(found[0].code, 'low-quality-text');
  assert.match(found[0].message, /83% of paragraphs are repeats \(at most 30%\)/);
  assert.match(found[0].message, /repeated paragraphs are 82% of the characters \(at most 20%\)/);
});
