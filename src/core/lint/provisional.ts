/**
 * A quick answer for an edited document while its incremental session is still being built (the editor's worker
 * builds a large file's session right after the threaded first lint, about a second on 50 MB): the last full result,
 * with the findings of the edited lines replaced by a lint of those lines alone and the findings below moved by the
 * lines the edits added or removed. What a record's own rules find there is exact; what compares records (duplicate,
 * near-duplicate) or sums up the file (answer skew, outliers, counts) is the last full result's until the session
 * answers in full.
 */
import { movedFinding } from './finding-lines';
import { skipWhitespace, splitJsonValues, valueEnd } from '../dataset/json-scan';
import { lastNonBlankChar, readsAsCsv } from '../dataset/read';
import { lintSource } from './lint-source';
import { PER_RECORD_CODES } from './rule-groups';
import { LINT_CODES, type FileLintResult, type Finding, type LintCode, type LintOptions } from './types';

/** Part of the text the edits changed: `before`[oldFrom, oldTo) is now `text`. */
export interface EditedRegion {
  oldFrom: number;
  oldTo: number;
  text: string;
}

/**
 * The edits made to a text since some earlier text (`before`), as the changes in the order applied, and as the regions
 * of `before` they changed: edits far apart stay apart, so that each is linted again alone.
 */
export class EditedSpan {
  readonly changes: { offset: number; length: number; text: string }[] = [];
  private list: EditedRegion[] = [];
  /** How many of `changes` `list` holds, and the text it is of. */
  private applied = 0;
  private of?: string;

  /** One change, in the order applied: `length` characters at `offset` of the current text replaced by `text`. */
  add(offset: number, length: number, text: string): void {
    this.changes.push({ offset, length, text });
  }

  get empty(): boolean {
    return this.changes.length === 0;
  }

  /** The regions of `before` (the text the changes were made to) that they changed, in order, none touching another. */
  regions(before: string): readonly EditedRegion[] {
    if (this.of !== before) {
      this.of = before;
      this.list = [];
      this.applied = 0;
    }
    for (; this.applied < this.changes.length; this.applied++) this.list = withChange(before, this.list, this.changes[this.applied]);
    return this.list;
  }
}

/** `regions` of `before` with one more change (offsets of the text they make): the regions it reaches or touches become one. */
function withChange(before: string, regions: readonly EditedRegion[], c: { offset: number; length: number; text: string }): EditedRegion[] {
  const end = c.offset + c.length;
  const grown = (r: EditedRegion): number => r.text.length - (r.oldTo - r.oldFrom);
  // `shift`: how much longer the text is now than `before` in the gap before regions[i].
  let i = 0, shift = 0;
  for (; i < regions.length && regions[i].oldFrom + shift + regions[i].text.length < c.offset; i++) shift += grown(regions[i]);
  const inFirst = i < regions.length && regions[i].oldFrom + shift <= c.offset;
  const oldFrom = inFirst ? regions[i].oldFrom : c.offset - shift;
  const curFrom = oldFrom + shift;
  // The text now from curFrom to the change's end or the last region it reaches, whichever ends later.
  const pieces: string[] = [];
  let j = i, at = oldFrom;
  for (; j < regions.length && regions[j].oldFrom + shift <= end; j++) {
    pieces.push(before.slice(at, regions[j].oldFrom), regions[j].text);
    at = regions[j].oldTo;
    shift += grown(regions[j]);
  }
  const oldTo = Math.max(at, end - shift);
  pieces.push(before.slice(at, oldTo));
  const now = pieces.join('');
  const text = now.slice(0, c.offset - curFrom) + c.text + now.slice(end - curFrom);
  return [...regions.slice(0, i), { oldFrom, oldTo, text }, ...regions.slice(j)];
}

/** Edited lines longer than this in all wait for the session: linting them would take as long (about 40 ms per MB). */
const MAX_EDITED_CHARS = 1_000_000;

/**
 * More edits than this since the threaded lint wait for the session: placing each among the regions costs up to their
 * number (a replace-all of 20,000 took 2 s to place, 5,000 50 ms, 1,000 2-12 ms).
 */
