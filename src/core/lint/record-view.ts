/** Builds the view of a record that the rules share: its format and its turns, worked out once. */
import { contentFingerprint } from '../dataset/canonical';
import { detectRecordFormat, isJsonObject } from '../dataset/format';
import type { RecordFormat, SourceRecord } from '../dataset/types';
import type { RecordView, RoleKind, Turn } from './context';

/**
 * The roles the trainer reads (trainer/tunelab_trainer/data.py ROLES and SHAREGPT_ROLES): a record it would skip gets
 * unknown-role here. ShareGPT's `function_call` is an assistant turn and `observation` a tool result.
 */
export const CHAT_ROLES: readonly string[] = ['system', 'user', 'assistant', 'tool'];
export const SHAREGPT_ROLES: readonly string[] = ['human', 'gpt', 'system', 'tool', 'function_call', 'observation'];

const CHAT_KINDS: Record<string, RoleKind> = { system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' };
const SHAREGPT_KINDS: Record<string, RoleKind> = { system: 'system', human: 'user', gpt: 'assistant', tool: 'tool', function_call: 'assistant', observation: 'tool' };

/**
 * The record's view. The content fingerprint is computed here, once, and shared by duplicate, near-duplicate and
 * leakage; `fingerprint: false` skips it when none of those rules runs.
 */
export function buildRecordView(source: SourceRecord, opts: { fingerprint?: boolean } = {}): RecordView {
  const value = source.value;
  const format = detectRecordFormat(value);
  let turns: Turn[] | undefined;
  if ((format === 'chat' || format === 'sharegpt') && isJsonObject(value)) {
    const listKey = format === 'chat' ? 'messages' : 'conversations';
    const list = value[listKey];
    if (Array.isArray(list)) turns = list.map((raw, index) => buildTurn(raw, index, listKey));
  }
  return { source, value, format, turns, fingerprint: opts.fingerprint === false ? undefined : fingerprintOf(value, format), cache: {} };
}

/** Canonical content fingerprint, or undefined when the value is nested too deep to walk. */
export function fingerprintOf(value: unknown, format: RecordFormat): string | undefined {
  try {
    return contentFingerprint(value, format);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e; // JSON.parse is iterative, the walk is recursive
    return undefined;
  }
}

function buildTurn(raw: unknown, index: number, listKey: 'messages' | 'conversations'): Turn {
  const chat = listKey === 'messages';
  const roleKey = chat ? 'role' : 'from';
  const contentKey = chat ? 'content' : 'value';
  const obj = isJsonObject(raw) ? raw : undefined;
  const role = typeof obj?.[roleKey] === 'string' ? (obj[roleKey] as string) : undefined;
  const kinds = chat ? CHAT_KINDS : SHAREGPT_KINDS;
  return {
    index, path: [listKey, index], label: `${listKey}[${index}]`, raw, role,
    kind: role !== undefined && Object.hasOwn(kinds, role) ? kinds[role] : undefined,
    roleKey, contentKey,
    content: obj ? contentText(obj[contentKey]) : undefined,
    callsTool: !!obj && (obj.tool_calls != null || obj.function_call != null),
  };
}

/** The text of a content value: a string, or the text of its parts; undefined for null, non-text values and image-only parts. */
export function contentText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return undefined;
  const texts: string[] = [];
  for (const part of v) {
    if (typeof part === 'string') texts.push(part);
    else if (isJsonObject(part) && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.length || v.length === 0 ? texts.join('\n') : undefined;
}
