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

/**
 * The edits made to a text since some earlier text, and the part of the text they touched: [from, to) now, `delta`
 * characters longer than it was.
 */
export class EditedSpan {
  from = -1;
  to = -1;
  delta = 0;
  readonly changes: { offset: number; length: number; text: string }[] = [];

  /** One change, in the order applied: `length` characters at `offset` of the current text replaced by `text`. */
  add(offset: number, length: number, text: string): void {
    this.changes.push({ offset, length, text });
    const inserted = text.length;
    const d = inserted - length;
    if (this.from < 0) {
      this.from = offset;
      this.to = offset + inserted;
    } else {
      // What was after the change moves by d; what the change replaced is now its inserted text.
      this.to = Math.max(offset + inserted, this.to >= offset + length ? this.to + d : offset + inserted);
      this.from = Math.min(this.from, offset);
    }
    this.delta += d;
  }

  get empty(): boolean {
    return this.from < 0;
  }
}

/** Edited lines longer than this in all wait for the session: linting them would take as long (about 40 ms per MB). */
const MAX_EDITED_CHARS = 1_000_000;

/** Codes a lint of a few lines cannot tell (they compare records or sum up the file); schema's field checks it can. */
const WHOLE_FILE_CODES: readonly LintCode[] = LINT_CODES.filter((c) => c !== 'schema' && !PER_RECORD_CODES.includes(c));

/**
 * `result`, the full lint of plain JSONL or CSV text `before`, brought to the text the edits `span` made of it; undefined
 * when the edits reach the first record's line or the CSV header (the reader may take the text another way then), span
 * more than MAX_EDITED_CHARS, or may not be whole CSV rows before and after (a quoted field across their first or last
 * line), or are not whole records of a JSON array (widened to the records they touch). Only `before` is read: the edited
 * text is often a concatenation that any read would copy whole
 * (60 ms for 50 MB), and the edited lines are made from `before` and the edits.
 */
export function provisionalResult(path: string, before: string, result: FileLintResult, span: EditedSpan, options: LintOptions = {}, memo = new ScanMemo()): FileLintResult | undefined {
  if (span.empty) return result;
  // The text before `from` and after `to` did not change: line starts and ends found in `before` are the edited text's.
  let start = before.lastIndexOf('\n', span.from - 1) + 1;
  let endBefore = lineEnd(before, span.to - span.delta);
  const head = firstLineOf(before);
  if (head === undefined || start <= head.end) return undefined;
  // A JSON array's edited lines are read as an array of their own: they are widened to the records they touch.
  const array = head.text.trimStart().startsWith('[');
  const lines = array ? recordLines(before, before.indexOf('[', head.end - head.text.length), start, endBefore, memo) : { start, end: endBefore };
  if (!lines) return undefined;
  ({ start, end: endBefore } = lines);
  const endNow = endBefore + span.delta;
  if (endNow - start > MAX_EDITED_CHARS) return undefined;
  const firstLine = 1 + count(before, '\n', 0, start);
  const lastBefore = firstLine + count(before, '\n', start, endBefore);
  const edited = editedLines(before.slice(start, endBefore), start, span.changes);
  const csv = readsAsCsv(path);
  if (csv && !(quotesEven(head.text, 0, head.text.length) && memo.quotesBefore(before, start) % 2 === 0 && quotesEven(before, start, endBefore) && quotesEven(edited, 0, edited.length))) return undefined;
  const records = array ? wholeRecords(edited, before.charCodeAt(skipWhitespace(before, endBefore)) === 0x5d) : edited;
  if (records === undefined) return undefined;
  const moved = count(edited, '\n', 0, edited.length) - (lastBefore - firstLine);
  // A line of `before` in `now`; undefined for an edited one.
  const lineNow = (line: number): number | undefined => (line < firstLine ? line : line > lastBefore ? line + moved : undefined);
  const findings: Finding[] = [];
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
    else findings.push({ ...(line === f.line ? f : movedFinding(f, moved, path)), related, message });
  }
  // The edited lines after the file's first record, read as the file reads them: records of a JSONL file. That line's
  // own findings are dropped; it also stands for the file's format in schema's format check.
  const severity = { ...options.severity };
  for (const c of WHOLE_FILE_CODES) severity[c] = 'off';
  const region = lintSource(path, array ? `[\n${records}\n]` : head.text + '\n' + edited, { ...options, severity, maxFindingsPerCode: Infinity });
  const shift = firstLine - 2;
  for (const f of region.findings) {
    if (f.line <= 1) continue;
    const moved = movedFinding(f, shift, path);
    // A JSON array's record or a CSV row that does not read names its line: the region's, made the file's.
    if (f.code === 'invalid-json' && (array || csv)) moved.message = f.message.replace(/\bline (\d+)/, (_, n: string) => `line ${Number(n) + shift}`);
    findings.push(moved);
  }
  return { ...result, findings };
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

  /** CSV: quotes before offset k * step, as far as counted. */
  private readonly quotes = [0];
  /** JSON array: the first record starting at or after each k * step, as far as scanned (-1: none there). */
  private readonly records: number[] = [];

  quotesBefore(text: string, to: number): number {
    const k = Math.floor(to / this.step);
    while (this.quotes.length <= k) {
      const at = (this.quotes.length - 1) * this.step;
      this.quotes.push(this.quotes[this.quotes.length - 1] + count(text, '"', at, at + this.step));
    }
    return this.quotes[k] + count(text, '"', k * this.step, to);
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

/** The lines at offset `start` as the changes (offsets in the whole text, in order, all at or after `start`) leave them. */
function editedLines(lines: string, start: number, changes: readonly { offset: number; length: number; text: string }[]): string {
  for (const c of changes) {
    const at = c.offset - start;
    lines = lines.slice(0, at) + c.text + lines.slice(at + c.length);
  }
  return lines;
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
