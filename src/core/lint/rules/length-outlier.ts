/**
 * length-outlier (info, per record): a record whose training text is more than 3 × the file's 99th percentile
 * length, in files of 100 records or more (fewer, and the 99th percentile is the longest record itself). Such
 * records are often several documents pasted together or a scrape gone wrong. Lengths are characters of the
 * non-system strings.
 */
import type { Span } from '../../dataset/types';
import type { LintRule } from '../context';
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
        let n = 0;
        for (const s of trainingStrings(r)) if (!s.system) n += s.text.length;
        lengths.push(n);
        const sp = r.source.span;
        spans.push(sp.line); spans.push(sp.column); spans.push(sp.endLine); spans.push(sp.endColumn);
      },
      finish() {
        if (lengths.length < MIN_RECORDS) return;
        const sorted = lengths.toArray().sort();
        const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1];
        const limit = Math.max(FACTOR * p99, MIN_LENGTH);
        const median = sorted[Math.floor(sorted.length / 2)];
        for (let i = 0; i < lengths.length; i++) {
          const n = lengths.data[i];
          if (n <= limit) continue;
          const span: Span = { line: spans.data[4 * i], column: spans.data[4 * i + 1], endLine: spans.data[4 * i + 2], endColumn: spans.data[4 * i + 3] };
          ctx.report({
            code: 'length-outlier', severity: 'info', span,
            message: `the record's text is ${n.toLocaleString('en-US')} characters, over 3 × the 99th percentile of this file (${p99.toLocaleString('en-US')}; median ${median.toLocaleString('en-US')}): check that it is one example and not several pasted together`,
          });
        }
      },
    };
  },
};
