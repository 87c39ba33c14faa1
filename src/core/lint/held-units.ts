/**
 * The records of an editor document that is not JSONL but that the lint session can still hold one by one: a JSON
 * array's values, a CSV file's rows. For an edit, a splice tells which of the previous records stay (those before it,
 * and those after it, moved), and which are read anew in between, found by splitting only the text near it
 * (resplitArray; for CSV, rows are read from the last row that ends before the edit to the first row that starts in
 * the text's unchanged end). The text is held in pieces (piece-text.ts) and read through a window around the edit,
 * widened while the split needs more, so that an edit copies neither the text nor its records. Each record is kept at
 * the line it starts on, so two records may not start on one line (a one-line array); such text, and any the reader
 * would take otherwise, gives no splice.
 */
import { resplitArray } from '../dataset/array-resplit';
import { csvColumns, csvRowRecordAt, isBlankRow, readCsvRow, type CsvColumns } from '../dataset/csv';
import { countNewlines } from '../dataset/line-starts';
import { splitJsonValues, type SplitResult } from '../dataset/json-scan';
import { PieceText, WINDOW_TOO_SMALL, type TextWindow } from '../dataset/piece-text';
import { firstIndexWhere } from '../dataset/sorted-search';
import { firstNonBlankChar, splitProblemsAt, wellFormed } from '../dataset/read';
import type { ReadProblem, SourceRecord } from '../dataset/types';
import { copyOf } from './text-affixes';

/** A held document's records: where each starts and ends in its text, and the line index it starts on. */
export interface HeldLayout {
  kind: 'json-array' | 'csv';
  /** The text after any byte order mark (`bom`), which offsets count from. */
  text: PieceText;
  bom?: boolean;
  starts: number[];
  /** A value's end; a row's next row start (after its line break). */
  ends: number[];
  lines: number[];
  problems: ReadProblem[];
  array?: { open: number; openLine: number; split: SplitResult };
  csv?: { columns: CsvColumns; headerEnd: number };
}

/** A record read anew: the line index it starts on, the key a moved record is found by, and how to read it. */
export interface FreshUnit {
  line: number;
  key: string;
  /** Its record, placed at line `origin` (its findings are moved by the lines it lies below that). */
  read(): { rec: SourceRecord; origin: number };
}

export interface Splice {
  layout: HeldLayout;
  /**
   * The previous records [0, first) stay, [first, resumed) go, and the later ones stay, moved; `fresh` come between.
   * `whole`: every record was read anew (the previous ones all go).
   */
  first: number;
  resumed: number;
  fresh: FreshUnit[];
  whole: boolean;
}

/**
 * The splice for `text` (after any byte order mark), equal to the previous text in its first `same` and last `sameEnd`
 * characters (`prev` undefined: every record is fresh). Undefined where the reader would not take the text as held
 * records.
 */
export function* spliceHeld(kind: HeldLayout['kind'], text: PieceText, prev: HeldLayout | undefined, same: number, sameEnd: number): Generator<void, Splice | undefined> {
  if (prev && prev.kind !== kind) prev = undefined;
  const total = text.length;
  // The reader decodes a lone surrogate as bytes would (U+FFFD), and reads text with a NUL from its bytes: the held
  // text had neither, so only the changed span (with a character either side, for surrogate pairs) is looked at.
  if (prev) {
    const changed = text.slice(same - 1, total - sameEnd + 1);
    if (!wellFormed(changed) || changed.includes('\0')) prev = undefined;
  }
  // An edit of the header or up to the array's `[` reads the whole text again.
  if (prev && !(kind === 'csv' ? prev.csv!.headerEnd < same : same > prev.array!.open)) prev = undefined;
  if (!prev) {
    const flat = text.toString();
    if (flat.charCodeAt(0) === 0xfeff || !wellFormed(flat) || flat.includes('\0')) return undefined; // a second mark: not held
    const w: TextWindow = { text: flat, base: 0, total };
    return yield* kind === 'csv' ? spliceCsv(w, text, undefined, 0, 0, 0, 0) : spliceArray(w, text, undefined, 0, 0, 0);
  }
  // Lines the edit added (the changed span's newlines, new less old).
  const lineDelta = text.countNewlines(same, total - sameEnd) - prev.text.countNewlines(same, prev.text.length - sameEnd);
  // The records before `first` end before the edit. The window starts at the line of the last of them (the splits count
  // lines from its start).
  const ends = prev.ends;
  const first = firstIndexWhere(ends.length, (k) => ends[k] >= same);
  // Past a megabyte the window is the whole text, made one string once (a quote that makes the rest of an array one
  // string is split to the end: windows widened to there were each copied and scanned again).
  const from = first ? text.lineStart(prev.starts[first - 1]) : 0;
  for (let end = total - sameEnd + 4096; ; end = from + 4 * (end - from)) {
    const whole = end - from > WHOLE_TEXT_WINDOW;
    const w: TextWindow = whole ? { text: text.toString(), base: 0, total } : { text: text.slice(from, end), base: from, total };
    try {
      return yield* kind === 'csv' ? spliceCsv(w, text, prev, same, sameEnd, first, lineDelta) : spliceArray(w, text, prev, same, sameEnd, lineDelta);
    } catch (e) {
      if (e !== WINDOW_TOO_SMALL || whole || end >= total) throw e;
    }
  }
}

