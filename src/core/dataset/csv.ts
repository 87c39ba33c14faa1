/**
 * CSV datasets (RFC 4180: comma-separated, a header row, fields quoted with "..." where they hold commas, quotes
 * ("" inside quotes) or line breaks; CRLF or LF). Each row becomes a record object keyed by the header: columns such
 * as instruction/input/output, prompt/completion or text stay strings; a `messages`, `conversations` or `tools`
 * column holds JSON (as pandas' to_csv writes a list column after json.dumps). A valid row's record text is built
 * from its cells, with a map back to them (csv-record-text.ts): findings point into the cells and fixes edit them.
 */
import { csvRecordText, csvRowMap, stringifyKeepsHeaderOrder } from './csv-record-text';
import { isUtf8 } from 'node:buffer';
import { utf8Offsets } from './encoding';
import { countNewlines, LineStarts } from './line-starts';
import type { ReadProblem, SourceRecord } from './types';

/** Columns whose cells are JSON text. */
const JSON_COLUMNS = new Set(['messages', 'conversations', 'tools']);

export interface CsvRow {
  /** The fields' values (quotes undone). */
  readonly fields: string[];
  /**
   * Where each field's text sits, three numbers per field: [start, end) in the CSV text (between its quotes when
   * quoted) and 1 when quoted, else 0. Flat: a large file has millions of fields.
   */
  spans: number[];
  line: number;
  endLine: number;
  /** Offsets of the row's first character and just past its last (before the line break). */
  start: number;
  end: number;
  newlineAfter: boolean;
  error?: string;
}

/**
 * A row as parseCsv reads it. A quoted field with doubled quotes keeps its text as written until its value is asked
 * for: the editor reads a CSV document again at each edit and takes most rows' records from before
 * (record-reuse.ts), so undoing the quotes of every cell of JSON there would be a copy of the file each time.
 */
class ParsedRow implements CsvRow {
  readonly raw: string[] = [];
  /** Fields of `raw` whose doubled quotes are still to be undone. */
  doubled: number[] | undefined;
  readonly spans: number[] = [];
  endLine: number;
  end: number;
  newlineAfter = false;
  error?: string;

  constructor(readonly line: number, readonly start: number) {
    this.endLine = line;
    this.end = start;
  }

  get fields(): string[] {
    if (this.doubled) {
      for (const k of this.doubled) this.raw[k] = this.raw[k].replace(/""/g, '"');
      this.doubled = undefined;
    }
    return this.raw;
  }
}

/** A row read before, at the same place of text that did not change (KnownCsvRows): its extent. */
export interface KnownCsvRow {
  length: number;
  /** Line breaks inside it. */
  lines: number;
  /** Characters of the line break after it: 0 (end of text), 1 (LF) or 2 (CRLF). */
  newline: 0 | 1 | 2;
}

/**
 * The row read before that starts at `start` of `text` (the CSV text being read), when it and its line break are
 * unchanged: a valid row with as many fields as the header has.
 */
export type KnownCsvRows = (start: number, text: string) => KnownCsvRow | undefined;

/**
 * A row taken as it was read before (KnownCsvRows) instead of scanning it: its fields and their places are read only if
 * asked for (its record comes from before too, unless the header changed).
 */
class KnownRow implements CsvRow {
  readonly end: number;
  readonly endLine: number;
  readonly newlineAfter: boolean;
  private read?: CsvRow;

  constructor(private readonly text: string, readonly line: number, readonly start: number, known: KnownCsvRow) {
    this.end = start + known.length;
    this.endLine = line + known.lines;
    this.newlineAfter = known.newline > 0;
  }

  get fields(): string[] {
    return this.row().fields;
  }

  get spans(): number[] {
    return this.row().spans;
  }

  private row(): CsvRow {
    return (this.read ??= readRow(this.text, this.start, this.line).row);
  }
}

/**
 * Splits CSV text into rows of fields with the line each row starts on. Unterminated quotes end the text with an error
 * row. `known`: rows read before at unchanged places, taken without scanning them again (the editor's re-reads).
 */
export function parseCsv(text: string, known?: KnownCsvRows): CsvRow[] {
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0, line = 1;
  while (i < n) {
    const k = known?.(i, text);
    if (k) {
      rows.push(new KnownRow(text, line, i, k));
      i += k.length + k.newline;
      line += k.lines + (k.newline ? 1 : 0);
      continue;
    }
    const read = readRow(text, i, line);
    const row = read.row;
    i = read.next;
    line = read.line;
    if (!isBlankRow(row)) rows.push(row);
  }
  return rows;
}

/** Blank lines are not rows: one empty field (its places tell, without undoing quotes), and no error. */
export function isBlankRow(row: CsvRow): boolean {
  return row.spans.length === 3 && row.spans[0] === row.spans[1] && !row.error;
}

/** The row that starts at offset `i` (on `line`), with where the next one starts. */
export function readCsvRow(text: string, i: number, line: number): { row: CsvRow; next: number; line: number } {
  return readRow(text, i, line);
}

