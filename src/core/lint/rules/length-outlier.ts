/**
 * length-outlier (info, per record): a record whose training text is more than 3 × the file's 99th percentile
 * length, in files of 100 records or more (fewer, and the 99th percentile is the longest record itself). Such
 * records are often several documents pasted together or a scrape gone wrong. Lengths are characters of the
 * non-system strings.
 */
import type { Span } from '../../dataset/types';
import type { FileContext, LintRule, RecordView } from '../context';
import { IntList } from '../text/int-list';
import { trainingStrings } from '../training-text';

const MIN_RECORDS = 100;
const FACTOR = 3;
/** Shorter records are never outliers, whatever the percentile: 3 × a tiny p99 is still a short record. */
const MIN_LENGTH = 2000;

export const lengthOutlierRule: LintRule = {
  code: 'length-outlier',
  create(ctx) {
    const lengths = new IntList(1024);
    const spans = new IntList(4096); // line, column, endLine, endColumn per record
    return {
      record(r) {
        lengths.push(trainingLength(r));
        const sp = r.source.span;
        spans.push(sp.line); spans.push(sp.column); spans.push(sp.endLine); spans.push(sp.endColumn);
      },
      finish() {
        reportLengthOutliers(ctx, lengths.data, lengths.length, spans.data);
      },
    };
  },
};

/** The findings of the file whose records have these lengths (`n` of them) and spans (line, column, endLine, endColumn each). */
export function reportLengthOutliers(ctx: FileContext, lengths: Int32Array, n: number, spans: Int32Array): void {
  if (n < MIN_RECORDS) return;
  const sorted = lengths.slice(0, n).sort();
  const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1];
  const limit = Math.max(FACTOR * p99, MIN_LENGTH);
  const median = sorted[Math.floor(sorted.length / 2)];
  for (let i = 0; i < n; i++) {
    const len = lengths[i];
    if (len <= limit) continue;
    const span: Span = { line: spans[4 * i], column: spans[4 * i + 1], endLine: spans[4 * i + 2], endColumn: spans[4 * i + 3] };
    ctx.report({
      code: 'length-outlier', severity: 'info', span,
      message: `the record's text is ${len.toLocaleString('en-US')} characters, over 3 × the 99th percentile of this file (${p99.toLocaleString('en-US')}; median ${median.toLocaleString('en-US')}): check that it is one example and not several pasted together`,
    });
  }
}

/** Characters of the record's non-system training strings. */
export function trainingLength(r: RecordView): number {
  let n = 0;
  for (const s of trainingStrings(r)) if (!s.system) n += s.text.length;
  return n;
}
