/**
 * near-duplicate: a record whose word 5-gram set has Jaccard similarity ≥ nearDuplicateThreshold (default 0.8) with an
 * earlier record of the file. MinHash LSH finds candidate pairs in one pass (see text/minhash.ts); each candidate is
 * confirmed by exact Jaccard on the shingle sets, so the reported figure is exact. System prompts are left out (they
 * are the same on many records by design). Records under 5 words have one shingle of all their words: they are
 * near-duplicates only of records with the same words (after case and punctuation). Exact duplicates are left to the
 * duplicate rule.
 */
import type { Span } from '../../dataset/types';
import type { FileContext, LintRule, RecordView } from '../context';
import { fingerprintId, recordFeatures } from '../record-features';
import type { BandHeads } from '../text/band-heads';
import { IntList } from '../text/int-list';
import { jaccardSorted, sortedUnique } from '../text/jaccard';
import { KeyIndex } from '../text/key-index';
import { bandKeys, lshLayout, type LshLayout } from '../text/minhash';
import type { Fix } from '../types';
import { deleteRecordFix, RecordEnds } from './delete-record';

export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8;
/** Earlier records examined per band, newest first: bounds the work when a band key is shared by a template. */
export const MAX_CHAIN = 16;
/** Candidates confirmed per record, those sharing the most bands first. */
export const MAX_VERIFY = 8;

export const nearDuplicateRule: LintRule = {
  code: 'near-duplicate',
  create(ctx) {
    const threshold = ctx.options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
    const layout = lshLayout(threshold);
    // The working lists and the band key index are kept by the context: the editor's session lints the same document
    // again at every edit, and reusing them spares it allocating (and collecting) tens of megabytes each time; each
    // view caches its band slots in that index.
    const bandIndex = ctx.kept(`near-duplicate:bands:${layout.bands}x${layout.rows}`, () => new KeyIndex(1 << 12));
    const index = new NearDuplicateIndex(threshold, layout.bands, bandIndex, ctx.kept(`near-duplicate:work:${layout.bands}`, newWork));
    const ends = new RecordEnds();
    return {
      invalidRecord(rec) {
        ends.passed(rec);
      },
      record(r) {
        const rec = r.source;
        const f = index.firstOfItsContent(fingerprintId(ctx, r)) ? recordFeatures(r) : undefined;
        if (f && f.signature.length) {
          const best = index.add(bandSlots(r, f.signature, layout, bandIndex), f.shingles, rec.span.line);
          if (best) reportNearDuplicate(ctx, rec.span, best, deleteRecordFix(ctx, rec, ends.previous, 'Delete near-duplicate record'));
        }
        ends.passed(rec);
      },
    };
  },
};

/** The earlier record a record is a near-duplicate of. */
export interface NearMatch { line: number; jaccard: number }

export function reportNearDuplicate(ctx: FileContext, span: Span, m: NearMatch, fix?: Fix): void {
  const j = m.jaccard.toFixed(2);
  ctx.report({
    code: 'near-duplicate', severity: 'warning', span,
    message: `near-duplicate of line ${m.line}, Jaccard ${j} (word 5-grams)`,
    related: [{ path: ctx.path, line: m.line, message: `similar record (Jaccard ${j})` }],
    fixes: fix && [fix],
  });
}

interface Work {
  pool: IntList; refs: IntList; lines: IntList; bandNext: IntList;
  seen: Uint8Array; bandHead: Int32Array;
}

function newWork(): Work {
  return {
    // Every indexed record's shingles one after another: one typed array, where 100,000s of small ones would cost
    // the garbage collector dearly.
    pool: new IntList(1 << 16), lines: new IntList(),
    refs: new IntList(), // record * 3 -> where its shingles are: source (-1: pool), start, end
    bandNext: new IntList(), // record * bands + band -> previous record with that band key, -1
    seen: new Uint8Array(1024), // fingerprint id -> 1 once indexed (exact duplicates are left to duplicate)
    bandHead: new Int32Array(1024), // slot -> newest record with that band key, -1
  };
}

/**
 * The rule's state for one file, fed record by record in file order: by the rule from record views, and by the
 * parallel lint (lint-parallel.ts) from what its threads worked out per record.
 */
export class NearDuplicateIndex {
  private readonly hits = new Map<number, number>();
  /** The current record's newest earlier record per band. */
  private readonly heads: Int32Array;
  /** Arrays that hold indexed records' shingles in place of the pool (addChained's), by source number. */
  private readonly sources: Int32Array[] = [];

