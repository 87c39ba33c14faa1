// resplitArray against splitJsonValues of the whole edited text: random arrays, random edits (commas, brackets,
// quotes and values typed, removed or moved), every result equal; some arrays lack their commas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resplitArray } from '../../src/core/dataset/array-resplit';
import { splitJsonValues, type SplitResult } from '../../src/core/dataset/json-scan';
import { WINDOW_TOO_SMALL } from '../../src/core/dataset/piece-text';
import { commonPrefix, commonSuffix } from '../../src/core/lint/text-affixes';
import { rng } from './support/lint-corpus';

const PIECES = [',', ']', '[', '{', '}', '"', '\\"', ' ', '\n', '12', 'true', '{"a": "b, ]"}', '"x\\\\"', ',\n  ', '}, {', 'tail'];

function arrayText(r: () => number): string {
  const n = Math.floor(r() * 12);
  const values = Array.from({ length: n }, (_, k) => {
    const kind = Math.floor(r() * 4);
    if (kind === 0) return JSON.stringify({ id: k, text: `value ${k}, with [brackets] and "quotes"` }, null, r() < 0.5 ? 2 : undefined);
    if (kind === 1) return String(k * 7);
    if (kind === 2) return JSON.stringify(`s${k}]`);
    return JSON.stringify([k, { k }]);
  });
  return `${r() < 0.3 ? '\n  ' : ''}[${r() < 0.5 ? '\n' : ''}${values.join([',\n', ', ', ',\n', '\n'][Math.floor(r() * 4)])}${r() < 0.5 ? '\n' : ''}]\n`;
}

function edited(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const cut = r() < 0.5 ? Math.floor(r() * Math.min(8, text.length - at + 1)) : 0;
  const put = r() < 0.7 ? PIECES[Math.floor(r() * PIECES.length)] : '';
  return text.slice(0, at) + put + text.slice(at + cut);
}

test('resplitArray equals a split of the whole edited text, over 5,000 random edits', () => {
  const r = rng(11);
  let resumed = 0, widened = 0;
  for (let n = 0; n < 5000; n++) {
    const prevText = arrayText(r);
    let text = edited(prevText, r);
    if (r() < 0.3) text = edited(text, r);
    const open = prevText.indexOf('[');
    const p = commonPrefix(prevText, text);
    if (p <= open) continue; // the `[` changed: the caller splits the whole text
    const most = Math.min(prevText.length, text.length);
    const q = Math.min(commonSuffix(prevText, text, most - p), most - p);
    const prev = splitJsonValues(prevText, open, 'array');
    const got = resplitArray(prev, text, text.length - prevText.length, p, q, open);
    const want = splitJsonValues(text, open, 'array');
    assert.deepEqual({ values: got.values, problems: got.problems, end: got.end, closed: got.closed }, want, JSON.stringify({ prevText, text }));
    if (got.resumed < prev.values.length) resumed++;
    // The values it did not scan again are the old ones, in place or moved by the edit's length.
    for (let k = 0; k < got.first; k++) assert.deepEqual(got.values[k], prev.values[k]);
    // The same from a window of the text (as the lint session reads text held in pieces): from anywhere up to the end of
    // the last value before the edit, to anywhere past the edit, widened while it is too small.
    const before = prev.values.filter((v) => v[1] < p).pop()?.[1] ?? open + 1;
    const base = Math.floor(r() * (before + 1));
    let end = text.length - q + Math.floor(r() * (q + 1));
    let windowed: SplitResult | undefined;
    for (let tries = 0; !windowed; tries++) {
      try {
        windowed = resplitArray(prev, { text: text.slice(base, end), base, total: text.length }, text.length - prevText.length, p, q, open);
      } catch (e) {
        assert.equal(e, WINDOW_TOO_SMALL);
        assert.ok(end < text.length, 'too small only when it does not reach the end');
        end = Math.min(text.length, end + 1 + Math.floor(r() * 10));
        widened++;
      }
    }
    assert.deepEqual(windowed, got, JSON.stringify({ prevText, text, base, end }));
  }
  assert.ok(resumed > 1000, `the old values were taken back in ${resumed} edits only`);
  assert.ok(widened > 500, `windows were widened ${widened} times only`);
});

test('resplitArray scans only the values near the edit of a large array', () => {
  const values = Array.from({ length: 10_000 }, (_, k) => JSON.stringify({ k, text: `record ${k}` }, null, 2));
  const prevText = `[\n${values.join(',\n')}\n]\n`;
  const at = prevText.indexOf('record 5000') + 6;
  const text = `${prevText.slice(0, at)} zebra${prevText.slice(at)}`;
  const prev = splitJsonValues(prevText, 0, 'array');
  const p = commonPrefix(prevText, text), q = commonSuffix(prevText, text, text.length - p);
  const got = resplitArray(prev, text, 6, p, q, 0, text.indexOf('\n', text.length - q) + 1);
  assert.equal(got.first, 5000);
  assert.equal(got.resumed, 5001);
  assert.equal(got.resumedAt, 5001);
  assert.deepEqual({ values: got.values, problems: got.problems, end: got.end, closed: got.closed }, splitJsonValues(text, 0, 'array'));
});
