/**
 * duplicate: a record whose training content equals an earlier one's after canonical key order and
 * whitespace normalisation. One 64-bit fingerprint per record in a Map keeps it a single linear pass.
 */
import type { LintRule } from '../context';
import { deleteRecordFix, RecordEnds } from './delete-record';

export const duplicateRule: LintRule = {
  code: 'duplicate',
  create(ctx) {
    const firstLine = new Map<string, number>();
    const ends = new RecordEnds();
    return {
      invalidRecord(rec) {
        ends.passed(rec);
      },
      record(r) {
        const rec = r.source;
        const key = r.fingerprint;
        if (key === undefined) return; // nested too deep to walk: not compared
        const first = firstLine.get(key);
        if (first === undefined) firstLine.set(key, rec.span.line);
        else {
          ctx.report({
            code: 'duplicate', severity: 'warning', span: rec.span,
            message: `duplicate of line ${first}`,
            related: [{ path: ctx.path, line: first, message: 'first occurrence' }],
            fixes: [deleteRecordFix(ctx, rec, ends.previous, 'Delete duplicate record')],
          });
        }
        ends.passed(rec);
      },
    };
  },
};
