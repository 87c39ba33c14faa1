/** A growable list of 32-bit integers in one typed array: no boxing, no per-item objects on hot paths. */
export class IntList {
  data: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.data = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  /** Appends data[from, to) of another array. */
  append(src: Int32Array, from = 0, to = src.length): void {
    const n = to - from;
    if (this.length + n > this.data.length) this.grow(this.length + n);
    this.data.set(from === 0 && to === src.length ? src : src.subarray(from, to), this.length); // no view object per call on the hot path
    this.length += n;
  }

  /** Makes room for `n` more items, so that callers may write data[length…] directly. */
  reserve(n: number): void {
    if (this.length + n > this.data.length) this.grow(this.length + n);
  }

  clear(): void {
    this.length = 0;
  }

  /** The items, without a copy: the list's own memory, so the list must not be used after. */
  items(): Int32Array {
    return this.data.subarray(0, this.length);
  }

  /** A copy of the items. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }

  private grow(min: number): void {
    const next = new Int32Array(Math.max(min, this.data.length * 2, 16));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}