function readRow(text: string, i: number, line: number): { row: ParsedRow; next: number; line: number } {
  const n = text.length;
  const row = new ParsedRow(line, i);
  for (;;) {
    let field = '';
    if (text.charCodeAt(i) === 0x22) { // quoted
      const startLine = line;
      const at = row.spans.length;
      const start = ++i;
      row.spans.push(start, n, 1);
      // The value is sliced once and its doubled quotes undone when asked for (ParsedRow): built piece by piece, a
      // cell of JSON (a quote every few characters) became a deep string tree that cost more than the rest of the read.
      let doubled = false;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) {
          row.error = `a quoted field opened on line ${startLine} is never closed: add the closing "`;
          field = text.slice(start);
          i = n;
          break;
        }
        line += countNewlines(text, i, q);
        if (text.charCodeAt(q + 1) === 0x22) { doubled = true; i = q + 2; continue; }
        row.spans[at + 1] = q;
        field = text.slice(start, q);
        i = q + 1;
        break;
      }
      const c = text.charCodeAt(i);
      if (i < n && c !== 0x2c && c !== 0x0a && !(c === 0x0d && text.charCodeAt(i + 1) === 0x0a)) {
        row.error ??= c === 0x0d ? loneCr(line) : `unexpected text after a closing quote on line ${line}: a quote inside a quoted field must be doubled ("")`;
        if (doubled) field = field.replace(/""/g, '"'); // the text after the quote is taken as it is
        doubled = false;
        while (i < n && text.charCodeAt(i) !== 0x2c && text.charCodeAt(i) !== 0x0a) field += text[i++];
      }
      if (doubled) (row.doubled ??= []).push(row.raw.length);
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 0x2c || c === 0x0a) break;
        if (c === 0x0d) {
          if (text.charCodeAt(j + 1) === 0x0a) break;
          row.error ??= loneCr(line);
        }
        j++;
      }
      field = text.slice(i, j);
      row.spans.push(i, j, 0);
      i = j;
    }
    row.raw.push(field);
    if (i < n && text.charCodeAt(i) === 0x2c) { i++; continue; }
    break;
  }
  row.end = i;
  row.endLine = line;
  if (text.charCodeAt(i) === 0x0d) i++;
  if (text.charCodeAt(i) === 0x0a) { i++; line++; row.newlineAfter = true; }
  return { row, next: i, line };
}

/**
 * Python's csv module (the trainer's reader) ends a row at a carriage return alone, as old Mac files do; Tunelab's
 * lines, as JSONL's, end at line feeds. Rather than read such a row differently from the trainer, the row is reported.
 */
function loneCr(line: number): string {
  return `a carriage return (CR) without a line feed on line ${line}: the trainer would end the row there; save the file with LF or CRLF line ends`;
}


/**
 * A valid row read before under the same header: its record and record text, so that its cells are not parsed and laid
 * out again (the editor re-reads a CSV document at every edit; record-reuse.ts). The row is [start, end) of the text;
 * `header` is the header row as written.
 */
export type CsvRowReuse = (start: number, end: number, header: string) => { value: Record<string, unknown>; text: string } | undefined;

/** A CSV file's header: its column names, the row as written, and how its rows' records are made. */
export interface CsvColumns {
  names: string[];
  /** The header row as written. */
  text: string;
  isJson: (name: string, cell: string) => boolean;
  inOrder: boolean;
}

/** The header's columns, or its problems (fatal: no row can be read under it). */
export function csvColumns(header: CsvRow, text: string): { columns: CsvColumns; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const names = header.fields.map((h) => h.trim());
  const headerSpan = { line: header.line, column: 1, endLine: header.line, endColumn: 2 };
  if (header.error) problems.push({ kind: 'csv-syntax', fatal: true, span: headerSpan, message: `CSV header: ${header.error}` });
  const dup = names.find((h, k) => names.indexOf(h) !== k);
  if (dup !== undefined) problems.push({ kind: 'csv-syntax', fatal: true, span: headerSpan, message: `CSV header names the column "${dup}" twice: rename one` });
  const isJson = (name: string, cell: string): boolean => JSON_COLUMNS.has(name) && cell.trim() !== '';
  return { columns: { names, text: text.slice(header.start, header.end), isJson, inOrder: stringifyKeepsHeaderOrder(names) }, problems };
}

/** The records of a CSV file's text, problems with its header, and the header row as written. */
export function csvRecords(text: string, reuse?: CsvRowReuse, known?: KnownCsvRows): { records: SourceRecord[]; problems: ReadProblem[]; header?: string } {
  const rows = parseCsv(text, known);
  const records: SourceRecord[] = [];
  if (rows.length === 0) return { records, problems: [] };
  const { columns, problems } = csvColumns(rows[0], text);
  if (problems.length) return { records, problems, header: columns.text };
  const lines = new LineStarts(text);
  rows.slice(1).forEach((row, index) => records.push(csvRowRecord(text, row, index, columns, lines, reuse)));
  return { records, problems, header: columns.text };
}

