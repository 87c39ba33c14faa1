/** Where two versions of a document differ: their common prefix and suffix, compared 64K characters at a time (memcmp speed). */
const CHUNK = 1 << 16;

/** Length of the common prefix of a and b. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix of a and b, at most `limit`. */
export function commonSuffix(a: string, b: string, limit: number): number {
  let k = 0;
  while (k + CHUNK <= limit && a.slice(a.length - k - CHUNK, a.length - k) === b.slice(b.length - k - CHUNK, b.length - k)) k += CHUNK;
  while (k < limit && a.charCodeAt(a.length - 1 - k) === b.charCodeAt(b.length - 1 - k)) k++;
  return k;
}

/** A flat copy of `s` that shares no storage with the string it was sliced from. */
export function copyOf(s: string): string {
  return (' ' + s).slice(1);
}
