/**
 * MinHash over word 5-gram shingles, with LSH banding (datatrove's scheme, see /work/shared/notes/references.md).
 *
 * The signature has 112 values (one-permutation hashing into 112 bins, see minhashSignature). They are split
 * into bands by the similarity threshold (lshLayout): at the default 0.8, 16 bands × 7 rows, so a pair at Jaccard 0.8
 * becomes a candidate with probability 1-(1-0.8^7)^16 ≈ 0.977 (14 × 8 gives 0.924), at 0.5 with 0.12, at 0.3 with
 * 0.004. Every candidate is then confirmed by exact Jaccard on the shingle sets.
 */
import { fmix32, seededInts } from './hash';
import type { IntList } from './int-list';

export const SHINGLE_WORDS = 5;
export const PERMUTATIONS = 112;

export interface LshLayout { bands: number; rows: number }

/** Splits of the 112 permutations, fewest bands (fewest false candidates) first. */
const LAYOUTS: LshLayout[] = [[8, 14], [14, 8], [16, 7], [28, 4], [56, 2], [112, 1]].map(([bands, rows]) => ({ bands, rows }));

/** The layout with the fewest bands that makes a pair at `threshold` a candidate with probability ≥ 0.95. */
export function lshLayout(threshold: number): LshLayout {
  return LAYOUTS.find(({ bands, rows }) => candidateProbability(threshold, bands, rows) >= 0.95) ?? LAYOUTS[LAYOUTS.length - 1];
}

/** Probability that a pair at Jaccard j agrees on all rows of at least one band. */
export function candidateProbability(j: number, bands: number, rows: number): number {
  return 1 - (1 - j ** rows) ** bands;
}


/**
 * Appends the hash of each run of SHINGLE_WORDS words. A text of 1 to 4 words gets one shingle of all its
 * words, so short records are near-duplicates only of records with the very same words.
 */
export function appendShingles(words: Int32Array, n: number, out: IntList): void {
  if (n === 0) return;
  const k = Math.min(SHINGLE_WORDS, n);
  out.reserve(n - k + 1);
  const data = out.data;
  let len = out.length;
  // Polynomial hash of the k words in the window, rolled one word at a time (a few multiplications per word).
  const top = k === SHINGLE_WORDS ? TOP : power(SHINGLE_BASE, k - 1);
  let h = 0;
  for (let j = 0; j < k; j++) h = (Math.imul(h, SHINGLE_BASE) + words[j]) | 0;
  data[len++] = fmix32(h ^ k);
  for (let i = k; i < n; i++) {
    h = (Math.imul((h - Math.imul(words[i - k], top)) | 0, SHINGLE_BASE) + words[i]) | 0;
    data[len++] = fmix32(h ^ k);
  }
  out.length = len;
}

const SHINGLE_BASE = 0x9e3779b1 | 0;
const TOP = power(SHINGLE_BASE, SHINGLE_WORDS - 1);

function power(base: number, n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p = Math.imul(p, base);
  return p;
}

/**
 * The MinHash signature (PERMUTATIONS values) of shingles[0, n) into `out`, by one-permutation hashing with optimal
 * densification (Li, Owen & Zhang 2012; Shrivastava 2017): the high bits of a shingle's hash pick one of the
 * PERMUTATIONS bins, a second hash of it competes for that bin's minimum, and each bin left empty copies the value of
 * the first non-empty bin on its own fixed pseudo-random probe sequence. Two sets then agree on a bin with probability
 * close to their Jaccard similarity, as with PERMUTATIONS independent permutations, at one hash per shingle instead of
 * PERMUTATIONS (the classic loop was most of the near-duplicate rule's time). test/unit/lint-lsh-quality.test.ts
 * measures the recall this gives against brute-force exact Jaccard.
 */
export function minhashSignature(shingles: Int32Array, n: number, out: Int32Array): void {
  if (n === 0) return;
  const filled = FILLED;
  filled.fill(0);
  // Every bin starts at the largest value, so that the first shingle of a bin needs no branch of its own (one that the
  // processor mispredicts often): a bin whose minimum is that value reads the same either way.
  out.fill(0x7fffffff);
  for (let s = 0; s < n; s++) {
    const x = shingles[s];
    const bin = ((x >>> 16) * PERMUTATIONS) >>> 16; // high bits: uniform over the bins
    const v = fmix32(x ^ 0x3c6ef372); // independent of the bin, which used the high bits of x itself
    filled[bin] = 1;
    if (v < out[bin]) out[bin] = v;
  }
  for (let b = 0; b < PERMUTATIONS; b++) {
    if (filled[b] === 1) continue;
    let j = -1;
    for (let k = b * MAX_PROBES, end = k + MAX_PROBES; k < end; k++) if (filled[PROBES[k]] === 1) { j = PROBES[k]; break; }
    if (j < 0) for (j = (b + 1) % PERMUTATIONS; filled[j] === 0; j = (j + 1) % PERMUTATIONS); // very sparse: the next filled bin
    out[b] = out[j];
  }
}

const FILLED = new Uint8Array(PERMUTATIONS);
const MAX_PROBES = 64;
/** Per bin, a fixed pseudo-random sequence of bins to copy from when it is empty (the same for every record). */
const PROBES = Int32Array.from(seededInts(PERMUTATIONS * MAX_PROBES, 0x64656e73), (x) => (x >>> 0) % PERMUTATIONS);

/** One 32-bit key per band into out[0, bands): records whose signatures agree on all rows of a band share its key. */
export function bandKeys(signature: Int32Array, layout: LshLayout, out: Int32Array): void {
  const { bands, rows } = layout;
  for (let b = 0; b < bands; b++) {
    let h = 0x1b873593 ^ b;
    for (let r = b * rows; r < (b + 1) * rows; r++) h = Math.imul(h ^ signature[r], 0xcc9e2d51) ^ (h >>> 15);
    out[b] = fmix32(h);
  }
}
