/**
 * leakage (on eval files): an eval record that is an exact copy or a near copy (word 5-gram Jaccard ≥ the
 * near-duplicate threshold) of a training record (error), or that shares a 13-word span with one (warning: the
 * message quotes the span). An eval score on such records measures memorisation, not generalisation. Training files
 * feed the index; see leakage-index.ts.
 */
import { basename } from 'node:path';
import type { LintRule, RecordView } from '../context';
import { LEAK_NGRAM, type LeakMatch } from '../leakage-index';
import { deleteRecordFix, RecordEnds } from './delete-record';
import { IntList } from '../text/int-list';
import { scanWords } from '../text/words';
import { trainingStrings } from '../training-text';

export const leakageRule: LintRule = {
  code: 'leakage',
  create(ctx) {
    const index = ctx.file?.leakage;
    if (ctx.file?.role === 'train') return index ? { record: (r) => index.addTrain(ctx.path, r) } : {};
    const matches = ctx.file?.matches ?? index;
    if (!matches) return {};
    const fileId = ctx.file!.evalFileId!;
    const ends = new RecordEnds();
    return {
      invalidRecord(rec) {
        ends.passed(rec);
      },
      record(r) {
        const m = matches.match(fileId, r.source.index);
        const previous = ends.previous;
        ends.passed(r.source);
        if (!m) return;
        // A copy or near copy goes from the eval set (a shared span is the user's call). The first record of a JSON
        // array has no record before it to delete from, and is left to the user.
        const deletable = m.kind !== 'ngram' && (previous !== undefined || ctx.container === 'jsonl' || ctx.container === 'csv');
        ctx.report({
          code: 'leakage', severity: m.kind === 'ngram' ? 'warning' : 'error', span: r.source.span, message: described(m, r),
          related: [{ path: m.trainPath, line: m.trainLine, message: 'training record' }],
          fixes: deletable ? [deleteRecordFix(ctx, r.source, previous, 'Delete the leaked eval record')] : undefined,
        });
      },
    };
  },
};

/**
 * The message of a match, made once per match: the editor's kept matches (EvalFeatureCache) are reported again at
 * every edit of an eval document, and quoting the shared span scans the record's words.
 */
const messages = new WeakMap<LeakMatch, string>();
function described(m: LeakMatch, r: RecordView): string {
  let text = messages.get(m);
  if (text === undefined) messages.set(m, (text = describe(m, r)));
  return text;
}

function describe(m: LeakMatch, r: RecordView): string {
  const where = `${basename(m.trainPath)} line ${m.trainLine}`;
  const why = 'the eval score on it measures memorisation: remove it from the eval set or the training record from the training set';
  switch (m.kind) {
    case 'exact': return `eval record is an exact copy of a training record (${where}); ${why}`;
    case 'near': return `eval record is a near copy of a training record (${where}, Jaccard ${m.jaccard!.toFixed(2)}); ${why}`;
    case 'ngram': {
      const pct = Math.round(m.share! * 100);
      const share = pct >= 1 ? `${pct}%` : 'under 1%';
      return `eval record shares the ${LEAK_NGRAM}-word span "${phrase(r, m.wordIndex!)}" with a training record (${where}; ${share} of its ${LEAK_NGRAM}-word spans occur there); `
        + 'if the answer can be recalled from it, the eval score measures memorisation: rephrase or remove one of them';
    }
  }
}

/** The eval record's words [from, from + LEAK_NGRAM) as written, joined by spaces. */
function phrase(r: RecordView, from: number): string {
  const words: string[] = [];
  const hashes = new IntList();
  const spans = new IntList();
  for (const s of trainingStrings(r)) {
    if (s.system) continue;
    spans.clear();
    scanWords(s.text, hashes, spans);
    for (let k = 0; k < spans.length; k += 2) words.push(s.text.slice(spans.data[k], spans.data[k + 1]));
  }
  const text = words.slice(from, from + LEAK_NGRAM).join(' ');
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
