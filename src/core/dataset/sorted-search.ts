/**
 * Binary search: the first k in [0, n) for which `reached(k)` holds, or n when none does. `reached` must be false up to
 * some k and true from there on (a sorted array compared with a value).
 */
export function firstIndexWhere(n: number, reached: (k: number) => boolean): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (reached(mid)) hi = mid; else lo = mid + 1;
  }
  return lo;
}
