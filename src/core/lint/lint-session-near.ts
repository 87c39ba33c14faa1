/**
 * The near-duplicate rule (rules/near-duplicate.ts) kept up to date across the editor session's updates
 * (lint-session.ts) instead of being worked out again over every record at each edit.
 *
 * What the rule finds for a record depends on: whether the record is indexed (the first of its exact-content group,
 * with words), and per LSH band the (at most MAX_CHAIN) newest indexed records before it with the same band key.
 * Here each band key keeps its indexed records in document order; adding or removing one record changes the result
 * of that record and of the MAX_CHAIN records after it under each of its band keys, and nothing else. Those are
 * re-checked, the same way as the rule (same candidate order, same exact Jaccard). The session's test compares every
 * update with a full lint, which keeps the two in step.
 */
import type { Position, SourceRecord } from '../dataset/types';
import type { FileContext, RecordView } from './context';
import { recordFeatures } from './record-features';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, MAX_CHAIN, MAX_VERIFY } from './rules/near-duplicate';
import { deleteRecordFix } from './rules/delete-record';
import { jaccardSorted, sortedUnique } from './text/jaccard';
import { KeyIndex } from './text/key-index';
import { bandKeys, lshLayout, type LshLayout } from './text/minhash';


/** A record of the session as this index sees it. */
export interface NearEntry {
  /** Position in the document (the session renumbers every update): orders the records. */
  pos: number;
  rec: SourceRecord;
  /** A valid record (JSON that parsed); an invalid one is never indexed. */
  valid: boolean;
  /** Dense id of the content fingerprint (exact duplicates share it); -1 without one. */
  fid: number;
  near?: NearState;
}

interface NearState {
  /** The record's band keys' slots; undefined: no words, never indexed. */
  slots: Int32Array | undefined;
  /** Sorted distinct shingles, made when first compared. */
  set?: Int32Array;
  /** The record's shingles (may repeat), until `set` is made from them. */
  shingles?: Int32Array;
  indexed: boolean;
  /** In the document (between add and remove): a record can come and go several times between two settles. */
  present: boolean;
  best?: NearEntry;
  j: number;
}

/** A band key's indexed records in document order: one record alone, or several. */
type Chain = NearEntry | NearEntry[];

export class NearDuplicateIndex {
  private readonly layout: LshLayout;
  private readonly threshold: number;
  private readonly keys = new KeyIndex(1 << 12);
  private chains: (Chain | undefined)[] = [];
  /** Records per fingerprint id (valid records only): the first in document order is the one that may be indexed. */
  private readonly byFid = new Map<number, NearEntry[]>();
  private readonly touchedFids = new Set<number>();
  private readonly removed: NearEntry[] = [];
  private readonly added: NearEntry[] = [];
  private readonly dirty = new Set<NearEntry>();
  /** Indexed records with a near-duplicate. */
  private readonly found = new Set<NearEntry>();
  private readonly scratch = new Int32Array(112);

  constructor(threshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD) {
    this.threshold = threshold;
    this.layout = lshLayout(threshold);
  }

  /** Makes room for `records` more records' band keys (most records' keys are distinct): no rehash while they come. */
  reserve(records: number): void {
    this.keys.reserve(this.keys.size + records * this.layout.bands);
  }

  /**
   * Gives a valid record, before its first add(), its band keys and shingles from its view (the view need not be
   * kept after this).
   */
  prepare(e: NearEntry, view: RecordView): void {
    const f = recordFeatures(view);
    let slots: Int32Array | undefined;
    if (f.signature.length) {
      bandKeys(f.signature, this.layout, this.scratch);
      slots = this.slotsOf(this.scratch);
    }
    e.near = { slots, indexed: false, present: false, j: 0, shingles: f.shingles };
  }

  /**
   * prepare() from what a threaded lint worked out for the record (session-seeds.ts), without hashing its text;
   * `keys` undefined: the record has no words.
   */
  seed(e: NearEntry, keys: Int32Array | undefined, shingles: Int32Array): void {
    e.near = { slots: keys && this.slotsOf(keys), indexed: false, present: false, j: 0, shingles };
  }

  /** A record enters the document (before the session renumbers); a valid one must have been prepared or seeded. */
  add(e: NearEntry): void {
    if (!e.valid) return;
    if (!e.near) throw new Error('near-duplicate index: a record added before prepare()');
    e.near.present = true;
    this.added.push(e);
    if (e.fid >= 0) {
      const group = this.byFid.get(e.fid);
      if (group) group.push(e); else this.byFid.set(e.fid, [e]);
      this.touchedFids.add(e.fid);
    }
  }

  private slotsOf(keys: Int32Array): Int32Array {
    const slots = new Int32Array(this.layout.bands);
    for (let b = 0; b < slots.length; b++) slots[b] = this.keys.intern(keys[b], b);
    return slots;
  }

  /** A record leaves the document (moved records leave and enter again). */
  remove(e: NearEntry): void {
    if (!e.near) return;
    e.near.present = false;
    this.removed.push(e);
    if (e.fid >= 0) {
      const group = this.byFid.get(e.fid)!;
      group.splice(group.indexOf(e), 1);
      if (!group.length) this.byFid.delete(e.fid);
      this.touchedFids.add(e.fid);
    }
  }

