/**
 * What the trainer feeds the tokenizer for a record: a chat conversation (rendered with the chat template) or raw
 * text. Mirrors trainer/tunelab_trainer/data.py `_parse` and chat_messages.py: sharegpt roles are mapped (a record's
 * `system` string becomes the first turn),
 * instruction becomes user (instruction + "\n\n" + input) / assistant (output) with an optional system turn,
 * prompt-completion becomes user/assistant, content parts are joined without a separator. Assistant tool calls
 * (and the legacy `function_call`) are kept with null content as "" and arguments holding a JSON object's text as
 * that object, as Hugging Face templates expect; `weight: 0` marks an assistant turn trained on as context only.
 * Records the trainer skips give `skip` with its reason.
 */
import { isJsonObject, type JsonObject } from '../dataset/format';

export interface ToolCall { type: 'function'; function: { name: string; arguments: unknown }; id?: string }

export interface ChatMessage {
  role: string;
  content: string;
  tool_calls?: ToolCall[];
  name?: string;
  tool_call_id?: string;
}

export type TrainingInput =
  | { kind: 'chat'; messages: ChatMessage[]; tools?: JsonObject[]; untrained?: number[] }
  | { kind: 'text'; text: string }
  | { kind: 'skip'; reason: string };

const ROLES = ['system', 'user', 'assistant', 'tool'];
const SHAREGPT_ROLES: Record<string, string> = {
  human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system', tool: 'tool',
  function_call: 'assistant', observation: 'tool',
};

export function trainingInput(value: unknown): TrainingInput {
  if (!isJsonObject(value)) return skip('not a JSON object');
  const str = (k: string): string | undefined => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
  if (Object.hasOwn(value, 'messages')) return chat(value.messages, value.tools);
  if (Array.isArray(value.conversations)) {
    const turns = value.conversations;
    if (!turns.every(isJsonObject)) return skip('`conversations` must be a list of objects');
    const tools = sharegptTools(value.tools);
    if ('problem' in tools) return skip(tools.problem);
    const messages: JsonObject[] = turns.map((t) => {
      const from = t.from;
      const role = typeof from === 'string' && Object.hasOwn(SHAREGPT_ROLES, from) ? SHAREGPT_ROLES[from] : from;
      return { role, content: t.value, weight: t.weight };
    });
    // LLaMA-Factory's record-level system prompt
    const system = str('system');
    if (system !== undefined && system.trim() && messages[0]?.role !== 'system') messages.unshift({ role: 'system', content: system });
    return chat(messages, tools.tools);
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

function chat(list: unknown, tools?: unknown): TrainingInput {
  if (!Array.isArray(list) || list.length === 0) return skip('`messages` must be a non-empty list');
  if (tools !== undefined && tools !== null && !(Array.isArray(tools) && tools.every(isJsonObject))) return skip('`tools` must be a list of objects');
  const messages: ChatMessage[] = [];
  const untrained: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    const label = `message ${i + 1}`;
    if (!isJsonObject(m)) return skip(`${label} is not an object`);
    if (typeof m.role !== 'string' || !ROLES.includes(m.role)) return skip(`${label} has unknown role ${JSON.stringify(m.role) ?? 'undefined'} (use ${ROLES.join(', ')})`);
    const calls = m.role === 'assistant' ? toolCalls(m, label) : undefined;
    if (typeof calls === 'string') return skip(calls);
    let content = contentText(m.content);
    if (content === undefined) {
      if (!calls || (m.content !== undefined && m.content !== null)) return skip(`${label} has no text content`);
      content = '';
    }
    const message: ChatMessage = { role: m.role, content };
    if (calls) message.tool_calls = calls;
    // null is absent: Parquet struct columns give every message every key
    for (const key of ['name', 'tool_call_id'] as const) {
      const v = m[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') return skip(`${label} has a \`${key}\` that is not a string`);
      message[key] = v;
    }
    if (m.role === 'assistant' && m.weight !== undefined && m.weight !== null) {
      if (m.weight !== 0 && m.weight !== 1) return skip(`${label} has weight ${JSON.stringify(m.weight)} (use 0 or 1)`);
      if (m.weight === 0) untrained.push(i);
    }
    messages.push(message);
  }
  const learnable = messages.flatMap((m, i) => (m.role === 'assistant' && (m.content.trim() || m.tool_calls) ? [i] : []));
  if (!learnable.length) return skip('no assistant message with content');
  if (learnable.every((i) => untrained.includes(i))) return skip('every assistant message has weight 0 (nothing to learn)');
  const out: TrainingInput = { kind: 'chat', messages };
  if (Array.isArray(tools)) out.tools = tools as JsonObject[];
  if (untrained.length) out.untrained = untrained;
  return out;
}

/** LLaMA-Factory writes a ShareGPT record's `tools` as JSON text; an empty string is none. */
function sharegptTools(tools: unknown): { tools: unknown } | { problem: string } {
  if (typeof tools !== 'string') return { tools };
  if (!tools.trim()) return { tools: undefined };
  try {
    return { tools: JSON.parse(tools) as unknown };
  } catch {
    return { problem: '`tools` is text that is not JSON (give the tool definitions as a JSON list)' };
  }
}

function toolCalls(m: JsonObject, label: string): ToolCall[] | string | undefined {
  let calls = m.tool_calls;
  if ((calls === undefined || calls === null) && m.function_call !== undefined && m.function_call !== null) calls = [{ function: m.function_call }];
  if (calls === undefined || calls === null) return undefined;
  if (!Array.isArray(calls) || calls.length === 0) return `${label} has \`tool_calls\` that is not a non-empty list`;
  const out: ToolCall[] = [];
  for (let k = 0; k < calls.length; k++) {
    const where = `${label} tool call ${k + 1}`;
    const call = calls[k];
    if (!isJsonObject(call)) return `${where} is not an object`;
    const fn = Object.hasOwn(call, 'function') ? call.function : call;
    if (!isJsonObject(fn) || typeof fn.name !== 'string' || !fn.name.trim()) return `${where} has no function name`;
    const args = Object.hasOwn(fn, 'arguments') ? fn.arguments : {};
    if (typeof args !== 'string' && !isJsonObject(args)) return `${where} has arguments that are neither an object nor JSON text`;
    const parsed: ToolCall = { type: 'function', function: { name: fn.name, arguments: argumentsValue(args) } };
    if (typeof call.id === 'string') parsed.id = call.id;
    out.push(parsed);
  }
  return out;
}

/** JSON text of an object becomes the object: templates render arguments with `tojson`, which would quote text again. */
function argumentsValue(args: string | JsonObject): unknown {
  if (typeof args !== 'string') return args;
  try {
    const v: unknown = JSON.parse(args);
    return isJsonObject(v) ? v : args;
  } catch {
    return args;
  }
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
