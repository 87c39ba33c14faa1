/**
 * An eval document's leakage check kept from one edit to the next (the editor's lint worker keeps one per eval
 * document). Each record text keeps what the comparison needs of it (fingerprint, word hashes, shingles, signature)
 * and what the comparison with the training records found for it; an edit compares only the records it added with the
 * training records (one pass over their kept words, against an index of those few records).
 *
 * A record's match depends on no other eval record but through two limits of LeakageIndex: a 13-gram held by more than
 * MAX_GRAM_EVALS eval records is not followed, and a training record reaches at most MAX_CHAIN eval records per LSH
 * band key. So the cache counts, over the document's records, the records holding each 13-gram and each band key: the
 * records holding a 13-gram whose count crossed the limit are compared again (told the whole count), and while any
 * band key is held by more records than the chain limit, every record is compared, as in a first check. The matches
 * are then those of LeakageIndex over all the records.
 */
import type { SourceRecord } from '../dataset/types';
import type { RecordCache, RecordView } from './context';
import { LeakageIndex, MAX_CHAIN, MAX_GRAM_EVALS, ngramHashes, type LeakageMatches, type LeakMatch } from './leakage-index';
import type { TrainingFeatures } from './leakage-training';
import { recordFeatures, recordWords } from './record-features';
import { buildRecordView } from './record-view';
import { IntList } from './text/int-list';
import { KeyIndex } from './text/key-index';
import { bandKeys, lshLayout } from './text/minhash';

/** One record text of the document. */
interface EvalEntry {
  fingerprint: string | undefined;
  cache: RecordCache;
  /** Its distinct 13-grams and its band keys, as ids of the cache's counts. */
  grams: Int32Array;
  bands: Int32Array;
  /** Records of the document with this text. */
  count: number;
  /** Its match with the training records the cache was last checked against; `compared` false: not known. */
  compared: boolean;
  match: LeakMatch | undefined;
}

export class EvalFeatureCache {
  private entries = new Map<string, EvalEntry>();
  private training: TrainingFeatures | undefined;
  private threshold: number | undefined;
  private gramIds = new KeyIndex();
  private gramCount = new IntList();
  /** Per 13-gram id, the last entry that listed it (entry() lists each once); and scratch space for the hashes. */
  private gramSeen = new IntList();
  private serial = 0;
  private readonly pairs = new IntList();
  private bandIds = new KeyIndex();
  private bandCount = new IntList();
  /** Band keys held by more than MAX_CHAIN records. */
  private crowded = 0;
  /** Records compared with the training records by the last check (tests). */
  lastCompared = 0;

  /**
   * The views of the document's valid records (`records`: all of them, in order) and their matches with `training`.
   * Only the records whose match is not known are compared (see above).
   */
  check(records: readonly SourceRecord[], training: TrainingFeatures): { views: Map<SourceRecord, RecordView>; matches: LeakageMatches } {
    if (this.threshold !== training.threshold) this.reset(training.threshold);
    if (this.training !== training) for (const e of this.entries.values()) e.compared = false;
    this.training = training;
    const views = new Map<SourceRecord, RecordView>();
    const now = new Map<string, SourceRecord[]>();
    for (const rec of records) {
      if (rec.error) continue;
      const known = this.entries.get(rec.text);
      const view = buildRecordView(rec, { fingerprint: !known });
      if (known) {
        view.fingerprint = known.fingerprint;
        view.cache = { words: known.cache.words, features: known.cache.features };
      }
      views.set(rec, view);
      const same = now.get(rec.text);
      if (same) same.push(rec); else now.set(rec.text, [rec]);
    }
    // Records gone and come: the counts follow, and note the 13-grams and band keys whose count crossed its limit.
    const crossedGrams = new Set<number>(), crossedBands = new Set<number>();
    for (const [text, e] of this.entries) {
      const n = now.get(text)?.length ?? 0;
      if (n !== e.count) this.count(e, n - e.count, crossedGrams, crossedBands);
      if (!n) this.entries.delete(text);
    }
    for (const [text, recs] of now) {
      if (this.entries.has(text)) continue;
      const e = this.entry(views.get(recs[0])!, training.threshold);
      this.count(e, recs.length, crossedGrams, crossedBands);
      this.entries.set(text, e);
    }
    const crowded = this.crowded > 0;
    const stale = (e: EvalEntry): boolean => crowded || !e.compared || (crossedGrams.size > 0 && e.grams.some((g) => crossedGrams.has(g)))
      || (crossedBands.size > 0 && e.bands.some((b) => crossedBands.has(b)));
    const compare = [...now].filter(([text]) => stale(this.entries.get(text)!));
    const all = compare.length === now.size; // a first check: the index counts the 13-grams itself
    this.lastCompared = 0;
    // Past the chain limit, which records a training record reaches depends on their order: even two copies of one
    // text may match differently. Then every record, in file order as lintFiles indexes them, has its own match.
    let byRecord: Map<number, LeakMatch | undefined> | undefined;
    if (compare.length) {
      // Every record; or one of each text to compare, told the 13-gram counts of all.
      const index = all ? new LeakageIndex(training.threshold)
        : new LeakageIndex(training.threshold, (a, b) => this.gramCount.data[this.gramIds.get(a, b)]);
      if (all) for (const rec of records) { if (!rec.error) index.addEval(0, views.get(rec)!); }
      else for (const [, recs] of compare) index.addEval(0, views.get(recs[0])!);
      this.lastCompared = index.evalRecords;
      training.compareWith(index);
      if (crowded) {
        byRecord = new Map();
        for (const rec of records) if (!rec.error) byRecord.set(rec.index, index.match(0, rec.index));
      }
      for (const [text, recs] of compare) {
        const e = this.entries.get(text)!;
        e.match = index.match(0, recs[0].index);
        e.compared = !crowded;
      }
    }
    const textAt = new Map<number, string>();
    for (const rec of records) textAt.set(rec.index, rec.text);
    return { views, matches: { match: (_file, i) => (byRecord ? byRecord.get(i) : this.entries.get(textAt.get(i)!)?.match) } };
  }

