/** invalid-json: a record JSON.parse rejects, pointed at the place where parsing failed. */
import { positionInRecord } from '../../dataset/position';
import type { LintRule } from '../context';

export const invalidJsonRule: LintRule = {
  code: 'invalid-json',
  create: (ctx) => ({
    invalidRecord(rec) {
      const err = rec.error!;
      // Point from the failure to the record's end, never at an empty range past it.
      const last = rec.text.trimEnd().length;
      const at = positionInRecord(rec, Math.min(err.offset, Math.max(last - 1, 0)));
      const where = ctx.container === 'jsonl' ? `column ${at.column}` : `line ${at.line}, column ${at.column}`;
      ctx.report({
        code: 'invalid-json', severity: 'error',
        message: ctx.container === 'csv' ? `invalid CSV row: ${err.reason}` : `invalid JSON at ${where}: ${err.reason}`,
        span: {
          line: at.line, column: at.column, endLine: rec.span.endLine,
          endColumn: at.line === rec.span.endLine ? Math.max(rec.span.endColumn, at.column + 1) : rec.span.endColumn,
        },
      });
    },
  }),
};
