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
  if (typeof v === 'string') return JSON.stringify(normalizeSpace(v));
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function normalizeSpace(s: string): string {
  return /\s\s|[\t\n\r\f\v\u00a0\u2028\u2029]|^\s|\s$/.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
}

/**
 * 64-bit hash of a string as 16 hex digits (two 32-bit multiply-xor lanes, cyrb53-style), prefixed with the
 * length. At a million records the chance of any collision is about 1e-8, so equal hashes are treated as equal.
 */
export function hash64(s: string): string {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${s.length.toString(36)}:${(h2 >>> 0).toString(16).padStart(8, '0')}${(h1 >>> 0).toString(16).padStart(8, '0')}`;
}
