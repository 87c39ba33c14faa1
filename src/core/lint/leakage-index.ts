/**
 * Train/eval contamination. lintFiles first indexes the eval records (content fingerprint, shingle set, LSH bands,
 * word 13-grams), then every training record is looked up in that index while its file is linted, and finally the
 * eval files are linted and the leakage rule reports what the training pass found. Eval sets are usually much
 * smaller than training sets, so only the eval side is held in memory.
 *
 * An eval record leaks when it is an exact copy of a training record, a near copy (exact word 5-gram Jaccard ≥ the
 * threshold), or when it shares any 13-word span with a training record (as issue 3 and NeMo Curator's task
 * decontamination define it). Among span matches the training record holding the largest share of the eval
 * record's 13-grams is kept, so the message can say how much is shared.
 */
import type { RecordView } from './context';
import { recordFeatures, recordWords } from './record-features';
import { fmix32 } from './text/hash';
import { IntList } from './text/int-list';
import { jaccardSorted, sortedUnique } from './text/jaccard';
import { KeyIndex } from './text/key-index';
import { bandKeys, lshLayout, type LshLayout } from './text/minhash';

export const LEAK_NGRAM = 13;
/** Eval records examined per band and training record: keeps one template-heavy band from costing quadratic time. */
export const MAX_CHAIN = 16;
/** 13-grams found in more eval records than this are the eval set's own boilerplate: not followed (bounds the work). */
export const MAX_GRAM_EVALS = 32;

/** What lintFiles knows about a file: a training or an eval file, and the leakage index when both kinds are linted. */
export interface FileRole {
  role: 'train' | 'eval';
  leakage?: LeakageIndex;
  /** Which eval file (role 'eval'). */
  evalFileId?: number;
  /** An eval file's matches, where they come from elsewhere than `leakage` (the editor's kept ones: EvalFeatureCache). */
  matches?: LeakageMatches;
}

/** The strongest match of each eval record (LeakageIndex.match, once every training record was compared). */
export interface LeakageMatches {
  match(fileId: number, recordIndex: number): LeakMatch | undefined;
}

export interface LeakMatch {
  kind: 'exact' | 'near' | 'ngram';
  trainPath: string;
  trainLine: number;
  /** Exact Jaccard of the shingle sets (near). */
  jaccard?: number;
  /** Share of the eval record's 13-grams found in the training record, and the word index of the first one (ngram). */
  share?: number;
  wordIndex?: number;
}

// Match kinds by strength.
const NONE = 0, NGRAM = 1, NEAR = 2, EXACT = 3;
const NO_WORD = 0x7fffffff;

export class LeakageIndex implements LeakageMatches {
  private readonly evalIds = new Map<string, number>(); // "file:recordIndex" -> eval id
  private readonly exact = new Map<string, number[]>();
  private readonly shingles: Int32Array[] = [];
  private readonly bandIndex = new KeyIndex();
  private readonly bandHead = new IntList();
  private readonly bandNext = new IntList(); // evalId * bands + band -> previous eval id with that key, -1
  // 13-grams: id -> chain of (eval id, word index in that record)
  private readonly grams = new KeyIndex();
  private readonly gramHead = new IntList();
  private readonly gramEvals = new IntList();
  private readonly gramLastTrain = new IntList();
  private readonly entryEval = new IntList();
  private readonly entryWord = new IntList();
  private readonly entryNext = new IntList();
  private readonly evalGramCount = new IntList();
  // best match per eval id
  private readonly matchKind = new IntList();
  private readonly matchTrain = new IntList();
  private readonly matchScore: number[] = []; // Jaccard (near, exact) or 13-gram share (ngram)
  private readonly matchWord = new IntList();
  // training records that matched something: id -> where
  private readonly trainWhere = new Map<number, { path: string; line: number }>();
  private trainRecords = 0;
  private readonly gramScratch = new IntList();
  private filter: { grams: number; bits: Int32Array } | undefined;
  // per eval id, while one training record is compared (sharedGrams)
  private readonly tallyCount = new IntList();
  private readonly tallyFirst = new IntList();
  private readonly touched = new IntList();
  private readonly seenAt = new IntList(); // the last training record whose band chains reached this eval id (nearCopies)

