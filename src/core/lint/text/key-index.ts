/**
 * Open-addressing hash table from a pair of 32-bit integers (a 64-bit key: `key` picks the slot, `check` tells
 * keys of one slot apart) to dense ids 0, 1, 2…. Callers keep per-id data in their own typed arrays. A JS Map
 * keyed by numbers costs several times the memory and time at millions of entries.
 */
export class KeyIndex {
  private slots: Int32Array; // id + 1; 0 = empty
  private keys: Int32Array;
  private checks: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.slots = new Int32Array(n);
    this.mask = n - 1;
    this.keys = new Int32Array(capacity);
    this.checks = new Int32Array(capacity);
  }

  /** The id of (key, check), or -1. */
  get(key: number, check: number): number {
    const { slots, keys, checks, mask } = this;
    for (let s = (key ^ (key >>> 15)) & mask; ; s = (s + 1) & mask) {
      const id = slots[s] - 1;
      if (id < 0) return -1;
      if (keys[id] === key && checks[id] === check) return id;
    }
  }

  /** The id of (key, check), added when new. */
  intern(key: number, check: number): number {
    if ((this.size + 1) * 2 > this.slots.length) this.rehash();
    const { slots, keys, checks, mask } = this;
    let s = (key ^ (key >>> 15)) & mask;
    for (; ; s = (s + 1) & mask) {
      const id = slots[s] - 1;
      if (id < 0) break;
      if (keys[id] === key && checks[id] === check) return id;
    }
    const id = this.size++;
    if (id === this.keys.length) {
      this.keys = grow(this.keys);
      this.checks = grow(this.checks);
    }
    this.keys[id] = key;
    this.checks[id] = check;
    slots[s] = id + 1;
    return id;
  }

  /** Its three tables: slots, then keys and checks by id (tests: reserve() leaves nothing to replace; a filter over the checks). */
  tables(): readonly Int32Array[] {
    return [this.slots, this.keys, this.checks];
  }

  /** Makes room for `n` ids in all, so that adding that many rehashes and copies nothing. */
  reserve(n: number): void {
    if (n > this.keys.length) {
      this.keys = grow(this.keys, n);
      this.checks = grow(this.checks, n);
    }
    let slots = this.slots.length;
    while (slots < n * 2) slots *= 2;
    if (slots > this.slots.length) this.rehash(slots);
  }

  private rehash(n = this.slots.length * 2): void {
    const slots = new Int32Array(n);
    const mask = n - 1;
    for (let id = 0; id < this.size; id++) {
      const key = this.keys[id];
      let s = (key ^ (key >>> 15)) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** A copy of `a` with twice the room. */
export function grow(a: Int32Array, min = 0): Int32Array {
  const next = new Int32Array(Math.max(a.length * 2, min, 16));
  next.set(a);
  return next;
}
