/**
 * duplicate: a record whose training content equals an earlier one's after canonical key order and
 * whitespace normalisation. One 64-bit fingerprint per record (a dense id of it, see fingerprintId) keeps it a
 * single linear pass.
 */
import type { Span } from '../../dataset/types';
import type { FileContext, LintRule } from '../context';
import { fingerprintId } from '../record-features';
import { grow } from '../text/key-index';
import type { Fix } from '../types';
import { deleteRecordFix, RecordEnds } from './delete-record';

export const duplicateRule: LintRule = {
  code: 'duplicate',
  create(ctx) {
    let firstLine: Int32Array = new Int32Array(1024); // fingerprint id -> line of its first record; 0: none yet
    const ends = new RecordEnds();
    return {
      invalidRecord(rec) {
        ends.passed(rec);
      },
      record(r) {
        const rec = r.source;
        const id = fingerprintId(ctx, r);
        if (id === undefined) { ends.passed(rec); return; } // nested too deep to walk: not compared
        if (id >= firstLine.length) firstLine = grow(firstLine, id + 1);
        const first = firstLine[id];
        if (first === 0) firstLine[id] = rec.span.line;
        else reportDuplicate(ctx, rec.span, first, deleteRecordFix(ctx, rec, ends.previous, 'Delete duplicate record'));
        ends.passed(rec);
      },
    };
  },
};

/** The finding on a record whose content equals that of the record on line `first`. */
export function reportDuplicate(ctx: FileContext, span: Span, first: number, fix?: Fix): void {
  ctx.report({
    code: 'duplicate', severity: 'warning', span,
    message: `duplicate of line ${first}`,
    related: [{ path: ctx.path, line: first, message: 'first occurrence' }],
    fixes: fix && [fix],
  });
}
