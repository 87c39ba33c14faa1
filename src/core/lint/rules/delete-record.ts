/** The "delete this record" quick fix shared by duplicate and near-duplicate. */
import type { DatasetContainer, Position, SourceRecord, Span } from '../../dataset/types';
import type { FileContext } from '../context';
import type { Fix } from '../types';

/** Remembers the previous record, whose end the fix of records in JSON arrays starts from. */
export class RecordEnds {
  private last: SourceRecord | undefined;

  passed(rec: SourceRecord): void {
    this.last = rec;
  }

  get previous(): Position | undefined {
    return this.last && { line: this.last.span.endLine, column: this.last.span.endColumn };
  }
}

/**
 * JSONL: delete the whole line with its line break. CSV: the row's lines with the break after them. Arrays and
 * sequences: delete from the previous record's end, taking the comma.
 */
export function deleteRecordFix(ctx: FileContext, rec: SourceRecord, previousEnd: Position | undefined, title: string): Fix {
  return deleteRecordSpanFix(ctx.container, rec.span, rec.newlineAfter, () => rec.text.length, previousEnd, title);
}

/** deleteRecordFix of a record known by its span (the parallel lint's merge): `length`, its text's, is rarely needed. */
export function deleteRecordSpanFix(container: DatasetContainer, s: Span, newlineAfter: boolean, length: () => number, previousEnd: Position | undefined, title: string): Fix {
  if (container === 'csv') {
    const edit = newlineAfter ? { line: s.line, column: 1, endLine: s.endLine + 1, endColumn: 1 } : { ...s, column: 1 };
    return { title, edits: [{ ...edit, newText: '' }] };
  }
  if (container === 'jsonl' || !previousEnd) return deleteLineFix(s.line, newlineAfter, newlineAfter ? 0 : length(), title);
  const edit = { line: previousEnd.line, column: previousEnd.column, endLine: s.endLine, endColumn: s.endColumn };
  return { title, edits: [{ ...edit, newText: '' }] };
}

/** Deletes line `line` with its line break, or its `length` characters when it has none (the text's last line). */
export function deleteLineFix(line: number, newlineAfter: boolean, length: number, title: string): Fix {
  const edit = newlineAfter
    ? { line, column: 1, endLine: line + 1, endColumn: 1 }
    : { line, column: 1, endLine: line, endColumn: length + 1 };
  return { title, edits: [{ ...edit, newText: '' }] };
}
