/**
 * near-duplicate: a record whose word 5-gram set has Jaccard similarity ≥ nearDuplicateThreshold (default 0.8) with an
 * earlier record of the file. MinHash LSH finds candidate pairs in one pass (see text/minhash.ts); each candidate is
 * confirmed by exact Jaccard on the shingle sets, so the reported figure is exact. System prompts are left out (they
 * are the same on many records by design). Records under 5 words have one shingle of all their words: they are
 * near-duplicates only of records with the same words (after case and punctuation). Exact duplicates are left to the
 * duplicate rule.
 */
import type { LintRule, RecordView } from '../context';
import { recordFeatures } from '../record-features';
import { IntList } from '../text/int-list';
import { jaccardSorted, sortedUnique } from '../text/jaccard';
import { KeyIndex } from '../text/key-index';
import { bandKeys, lshLayout, type LshLayout } from '../text/minhash';
import { deleteRecordFix, RecordEnds } from './delete-record';

export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8;
/** Earlier records examined per band, newest first: bounds the work when a band key is shared by a template. */
const MAX_CHAIN = 16;
/** Candidates confirmed per record, those sharing the most bands first. */
const MAX_VERIFY = 8;

export const nearDuplicateRule: LintRule = {
  code: 'near-duplicate',
  create(ctx) {
    const threshold = ctx.options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
    const layout = lshLayout(threshold);
    const bands = layout.bands;
    const seen = new Set<string>();
    const shingles: Int32Array[] = []; // per indexed record, the features' own array (no copy)
    const lines = new IntList();
    const bandIndex = new KeyIndex(1 << 12);
    const bandHead = new IntList();
    const bandNext = new IntList(); // record * bands + band -> previous record with that band key, -1
    const hits = new Map<number, number>();
    const ends = new RecordEnds();
    return {
      invalidRecord(rec) {
        ends.passed(rec);
      },
      record(r) {
        const rec = r.source;
        const fp = r.fingerprint;
        if (fp !== undefined) {
          if (seen.has(fp)) { ends.passed(rec); return; }
          seen.add(fp);
        }
        const f = recordFeatures(r);
        if (f.signature.length === 0) { ends.passed(rec); return; }
        const keys = recordBandKeys(r, f.signature, layout);
        hits.clear();
        for (let b = 0; b < bands; b++) {
          const slot = bandIndex.get(keys[b], b);
          if (slot < 0) continue;
          for (let c = bandHead.data[slot], n = 0; c >= 0 && n < MAX_CHAIN; c = bandNext.data[c * bands + b], n++) hits.set(c, (hits.get(c) ?? 0) + 1);
        }
        let best = -1, bestJ = 0;
        if (hits.size) {
          const set = sortedUnique(f.shingles.slice());
          const candidates = [...hits].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, MAX_VERIFY);
          for (const [c] of candidates) {
            const j = jaccardSorted(set, sortedUnique(shingles[c].slice()));
            if (j >= threshold && j > bestJ) { best = c; bestJ = j; }
          }
        }
        const id = lines.length;
        lines.push(rec.span.line);
        shingles.push(f.shingles);
        for (let b = 0; b < bands; b++) {
          const slot = bandIndex.intern(keys[b], b);
          if (slot === bandHead.length) bandHead.push(-1);
          bandNext.push(bandHead.data[slot]);
          bandHead.data[slot] = id;
        }
        if (best >= 0) {
          const line = lines.data[best];
          const j = bestJ.toFixed(2);
          ctx.report({
            code: 'near-duplicate', severity: 'warning', span: rec.span,
            message: `near-duplicate of line ${line}, Jaccard ${j} (word 5-grams)`,
            related: [{ path: ctx.path, line, message: `similar record (Jaccard ${j})` }],
            fixes: [deleteRecordFix(ctx, rec, ends.previous, 'Delete near-duplicate record')],
          });
        }
        ends.passed(rec);
      },
    };
  },
};

/** The record's LSH band keys, kept on its view: the editor's session sees the same views at every update. */
function recordBandKeys(r: RecordView, signature: Int32Array, layout: LshLayout): Int32Array {
  const cached = r.cache.bandKeys;
  if (cached && cached.rows === layout.rows && cached.keys.length === layout.bands) return cached.keys;
  const keys = new Int32Array(layout.bands);
  bandKeys(signature, layout, keys);
  r.cache.bandKeys = { rows: layout.rows, keys };
  return keys;
}
