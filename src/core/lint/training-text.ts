/**
 * The strings of a record that reach training, each with its JSON path, so that text rules (pii, markup-noise,
 * encoding, too-long, near-duplicate, leakage) look at the same text and can point into the source line.
 * Metadata fields (ids, sources, scores) are left out: they never reach the model.
 */
import { isJsonObject, type JsonObject } from '../dataset/format';
import type { JsonPath } from '../dataset/json-scan';
import type { RecordView } from './context';

export interface TrainingString {
  path: JsonPath;
  text: string;
  /** A system prompt: the same on many records by design, so similarity rules leave it out. */
  system: boolean;
  /** What the text may hold, for the rules' cheap pre-checks (text-hints.ts): worked out on first use; -1 or absent: not yet. */
  hints?: number;
}

/** Where a string is, for messages: "messages[1].content", "`output`". Built only for findings. */
export function stringLabel(s: TrainingString): string {
  if (s.path.length === 1) return `\`${s.path[0]}\``;
  return s.path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i ? `.${seg}` : seg)).join('');
}

/** The record's training strings, worked out once per record. */
export function trainingStrings(r: RecordView): TrainingString[] {
  return (r.cache.strings ??= collect(r));
}

function collect(r: RecordView): TrainingString[] {
  const out: TrainingString[] = [];
  const v = r.value;
  if (!isJsonObject(v)) return out;
  if (r.turns) {
    for (const t of r.turns) {
      if (!isJsonObject(t.raw)) continue;
      const system = t.kind === 'system';
      addContent(out, t.raw[t.contentKey], [...t.path, t.contentKey], system);
      if (Array.isArray(t.raw.tool_calls)) {
        t.raw.tool_calls.forEach((call, k) => {
          const args = isJsonObject(call) && isJsonObject(call.function) ? call.function.arguments : undefined;
          if (typeof args === 'string') {
            out.push({ path: [...t.path, 'tool_calls', k, 'function', 'arguments'], text: args, system, hints: -1 });
          }
        });
      }
    }
    if (r.format === 'sharegpt') addString(out, v, 'system', true);
    return out;
  }
  switch (r.format) {
    case 'instruction':
      addString(out, v, 'system', true);
      if (Array.isArray(v.history)) {
        v.history.forEach((pair, i) => {
          if (!Array.isArray(pair)) return;
          pair.forEach((s, j) => { if (typeof s === 'string') out.push({ path: ['history', i, j], text: s, system: false, hints: -1 }); });
        });
      }
      for (const key of ['instruction', 'input', 'output']) addString(out, v, key, false);
      break;
    case 'prompt-completion':
      for (const key of ['prompt', 'completion']) {
        const f = v[key];
        if (typeof f === 'string') addString(out, v, key, false);
        else if (Array.isArray(f)) {
          // conversational prompt-completion (TRL): lists of {role, content}
          f.forEach((m, i) => {
            if (isJsonObject(m)) addContent(out, m.content, [key, i, 'content'], m.role === 'system');
          });
        }
      }
      break;
    case 'text':
      addString(out, v, 'text', false);
      break;
  }
  return out;
}

function addString(out: TrainingString[], obj: JsonObject, key: string, system: boolean): void {
  const s = obj[key];
  if (typeof s === 'string') out.push({ path: [key], text: s, system, hints: -1 });
}

/** A content value: a string, or a list of parts (strings or {type: "text", text}). */
function addContent(out: TrainingString[], content: unknown, path: JsonPath, system: boolean): void {
  if (typeof content === 'string') {
    out.push({ path, text: content, system, hints: -1 });
  } else if (Array.isArray(content)) {
    content.forEach((part, j) => {
      if (typeof part === 'string') out.push({ path: [...path, j], text: part, system, hints: -1 });
      else if (isJsonObject(part) && typeof part.text === 'string') {
        out.push({ path: [...path, j, 'text'], text: part.text, system, hints: -1 });
      }
    });
  }
}
