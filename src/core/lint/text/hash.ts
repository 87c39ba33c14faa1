/** 32-bit hashing with Math.imul only: everything stays an int32, so no float rounding and no BigInt. */

/** MurmurHash3's finaliser: every input bit affects every output bit. A bijection on 32-bit integers. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** `n` pseudo-random int32 values from a fixed seed (splitmix32), for hash parameters that never change between runs. */
export function seededInts(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed | 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b9) | 0;
    out[i] = fmix32(s);
  }
  return out;
}
