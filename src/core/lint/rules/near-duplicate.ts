/**
 * near-duplicate: a record whose word 5-gram set has Jaccard similarity ≥ nearDuplicateThreshold (default 0.8) with an
 * earlier record of the file. MinHash LSH finds candidate pairs in one pass (see text/minhash.ts); each candidate is
 * confirmed by exact Jaccard on the shingle sets, so the reported figure is exact. System prompts are left out (they
 * are the same on many records by design). Records under 5 words have one shingle of all their words: they are
 * near-duplicates only of records with the same words (after case and punctuation). Exact duplicates are left to the
 * duplicate rule.
 */
import type { LintRule, RecordView } from '../context';
import { fingerprintId, recordFeatures } from '../record-features';
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
    // The working lists are kept by the context and cleared here: the editor's session lints the same document again
    // at every edit, and reusing them spares it allocating (and collecting) tens of megabytes each time.
    const work = ctx.kept(`near-duplicate:work:${bands}`, () => ({
      // Every indexed record's shingles one after another: one typed array, where 100,000s of small ones would cost
      // the garbage collector dearly.
      pool: new IntList(1 << 16), offsets: new IntList(), lines: new IntList(),
      bandNext: new IntList(), // record * bands + band -> previous record with that band key, -1
      seen: new Uint8Array(1024) as Uint8Array, // fingerprint id -> 1 once indexed (exact duplicates are left to duplicate)
      bandHead: new Int32Array(1024) as Int32Array, // slot -> newest record with that band key, -1
    }));
    const { pool, offsets, lines, bandNext } = work;
    pool.clear(); offsets.clear(); lines.clear(); bandNext.clear();
    offsets.push(0);
    work.seen.fill(0);
    // Band keys are interned in a KeyIndex the context keeps (each view caches its slots in it); the chains of records
    // per slot are this lint's own.
    const bandIndex = ctx.kept(`near-duplicate:bands:${bands}x${layout.rows}`, () => new KeyIndex(1 << 12));
    if (work.bandHead.length < bandIndex.size) work.bandHead = new Int32Array(bandIndex.size);
    work.bandHead.fill(-1);
    const hits = new Map<number, number>();
    const ends = new RecordEnds();
    return {
      invalidRecord(rec) {
        ends.passed(rec);
      },
      record(r) {
        const rec = r.source;
        const fid = fingerprintId(ctx, r);
        if (fid !== undefined) {
          if (fid >= work.seen.length) work.seen = growBytes(work.seen, fid + 1);
          if (work.seen[fid] === 1) { ends.passed(rec); return; }
          work.seen[fid] = 1;
        }
        const f = recordFeatures(r);
        if (f.signature.length === 0) { ends.passed(rec); return; }
        const slots = bandSlots(r, f.signature, layout, bandIndex);
        if (bandIndex.size > work.bandHead.length) work.bandHead = growHeads(work.bandHead, bandIndex.size);
        const bandHead = work.bandHead;
        hits.clear();
        for (let b = 0; b < bands; b++) {
          for (let c = bandHead[slots[b]], n = 0; c >= 0 && n < MAX_CHAIN; c = bandNext.data[c * bands + b], n++) hits.set(c, (hits.get(c) ?? 0) + 1);
        }
        let best = -1, bestJ = 0;
        if (hits.size) {
          const set = sortedUnique(f.shingles.slice());
          const candidates = [...hits].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, MAX_VERIFY);
          for (const [c] of candidates) {
            const j = jaccardSorted(set, sortedUnique(pool.data.slice(offsets.data[c], offsets.data[c + 1])));
            if (j >= threshold && j > bestJ) { best = c; bestJ = j; }
          }
        }
        const id = lines.length;
        lines.push(rec.span.line);
        pool.append(f.shingles);
        offsets.push(pool.length);
        for (let b = 0; b < bands; b++) {
          bandNext.push(bandHead[slots[b]]);
          bandHead[slots[b]] = id;
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

const bandScratch = new Int32Array(112);

/**
 * The ids of the record's LSH band keys in `index` (interned now if new), kept on its view: the editor's session
 * lints the same views with the same index at every update, without hashing them again.
 */
function bandSlots(r: RecordView, signature: Int32Array, layout: LshLayout, index: KeyIndex): Int32Array {
  const cached = r.cache.bandSlots;
  if (cached && cached.index === index) return cached.slots;
  bandKeys(signature, layout, bandScratch);
  const slots = new Int32Array(layout.bands);
  for (let b = 0; b < layout.bands; b++) slots[b] = index.intern(bandScratch[b], b);
  r.cache.bandSlots = { index, slots };
  return slots;
}

function growHeads(a: Int32Array, min: number): Int32Array {
  const next = new Int32Array(Math.max(min, a.length * 2)).fill(-1);
  next.set(a);
  return next;
}

function growBytes(a: Uint8Array, min: number): Uint8Array {
  const next = new Uint8Array(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}
