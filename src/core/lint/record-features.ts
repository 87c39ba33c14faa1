/**
 * Per-record values that several rules need, computed at most once per record (the content fingerprint is on the
 * record view itself): the shingles and MinHash signature of the non-system text (near-duplicate, leakage) and its
 * word hashes (leakage).
 */
import type { FileContext, RecordView } from './context';
import { IntList } from './text/int-list';
import { appendShingles, minhashSignature, PERMUTATIONS } from './text/minhash';
import { scanWords } from './text/words';
import { trainingStrings } from './training-text';

export interface RecordFeatures {
  /** Word 5-gram hashes (one shingle of all words for texts under 5 words); may repeat. */
  shingles: Int32Array;
  /** MinHash signature (PERMUTATIONS values); empty without words. Band keys depend on the threshold: see lshLayout. */
  signature: Int32Array;
}

// Scratch lists reused across records: records are visited one at a time.
const wordScratch = new IntList(1024);
const shingleScratch = new IntList(1024);

/** Word hashes of the non-system training text, strings one after another. */
export function recordWords(r: RecordView): Int32Array {
  if (r.cache.words) return r.cache.words;
  scanRecord(r);
  return (r.cache.words = wordScratch.toArray());
}

function scanRecord(r: RecordView): void {
  wordScratch.clear();
  for (const s of trainingStrings(r)) if (!s.system) scanWords(s.text, wordScratch);
}

/**
 * Appends the record's shingles (those of recordFeatures) to `out`, and its word hashes (recordWords') to `words` when
 * given, without keeping anything on the view: for the parallel lint's threads, which hand on flat lists.
 */
export function appendRecordShingles(r: RecordView, out: IntList, words?: IntList): void {
  scanRecord(r);
  appendShingles(wordScratch.data, wordScratch.length, out);
  words?.append(wordScratch.data, 0, wordScratch.length);
}

export function recordFeatures(r: RecordView): RecordFeatures {
  if (r.cache.features) return r.cache.features;
  if (r.cache.words) {
    wordScratch.clear();
    wordScratch.append(r.cache.words);
  } else {
    scanRecord(r);
  }
  shingleScratch.clear();
  appendShingles(wordScratch.data, wordScratch.length, shingleScratch);
  let signature = EMPTY;
  if (shingleScratch.length) {
    signature = new Int32Array(PERMUTATIONS);
    minhashSignature(shingleScratch.data, shingleScratch.length, signature);
  }
  return (r.cache.features = { shingles: shingleScratch.toArray(), signature });
}

const EMPTY = new Int32Array(0);

/**
 * A dense id of the record's content fingerprint (equal fingerprints, equal ids), from a map the context keeps, so
 * that duplicate and near-duplicate index typed arrays instead of hashing the fingerprint string each; undefined
 * without a fingerprint.
 */
export function fingerprintId(ctx: FileContext, r: RecordView): number | undefined {
  if (r.fingerprint === undefined) return undefined;
  const ids = fingerprintIds(ctx);
  const cached = r.cache.fingerprintId;
  if (cached && cached.ids === ids) return cached.id;
  const id = idOf(ids, r.fingerprint);
  r.cache.fingerprintId = { ids, id };
  return id;
}

/** fingerprintId of a fingerprint without its record (the editor session's seeded lines). */
export function fingerprintIdOf(ctx: FileContext, fingerprint: string): number {
  return idOf(fingerprintIds(ctx), fingerprint);
}

function fingerprintIds(ctx: FileContext): Map<string, number> {
  return ctx.kept('fingerprint-ids', () => new Map<string, number>());
}

function idOf(ids: Map<string, number>, fingerprint: string): number {
  let id = ids.get(fingerprint);
  if (id === undefined) ids.set(fingerprint, (id = ids.size));
  return id;
}
