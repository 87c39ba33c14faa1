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
    if (keys.length > 1) keys.sort();
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
      if (keys.length > 1) keys.sort();
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

  /** The text as normalizeSpace leaves it: runs of whitespace become one space, none at either end. */
  private normalizedText(s: string): void {
    let a = this.a, b = this.b;
    let started = false, pendingSpace = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if ((c <= 32 || c >= 0xa0) && isSpace(c)) {
        pendingSpace = started;
        continue;
      }
      if (pendingSpace) {
        a = Math.imul(a ^ 32, 2654435761);
        b = Math.imul(b ^ 32, 1597334677);
        pendingSpace = false;
      }
      a = Math.imul(a ^ c, 2654435761);
      b = Math.imul(b ^ c, 1597334677);
      started = true;
    }
    this.a = a;
    this.b = b;
  }

  digest(): string {
    let { a, b } = this;
    a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
    b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
    return (b >>> 0).toString(16).padStart(8, '0') + (a >>> 0).toString(16).padStart(8, '0');
  }
}

/** Exactly the characters of the regular expression class \s. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