const MAX_EDITS = 2_000;

/** Codes a lint of a few lines cannot tell (they compare records or sum up the file); schema's field checks it can. */
const WHOLE_FILE_CODES: readonly LintCode[] = LINT_CODES.filter((c) => c !== 'schema' && !PER_RECORD_CODES.includes(c));

/** Lines of `before` that edits changed, [start, end) (end: a line break or the text's end), and what they are now. */
interface EditedLines {
  start: number;
  end: number;
  text: string;
  /** The 1-based line of `start` in `before`, and in the edited text. */
  firstLine: number;
  firstLineNow: number;
  /** The last line of `before` among them. */
  lastLine: number;
  /** Lines the edits added (negative: removed). */
  moved: number;
  /** The 1-based line of `text`'s first in the source linted for all of them. */
  linted: number;
}

/**
 * `result`, the full lint of plain JSONL or CSV text `before`, brought to the text the edits `span` made of it; undefined
 * when the edits reach the first record's line or the CSV header (the reader may take the text another way then), span
 * more than MAX_EDITED_CHARS of lines in all, are more than MAX_EDITS, or may not be whole CSV rows before and after (a quoted field across their
 * first or last line), or are not whole records of a JSON array (widened to the records they touch). Edits far apart
 * are taken apart: the lines between them are not linted again. Only `before` is read: the edited text is often a
 * concatenation that any read would copy whole (60 ms for 50 MB), and the edited lines are made from `before` and the
 * edits.
 */
export function provisionalResult(path: string, before: string, result: FileLintResult, span: EditedSpan, options: LintOptions = {}, memo = new ScanMemo()): FileLintResult | undefined {
  if (span.empty) return result;
  if (span.changes.length > MAX_EDITS) return undefined;
  const head = firstLineOf(before);
  if (head === undefined) return undefined;
  // A JSON array's edited lines are read as an array of their own: they are widened to the records they touch.
  const array = head.text.trimStart().startsWith('[');
  const open = array ? before.indexOf('[', head.end - head.text.length) : -1;
  const csv = readsAsCsv(path);
  if (csv && !quotesEven(head.text, 0, head.text.length)) return undefined;
  const parts = editedLines(before, span.regions(before), head.end, memo, array ? (start, end) => recordLines(before, open, start, end, memo) : undefined);
  if (!parts) return undefined;
  // What is linted again: the edited lines after the file's first record, read as the file reads them. That line (or
  // the array's `[`) comes first; its own findings are dropped, and it stands for the file's format in schema's check.
  const linted: string[] = [];
  let line = 2;
  for (const p of parts) {
    if (csv && !(memo.countBefore(before, '"', p.start) % 2 === 0 && quotesEven(before, p.start, p.end) && quotesEven(p.text, 0, p.text.length))) return undefined;
    const records = array ? wholeRecords(p.text, before.charCodeAt(skipWhitespace(before, p.end)) === 0x5d) : p.text;
    if (records === undefined) return undefined;
    linted.push(records);
    p.linted = line;
    line += count(records, '\n', 0, records.length) + 1;
  }
  const findings: Finding[] = [];
  // A line of `before` in the edited text; undefined for an edited one.
  const lineNow = (l: number): number | undefined => {
    const p = last(parts, (q) => q.firstLine <= l);
    return !p ? l : l <= p.lastLine ? undefined : l + p.firstLineNow - p.firstLine + p.moved;
  };
  for (const f of result.findings) {
    const line = lineNow(f.line);
    if (line === undefined) continue;
    // Related lines move on their own (a duplicate's first record may be above the edits), and so do the messages that
    // name them ("duplicate of line 812"). A finding about an edited record is dropped: the whole answer tells.
    let stale = false, relatedMoved = false;
    let { message } = f;
    const related = f.related.map((r) => {
      const to = r.path === path ? lineNow(r.line) : r.line;
      if (to === undefined) stale = true;
      if (to === undefined || to === r.line) return r;
      relatedMoved = true;
      message = message.replace(`line ${r.line}`, `line ${to}`);
      return { ...r, line: to };
    });
    if (stale) continue;
    // `result` is left as it is: the next provisional answer starts from it again.
    if (line === f.line && !relatedMoved) findings.push(f);
    else findings.push({ ...(line === f.line ? f : movedFinding(f, line - f.line, path)), related, message });
  }
  const severity = { ...options.severity };
  for (const c of WHOLE_FILE_CODES) severity[c] = 'off';
  const source = array ? `[\n${linted.join(',\n')}\n]` : head.text + '\n' + linted.join('\n');
  const region = lintSource(path, source, { ...options, severity, maxFindingsPerCode: Infinity });
  // A line of the linted source in the edited text.
  const fileLine = (l: number): number => {
    const p = last(parts, (q) => q.linted <= l)!;
    return l - p.linted + p.firstLineNow;
  };
  for (const f of region.findings) {
    if (f.line <= 1) continue;
    const moved = movedFinding(f, fileLine(f.line) - f.line, path);
    // A JSON array's record or a CSV row that does not read names its line: the source's, made the file's.
    if (f.code === 'invalid-json' && (array || csv)) moved.message = f.message.replace(/\bline (\d+)/, (_, n: string) => `line ${fileLine(Number(n))}`);
    findings.push(moved);
  }
  return { ...result, findings };
}