/**
 * A whole text's split pauses after every PAUSE_UNITS + 1 records (a session's build goes on in steps between which the
 * editor's edits are answered: the first step of 50 MB was 140-160 ms).
 */
const PAUSE_UNITS = 4095;

/** The widest window taken from the pieces; a wider one is the whole text. */
const WHOLE_TEXT_WINDOW = 1 << 20;

/** `w` holds the text from the line of the value before the first one re-read (all of it when `prev` is undefined). */
function* spliceArray(w: TextWindow, src: PieceText, prev: HeldLayout | undefined, same: number, sameEnd: number, lineDelta: number): Generator<void, Splice | undefined> {
  const { text, base, total } = w;
  const limit = base + text.length;
  const was = prev?.array;
  let split;
  let open: number, openLine: number;
  if (prev && was) {
    ({ open, openLine } = was);
    const nl = text.indexOf('\n', total - sameEnd - base);
    if (nl === -1 && limit < total) throw WINDOW_TOO_SMALL;
    // Values after the edit keep their columns only from the line after it on.
    split = resplitArray(was.split, w, total - prev.text.length, same, sameEnd, open, nl === -1 ? Infinity : base + nl + 1);
  } else {
    open = firstNonBlankChar(text, 0);
    if (text.charCodeAt(open) !== 0x5b) return undefined;
    openLine = countNewlines(text, 0, open);
    const whole = splitJsonValues(text, open, 'array');
    split = { ...whole, first: 0, resumed: 0, resumedAt: whole.values.length };
  }
  // `[1, 2]` and more lines may be JSONL of arrays: the reader decides. When the split took the previous values back,
  // what follows them is the previous text's end (blank); else it is read, past the window too.
  if (split.closed && !(was && split.resumed < was.split.values.length)) {
    const after = firstNonBlankChar(text, split.end - base);
    if (after < text.length) return undefined;
    if (limit < total) throw WINDOW_TOO_SMALL;
  }
  const { first, resumed, resumedAt } = split;
  const starts = split.values.map((v) => v[0]), ends = split.values.map((v) => v[1]);
  const lines = prev ? prev.lines.slice(0, first) : [];
  const fresh: FreshUnit[] = [];
  let line = first ? lines[first - 1] : openLine, at = first ? starts[first - 1] : open;
  // The window starts a line (or the text).
  const lineStart = (i: number): number => base + text.lastIndexOf('\n', i - base - 1) + 1;
  for (let k = first; k < resumedAt; k++) {
    if ((k & PAUSE_UNITS) === PAUSE_UNITS) yield;
    const s = starts[k], e = ends[k];
    line += countNewlines(text, at - base, s - base);
    at = s;
    if (lines.length && line <= lines[lines.length - 1]) return undefined; // two values on one line
    lines.push(line);
    const column = s - lineStart(s) + 1, endLine = 1 + countNewlines(text, s - base, e - base), endColumn = e - lineStart(e) + 1;
    // A copy after the first read: a slice would keep the window (or the whole text) alive with the record.
    const own = prev ? copyOf(text.slice(s - base, e - base)) : text.slice(s, e);
    fresh.push({
      line, key: `${column}:${own}`,
      read: () => ({
        rec: { index: 0, text: own, line: 1, column, span: { line: 1, column, endLine, endColumn }, byteOffset: 0, byteEnd: 0, newlineAfter: false },
        origin: 1,
      }),
    });
  }
  if (!tailMoves(prev, lines, resumed, lineDelta)) return undefined;
  const problems = split.problems.length ? splitProblemsAt(split.problems, (i) => ({ line: 1 + src.newlinesBefore(i), column: i - src.lineStart(i) + 1 })) : [];
  return { layout: { kind: 'json-array', text: src, starts, ends, lines, problems, array: { open, openLine, split } }, first, resumed, fresh, whole: !prev };
}

