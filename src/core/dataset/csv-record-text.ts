/**
 * A CSV row as record text the rules can read, and the way back to the file. The rules locate values and make fixes
 * in a record's JSON text; a CSV row has none, so it gets one built from its cells, `{"column": cell, ...}`: a JSON
 * column's cell verbatim (the JSON the user wrote), any other cell as a JSON string. This map turns an offset in that
 * text into the file's line and column, and an edit of it (JSON syntax) into an edit of the cell (CSV syntax: quotes
 * doubled inside a quoted field; an unquoted field that would need quotes is rewritten whole, quoted).
 */
import type { CsvRow } from './csv';
import type { LineStarts } from './line-starts';
import type { Position, RecordFileMap, Span } from './types';

/** Where a field's text sits in the CSV text: [start, end) between its quotes when quoted. */
interface FieldSpan { start: number; end: number; quoted: boolean }

interface Piece {
  /** [start, end) of the cell's value in the record text. */
  start: number;
  end: number;
  /** 'json': the cell's text verbatim; 'string': the cell's text as a JSON string literal. */
  kind: 'json' | 'string';
  field: FieldSpan;
  /** The field's text after CSV unquoting. */
  value: string;
  /** decodedOffsets, once asked for (a finding's span asks for both of its ends). */
  decoded?: Int32Array;
}

type IsJson = (column: string, cell: string) => boolean;

/**
 * Whether JSON.stringify of a row's record lists its cells as the header does: not when a column name is an array
 * index (objects put those first) or `__proto__` (not an own key).
 */
export function stringifyKeepsHeaderOrder(header: readonly string[]): boolean {
  return header.every((h) => !/^(0|[1-9]\d*)$/.test(h) && h !== '__proto__');
}

/**
 * The record text of a valid row (`value`: its record) and its map to the file. `isJson` tells the cells that were
 * parsed as JSON. Without such a cell, and when `inOrder` (stringifyKeepsHeaderOrder), the text is
 * JSON.stringify(value): the same text, made at native speed. The map works out where each cell sits only when a
 * finding asks (most rows have none).
 */
export function csvRecordText(lines: LineStarts, header: readonly string[], row: CsvRow, value: Record<string, unknown>, isJson: IsJson,
  inOrder: boolean): { text: string; map: RecordFileMap } {
  const verbatim = !inOrder || header.some((name, k) => isJson(name, row.fields[k]));
  const text = verbatim ? layout(header, row.fields, isJson).text : JSON.stringify(value);
  return { text, map: csvRowMap(lines, header, row, isJson) };
}

/** The map of a row whose record text is known already (the same row read before under the same header). */
export function csvRowMap(lines: LineStarts, header: readonly string[], row: CsvRow, isJson: IsJson): RecordFileMap {
  return new CsvRowMap(lines, header, row, isJson);
}

/** The record text built cell by cell, and where each cell's value sits in it. */
function layout(header: readonly string[], fields: readonly string[], isJson: IsJson): { text: string; pieces: Omit<Piece, 'field'>[] } {
  let text = '{';
  const pieces: Omit<Piece, 'field'>[] = [];
  header.forEach((name, k) => {
    text += (k ? ',' : '') + JSON.stringify(name) + ':';
    const json = isJson(name, fields[k]);
    const start = text.length;
    text += json ? fields[k] : JSON.stringify(fields[k]);
    pieces.push({ start, end: text.length, kind: json ? 'json' : 'string', value: fields[k] });
  });
  return { text: text + '}', pieces };
}

class CsvRowMap implements RecordFileMap {
  private laidOut: Piece[] | undefined;

  constructor(private readonly lines: LineStarts, private readonly header: readonly string[], private readonly row: CsvRow,
    private readonly isJson: IsJson) {}

  private get pieces(): Piece[] {
    if (!this.laidOut) {
      const spans = this.row.spans;
      this.laidOut = layout(this.header, this.row.fields, this.isJson).pieces.map((p, k) => ({
        ...p, field: { start: spans[3 * k], end: spans[3 * k + 1], quoted: spans[3 * k + 2] === 1 },
      }));
    }
    return this.laidOut;
  }

  position(offset: number): Position {
    return this.lines.position(this.fileOffset(offset));
  }

