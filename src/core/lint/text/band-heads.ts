/**
 * Per LSH band, a hash table from band key to the newest record with that key: the near-duplicate index's chain
 * heads, found with one probe into one table (key and head side by side) where interning the key first (KeyIndex)
 * and then reading its head touches four tables. For the parallel lint's merge, which sees each record once.
 */
export class BandHeads {
  /** Per band: key, head + 1 pairs (head + 1 = 0: an empty slot). */
  private readonly tables: Int32Array[];
  private readonly sizes: Int32Array;

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

  /** Makes `id` the newest record with `key` in band `band`; returns the one that was (-1: none). */
  swap(band: number, key: number, id: number): number {
    let t = this.tables[band];
    if ((this.sizes[band] + 1) * 8 > t.length * 3) t = this.tables[band] = rehash(t);
    const mask = (t.length >> 1) - 1;
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
