/**
 * Canonical text of a record, so that records differing only in key order or whitespace compare equal.
 * Only the fields that reach training count: two chat records with the same messages but different `id`s
 * are duplicates.
 */
import { createHash } from 'node:crypto';
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
  return /\s\s|[\t\n\r\f\v\u00a0\u2028\u2029]|^\s|\s$/.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
}

/** SHA-1 of a string, base64: native hashing is faster than any JS loop, and collisions need not be considered. */
export function contentHash(s: string): string {
  return createHash('sha1').update(s).digest('base64');
}