  edit(start: number, end: number, newText: string): (Span & { newText: string }) | undefined {
    const p = this.pieces.find((q) => q.start <= start && end <= q.end);
    if (!p) return undefined;
    if (p.kind === 'json') {
      const a = start - p.start, b = end - p.start;
      if (p.field.quoted) return this.replaceRaw(p, a, b, newText.replace(/"/g, '""'));
      if (needsQuotes(newText)) return this.replaceCell(p, p.value.slice(0, a) + newText + p.value.slice(b));
      return this.replaceRaw(p, a, b, newText);
    }
    if (start === p.start && end === p.end) return this.replaceCell(p, parsedString(newText));
    if (start === p.start || end === p.end) return undefined; // an edit taking one quote of the literal
    const decoded = decodedOffsets(p);
    const a = decoded[start - p.start], b = decoded[end - p.start];
    const value = parsedString(`"${newText}"`);
    if (value === undefined) return undefined;
    if (p.field.quoted) return this.replaceRaw(p, a, b, value.replace(/"/g, '""'));
    if (needsQuotes(value)) return this.replaceCell(p, p.value.slice(0, a) + value + p.value.slice(b));
    return this.replaceRaw(p, a, b, value);
  }

  /** The file offset of a record-text offset; outside every cell: the row's start, a cell's start, or the row's end. */
  private fileOffset(offset: number): number {
    const p = this.pieces.find((q) => offset <= q.end);
    if (!p) return this.row.end;
    if (offset < p.start) return outerStart(p.field);
    if (p.kind === 'json') return rawOffset(p, offset - p.start);
    if (offset === p.start) return outerStart(p.field);
    if (offset === p.end) return outerEnd(p.field);
    return rawOffset(p, decodedOffsets(p)[offset - p.start]);
  }

  /** Replaces the field's unquoted text [a, b) (offsets in p.value) with raw CSV text. */
  private replaceRaw(p: Piece, a: number, b: number, raw: string): Span & { newText: string } {
    const from = this.lines.position(rawOffset(p, a));
    const to = this.lines.position(rawOffset(p, b));
    return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column, newText: raw };
  }

  /** Replaces the whole field, quotes included, with `value` written as CSV (quoted if it was or must be). */
  private replaceCell(p: Piece, value: string | undefined): (Span & { newText: string }) | undefined {
    if (value === undefined) return undefined;
    const from = this.lines.position(outerStart(p.field));
    const to = this.lines.position(outerEnd(p.field));
    const newText = p.field.quoted || needsQuotes(value) ? `"${value.replace(/"/g, '""')}"` : value;
    return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column, newText };
  }
}

function needsQuotes(s: string): boolean {
  return /[",\r\n]/.test(s);
}

function parsedString(json: string): string | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function outerStart(f: FieldSpan): number {
  return f.quoted ? f.start - 1 : f.start;
}

function outerEnd(f: FieldSpan): number {
  return f.quoted ? f.end + 1 : f.end;
}

/**
 * The file offset of unquoted offset `i` in a field: inside quotes each doubled quote is one character of the value.
 * The doubled quotes are few, so they are walked each time rather than indexed.
 */
function rawOffset(p: Piece, i: number): number {
  const f = p.field;
  if (!f.quoted || !p.value.includes('"')) return f.start + i;
  let raw = f.start;
  for (let k = 0; k < i; k++) raw += p.value.charCodeAt(k) === 0x22 ? 2 : 1;
  return raw;
}

/** For each offset of a 'string' piece's literal (and its end), the offset in the value it stands for. */
function decodedOffsets(p: Piece): Int32Array {
  return (p.decoded ??= literalOffsets(p.value));
}

function literalOffsets(value: string): Int32Array {
  const literal = JSON.stringify(value);
  const out = new Int32Array(literal.length + 1);
  let d = 0;
  out[0] = 0;
  for (let i = 1; i < literal.length - 1;) {
    const step = literal.charCodeAt(i) !== 0x5c ? 1 : literal.charCodeAt(i + 1) === 0x75 ? 6 : 2;
    for (let k = 0; k < step; k++) out[i + k] = d;
    i += step;
    d++;
  }
  out[literal.length - 1] = d;
  out[literal.length] = d;
  return out;
}