  private readonly layout: LshLayout;
  private readonly keys: Int32Array;

  /**
   * `gramEvals`: how many eval records hold a 13-gram (its two hashes), where the index holds only some of an eval set's
   * records (the others' matches known): the 13-gram limit counts them all.
   */
  constructor(readonly threshold: number, private readonly gramEvalsOf?: (a: number, b: number) => number) {
    this.layout = lshLayout(threshold);
    this.keys = new Int32Array(this.layout.bands);
  }

  get evalRecords(): number {
    return this.shingles.length;
  }

  addEval(fileId: number, r: RecordView): void {
    const id = this.shingles.length;
    this.evalIds.set(`${fileId}:${r.source.index}`, id);
    const fp = r.fingerprint;
    if (fp !== undefined) {
      const list = this.exact.get(fp);
      if (list) list.push(id); else this.exact.set(fp, [id]);
    }
    const words = recordWords(r);
    const f = recordFeatures(r);
    this.shingles.push(sortedUnique(f.shingles.slice()));
    if (f.signature.length) bandKeys(f.signature, this.layout, this.keys);
    for (let b = 0; b < this.layout.bands; b++) {
      if (f.signature.length === 0) { this.bandNext.push(-1); continue; }
      const slot = this.bandIndex.intern(this.keys[b], b);
      if (slot === this.bandHead.length) this.bandHead.push(-1);
      this.bandNext.push(this.bandHead.data[slot]);
      this.bandHead.data[slot] = id;
    }
    ngramHashes(words, this.gramScratch);
    let distinct = 0;
    for (let k = 0; k < this.gramScratch.length / 2; k++) {
      const a = this.gramScratch.data[2 * k], b = this.gramScratch.data[2 * k + 1];
      const g = this.grams.intern(a, b);
      if (g === this.gramHead.length) { this.gramHead.push(-1); this.gramEvals.push(this.gramEvalsOf ? this.gramEvalsOf(a, b) : 0); this.gramLastTrain.push(-1); }
      const head = this.gramHead.data[g];
      if (head >= 0 && this.entryEval.data[head] === id) continue; // repeated within this record
      distinct++;
      this.entryEval.push(id);
      this.entryWord.push(k);
      this.entryNext.push(head);
      this.gramHead.data[g] = this.entryEval.length - 1;
      if (!this.gramEvalsOf) this.gramEvals.data[g]++;
    }
    this.evalGramCount.push(distinct);
    this.tallyCount.push(0);
    this.tallyFirst.push(NO_WORD);
    this.seenAt.push(-1);
    this.matchKind.push(NONE);
    this.matchTrain.push(-1);
    this.matchScore.push(0);
    this.matchWord.push(-1);
  }

  /** Compares one training record with every eval record. */
  addTrain(path: string, r: RecordView): void {
    if (this.shingles.length === 0) {
      this.trainRecords++;
      return;
    }
    const words = recordWords(r); // before recordFeatures, which then reuses the words instead of scanning again
    const f = recordFeatures(r);
    if (f.signature.length) bandKeys(f.signature, this.layout, this.keys);
    this.compareTrain(path, r.source.span.line, r.fingerprint, f.signature.length ? this.keys : undefined, words, f.shingles);
  }

  /**
   * Compares the next training record, given by what addTrain works out from its view: its content fingerprint, its
   * band keys (undefined without words), its word hashes and its shingles (a function when they are worked out only
   * for a near-copy candidate).
   */
  compareTrain(path: string, line: number, fingerprint: string | undefined, bands: Int32Array | undefined, words: Int32Array,
    shingles: Int32Array | (() => Int32Array)): void {
    const grams = this.gramScratch;
    grams.clear();
    if (this.shingles.length) filteredGrams(words, this.gramFilter(), grams);
    this.compareFiltered(path, line, fingerprint, bands, grams.items(), shingles);
  }

