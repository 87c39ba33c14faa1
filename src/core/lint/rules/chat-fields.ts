/**
 * schema checks of the chat fields besides role and content, as the trainer reads them
 * (trainer/tunelab_trainer/chat_messages.py): `weight` 0 or 1 on assistant turns, `name` and `tool_call_id` strings,
 * `tool_calls` (and the legacy `function_call`) as OpenAI's format gives them, and the record's `tools` (in ShareGPT
 * also as JSON text, as LLaMA-Factory writes it).
 * What makes the trainer skip the record is an error; what it ignores (a weight on a user turn) a warning. A null
 * field counts as absent: Parquet struct columns give every message every key.
 */
import { isJsonObject, type JsonObject } from '../../dataset/format';
import type { JsonPath } from '../../dataset/json-scan';
import type { Severity } from '../types';
import type { FileContext, RecordView, Turn } from '../context';
import { typeName } from './describe';

export function checkChatFields(ctx: FileContext, r: RecordView): void {
  const rec = r.source;
  const report = (severity: Severity, path: JsonPath, message: string): void =>
    ctx.report({ code: 'schema', severity, span: ctx.valueSpan(rec, path), message });
  for (const turn of r.turns ?? []) {
    if (!isJsonObject(turn.raw)) continue;
    checkWeight(turn, turn.raw, report);
    if (r.format !== 'chat') continue;
    for (const key of ['name', 'tool_call_id']) {
      const v = turn.raw[key];
      if (v !== undefined && v !== null && typeof v !== 'string') {
        report('error', [...turn.path, key], `${turn.label}.${key} is ${typeName(v)}; it must be a string (the trainer skips this record)`);
      }
    }
    checkToolCalls(turn, turn.raw, report);
  }
  if (!isJsonObject(r.value) || !Object.hasOwn(r.value, 'tools')) return;
  const tools = r.value.tools;
  // LLaMA-Factory's ShareGPT gives `tools` as JSON text.
  if (r.format === 'sharegpt' && typeof tools === 'string') {
    if (!tools.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(tools);
    } catch {
      report('error', ['tools'], '`tools` is text that is not JSON; give the tool definitions as a JSON list (or its JSON text) so the chat template can show them (the trainer skips this record)');
      return;
    }
    checkTools(parsed, report);
    return;
  }
  checkTools(tools, report);
}

type Report = (severity: Severity, path: JsonPath, message: string) => void;

function checkWeight(turn: Turn, raw: JsonObject, report: Report): void {
  if (raw.weight === undefined || raw.weight === null) return; // null is absent, as Parquet struct columns give it
  const path = [...turn.path, 'weight'];
  if (turn.kind !== 'assistant') {
    report('warning', path, `${turn.label}.weight is set on a ${turn.role ?? 'role-less'} turn; weights apply only to assistant turns (the loss is on them), so training ignores it`);
  } else if (raw.weight !== 0 && raw.weight !== 1) {
    report('error', path, `${turn.label}.weight is ${JSON.stringify(raw.weight) ?? typeName(raw.weight)}; it must be 0 (keep the turn as context, no loss) or 1 (train on it)`);
  }
}

function checkToolCalls(turn: Turn, raw: JsonObject, report: Report): void {
  for (const key of ['tool_calls', 'function_call']) {
    if (!Object.hasOwn(raw, key) || raw[key] === null) continue;
    const path = [...turn.path, key];
    if (turn.kind !== 'assistant') {
      report('warning', path, `${turn.label}.${key} is on a ${turn.role ?? 'role-less'} turn; only assistant turns call tools, so training ignores it`);
      continue;
    }
    if (key === 'function_call') {
      checkFunction(raw.function_call, path, `${turn.label}.function_call`, report);
      continue;
    }
    const calls = raw.tool_calls;
    if (!Array.isArray(calls) || calls.length === 0) {
      report('error', path, `${turn.label}.tool_calls is ${Array.isArray(calls) ? 'an empty array' : typeName(calls)}; it must be a non-empty array of calls such as {"type": "function", "function": {"name": "...", "arguments": "{...}"}}`);
      continue;
    }
    calls.forEach((call, k) => {
      const label = `${turn.label}.tool_calls[${k}]`;
      if (!isJsonObject(call)) {
        report('error', [...path, k], `${label} is ${typeName(call)}; each call must be an object with a \`function\``);
        return;
      }
      if (Object.hasOwn(call, 'function')) checkFunction(call.function, [...path, k, 'function'], `${label}.function`, report);
      else checkFunction(call, [...path, k], label, report);
    });
  }
}

function checkFunction(fn: unknown, path: JsonPath, label: string, report: Report): void {
  if (!isJsonObject(fn)) {
    report('error', path, `${label} is ${typeName(fn)}; it must be an object with \`name\` and \`arguments\``);
    return;
  }
  if (typeof fn.name !== 'string' || !fn.name.trim()) {
    report('error', Object.hasOwn(fn, 'name') ? [...path, 'name'] : path, `${label} has no function \`name\` (the trainer skips this record)`);
  }
  if (!Object.hasOwn(fn, 'arguments')) return;
  const args = fn.arguments;
  if (typeof args === 'string') {
    if (!isJsonObjectText(args)) report('warning', [...path, 'arguments'], `${label}.arguments is not the JSON text of an object; tool calls pass their arguments as JSON such as "{\\"city\\": \\"Paris\\"}"`);
  } else if (!isJsonObject(args)) {
    report('error', [...path, 'arguments'], `${label}.arguments is ${typeName(args)}; it must be an object or its JSON text`);
  }
}

function checkTools(tools: unknown, report: Report): void {
  if (tools === null) return;
  if (!Array.isArray(tools)) {
    report('error', ['tools'], `\`tools\` is ${typeName(tools)}; it must be an array of tool definitions such as {"type": "function", "function": {"name": "...", "parameters": {...}}}`);
    return;
  }
  tools.forEach((tool, k) => {
    const fn = isJsonObject(tool) && isJsonObject(tool.function) ? tool.function : tool;
    if (!isJsonObject(tool)) report('error', ['tools', k], `tools[${k}] is ${typeName(tool)}; each tool must be an object (the trainer skips this record)`);
    else if (!isJsonObject(fn) || typeof fn.name !== 'string' || !fn.name.trim()) report('warning', ['tools', k], `tools[${k}] has no function \`name\`; chat templates show the model each tool by its name`);
  });
}

function isJsonObjectText(s: string): boolean {
  try {
    return isJsonObject(JSON.parse(s));
  } catch {
    return false;
  }
}
