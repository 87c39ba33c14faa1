/**
 * What the trainer feeds the tokenizer for a record: a chat conversation (rendered with the chat template) or raw
 * text. Mirrors trainer/tunelab_trainer/data.py `_parse`: sharegpt roles are mapped, instruction becomes
 * user (instruction + "\n\n" + input) / assistant (output) with an optional system turn, prompt-completion becomes
 * user/assistant, content parts are joined without a separator. Records the trainer skips give `skip` with its reason.
 */
import { isJsonObject } from '../dataset/format';

export interface ChatMessage { role: string; content: string }

export type TrainingInput =
  | { kind: 'chat'; messages: ChatMessage[] }
  | { kind: 'text'; text: string }
  | { kind: 'skip'; reason: string };

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const SHAREGPT_ROLES: Record<string, string> = {
  human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system', tool: 'tool',
  function_call: 'assistant', observation: 'tool',
};

export function trainingInput(value: unknown): TrainingInput {
  if (!isJsonObject(value)) return skip('not a JSON object');
  const str = (k: string): string | undefined => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
  if (Object.hasOwn(value, 'messages')) return chat(value.messages);
  if (Array.isArray(value.conversations)) {
    const turns = value.conversations;
    if (!turns.every(isJsonObject)) return skip('`conversations` must be a list of objects');
    return chat(turns.map((t) => {
      const from = t.from;
      const role = typeof from === 'string' && Object.hasOwn(SHAREGPT_ROLES, from) ? SHAREGPT_ROLES[from] : from;
      return { role, content: t.value };
    }));
  }
  const instruction = str('instruction'), output = str('output');
  if (instruction !== undefined && output !== undefined) {
    const input = str('input');
    const prompt = input !== undefined && input.trim() ? `${instruction}\n\n${input}` : instruction;
    const messages: unknown[] = [{ role: 'user', content: prompt }, { role: 'assistant', content: output }];
    const system = str('system');
    if (system !== undefined && system.trim()) messages.unshift({ role: 'system', content: system });
    return chat(messages);
  }
  const prompt = str('prompt'), completion = str('completion');
  if (prompt !== undefined && completion !== undefined) return chat([{ role: 'user', content: prompt }, { role: 'assistant', content: completion }]);
  if (Object.hasOwn(value, 'text')) {
    const text = str('text');
    return text !== undefined && text.trim() ? { kind: 'text', text } : skip('`text` must be a non-empty string');
  }
  return skip('no `messages` or `text` field');
}

function chat(list: unknown): TrainingInput {
  if (!Array.isArray(list) || list.length === 0) return skip('`messages` must be a non-empty list');
  const messages: ChatMessage[] = [];
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isJsonObject(m)) return skip(`message ${i + 1} is not an object`);
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) return skip(`message ${i + 1} has unknown role ${JSON.stringify(m.role) ?? 'undefined'}`);
    const content = contentText(m.content);
    if (content === undefined) return skip(`message ${i + 1} has no text content`);
    messages.push({ role: m.role, content });
  }
  if (!messages.some((m) => m.role === 'assistant' && m.content.trim())) return skip('no assistant message with content');
  return { kind: 'chat', messages };
}

/** A string, or the text parts of an OpenAI-style list joined without separator (as the trainer does). */
function contentText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return undefined;
  const parts = v.filter((p) => isJsonObject(p) && typeof p.text === 'string').map((p) => (p as { text: string }).text);
  return parts.length ? parts.join('') : undefined;
}

function skip(reason: string): TrainingInput {
  return { kind: 'skip', reason };
}