  /**
   * compareTrain with the record's 13-grams that pass gramFilter() instead of its words (filteredGrams' pairs): the
   * parallel lint's threads work those out, and only they reach the index.
   */
  compareFiltered(path: string, line: number, fingerprint: string | undefined, bands: Int32Array | undefined, grams: Int32Array,
    shingles: Int32Array | (() => Int32Array)): void {
    const t = this.trainRecords++;
    if (this.shingles.length === 0) return;
    let matched = false;
    const copies = fingerprint === undefined ? undefined : this.exact.get(fingerprint);
    if (copies) for (const e of copies) matched = this.setMatch(e, EXACT, t, 1, -1) || matched;
    if (bands) matched = this.nearCopies(t, bands, shingles) || matched;
    matched = this.sharedGrams(t, grams) || matched;
    if (matched) this.trainWhere.set(t, { path, line });
  }

  /** The strongest match of an eval record, once every training file has been added. */
  match(fileId: number, recordIndex: number): LeakMatch | undefined {
    const e = this.evalIds.get(`${fileId}:${recordIndex}`);
    if (e === undefined) return undefined;
    const kind = this.matchKind.data[e];
    if (kind === NONE) return undefined;
    const { path: trainPath, line: trainLine } = this.trainWhere.get(this.matchTrain.data[e])!;
    const score = this.matchScore[e];
    if (kind === EXACT) return { kind: 'exact', trainPath, trainLine };
    if (kind === NEAR) return { kind: 'near', trainPath, trainLine, jaccard: score };
    return { kind: 'ngram', trainPath, trainLine, share: score, wordIndex: this.matchWord.data[e] };
  }

  private nearCopies(t: number, bands: Int32Array, shingles: Int32Array | (() => Int32Array)): boolean {
    let set: Int32Array | undefined;
    let matched = false;
    const seenAt = this.seenAt.data;
    const n = this.layout.bands;
    for (let b = 0; b < n; b++) {
      const slot = this.bandIndex.get(bands[b], b);
      if (slot < 0) continue;
      for (let e = this.bandHead.data[slot], k = 0; e >= 0 && k < MAX_CHAIN; e = this.bandNext.data[e * n + b], k++) {
        if (seenAt[e] === t || this.matchKind.data[e] === EXACT) continue;
        seenAt[e] = t;
        set ??= sortedUnique(typeof shingles === 'function' ? shingles() : shingles.slice());
        const j = jaccardSorted(set, this.shingles[e]);
        if (j >= this.threshold) matched = this.setMatch(e, NEAR, t, j, -1) || matched;
      }
    }
    return matched;
  }

  /** Counts, per eval record, the distinct 13-grams it shares with training record t (given as filteredGrams' pairs). */
  private sharedGrams(t: number, grams: Int32Array): boolean {
    // Per eval record: 13-grams shared with t and the first one's word index, in arrays by eval id (a Map per training
    // record cost most of the comparison); `touched` lists the eval records to report and reset.
    const count = this.tallyCount.data, first = this.tallyFirst.data, touched = this.touched;
    touched.clear();
    for (let k = 0; k < grams.length; k += 2) this.tallyGram(t, this.grams.get(grams[k], grams[k + 1]), count, first, touched);
    let matched = false;
    for (let i = 0; i < touched.length; i++) {
      const e = touched.data[i];
      matched = this.setMatch(e, NGRAM, t, count[e] / this.evalGramCount.data[e], first[e]) || matched;
      count[e] = 0;
      first[e] = NO_WORD;
    }
    return matched;
  }

  private tallyGram(t: number, id: number, count: Int32Array, first: Int32Array, touched: IntList): void {
    if (id < 0 || this.gramLastTrain.data[id] === t || this.gramEvals.data[id] > MAX_GRAM_EVALS) return;
    this.gramLastTrain.data[id] = t;
    for (let en = this.gramHead.data[id]; en >= 0; en = this.entryNext.data[en]) {
      const e = this.entryEval.data[en];
      if (count[e]++ === 0) touched.push(e);
      const w = this.entryWord.data[en];
      if (first[e] > w) first[e] = w;
    }
  }

