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
    const firstLines = new FirstLines();
    const ends = new RecordEnds();
    return {
      invalidRecord(rec) {
        ends.passed(rec);
      },
      record(r) {
        const rec = r.source;
        const id = fingerprintId(ctx, r);
        if (id === undefined) { ends.passed(rec); return; } // nested too deep to walk: not compared
        const first = firstLines.firstOf(id, rec.span.line);
        if (first !== 0) reportDuplicate(ctx, rec.span, first, deleteRecordFix(ctx, rec, ends.previous, 'Delete duplicate record'));
        ends.passed(rec);
      },
    };
  },
};

/**
 * Line of the first record of each content (fingerprint id) seen so far: the rule's memory, shared by the serial rule,
 * the parallel lint's merge (shard-summary.ts) and the editor's session (lint-session.ts).
 */
export class FirstLines {
  private lines: Int32Array;

  constructor(expectedIds = 1024) {
    this.lines = new Int32Array(expectedIds);
  }

  /** The line of the first record with content `id`; 0 when the record on `line` is the first (it is noted). */
  firstOf(id: number, line: number): number {
    if (id >= this.lines.length) this.lines = grow(this.lines, id + 1);
    const first = this.lines[id];
    if (first === 0) this.lines[id] = line;
    return first;
  }

  /** Forgets every content. */
  clear(): void {
    this.lines.fill(0);
  }
}

/** The finding on a record whose content equals that of the record on line `first`. */
export function reportDuplicate(ctx: FileContext, span: Span, first: number, fix?: Fix): void {
  ctx.report({
    code: 'duplicate', severity: 'warning', span,
    message: `duplicate of line ${first}`,
    related: [{ path: ctx.path, line: first, message: 'first occurrence' }],
    fixes: fix && [fix],
  });
}