  /** `bandIndex`: where band keys are interned (slots); `work`: lists reused from an earlier lint, cleared here. */
  constructor(private readonly threshold: number, private readonly bands: number, private readonly bandIndex: KeyIndex, private readonly work: Work = newWork()) {
    this.heads = new Int32Array(bands);
    const { pool, refs, lines, bandNext } = work;
    pool.clear(); refs.clear(); lines.clear(); bandNext.clear();
    work.seen.fill(0);
    if (work.bandHead.length < bandIndex.size) work.bandHead = new Int32Array(bandIndex.size);
    work.bandHead.fill(-1);
  }

  /** False for a record whose content fingerprint id (undefined: none) was seen before: exact duplicates are left to duplicate. */
  firstOfItsContent(fid: number | undefined): boolean {
    if (fid === undefined) return true;
    const work = this.work;
    if (fid >= work.seen.length) work.seen = growBytes(work.seen, fid + 1);
    if (work.seen[fid] === 1) return false;
    work.seen[fid] = 1;
    return true;
  }

  /** Indexes a record by its band slots and shingles; returns the earlier record it is a near-duplicate of. */
  add(slots: Int32Array, shingles: Int32Array, line: number): NearMatch | undefined {
    const { work, bands, heads } = this;
    if (this.bandIndex.size > work.bandHead.length) work.bandHead = growHeads(work.bandHead, this.bandIndex.size);
    const bandHead = work.bandHead;
    const id = work.lines.length;
    for (let b = 0; b < bands; b++) {
      heads[b] = bandHead[slots[b]];
      bandHead[slots[b]] = id;
    }
    work.bandNext.append(heads);
    const m = this.match(heads, shingles);
    const from = work.pool.length;
    work.pool.append(shingles);
    this.indexed(line, -1, from, work.pool.length);
    return m;
  }

  /**
   * add() in two steps, for the parallel lint's merge, which has the band keys instead of slots: chainKeys puts a batch
   * of records in the band chains, one band after another (one band's table at a time stays in the cache), then
   * addChained takes each of them in order. The matches are add()'s.
   * `keys`: `bands` keys per record; `records`: which of them to index, in order; `byKey`: the chain heads by key, the
   * same for every batch of this index.
   */
  chainKeys(keys: Int32Array, records: Int32Array, count: number, byKey: BandHeads): void {
    const { bands } = this;
    const bandNext = this.work.bandNext;
    const first = bandNext.length / bands;
    bandNext.reserve(count * bands);
    const next = bandNext.data;
    for (let b = 0; b < bands; b++) byKey.chain(b, keys, records, count, bands, next, first);
    bandNext.length += count * bands;
  }

  /**
   * The next record of those chainKeys chained, its shingles `source`[from, to): matched against the records before it,
   * then indexed. `source` is kept, not copied: the merge keeps the slices' summaries anyway, and copying every record's
   * shingles into the pool (160 MB for a 200 MB file) cost a tenth of a second of its thread.
   */
  addChained(source: Int32Array, from: number, to: number, line: number): NearMatch | undefined {
    const { bands, heads, sources } = this;
    const at = this.work.lines.length * bands;
    for (let b = 0; b < bands; b++) heads[b] = this.work.bandNext.data[at + b];
    const m = this.match(heads, source.subarray(from, to));
    if (sources[sources.length - 1] !== source) sources.push(source);
    this.indexed(line, sources.length - 1, from, to);
    return m;
  }

  private indexed(line: number, source: number, from: number, to: number): void {
    const { refs, lines } = this.work;
    lines.push(line);
    refs.push(source);
    refs.push(from);
    refs.push(to);
  }

  /** Indexed record c's shingles, as a copy. */
  private shinglesOf(c: number): Int32Array {
    const refs = this.work.refs.data, source = refs[3 * c];
    return (source < 0 ? this.work.pool.data : this.sources[source]).slice(refs[3 * c + 1], refs[3 * c + 2]);
  }

  /** The earlier record the next one, whose bands' earlier records are `heads` (the newest each, -1: none), is a near-duplicate of. */
  private match(heads: Int32Array, shingles: Int32Array): NearMatch | undefined {
    const { work, bands, hits, threshold } = this;
    const { lines, bandNext } = work;
    hits.clear();
    for (let b = 0; b < bands; b++) {
      for (let c = heads[b], n = 0; c >= 0 && n < MAX_CHAIN; c = bandNext.data[c * bands + b], n++) hits.set(c, (hits.get(c) ?? 0) + 1);
    }
    let best = -1, bestJ = 0;
    if (hits.size) {
      const set = sortedUnique(shingles.slice());
      const candidates = [...hits].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, MAX_VERIFY);
      for (const [c] of candidates) {
        const j = jaccardSorted(set, sortedUnique(this.shinglesOf(c)));
        if (j >= threshold && j > bestJ) { best = c; bestJ = j; }
      }
    }
    return best >= 0 ? { line: lines.data[best], jaccard: bestJ } : undefined;
  }
}

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