/** As spliceArray: `w` from the line of the row before row `first`, the first that does not end before the edit. */
function* spliceCsv(w: TextWindow, src: PieceText, prev: HeldLayout | undefined, same: number, sameEnd: number, first: number, lineDelta: number): Generator<void, Splice | undefined> {
  const { text, base, total } = w;
  const limit = base + text.length;
  const was = prev?.csv;
  let columns: CsvColumns, headerEnd: number;
  let i: number, line: number; // line: 1-based, as the CSV reader counts
  if (prev && was) {
    ({ columns, headerEnd } = was);
    // Rows before `first` end (line break included) before the edit: they read the same.
    i = first ? prev.ends[first - 1] : headerEnd;
    line = 1 + (first ? prev.lines[first - 1] + countNewlines(text, prev.starts[first - 1] - base, i - base) : countNewlines(text, 0, headerEnd));
  } else {
    let header;
    for (i = 0, line = 1; i < total && !header;) {
      const read = readCsvRow(text, i, line);
      if (!isBlankRow(read.row)) header = read.row;
      i = read.next;
      line = read.line;
    }
    if (!header) return undefined; // no rows: the reader's empty file
    const made = csvColumns(header, text);
    if (made.problems.length) return undefined; // the reader reports the header and reads no rows
    columns = made.columns;
    headerEnd = i;
  }
  const starts = prev ? prev.starts.slice(0, first) : [], ends = prev ? prev.ends.slice(0, first) : [];
  const lines = prev ? prev.lines.slice(0, first) : [];
  const fresh: FreshUnit[] = [];
  const from = total - sameEnd, delta = total - (prev?.text.length ?? 0);
  let resumed = prev ? prev.starts.length : 0;
  for (let k = 0; i < total; k++) {
    if ((k & PAUSE_UNITS) === PAUSE_UNITS) yield;
    if (prev && i >= from) {
      const j = startingAt(prev.starts, i - delta);
      if (j >= 0) {
        resumed = j;
        break;
      }
    }
    const read = readCsvRow(text, i - base, line);
    const next = read.next + base;
    if (next >= limit && limit < total) throw WINDOW_TOO_SMALL; // the row may go on past the window
    if (!isBlankRow(read.row)) {
      const s = i;
      starts.push(s);
      ends.push(next);
      lines.push(line - 1);
      const own = prev ? copyOf(text.slice(s - base, next - base)) : text.slice(s, next);
      fresh.push({
        line: line - 1, key: own,
        read: () => {
          const rec = csvRowRecordAt(own, 2, columns);
          return { rec, origin: rec.line };
        },
      });
    }
    i = next;
    line = read.line;
  }
  if (prev && resumed < prev.starts.length) {
    for (let k = resumed; k < prev.starts.length; k++) {
      starts.push(prev.starts[k] + delta);
      ends.push(prev.ends[k] + delta);
    }
  }
  if (!tailMoves(prev, lines, resumed, lineDelta)) return undefined;
  return { layout: { kind: 'csv', text: src, starts, ends, lines, problems: [], csv: { columns, headerEnd } }, first, resumed, fresh, whole: !prev };
}

/** Held CSV row k, which starts on `line`, as the reader makes its record from the held text (its map into the cells too). */
export function csvRecordAt(held: HeldLayout, k: number, line: number): SourceRecord {
  const start = held.starts[k];
  const text = held.text.slice(start, held.ends[k]); // the row starts a line: positions come out the same
  return { ...csvRowRecordAt(text, line, held.csv!.columns, k), offset: start };
}

/** Adds the previous records from `resumed` on to `lines`, moved by the `d` lines the edit added; false if one would start on a line taken. */
function tailMoves(prev: HeldLayout | undefined, lines: number[], resumed: number, d: number): boolean {
  if (!prev || resumed >= prev.lines.length) return true;
  if (lines.length && prev.lines[resumed] + d <= lines[lines.length - 1]) return false;
  for (let k = resumed; k < prev.lines.length; k++) lines.push(prev.lines[k] + d);
  return true;
}

/** Index of the offset in ascending `offsets` equal to `offset`, or -1. */
function startingAt(offsets: readonly number[], offset: number): number {
  const k = firstIndexWhere(offsets.length, (j) => offsets[j] >= offset);
  return offsets[k] === offset ? k : -1;
}

