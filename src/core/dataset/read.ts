/**
 * Reading dataset files into records. JSONL goes through the fast loop: split the Buffer on byte 0x0A and
 * JSON.parse each line (about 3x faster than readline). A file whose first character is `[` is read as one
 * JSON array, and a file of pretty-printed objects as a sequence, both with exact line numbers.
 */
import { isUtf8 } from 'node:buffer';
import { csvRecords, type CsvRowReuse, type KnownCsvRows } from './csv';
import { fatalEncodingProblem, invalidUtf8Problem, spanAtLine, utf8BomLength, utf8Offsets } from './encoding';
import { decodedTable } from './parquet';
import { describeJsonError, splitJsonValues, type SplitProblem } from './json-scan';
import { countNewlines } from './line-starts';
import type { DatasetContainer, Position, ReadProblem, SourceRecord } from './types';

export interface OpenedDataset {
  container: DatasetContainer;
  /** File-level problems; after a fatal one there are no records. forEachRecord may add more. */
  problems: ReadProblem[];
  /** Calls onRecord for each record in file order and returns how many there were. */
  forEachRecord(onRecord: (rec: SourceRecord) => void): number;
  /** A CSV file's header row as written: with a row's `sourceText`, it settles the row's record. */
  csvHeader?: string;
}

/**
 * Opens a dataset held in memory. A Buffer is the file's bytes (encoding is checked); a string is text an
 * editor already decoded. `name` (the file's path) picks CSV by its `.csv` extension; Parquet files come as the
 * bytes decodeParquet made of them.
 */
/**
 * `opts.jsonl`: read as JSON Lines whatever its first line looks like (a slice of a JSONL file, cut at a line break).
 */
export function openDataset(input: Buffer | string, name = '', opts: { csvReuse?: CsvRowReuse; csvRows?: KnownCsvRows; jsonl?: boolean } = {}): OpenedDataset {
  // The editor's text as the reader would decode it from its bytes, without decoding it again (tens of ms on a large
  // document at every edit); not when it holds a lone surrogate, which the bytes carry as U+FFFD.
  const known = typeof input === 'string' && wellFormed(input) ? input.slice(input.charCodeAt(0) === 0xfeff ? 1 : 0) : undefined;
  // Nor is such text encoded unless something needs its bytes (JSONL read line by line, a NUL to place): a large
  // document's bytes at every edit cost their encoding and, as memory outside the heap, full garbage collections.
  const text = typeof input === 'string' && known !== undefined && !input.includes('\0') ? input : undefined;
  let bytes = text === undefined ? (typeof input === 'string' ? Buffer.from(input, 'utf8') : input) : undefined;
  const buf = (): Buffer => (bytes ??= Buffer.from(text!, 'utf8'));
  const table = decodedTable(input);
  if (table?.problem) {
    return { container: 'parquet', problems: [{ kind: 'parquet', fatal: true, message: table.problem, span: spanAtLine(1) }], forEachRecord: () => 0 };
  }
  // Without a NUL only the first bytes decide (byte order marks, compressed formats' magic numbers).
  const fatal = fatalEncodingProblem(bytes ?? Buffer.from(text!.slice(0, 8), 'utf8'));
  if (fatal) return { container: 'jsonl', problems: [fatal], forEachRecord: () => 0 };
  const start = bytes ? utf8BomLength(bytes) : text!.charCodeAt(0) === 0xfeff ? 3 : 0;
  const problems: ReadProblem[] = [];
  const badBytes = typeof input === 'string' ? undefined : invalidUtf8Problem(input, start);
  if (badBytes) problems.push(badBytes);
  if (table) return { container: 'parquet', problems, forEachRecord: (cb) => forEachJsonlRecord(buf(), start, problems, cb) };
  if (opts.jsonl) return { container: 'jsonl', problems, forEachRecord: (cb) => forEachJsonlRecord(buf(), start, problems, cb) };
  if (readsAsCsv(name)) return openCsv(known ?? wholeText(buf(), start), () => buf().length, problems, opts.csvReuse, opts.csvRows);

  // Only ASCII blanks precede the first character, so bytes and UTF-16 units agree up to it.
  const offset = known !== undefined ? firstNonBlankChar(known, 0) : firstNonBlank(buf(), start) - start;
  const firstChar = known !== undefined ? known.charCodeAt(offset) : buf()[start + offset];
  const firstLineOk = (): boolean => (known !== undefined ? firstLineParsesText(known, offset) : firstLineParses(buf(), start + offset));
  if (offset >= 0 && firstChar === 0x5b) {
    const whole = known ?? wholeText(buf(), start);
    if (whole === undefined) {
      problems.push({
        kind: 'record-too-large', fatal: true, span: { line: 1, column: 1, endLine: 1, endColumn: 2 },
        message: `the file is too large (${Math.round(buf().length / 2 ** 20)} MiB) to read as one JSON array; convert it to JSONL with one record per line`,
      });
      return { container: 'json-array', problems, forEachRecord: () => 0 };
    }
    const opened = openArray(whole, offset, start, problems, firstLineOk);
    if (opened) return opened;
  } else if (offset >= 0 && firstChar === 0x7b && !firstLineOk()) {
    // An invalid first line may be the start of pretty-printed records; if the text is too large to hold, it is JSONL.
    const whole = known ?? wholeText(buf(), start);
    const opened = whole === undefined ? undefined : openSequence(whole, offset, start, problems);
    if (opened) return opened;
  }
  return { container: 'jsonl', problems, forEachRecord: (cb) => forEachJsonlRecord(buf(), start, problems, cb) };
}

