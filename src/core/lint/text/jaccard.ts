/** Exact Jaccard similarity of shingle sets, kept as sorted arrays of distinct 32-bit hashes. */

/** Sorts `a` in place and returns the prefix holding each value once. */
export function sortedUnique(a: Int32Array): Int32Array {
  if (a.length < 2) return a;
  a.sort();
  let w = 1;
  for (let r = 1; r < a.length; r++) if (a[r] !== a[w - 1]) a[w++] = a[r];
  return a.subarray(0, w);
}

/** |A ∩ B| / |A ∪ B| of two sortedUnique arrays; 0 when both are empty. */
export function jaccardSorted(a: Int32Array, b: Int32Array): number {
  let i = 0, j = 0, common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i], y = b[j];
    if (x === y) { common++; i++; j++; } else if (x < y) i++; else j++;
  }
  const union = a.length + b.length - common;
  return union === 0 ? 0 : common / union;
}