/**
 * The lines of `before` that `regions` changed, widened by `widen` (a JSON array's: to whole records), those that then
 * overlap taken together; undefined when they reach the first record's line (ending at `headEnd`), come to more than
 * MAX_EDITED_CHARS, or `widen` finds no whole records. `memo` counts the line breaks before them.
 */
function editedLines(before: string, regions: readonly EditedRegion[], headEnd: number, memo: ScanMemo,
  widen?: (start: number, end: number) => { start: number; end: number } | undefined): EditedLines[] | undefined {
  const spans: { start: number; end: number; regions: EditedRegion[] }[] = [];
  for (const r of regions) {
    let lines: { start: number; end: number } | undefined = { start: before.lastIndexOf('\n', r.oldFrom - 1) + 1, end: lineEnd(before, r.oldTo) };
    if (widen) lines = widen(lines.start, lines.end);
    if (!lines || lines.start <= headEnd) return undefined;
    const previous = spans[spans.length - 1];
    if (previous && lines.start <= previous.end) {
      previous.end = Math.max(previous.end, lines.end);
      previous.regions.push(r);
    } else {
      spans.push({ ...lines, regions: [r] });
    }
  }
  const parts: EditedLines[] = [];
  let chars = 0, moved = 0;
  for (const s of spans) {
    const pieces: string[] = [];
    let from = s.start;
    for (const r of s.regions) {
      pieces.push(before.slice(from, r.oldFrom), r.text);
      from = r.oldTo;
    }
    pieces.push(before.slice(from, s.end));
    const text = pieces.join('');
    chars += text.length;
    if (chars > MAX_EDITED_CHARS) return undefined;
    const line = 1 + memo.countBefore(before, '\n', s.start);
    const lastLine = line + count(before, '\n', s.start, s.end);
    const part = { start: s.start, end: s.end, text, firstLine: line, firstLineNow: line + moved, lastLine, moved: count(text, '\n', 0, text.length) - (lastLine - line), linted: 0 };
    parts.push(part);
    moved += part.moved;
  }
  return parts;
}