/**
 * The records of a part of a CSV file that record-parts.ts cut (whole lines after the header, from `firstLine` on) under
 * the file's `header` row as written, as csvRecords reads them in the whole file, with their byte offsets in the part.
 * `clean`: false where the part does not read as such a part (bytes that are not UTF-8, a quoted field that runs past
 * its end): the file is then read whole instead.
 */
export function csvPartRecords(buf: Buffer, header: string, firstLine: number, last: boolean): { clean: boolean; records: SourceRecord[] } {
  const records: SourceRecord[] = [];
  if (!isUtf8(buf)) return { clean: false, records };
  const text = buf.toString('utf8');
  const columns = csvHeaderColumns(header);
  if (!columns) return { clean: false, records };
  const lines = new LineStarts(text, 0, text.length, firstLine);
  const byteAt = utf8Offsets(text);
  let i = 0, line = firstLine;
  while (i < text.length) {
    const read = readRow(text, i, line);
    const row = read.row;
    // A quoted field that the part's end cut (the cut was inside it after all) reads differently in the whole file.
    if (!last && !row.newlineAfter) return { clean: false, records: [] };
    if (!isBlankRow(row)) {
      const rec = csvRowRecord(text, row, records.length, columns, lines);
      rec.byteOffset = byteAt(row.start);
      rec.byteEnd = byteAt(row.end);
      records.push(rec);
    }
    i = read.next;
    line = read.line;
  }
  return { clean: true, records };
}

/**
 * The columns of a header row as written (without its line break), or undefined unless the reader takes it as one
 * valid header: a single row, not blank, without an error or a problem (a file cut for the parallel lint, whose parts
 * are read under it).
 */
export function csvHeaderColumns(header: string): CsvColumns | undefined {
  const { row, next } = readRow(header, 0, 1);
  if (next !== header.length || row.error || isBlankRow(row)) return undefined;
  const { columns, problems } = csvColumns(row, header);
  return problems.length ? undefined : columns;
}

/** The record of the row that `text` holds from its start (and that starts on `line`) under `columns`, as csvRecords makes it. */
export function csvRowRecordAt(text: string, line: number, columns: CsvColumns, index = 0): SourceRecord {
  return csvRowRecord(text, readRow(text, 0, line).row, index, columns, new LineStarts(text, 0, text.length, line));
}

/**
 * The record of a row after the header, as csvRecords makes it; `lines` are the line starts of `text` (a valid row's
 * span and map into its cells use them; an invalid row's do not). An invalid row's reason names the lines it spans.
 */
export function csvRowRecord(text: string, row: CsvRow, index: number, columns: CsvColumns, lines: LineStarts | undefined, reuse?: CsvRowReuse): SourceRecord {
  const { names, isJson } = columns;
  const rec: SourceRecord = {
    index, text: '', line: row.line, column: 1,
    span: { line: row.line, column: 1, endLine: row.line, endColumn: 2 }, // an invalid row's; a valid row's below
    byteOffset: 0, byteEnd: 0, newlineAfter: row.newlineAfter, offset: row.start,
  };
  const spanTo = (last: { line: number; column: number }): void => { rec.span = { line: row.line, column: 1, endLine: last.line, endColumn: last.column }; };
  const sourceText = text.slice(row.start, row.end);
  // A row taken as read before had no error and a field per column: its fields need not be read to tell.
  const fits = row instanceof KnownRow || (!row.error && row.spans.length === 3 * names.length);
  const kept = fits ? reuse?.(row.start, row.end, columns.text) : undefined;
  if (kept) {
    spanTo(lines!.position(row.end));
    rec.value = kept.value;
    rec.text = kept.text;
    rec.fileMap = csvRowMap(lines!, names, row, isJson);
    rec.sourceText = sourceText;
    return rec;
  }
  const value: Record<string, unknown> = {};
  let error = row.error;
  if (!error && row.fields.length !== names.length) {
    error = `row has ${row.fields.length} field${row.fields.length === 1 ? '' : 's'} but the header has ${names.length} columns (quote fields that contain commas)`;
  }
  if (!error) {
    names.forEach((name, k) => {
      const cell = row.fields[k];
      if (!isJson(name, cell)) { value[name] = cell; return; }
      try {
        value[name] = JSON.parse(cell);
      } catch (e) {
        error ??= `column "${name}" must hold JSON (a list of messages): ${(e as Error).message.replace(/ in JSON at position \d+.*$/s, '')}`;
      }
    });
  }
  if (error) {
    rec.text = JSON.stringify(row.fields);
    rec.error = { reason: error, offset: 0 };
  } else {
    spanTo(lines!.position(row.end));
    const built = csvRecordText(lines!, names, row, value, isJson, columns.inOrder);
    rec.text = built.text;
    rec.fileMap = built.map;
    rec.sourceText = sourceText;
    rec.value = value;
  }
  return rec;
}
