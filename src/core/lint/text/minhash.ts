/**
 * MinHash over word 5-gram shingles, with LSH banding (datatrove's scheme, see /work/shared/notes/references.md).
 *
 * Permutation i is h_i(x) = a_i·x + b_i mod 2^32 (Math.imul, a_i odd) applied to a shingle hash x that fmix32 already
 * spread over all 32 bits: a multiply-add universal family in int32 arithmetic only. The 112 permutations are split
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

const MUL = seededInts(PERMUTATIONS, 0x6d696e68).map((a) => a | 1);
const ADD = seededInts(PERMUTATIONS, 0x61646421);
const MAX_INT32 = 0x7fffffff;

/**
 * Appends the hash of each run of SHINGLE_WORDS words. A text of 1 to 4 words gets one shingle of all its
 * words, so short records are near-duplicates only of records with the very same words.
 */
export function appendShingles(words: Int32Array, n: number, out: IntList): void {
  if (n === 0) return;
  const k = Math.min(SHINGLE_WORDS, n);
  for (let i = 0; i + k <= n; i++) {
    let h = 0x2545f491 ^ k;
    for (let j = i; j < i + k; j++) h = Math.imul(h ^ words[j], 0x9e3779b1);
    out.push(fmix32(h));
  }
}

/**
 * The MinHash signature (PERMUTATIONS values) of shingles[0, n) into `out`. Permutation-major, eight permutations per
 * pass over the shingles: their running minimums stay in registers (about 1.5 ns per shingle and permutation on the
 * development machine; this loop is most of the near-duplicate rule's time).
 */
export function minhashSignature(shingles: Int32Array, n: number, out: Int32Array): void {
  for (let p = 0; p < PERMUTATIONS; p += 8) {
    const a0 = MUL[p], a1 = MUL[p + 1], a2 = MUL[p + 2], a3 = MUL[p + 3], a4 = MUL[p + 4], a5 = MUL[p + 5], a6 = MUL[p + 6], a7 = MUL[p + 7];
    const b0 = ADD[p], b1 = ADD[p + 1], b2 = ADD[p + 2], b3 = ADD[p + 3], b4 = ADD[p + 4], b5 = ADD[p + 5], b6 = ADD[p + 6], b7 = ADD[p + 7];
    let m0 = MAX_INT32, m1 = MAX_INT32, m2 = MAX_INT32, m3 = MAX_INT32, m4 = MAX_INT32, m5 = MAX_INT32, m6 = MAX_INT32, m7 = MAX_INT32;
    for (let s = 0; s < n; s++) {
      const x = shingles[s];
      const v0 = (Math.imul(x, a0) + b0) | 0, v1 = (Math.imul(x, a1) + b1) | 0, v2 = (Math.imul(x, a2) + b2) | 0, v3 = (Math.imul(x, a3) + b3) | 0;
      const v4 = (Math.imul(x, a4) + b4) | 0, v5 = (Math.imul(x, a5) + b5) | 0, v6 = (Math.imul(x, a6) + b6) | 0, v7 = (Math.imul(x, a7) + b7) | 0;
      m0 = v0 < m0 ? v0 : m0; m1 = v1 < m1 ? v1 : m1; m2 = v2 < m2 ? v2 : m2; m3 = v3 < m3 ? v3 : m3;
      m4 = v4 < m4 ? v4 : m4; m5 = v5 < m5 ? v5 : m5; m6 = v6 < m6 ? v6 : m6; m7 = v7 < m7 ? v7 : m7;
    }
    out[p] = m0; out[p + 1] = m1; out[p + 2] = m2; out[p + 3] = m3; out[p + 4] = m4; out[p + 5] = m5; out[p + 6] = m6; out[p + 7] = m7;
  }
}

/** One 32-bit key per band into out[0, bands): records whose signatures agree on all rows of a band share its key. */
export function bandKeys(signature: Int32Array, layout: LshLayout, out: Int32Array): void {
  const { bands, rows } = layout;
  for (let b = 0; b < bands; b++) {
    let h = 0x1b873593 ^ b;
    for (let r = b * rows; r < (b + 1) * rows; r++) h = Math.imul(h ^ signature[r], 0xcc9e2d51) ^ (h >>> 15);
    out[b] = fmix32(h);
  }
}
