import type { Position, SourceRecord, Span } from './types';

/** Line and column of a UTF-16 offset in a record's text. */
export function positionInRecord(rec: SourceRecord, offset: number): Position {
  if (rec.fileMap) return rec.fileMap.position(offset);
  let line = rec.line;
  let lineStart = -1;
  for (let nl = rec.text.indexOf('\n'); nl !== -1 && nl < offset; nl = rec.text.indexOf('\n', nl + 1)) { line++; lineStart = nl; }
  return { line, column: lineStart === -1 ? rec.column + offset : offset - lineStart };
}

/** Span of text offsets [start, end) in a record. */
export function spanInRecord(rec: SourceRecord, start: number, end: number): Span {
  const a = positionInRecord(rec, start);
  const b = positionInRecord(rec, end);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

/** The file edit replacing text offsets [start, end) of a record with `newText`; undefined when the file cannot take it. */
export function editInRecord(rec: SourceRecord, start: number, end: number, newText: string): (Span & { newText: string }) | undefined {
  return rec.fileMap ? rec.fileMap.edit(start, end, newText) : { ...spanInRecord(rec, start, end), newText };
}