/** The reader takes a file as CSV by its name. */
export function readsAsCsv(name: string): boolean {
  return /\.csv$/i.test(name);
}

/** `text`: the file's text after any BOM (undefined: too large to hold), of size() bytes. */
function openCsv(text: string | undefined, size: () => number, problems: ReadProblem[], reuse?: CsvRowReuse, rows?: KnownCsvRows): OpenedDataset {
  if (text === undefined) {
    problems.push({ kind: 'record-too-large', fatal: true, span: spanAtLine(1), message: `the CSV file is too large (${Math.round(size() / 2 ** 20)} MiB) to read at once; split it or convert it to JSONL` });
    return { container: 'csv', problems, forEachRecord: () => 0 };
  }
  const csv = csvRecords(text, reuse, rows);
  problems.push(...csv.problems);
  return { container: 'csv', problems, csvHeader: csv.header, forEachRecord: (cb) => { csv.records.forEach(cb); return csv.records.length; } };
}

/** The valid record that covers 1-based `line` of a dataset's text (a CSV row or a pretty-printed record may span lines). */
export function recordAtLine(text: string, name: string, line: number): SourceRecord | undefined {
  let found: SourceRecord | undefined;
  openDataset(text, name).forEachRecord((r) => {
    if (!found && r.value !== undefined && r.span.line <= line && line <= r.span.endLine) found = r;
  });
  return found;
}

/** Reads every record into memory; for small files and tests. Linting streams with openDataset instead. */
export function readDataset(input: Buffer | string, name = ''): { container: DatasetContainer; problems: ReadProblem[]; records: SourceRecord[] } {
  const ds = openDataset(input, name);
  const records: SourceRecord[] = [];
  ds.forEachRecord((r) => records.push(r));
  return { container: ds.container, problems: ds.problems, records };
}

/**
 * Lines longer than this are reported and skipped instead of parsed: no training record is that long (128k tokens of
 * text are about 0.5 MiB), and every rule would spend seconds and hundreds of MiB on one.
 */
export const MAX_RECORD_BYTES = 16 * 2 ** 20;

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0);
}

