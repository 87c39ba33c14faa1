/**
 * Canonical text of a record, so that records differing only in key order or whitespace compare equal.
 * Only the fields that reach training count: two chat records with the same messages but different `id`s
 * are duplicates.
 */
import { detectRecordFormat, isJsonObject } from './format';
import type { RecordFormat } from './types';

const CONTENT_FIELDS: Record<Exclude<RecordFormat, 'unknown'>, readonly string[]> = {
  chat: ['messages', 'tools', 'functions'],
  sharegpt: ['conversations', 'system', 'tools'],
  instruction: ['instruction', 'input', 'output', 'system', 'history'],
  'prompt-completion': ['prompt', 'completion'],
  text: ['text'],
};

/** Canonical JSON of the record's training content (the whole value for unknown formats). */
export function canonicalText(value: unknown, format: RecordFormat = detectRecordFormat(value)): string {
  if (format === 'unknown' || !isJsonObject(value)) return canonicalJson(value);
  const picked: Record<string, unknown> = {};
  for (const k of CONTENT_FIELDS[format]) if (Object.hasOwn(value, k)) picked[k] = value[k];
  return canonicalJson(picked);
}

/** JSON with object keys sorted and every string's whitespace runs collapsed to one space and trimmed. */
export function canonicalJson(v: unknown): string {
  const parts: string[] = [];
  writeCanonical(v, parts);
  return parts.join('');
}

// Appending to one array and joining once is about twice as fast as nested map/join on large files.
function writeCanonical(v: unknown, out: string[]): void {
  if (typeof v === 'string') {
    out.push(JSON.stringify(normalizeSpace(v)));
  } else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i) out.push(',');
      writeCanonical(v[i], out);
    }
    out.push(']');
  } else if (isJsonObject(v)) {
    const keys = Object.keys(v);
    sortKeys(keys);
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      out.push(i ? ',' : '', JSON.stringify(keys[i]), ':');
      writeCanonical(v[keys[i]], out);
    }
    out.push('}');
  } else {
    out.push(JSON.stringify(v) ?? 'null');
  }
}

/** keys.sort(), without its generic machinery for the usual one or two keys ({role, content}). */
function sortKeys(keys: string[]): void {
  if (keys.length === 2) {
    if (keys[0] > keys[1]) { const first = keys[0]; keys[0] = keys[1]; keys[1] = first; }
  } else if (keys.length > 2) keys.sort();
}

function normalizeSpace(s: string): string {
  return /\s\s|[^\S ]|^\s|\s$/.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
}

/**
 * 64-bit fingerprint of canonicalText(value, format) as 16 hex digits, computed by walking the value without
 * building the text (about twice as fast as building it and hashing it natively). Equal canonical texts give equal
 * fingerprints; distinct ones collide with probability about n²/2^65 (3e-8 at a million records).
 */
export function contentFingerprint(value: unknown, format: RecordFormat = detectRecordFormat(value)): string {
  const h = new Fingerprint();
  if (format === 'unknown' || !isJsonObject(value)) h.value(value);
  else {
    const keys = CONTENT_FIELDS[format].filter((k) => Object.hasOwn(value, k)).sort();
    h.object(value, keys);
  }
  return h.digest();
}

// Structure tokens lie above 0xFFFF, so they never equal a UTF-16 code unit: the token stream is unambiguous.
const STRING = 0x10001, STRING_END = 0x10002, KEY = 0x10003, KEY_END = 0x10004, NUMBER = 0x10005, OBJECT = 0x10006,
  OBJECT_END = 0x10007, ARRAY = 0x10008, ARRAY_END = 0x10009, TRUE = 0x1000a, FALSE = 0x1000b, NULL = 0x1000c;

/** Two 32-bit multiply-xor lanes (cyrb53-style) over the token stream of the canonical form. */
class Fingerprint {
  // Kept as int32 (`| 0`): a field holding a double would box a new number on every write.
  private a = 0xdeadbeef | 0;
  private b = 0x41c6ce57 | 0;

  private mix(c: number): void {
    this.a = Math.imul(this.a ^ c, 2654435761);
    this.b = Math.imul(this.b ^ c, 1597334677);
  }

