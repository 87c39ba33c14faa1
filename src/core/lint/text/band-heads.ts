/**
 * Per LSH band, a hash table from band key to the newest record with that key: the near-duplicate index's chain
 * heads, found with one probe into one table (key and head side by side) where interning the key first (KeyIndex)
 * and then reading its head touches four tables. For the parallel lint's merge, which sees each record once.
 */
export class BandHeads {
  /** Per band: key, head + 1 pairs (head + 1 = 0: an empty slot). */
  private readonly tables: Int32Array[];
  private readonly sizes: Int32Array;
  /** What chain()'s early reads found, kept so that the compiler cannot drop them. */
  touched = 0;

  /**
   * `expected`: about how many keys each band gets; the tables grow past that. They are kept at most 3/4 full: small
   * (the merge's cache misses, most of its time here, grow with them), with a few probes per key still.
   */
  constructor(bands: number, expected: number) {
    let pairs = 16;
    while (pairs * 3 < expected * 4) pairs *= 2;
    this.tables = Array.from({ length: bands }, () => new Int32Array(pairs * 2));
    this.sizes = new Int32Array(bands);
  }

  /**
   * swap() in band `band` for `count` records in a row, ids first to first + count - 1: record j's key is
   * keys[records[j] * stride + band], and the record it replaces goes to out[(first + j) * stride + band].
   * Each group of GROUP keys' slots is read first, all at once: the reads do not wait on one another, and the swaps
   * then find their slots in the cache. A probe is mostly a cache miss (a table per band of megabytes); this took
   * 200-250 ms where one swap after another took 270-400 ms (270,000 records, 16 bands, bench/lint/RESULTS.md).
   */
  chain(band: number, keys: Int32Array, records: Int32Array, count: number, stride: number, out: Int32Array, first: number): void {
    let touched = 0;
    for (let g = 0; g < count; g += GROUP) {
      const end = Math.min(count, g + GROUP);
      let t = this.tables[band];
      if ((this.sizes[band] + GROUP) * 8 > t.length * 3) t = this.tables[band] = rehash(t);
      const mask = (t.length >> 1) - 1;
      for (let j = g; j < end; j++) {
        const key = keys[records[j] * stride + band];
        touched |= t[2 * ((key ^ (key >>> 16)) & mask) + 1];
      }
      for (let j = g; j < end; j++) out[(first + j) * stride + band] = this.swapIn(t, mask, band, keys[records[j] * stride + band], first + j);
    }
    this.touched = touched;
  }

  /** Makes `id` the newest record with `key` in band `band`; returns the one that was (-1: none). */
  swap(band: number, key: number, id: number): number {
    let t = this.tables[band];
    if ((this.sizes[band] + 1) * 8 > t.length * 3) t = this.tables[band] = rehash(t);
    return this.swapIn(t, (t.length >> 1) - 1, band, key, id);
  }

  private swapIn(t: Int32Array, mask: number, band: number, key: number, id: number): number {
    for (let s = (key ^ (key >>> 16)) & mask; ; s = (s + 1) & mask) {
      const head = t[2 * s + 1];
      if (head === 0) {
        t[2 * s] = key;
        t[2 * s + 1] = id + 1;
        this.sizes[band]++;
        return -1;
      }
      if (t[2 * s] === key) {
        t[2 * s + 1] = id + 1;
        return head - 1;
      }
    }
  }
}

/** Keys whose slots chain() reads ahead of swapping them. */
const GROUP = 32;

function rehash(t: Int32Array): Int32Array {
  const next = new Int32Array(t.length * 2);
  const mask = (next.length >> 1) - 1;
  for (let s = 0; s < t.length; s += 2) {
    if (t[s + 1] === 0) continue;
    const key = t[s];
    let d = (key ^ (key >>> 16)) & mask;
    while (next[2 * d + 1] !== 0) d = (d + 1) & mask;
    next[2 * d] = key;
    next[2 * d + 1] = t[s + 1];
  }
  return next;
}