/** The last of `sorted` (in the order `holds` goes from true to false) for which `holds` is true. */
function last<T>(sorted: readonly T[], holds: (x: T) => boolean): T | undefined {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (holds(sorted[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo ? sorted[lo - 1] : undefined;
}

/**
 * The lines of a JSON array's `before` (its `[` at `open`) that hold the records touching lines [start, end): widened
 * to the first line of the first and the last line of the last, and on while another record starts on that line.
 * Undefined when no record touches them, or a comma comes before them (wholeRecords reads the edited lines).
 */
function recordLines(before: string, open: number, start: number, end: number, memo: ScanMemo): { start: number; end: number } | undefined {
  let first = -1, to = end;
  for (let i = memo.recordStartBefore(start) ?? skipWhitespace(before, open + 1); i < to; i = skipWhitespace(before, i)) {
    const c = before.charCodeAt(i);
    if (c === 0x5d) break;
    if (c === 0x2c) { i++; continue; }
    memo.passedRecord(i);
    const e = valueEnd(before, i);
    if (e > start) {
      if (first < 0) first = i;
      to = Math.max(to, lineEnd(before, e - 1));
    }
    i = e;
  }
  if (first < 0) return undefined;
  const from = Math.min(start, before.lastIndexOf('\n', first - 1) + 1);
  const previous = lastNonBlankChar(before, from);
  return previous === 0x2c || previous === 0x5b ? { start: from, end: to } : undefined;
}

/**
 * What scans of one `before` text found, for the next provisional answer on it (the worker keeps one while a session is
 * built: the edits then come one after another, and each would scan up to 50 MB again).
 */
export class ScanMemo {
  /** `step`: every this many characters, what the scans found there is noted. */
  constructor(private readonly step = 1 << 20) {}

  /** Per character counted (a CSV file's quotes, line breaks): how many come before offset k * step, as far as counted. */
  private readonly counts = new Map<string, number[]>();
  /** JSON array: the first record starting at or after each k * step, as far as scanned (-1: none there). */
  private readonly records: number[] = [];

  /** How many `ch` come before offset `to` of `text`. */
  countBefore(text: string, ch: string, to: number): number {
    let counted = this.counts.get(ch);
    if (!counted) this.counts.set(ch, (counted = [0]));
    const k = Math.floor(to / this.step);
    while (counted.length <= k) {
      const at = (counted.length - 1) * this.step;
      counted.push(counted[counted.length - 1] + count(text, ch, at, at + this.step));
    }
    return counted[k] + count(text, ch, k * this.step, to);
  }

  /** The last top-level record start noted at or before `offset`. */
  recordStartBefore(offset: number): number | undefined {
    for (let k = Math.min(Math.floor(offset / this.step), this.records.length - 1); k >= 0; k--) {
      const at = this.records[k];
      if (at >= 0 && at <= offset) return at;
    }
    return undefined;
  }

  /** A top-level record starts at `offset` (scans pass them in order). */
  passedRecord(offset: number): void {
    const k = Math.floor(offset / this.step);
    while (this.records.length < k) this.records.push(-1);
    if (this.records.length === k) this.records.push(offset);
  }
}

/**
 * The edited lines of a JSON array as records on their own (without the comma after the last, `last`: they end the
 * array), or undefined unless they are records separated by commas, ending with one unless `last`.
 */
function wholeRecords(edited: string, last: boolean): string | undefined {
  // Read as a part of an array after a comma: an extra or missing comma is a problem, a `]` closes it.
  const split = splitJsonValues(edited, 0, 'array-part');
  if (split.problems.length || split.closed || !split.values.length) return undefined;
  // Only blanks and at most one comma can follow the last record here.
  const end = split.values[split.values.length - 1][1];
  const endsWithComma = skipWhitespace(edited, end) < edited.length;
  return endsWithComma === last ? undefined : edited.slice(0, end);
}

/** An even number of quotes in text[from, to): for well-formed CSV, `to` is outside a quoted field if `from` is (28 ms over 50 MB). */
function quotesEven(text: string, from: number, to: number): boolean {
  return count(text, '"', from, to) % 2 === 0;
}

/** Offset of the line break that ends the line holding offset `at` (the text's length for the last line). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl;
}

function count(text: string, ch: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf(ch, from); i !== -1 && i < to; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** The first non-blank line (the file's first record) and the offset of its end. */
function firstLineOf(text: string): { text: string; end: number } | undefined {
  for (let at = 0; at < text.length;) {
    const end = lineEnd(text, at);
    const line = text.slice(at, end);
    if (line.trim()) return { text: line, end };
    at = end + 1;
  }
  return undefined;
}
