/**
 * duplicate: a record whose training content equals an earlier one's after canonical key order and
 * whitespace normalisation. One 64-bit fingerprint per record in a Map keeps it a single linear pass.
 */
import { contentFingerprint } from '../../dataset/canonical';
import type { Position, RecordFormat, SourceRecord } from '../../dataset/types';
import type { FileContext, LintRule } from '../context';
import type { Fix } from '../types';

export const duplicateRule: LintRule = {
  code: 'duplicate',
  create(ctx) {
    const firstLine = new Map<string, number>();
    let previousEnd: Position | undefined;
    return {
      invalidRecord(rec) {
        previousEnd = { line: rec.span.endLine, column: rec.span.endColumn };
      },
      record(r) {
        const rec = r.source;
        const key = recordKey(r.value, r.format);
        if (key === undefined) return;
        const first = firstLine.get(key);
        if (first === undefined) firstLine.set(key, rec.span.line);
        else {
          ctx.report({
            code: 'duplicate', severity: 'warning', span: rec.span,
            message: `duplicate of line ${first}`,
            related: [{ path: ctx.path, line: first, message: 'first occurrence' }],
            fixes: [deleteRecordFix(ctx, rec, previousEnd)],
          });
        }
        previousEnd = { line: rec.span.endLine, column: rec.span.endColumn };
      },
    };
  },
};

function recordKey(value: unknown, format: RecordFormat): string | undefined {
  try {
    return contentFingerprint(value, format);
  } catch (e) {
    if (e instanceof RangeError) return undefined; // nested too deep to walk (JSON.parse is iterative, the walk is not): not compared
    throw e;
  }
}

/** JSONL: delete the whole line with its line break. Arrays and sequences: delete from the previous record's end, taking the comma. */
function deleteRecordFix(ctx: FileContext, rec: SourceRecord, previousEnd: Position | undefined): Fix {
  const edit = ctx.container === 'jsonl' || !previousEnd
    ? rec.newlineAfter
      ? { line: rec.line, column: 1, endLine: rec.line + 1, endColumn: 1 }
      : { line: rec.line, column: 1, endLine: rec.line, endColumn: rec.text.length + 1 }
    : { line: previousEnd.line, column: previousEnd.column, endLine: rec.span.endLine, endColumn: rec.span.endColumn };
  return { title: 'Delete duplicate record', edits: [{ ...edit, newText: '' }] };
}
