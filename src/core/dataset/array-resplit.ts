/**
 * Splitting an edited JSON array again without scanning all of it: what splitJsonValues(text, open, 'array') gives,
 * from the previous text's split, re-scanning only from the last value that ends before the edit to the first value
 * that starts in the unchanged end of the text.
 *
 * Why that is exact: before the edit the scan is the same as before (same text, same state after a value). From a
 * value's start on, the scan depends on nothing but the text from there (reading a value resets the scanner's state),
 * so a value that starts in the unchanged end, where an old value started, is followed by the old values and problems,
 * moved by the edit's length. Only a missing-comma problem at that value depends on what came before, and it is taken
 * from the new scan.
 */
import { skipWhitespace, valueEnd, type SplitProblem, type SplitResult } from './json-scan';
import { WINDOW_TOO_SMALL, wholeWindow, type TextWindow } from './piece-text';
import { firstIndexWhere } from './sorted-search';

export interface Resplit extends SplitResult {
  /** Values [0, first) are the old ones, unmoved; the old values from `resumed` on are the new ones from `resumedAt` on. */
  first: number;
  resumed: number;
  resumedAt: number;
}

/**
 * `prev`: splitJsonValues(prevText, open, 'array'). The texts are equal in their first `same` characters and their last
 * `sameEnd` characters, with `open` (the `[`) before `same`. `resumeFrom`: the scan takes the old values back only at a
 * value starting at or after this offset of the new text (at least its length - sameEnd; a caller that keeps columns
 * asks for the line after). `source`: the new text, or a window of it from at most the end of the last value before
 * `same` (throws WINDOW_TOO_SMALL when the scan needs more).
 */
export function resplitArray(prev: SplitResult, source: string | TextWindow, delta: number, same: number, sameEnd: number, open: number, resumeFrom?: number): Resplit {
  const { text, base, total } = typeof source === 'string' ? wholeWindow(source) : source;
  const limit = base + text.length, whole = limit >= total;
  const old = prev.values;
  // The last old value that ends before `same`: the character that ended it is unchanged too (a number ends at one).
  const first = firstIndexWhere(old.length, (k) => old[k][1] >= same);
  let i = first ? old[first - 1][1] : open + 1;
  const values = old.slice(0, first);
  const problems = prev.problems.filter((p) => p.offset < i);
  const from = Math.max(resumeFrom ?? 0, total - sameEnd);
  let afterComma = -1;
  let expectValue = first === 0;
  for (;;) {
    i = skipWhitespace(text, i - base) + base;
    if (i >= limit) {
      if (!whole) throw WINDOW_TOO_SMALL;
      problems.push({ offset: total, message: 'the JSON array is not closed: add `]` at the end of the file' });
      return { values, problems, end: total, closed: false, first, resumed: old.length, resumedAt: values.length };
    }
    const c = text.charCodeAt(i - base);
    if (c === 0x5d) {
      if (afterComma >= 0 && values.length) problems.push({ offset: afterComma, message: 'trailing comma before the closing `]` of the array: remove it' });
      return { values, problems, end: i + 1, closed: true, first, resumed: old.length, resumedAt: values.length };
    }
    if (c === 0x2c) {
      if (expectValue) problems.push({ offset: i, message: 'extra comma in the JSON array: remove it' });
      afterComma = i;
      expectValue = true;
      i++;
      continue;
    }
    if (!expectValue) problems.push({ offset: i, message: 'missing comma between two records of the JSON array' });
    if (i >= from) {
      const j = startingAt(old, i - delta);
      if (j >= 0) return resumed(prev, values, problems, j, i - delta, delta, first);
    }
    // A value cut by the window's end is seen at the next turn, which finds no more text there.
    const end = valueEnd(text, i - base) + base;
    values.push([i, end]);
    afterComma = -1;
    expectValue = false;
    i = end;
  }
}

function resumed(prev: SplitResult, values: [number, number][], problems: SplitProblem[], j: number, at: number, delta: number, first: number): Resplit {
  const resumedAt = values.length;
  for (let k = j; k < prev.values.length; k++) values.push([prev.values[k][0] + delta, prev.values[k][1] + delta]);
  for (const p of prev.problems) if (p.offset > at) problems.push({ offset: p.offset + delta, message: p.message });
  return { values, problems, end: prev.end + delta, closed: prev.closed, first, resumed: j, resumedAt };
}

/** Index of the value that starts at `offset`, or -1. */
function startingAt(values: readonly [number, number][], offset: number): number {
  const k = firstIndexWhere(values.length, (j) => values[j][0] >= offset);
  return values[k]?.[0] === offset ? k : -1;
}
