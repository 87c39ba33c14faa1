/**
 * length-outlier (info, per record): a record whose training text is far longer or far shorter than this file's
 * usual, in files of 100 records or more. Long ones are often several documents pasted together or a scrape gone
 * wrong; short ones, truncated or empty answers. Lengths are characters of the non-system strings. The fences are
 * Tukey's on log lengths (quartiles ± 2 interquartile ranges): lengths are skewed, and quartiles stay put when
 * up to a quarter of the records are outliers (a 99th percentile moved with the first 1%, hiding the rest).
 */
import type { Span } from '../../dataset/types';
import type { FileContext, LintRule, RecordView } from '../context';
import { IntList } from '../text/int-list';
import { trainingStrings } from '../training-text';

const MIN_RECORDS = 100;
/** Interquartile ranges (of log lengths) beyond the quartiles: 2 puts the long fence near 15 × the median of natural text. */
const FENCE = 2;
/** Shorter records are never long outliers, whatever the spread: a tight file's fence can be a short record. */
const MIN_LONG = 2000;
/** A short outlier is also under a tenth of the median: in a tight file the lower fence is close to ordinary lengths. */
const SHORT_SHARE = 0.1;

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
  const fences = lengthFences(lengths.slice(0, n).sort());
  if (!fences) return;
  const { q1, median, q3, longFence, shortFence } = fences;
  const usual = `median ${fmt(median)}, middle half ${fmt(q1)}-${fmt(q3)}`;
  for (let i = 0; i < n; i++) {
    const len = lengths[i];
    if (len <= longFence && len >= shortFence) continue;
    const span: Span = { line: spans[4 * i], column: spans[4 * i + 1], endLine: spans[4 * i + 2], endColumn: spans[4 * i + 3] };
    ctx.report({
      code: 'length-outlier', severity: 'info', span,
      message: len > longFence
        ? `the record's text is ${fmt(len)} characters, far longer than the rest of this file (${usual}): check that it is one example and not several pasted together`
        : `the record's text is ${fmt(len)} characters, far shorter than the rest of this file (${usual}): check that it is not truncated or missing its answer`,
    });
  }
}

export interface LengthFences { q1: number; median: number; q3: number; longFence: number; shortFence: number }

/** The fences of a file whose record lengths are `sorted` (ascending); undefined under 100 records (no finding). */
export function lengthFences(sorted: ArrayLike<number>): LengthFences | undefined {
  const n = sorted.length;
  if (n < MIN_RECORDS) return undefined;
  const at = (q: number): number => sorted[Math.floor(q * (n - 1))];
  const [q1, median, q3] = [at(0.25), at(0.5), at(0.75)];
  const spread = Math.log1p(q3) - Math.log1p(q1);
  return {
    q1, median, q3,
    longFence: Math.max(Math.expm1(Math.log1p(q3) + FENCE * spread), MIN_LONG),
    shortFence: Math.min(Math.expm1(Math.log1p(q1) - FENCE * spread), SHORT_SHARE * median),
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Characters of the record's non-system training strings. */
export function trainingLength(r: RecordView): number {
  let n = 0;
  for (const s of trainingStrings(r)) if (!s.system) n += s.text.length;
  return n;
}