  value(v: unknown): void {
    if (typeof v === 'string') {
      this.mix(STRING);
      this.normalizedText(v);
      this.mix(STRING_END);
    } else if (Array.isArray(v)) {
      this.mix(ARRAY);
      for (const item of v) this.value(item);
      this.mix(ARRAY_END);
    } else if (isJsonObject(v)) {
      const keys = Object.keys(v);
      sortKeys(keys);
      this.object(v, keys);
    } else if (typeof v === 'number') {
      this.mix(NUMBER);
      this.rawText(JSON.stringify(v));
    } else {
      this.mix(v === true ? TRUE : v === false ? FALSE : NULL);
    }
  }

  object(v: Record<string, unknown>, sortedKeys: string[]): void {
    this.mix(OBJECT);
    for (const k of sortedKeys) {
      this.mix(KEY);
      this.rawText(k);
      this.mix(KEY_END);
      this.value(v[k]);
    }
    this.mix(OBJECT_END);
  }

  private rawText(s: string): void {
    let a = this.a, b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 2654435761);
      b = Math.imul(b ^ c, 1597334677);
    }
    this.a = a;
    this.b = b;
  }

  /**
   * The text as normalizeSpace leaves it: runs of whitespace become one space, none at either end. Text is mostly
   * words between single spaces, which need no change: those stretches are hashed as they are, without a branch per
   * character (a space branch mispredicts at every word), one table lookup per character telling where a stretch
   * ends (a whitespace character other than ' ', or a second one in a row). There the space already hashed is taken
   * back (multiplying by the inverse), the run is skipped and one space hashed, unless the run ends the text.
   */
  private normalizedText(s: string): void {
    let a = this.a, b = this.b;
    const n = s.length;
    let i = 0, prev = 0;
    while (i < n && SPACE_KIND[s.charCodeAt(i)] !== 0) i++;
    for (;;) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        const w = SPACE_KIND[c];
        if (((w >> 1) | (prev & w)) !== 0) break;
        prev = w;
        a = Math.imul(a ^ c, 2654435761);
        b = Math.imul(b ^ c, 1597334677);
      }
      if (i >= n) break;
      if (prev === 1) {
        a = Math.imul(a, A_INVERSE) ^ 32;
        b = Math.imul(b, B_INVERSE) ^ 32;
      }
      while (i < n && SPACE_KIND[s.charCodeAt(i)] !== 0) i++;
      prev = 0;
      if (i < n) {
        a = Math.imul(a ^ 32, 2654435761);
        b = Math.imul(b ^ 32, 1597334677);
      }
    }
    if (prev === 1) { // a single space at the end
      a = Math.imul(a, A_INVERSE) ^ 32;
      b = Math.imul(b, B_INVERSE) ^ 32;
    }
    this.a = a;
    this.b = b;
  }

  digest(): string {
    let { a, b } = this;
    a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
    b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
    return hex64(b, a);
  }
}

const HEX = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));

/**
 * `hi` then `lo` as 16 lower-case hex digits. One flat string: joining two toString(16) halves makes a rope, which
 * every Map lookup by the fingerprint then flattens; this is about twice as fast, map insertion included.
 */
export function hex64(hi: number, lo: number): string {
  return String.fromCharCode(
    HEX[hi >>> 28], HEX[(hi >>> 24) & 15], HEX[(hi >>> 20) & 15], HEX[(hi >>> 16) & 15], HEX[(hi >>> 12) & 15], HEX[(hi >>> 8) & 15], HEX[(hi >>> 4) & 15], HEX[hi & 15],
    HEX[lo >>> 28], HEX[(lo >>> 24) & 15], HEX[(lo >>> 20) & 15], HEX[(lo >>> 16) & 15], HEX[(lo >>> 12) & 15], HEX[(lo >>> 8) & 15], HEX[(lo >>> 4) & 15], HEX[lo & 15],
  );
}

/** Exactly the characters of the regular expression class \s. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The inverses mod 2^32 of the lanes' multipliers: Math.imul(Math.imul(x, 2654435761), A_INVERSE) === x. */
const A_INVERSE = inverse32(2654435761), B_INVERSE = inverse32(1597334677);

/** The inverse of an odd number mod 2^32 (Newton's iteration; each step doubles the correct low bits). */
export function inverse32(k: number): number {
  let x = k | 0;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(k, x));
  return x;
}

/** Per UTF-16 code unit: 0 not whitespace, 1 ' ', 2 any other character of \s. */
const SPACE_KIND = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) if (isSpace(c)) SPACE_KIND[c] = c === 32 ? 1 : 2;