  /**
   * After the session renumbered the records: updates the index for the records that entered and left and re-checks
   * those whose candidates changed. Returns the records with a near-duplicate, in document order. In steps: it pauses
   * after every few thousand records checked (see LintSession.updateSteps).
   */
  *settleSteps(): Generator<void, NearEntry[]> {
    // Leaving the index first, entering second: a record within MAX_CHAIN after a change at the time it is made stays
    // so (see dirtyAfter), so every record whose candidates changed is re-checked.
    for (const e of this.removed) this.unindex(e);
    const enter: NearEntry[] = [];
    for (const fid of this.touchedFids) {
      const group = this.byFid.get(fid);
      if (!group) continue;
      let first = group[0];
      for (const e of group) if (e.pos < first.pos) first = e;
      for (const e of group) if (e !== first && e.near!.indexed) this.unindex(e);
      if (!first.near!.indexed && first.near!.slots) enter.push(first);
    }
    for (const e of this.added) if (e.fid < 0 && e.near!.present && e.near!.slots && !e.near!.indexed) enter.push(e);
    enter.sort((a, b) => a.pos - b.pos);
    for (const e of enter) this.index(e);
    let n = 0;
    for (const e of this.dirty) {
      if ((++n & 2047) === 0) yield;
      this.check(e);
    }
    this.removed.length = 0;
    this.added.length = 0;
    this.touchedFids.clear();
    this.dirty.clear();
    return [...this.found].sort((a, b) => a.pos - b.pos);
  }

  /**
   * The rule's finding for a record settleSteps() returned; its line and its partner's are the current ones.
   * `previousEnd`: in a JSON array, where the record before it ends (its fix deletes from there).
   */
  report(ctx: FileContext, e: NearEntry, previousEnd?: Position): void {
    const rec = e.rec;
    const line = e.near!.best!.rec.span.line;
    const j = e.near!.j.toFixed(2);
    ctx.report({
      code: 'near-duplicate', severity: 'warning', span: rec.span,
      message: `near-duplicate of line ${line}, Jaccard ${j} (word 5-grams)`,
      related: [{ path: ctx.path, line, message: `similar record (Jaccard ${j})` }],
      fixes: [deleteRecordFix(ctx, rec, previousEnd, 'Delete near-duplicate record')],
    });
  }

  private index(e: NearEntry): void {
    const st = e.near!;
    if (st.indexed) return; // entered twice since the last settle
    st.indexed = true;
    this.dirty.add(e);
    const slots = st.slots!;
    for (let b = 0; b < slots.length; b++) {
      const s = slots[b];
      // push grows the storage geometrically; setting `length` one slot at a time reallocated it (1M slots on 50 MB).
      while (s >= this.chains.length) this.chains.push(undefined);
      const chain = this.chains[s];
      if (chain === undefined) { this.chains[s] = e; continue; }
      const list = Array.isArray(chain) ? chain : (this.chains[s] = [chain]);
      const at = insertionPoint(list, e.pos);
      list.splice(at, 0, e);
      this.dirtyAfter(list, at);
    }
  }

  private unindex(e: NearEntry): void {
    const st = e.near!;
    this.found.delete(e);
    st.best = undefined;
    if (!st.indexed) return;
    st.indexed = false;
    for (const s of st.slots!) {
      const chain = this.chains[s]!;
      if (!Array.isArray(chain)) { this.chains[s] = undefined; continue; }
      const at = chain.indexOf(e);
      chain.splice(at, 1);
      this.dirtyAfter(chain, at - 1);
      if (chain.length === 1) this.chains[s] = chain[0];
    }
  }

  /** Marks the MAX_CHAIN records after list[at]: their newest MAX_CHAIN earlier records under this key changed. */
  private dirtyAfter(list: NearEntry[], at: number): void {
    for (let k = at + 1; k < list.length && k <= at + MAX_CHAIN; k++) this.dirty.add(list[k]);
  }

  /** The rule's check of one indexed record: candidates by shared bands, confirmed by exact Jaccard. */
  private check(e: NearEntry): void {
    const st = e.near!;
    if (!st.indexed) return;
    let hits: Map<NearEntry, number> | undefined; // most records share no band key: no map for them
    for (const s of st.slots!) {
      const chain = this.chains[s]!;
      if (!Array.isArray(chain)) continue; // e alone under this key
      const at = insertionPoint(chain, e.pos) - 1; // e itself
      for (let k = at - 1, n = 0; k >= 0 && n < MAX_CHAIN; k--, n++) (hits ??= new Map()).set(chain[k], (hits.get(chain[k]) ?? 0) + 1);
    }
    let best: NearEntry | undefined, bestJ = 0;
    if (hits) {
      const mine = shingleSet(e);
      const candidates = [...hits].sort((x, y) => y[1] - x[1] || x[0].pos - y[0].pos).slice(0, MAX_VERIFY);
      for (const [c] of candidates) {
        const j = jaccardSorted(mine, shingleSet(c));
        if (j >= this.threshold && j > bestJ) { best = c; bestJ = j; }
      }
    }
    st.best = best;
    st.j = bestJ;
    if (best) this.found.add(e); else this.found.delete(e);
  }
}

function shingleSet(e: NearEntry): Int32Array {
  const st = e.near!;
  if (!st.set) {
    st.set = sortedUnique(st.shingles!.slice());
    st.shingles = undefined;
  }
  return st.set;
}

/** Index of the first record in `list` (document order) after position `pos`. */
function insertionPoint(list: NearEntry[], pos: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].pos <= pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}