  private reset(threshold: number): void {
    this.threshold = threshold;
    this.entries.clear();
    this.gramIds = new KeyIndex();
    this.gramCount = new IntList();
    this.gramSeen = new IntList();
    this.bandIds = new KeyIndex();
    this.bandCount = new IntList();
    this.crowded = 0;
  }

  /** A new text's entry: its view's words and features (kept on it for the index too), its 13-grams' and band keys' ids. */
  private entry(view: RecordView, threshold: number): EvalEntry {
    const words = recordWords(view);
    const f = recordFeatures(view);
    const pairs = this.pairs;
    ngramHashes(words, pairs);
    const grams = new IntList();
    const serial = ++this.serial;
    if (this.gramIds.size + pairs.length / 2 > 2 * this.gramCount.length) this.gramIds.reserve(2 * (this.gramIds.size + pairs.length / 2));
    for (let k = 0; k < pairs.length; k += 2) {
      const g = this.gramIds.intern(pairs.data[k], pairs.data[k + 1]);
      if (g === this.gramCount.length) { this.gramCount.push(0); this.gramSeen.push(0); }
      if (this.gramSeen.data[g] !== serial) { this.gramSeen.data[g] = serial; grams.push(g); }
    }
    const layout = lshLayout(threshold);
    const bands = new Int32Array(f.signature.length ? layout.bands : 0);
    if (f.signature.length) {
      const keys = new Int32Array(layout.bands);
      bandKeys(f.signature, layout, keys);
      for (let b = 0; b < layout.bands; b++) {
        const id = this.bandIds.intern(keys[b], b);
        if (id === this.bandCount.length) this.bandCount.push(0);
        bands[b] = id;
      }
    }
    return { fingerprint: view.fingerprint, cache: { words, features: f }, grams: grams.toArray(), bands, count: 0, compared: false, match: undefined };
  }

  /** `d` more (or fewer) records of `e`'s text. */
  private count(e: EvalEntry, d: number, crossedGrams: Set<number>, crossedBands: Set<number>): void {
    e.count += d;
    const grams = this.gramCount.data, bands = this.bandCount.data;
    for (const g of e.grams) {
      const before = grams[g];
      grams[g] += d;
      if ((before > MAX_GRAM_EVALS) !== (grams[g] > MAX_GRAM_EVALS)) crossedGrams.add(g);
    }
    for (const b of e.bands) {
      const before = bands[b];
      bands[b] += d;
      if ((before > MAX_CHAIN) === (bands[b] > MAX_CHAIN)) continue;
      crossedBands.add(b);
      this.crowded += bands[b] > MAX_CHAIN ? 1 : -1;
    }
  }
}