  /**
   * One bit per eval 13-gram's second hash (16 bits per 13-gram: about 6% of absent ones pass), rebuilt when eval
   * records were added since: small enough to stay in the processor's cache, where the index is not. filteredGrams
   * takes it, here or in the parallel lint's threads.
   */
  gramFilter(): Int32Array {
    if (this.filter?.grams === this.grams.size) return this.filter.bits;
    let bits = 1 << 16;
    while (bits < this.grams.size * 16) bits *= 2;
    const filter = new Int32Array(bits / 32);
    const checks = this.grams.tables()[2];
    for (let id = 0; id < this.grams.size; id++) {
      const c = checks[id] & (bits - 1);
      filter[c >>> 5] |= 1 << (c & 31);
    }
    this.filter = { grams: this.grams.size, bits: filter };
    return filter;
  }

  /** Keeps the stronger match: exact over near over ngram, a higher score within a kind, the earlier training record on ties. */
  private setMatch(e: number, kind: number, t: number, score: number, word: number): boolean {
    const k = this.matchKind.data[e];
    if (k > kind || (k === kind && this.matchScore[e] >= score)) return false;
    this.matchKind.data[e] = kind;
    this.matchTrain.data[e] = t;
    this.matchScore[e] = score;
    this.matchWord.data[e] = word;
    return true;
  }
}

// Rolling polynomial hashes of LEAK_NGRAM word hashes, mod 2^32 in two lanes with different odd bases: sliding the
// window costs a few multiplications per word instead of 2 × 13.
const BASE_A = 0x01000193, BASE_B = 0x5bd1e995;
const TOP_A = power(BASE_A, LEAK_NGRAM - 1), TOP_B = power(BASE_B, LEAK_NGRAM - 1);

/**
 * The 13-grams of `words` whose second hash passes `filter` (LeakageIndex.gramFilter), appended to `out` as pairs of
 * their two hashes, in order. Most training 13-grams are in no eval record: the filter tells so from the second hash
 * alone, before the first is finished and the index is probed.
 */
export function filteredGrams(words: Int32Array, filter: Int32Array, out: IntList): void {
  if (words.length < LEAK_NGRAM) return;
  const mask = filter.length * 32 - 1;
  // ngramHashes' rolling hashes, inline.
  let a = 0, b = 0;
  for (let j = 0; j < LEAK_NGRAM; j++) {
    a = (Math.imul(a, BASE_A) + words[j]) | 0;
    b = (Math.imul(b, BASE_B) + (words[j] ^ 0x2545f491)) | 0;
  }
  for (let i = 0; ; i++) {
    const check = fmix32(b ^ 0x27d4eb2f);
    if (filter[(check & mask) >>> 5] & (1 << (check & 31))) {
      out.push(fmix32(a));
      out.push(check);
    }
    if (i + LEAK_NGRAM >= words.length) break;
    const drop = words[i], add = words[i + LEAK_NGRAM];
    a = (Math.imul(a - Math.imul(drop, TOP_A), BASE_A) + add) | 0;
    b = (Math.imul(b - Math.imul(drop ^ 0x2545f491, TOP_B), BASE_B) + (add ^ 0x2545f491)) | 0;
  }
}

/** Two independent 32-bit hashes (a 64-bit key) of each run of LEAK_NGRAM words, appended as pairs. */
export function ngramHashes(words: Int32Array, out: IntList): void {
  out.clear();
  if (words.length < LEAK_NGRAM) return;
  let a = 0, b = 0;
  for (let j = 0; j < LEAK_NGRAM; j++) {
    a = (Math.imul(a, BASE_A) + words[j]) | 0;
    b = (Math.imul(b, BASE_B) + (words[j] ^ 0x2545f491)) | 0;
  }
  for (let i = 0; ; i++) {
    out.push(fmix32(a));
    out.push(fmix32(b ^ 0x27d4eb2f));
    if (i + LEAK_NGRAM >= words.length) break;
    const drop = words[i], add = words[i + LEAK_NGRAM];
    a = (Math.imul(a - Math.imul(drop, TOP_A), BASE_A) + add) | 0;
    b = (Math.imul(b - Math.imul(drop ^ 0x2545f491, TOP_B), BASE_B) + (add ^ 0x2545f491)) | 0;
  }
}

function power(base: number, n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p = Math.imul(p, base);
  return p;
}