function forEachJsonlRecord(buf: Buffer, start: number, problems: ReadProblem[], onRecord: (rec: SourceRecord) => void): number {
  let index = 0;
  let line = 1;
  for (let s = start; s < buf.length; line++) {
    const nl = buf.indexOf(0x0a, s);
    const lineEnd = nl === -1 ? buf.length : nl;
    const e = lineEnd > s && buf[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
    let lead = s;
    while (lead < e && isBlankByte(buf[lead])) lead++;
    if (lead < e && e - s > MAX_RECORD_BYTES) {
      problems.push({
        kind: 'record-too-large', fatal: false, span: { line, column: 1, endLine: line, endColumn: 2 },
        message: `line ${line} is ${mib(e - s)} MiB long, over the ${mib(MAX_RECORD_BYTES)} MiB a record may have (a model's whole context is well under 1 MiB of text): `
          + 'split it into several records or remove it; it was not checked further',
      });
    } else if (lead < e) {
      let text: string | undefined;
      try {
        text = buf.toString('utf8', s, e);
      } catch {
        problems.push({
          kind: 'record-too-large', fatal: false, span: { line, column: 1, endLine: line, endColumn: 2 },
          message: `line ${line} is too long to read (${Math.round((e - s) / 2 ** 20)} MiB); split the record`,
        });
      }
      if (text !== undefined) {
        let trail = text.length;
        while (trail > 0 && isBlankCode(text.charCodeAt(trail - 1))) trail--;
        const rec: SourceRecord = {
          index: index++, text, line, column: 1,
          span: { line, column: lead - s + 1, endLine: line, endColumn: trail + 1 },
          byteOffset: s, byteEnd: e, newlineAfter: nl !== -1,
        };
        parseInto(rec);
        onRecord(rec);
      }
    }
    if (nl === -1) break;
    s = nl + 1;
  }
  return index;
}

function openArray(text: string, offset: number, byteStart: number, problems: ReadProblem[], firstLineOk: () => boolean): OpenedDataset | undefined {
  const split = splitJsonValues(text, offset, 'array');
  const after = firstNonBlankChar(text, split.end);
  if (split.closed && after < text.length) {
    // `[1,2]` on line 1 followed by more lines: a JSONL file whose records are arrays.
    if (firstLineOk()) return undefined;
    split.problems.push({ offset: after, message: 'unexpected content after the closing `]` of the JSON array: remove it or move it inside the array' });
  }
  for (const p of arraySyntaxProblems(text, split.problems)) problems.push(p);
  return { container: 'json-array', problems, forEachRecord: (cb) => emitSlices(text, split.values, byteStart, cb) };
}

function openSequence(text: string, offset: number, byteStart: number, problems: ReadProblem[]): OpenedDataset | undefined {
  const split = splitJsonValues(text, offset, 'sequence');
  const [s, e] = split.values[0] ?? [0, 0];
  const firstText = text.slice(s, e);
  if (!firstText.includes('\n') || !parses(firstText)) return undefined;
  const endLine = lineAt(text, e - 1);
  problems.push({
    kind: 'multi-line-records', fatal: false,
    span: { line: lineAt(text, s), column: 1, endLine, endColumn: e - text.lastIndexOf('\n', e - 1) },
    message: `records span several lines (the first one lines ${lineAt(text, s)}-${endLine}), but JSONL needs each record on one line: ` +
      're-save with one record per line, e.g. `jq -c . FILE > OUT.jsonl`, or wrap the records in a JSON array',
  });
  return { container: 'json-sequence', problems, forEachRecord: (cb) => emitSlices(text, split.values, byteStart, cb) };
}

/**
 * A part of a JSON array's file that record-parts.ts cut (whole lines: the first part from the `[`, the others from
 * after a comma between records, the last to the `]`), read as openDataset reads the whole file there, its records
 * numbered from line `firstLine` and their byte offsets the part's. `clean`: false where the part does not read as
 * such a part (bytes that are not UTF-8, a structural slip, a part that ends inside a record): the file is then read
 * whole instead, which words the problem.
 */
export function openArrayPart(buf: Buffer, firstLine: number, first: boolean, last: boolean): { clean: boolean; dataset: OpenedDataset } {
  const text = isUtf8(buf) ? buf.toString('utf8') : '';
  const open = first ? firstNonBlankChar(text, 0) : 0;
  const split = splitJsonValues(text, first ? open + 1 : 0, 'array-part');
  const clean = text.length > 0 && split.problems.length === 0 && (!first || text.charCodeAt(open) === 0x5b) && (first || split.values.length > 0)
    && (last ? split.closed && firstNonBlankChar(text, split.end) === text.length : !split.closed && lastNonBlankChar(text) === 0x2c);
  return { clean, dataset: { container: 'json-array', problems: [], forEachRecord: (cb) => (clean ? emitSlices(text, split.values, 0, cb, firstLine) : 0) } };
}

/** The last character before `to` that is not a blank or a line break (-1: none). */
export function lastNonBlankChar(text: string, to = text.length): number {
  let i = to - 1;
  while (i >= 0 && (isBlankCode(text.charCodeAt(i)) || text.charCodeAt(i) === 10)) i--;
  return i < 0 ? -1 : text.charCodeAt(i);
}

/** Emits the records at [start, end) offsets of `text`, tracking line, column and byte offset in one forward pass. */
function emitSlices(text: string, values: [number, number][], byteStart: number, onRecord: (rec: SourceRecord) => void, firstLine = 1): number {
  let line = firstLine, lineStart = 0, scanned = 0;
  const moveTo = (k: number): void => {
    for (let nl = text.indexOf('\n', scanned); nl !== -1 && nl < k; nl = text.indexOf('\n', nl + 1)) { line++; lineStart = nl + 1; }
    scanned = k;
  };
  const byteOffset = utf8Offsets(text, byteStart);
  values.forEach(([s, e], index) => {
    moveTo(s);
    const startLine = line, startColumn = s - lineStart + 1;
    const byteOffsetStart = byteOffset(s);
    moveTo(e);
    const rec: SourceRecord = {
      index, text: text.slice(s, e), line: startLine, column: startColumn,
      span: { line: startLine, column: startColumn, endLine: line, endColumn: e - lineStart + 1 },
      byteOffset: byteOffsetStart, byteEnd: byteOffset(e), newlineAfter: false, offset: s,
    };
    parseInto(rec);
    onRecord(rec);
  });
  return values.length;
}

/** A JSON array's split problems as the reader reports them (the editor's session splits arrays itself). */
export function arraySyntaxProblems(text: string, from: readonly SplitProblem[]): ReadProblem[] {
  return splitProblemsAt(from, (offset) => ({ line: lineAt(text, offset), column: offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1 }));
}

/** The split's problems as read problems, placed by `position` (the 1-based line and column of an offset). */
export function splitProblemsAt(from: readonly SplitProblem[], position: (offset: number) => Position): ReadProblem[] {
  return from.map((p) => {
    const { line, column } = position(p.offset);
    return { kind: 'array-syntax', fatal: false, span: { line, column, endLine: line, endColumn: column + 1 }, message: p.message };
  });
}

/** No lone surrogate (String.prototype.isWellFormed, Node 20+; false where it is missing: the bytes then decide). */
export const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed?: () => boolean }).isWellFormed?.() ?? false;

/** The file as one string, or undefined when it is over V8's string limit (about 512 MiB). */
function wholeText(buf: Buffer, start: number): string | undefined {
  try {
    return buf.toString('utf8', start);
  } catch {
    return undefined;
  }
}

function parseInto(rec: SourceRecord): void {
  try {
    rec.value = JSON.parse(rec.text);
  } catch (e) {
    rec.error = describeJsonError(e, rec.text);
  }
}

function parses(text: string): boolean {
  try { JSON.parse(text); return true; } catch { return false; }
}

function firstLineParses(buf: Buffer, from: number): boolean {
  const nl = buf.indexOf(0x0a, from);
  const end = nl === -1 ? buf.length : nl;
  // A line over the record limit is not the `{` of a pretty-printed record: read as JSONL, which reports it.
  if (end - from > MAX_RECORD_BYTES) return true;
  return parses(buf.toString('utf8', from, end));
}

/** firstLineParses of text: the line from `from` parses (or is over the record limit, which JSONL reading reports). */
function firstLineParsesText(text: string, from: number): boolean {
  const nl = text.indexOf('\n', from);
  const line = text.slice(from, nl === -1 ? text.length : nl);
  if (line.length * 3 > MAX_RECORD_BYTES && Buffer.byteLength(line) > MAX_RECORD_BYTES) return true;
  return parses(line);
}

/** 1-based line of a UTF-16 offset; used for a handful of problems, not per record. */
function lineAt(text: string, offset: number): number {
  return 1 + countNewlines(text, 0, offset);
}

/** Offset of the first byte from `from` on that is not a blank or a line break (-1: none). */
export function firstNonBlank(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length; i++) if (!isBlankByte(buf[i]) && buf[i] !== 0x0a) return i;
  return -1;
}

/** Offset of the first character from `from` on that is not a blank or a line break (text.length: none). */
export function firstNonBlankChar(text: string, from: number): number {
  let i = from;
  while (i < text.length && (isBlankCode(text.charCodeAt(i)) || text.charCodeAt(i) === 10)) i++;
  return i;
}

function isBlankByte(b: number): boolean { return b === 0x20 || b === 0x09 || b === 0x0d; }
function isBlankCode(c: number): boolean { return c === 0x20 || c === 0x09 || c === 0x0d; }
