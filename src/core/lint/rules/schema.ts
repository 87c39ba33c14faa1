/**
 * schema: records that are not objects, lack their format's fields or give them the wrong type, turns
 * without a role or text, a format that differs from the rest of the file, and (as warnings) message keys
 * that chat templates do not know.
 */
import { describeFormat, FORMAT_FIELDS, isJsonObject, type JsonObject } from '../../dataset/format';
import type { JsonPath } from '../../dataset/json-scan';
import type { RecordFormat, SourceRecord, Span } from '../../dataset/types';
import type { FileContext, LintRule, RecordView, Turn } from '../context';
import { checkChatFields } from './chat-fields';
import { plural, typeName } from './describe';

// OpenAI's chat fine-tuning checks allow role, content, name, function_call, weight; the tools API adds tool_calls and tool_call_id.
const CHAT_MESSAGE_KEYS = ['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'function_call', 'weight'];
const SHAREGPT_TURN_KEYS = ['from', 'value', 'weight'];

const KNOWN_FORMATS = Object.entries(FORMAT_FIELDS).map(([f, fields]) => `${fields} (${f})`).join(', ');

export const schemaRule: LintRule = {
  code: 'schema',
  create(ctx) {
    /** Spans of each format's records, flat [line, column, endLine, endColumn, ...], to report the minority formats at the end. */
    const spansByFormat = new Map<RecordFormat, number[]>();
    const unknownRecords: UnknownRecord[] = [];
    const error = (message: string, span: Span): void => ctx.report({ code: 'schema', severity: 'error', message, span });
    return {
      record(r) {
        const v = r.value;
        const rec = r.source;
        if (!isJsonObject(v)) {
          error(`the record is ${typeName(v)}, not a JSON object: each record must be an object such as {"messages": [...]}`, rec.span);
          return;
        }
        if (r.format === 'unknown') {
          unknownRecords.push({ span: rec.span, fields: Object.keys(v), nested: nestedRecordsHint(v) });
          return;
        }
        let spans = spansByFormat.get(r.format);
        if (!spans) spansByFormat.set(r.format, (spans = []));
        spans.push(rec.span.line, rec.span.column, rec.span.endLine, rec.span.endColumn);
        const check = new FieldCheck(ctx, rec, v);
        switch (r.format) {
          case 'chat':
          case 'sharegpt':
            checkConversation(check, r);
            break;
          case 'instruction':
            check.required('instruction', ['string'], 'the task for the model');
            check.required('output', ['string'], 'the answer the model should learn');
            check.optional('input', ['string', 'null']);
            check.optional('system', ['string', 'null']);
            check.optional('history', ['array', 'null']);
            break;
          case 'prompt-completion':
            check.required('prompt', ['string', 'array'], 'the text the model is given');
            check.required('completion', ['string', 'array'], 'the text the model should learn to write');
            break;
          case 'text':
            check.required('text', ['string'], 'the text to train on');
            break;
        }
      },
      finish() {
        reportFormatProblems(ctx, unknownRecords, spansByFormat);
      },
    };
  },
};

/** A record that is an object of no known format: reported once the file's format is known. */
export interface UnknownRecord { span: Span; fields: string[]; nested?: string }

/**
 * The findings that need the whole file: records of no known format (`unknownRecords`, in file order), and records of
 * a format other than the file's (`spansByFormat`: the spans of each format's records, flat, formats in first-seen
 * order). Also used by the parallel lint (lint-parallel.ts), whose threads gather these.
 */
export function reportFormatProblems(ctx: FileContext, unknownRecords: UnknownRecord[], spansByFormat: Map<RecordFormat, number[]>): void {
  const error = (message: string, span: Span): void => ctx.report({ code: 'schema', severity: 'error', message, span });
  const majority = ctx.fileFormat();
  for (const u of unknownRecords) {
    let message = `the record has none of the fields of a known format: ${KNOWN_FORMATS}`;
    if (majority !== 'unknown' && majority !== 'empty') message += `; the other records of this file are ${describeFormat(majority)}`;
    const what = ctx.container === 'csv' || ctx.container === 'parquet' ? 'the file\'s columns' : 'its fields';
    if (u.fields.length) message += `; ${what}: ${u.fields.slice(0, 8).join(', ')}${u.fields.length > 8 ? ', …' : ''} (rename them to one format's)`;
    if (u.nested) message += `; ${u.nested}`;
    error(message, u.span);
  }
  const total = ctx.formatCounts.get(majority as RecordFormat) ?? 0;
  for (const [format, spans] of spansByFormat) {
    if (format === majority) continue;
    for (let i = 0; i < spans.length; i += 4) {
      error(`the record is ${describeFormat(format)}, but ${total} of ${ctx.records} records in this file are ${describeFormat(majority)}: use one format per file`,
        { line: spans[i], column: spans[i + 1], endLine: spans[i + 2], endColumn: spans[i + 3] });
    }
  }
}

/** A single object holding the real records in an array field, as in {"data": [{...}, ...]}. */
export function nestedRecordsHint(v: JsonObject): string | undefined {
  for (const [k, f] of Object.entries(v)) {
    if (Array.isArray(f) && f.length > 0 && isJsonObject(f[0])) {
      return `its \`${k}\` field holds a list of ${plural(f.length, 'object')}: if those are the records, put each one on its own line`;
    }
  }
  return undefined;
}

type JsonType = 'string' | 'array' | 'object' | 'null' | 'number' | 'boolean';

function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/** Type checks of one object's fields, with messages that name the JSON path. */
class FieldCheck {
  constructor(readonly ctx: FileContext, readonly rec: SourceRecord, readonly obj: JsonObject, readonly base: JsonPath = [], readonly label = '') {}

  private name(key: string): string {
    return this.label ? `${this.label}.${key}` : `\`${key}\``;
  }

  required(key: string, types: JsonType[], what: string): boolean {
    if (!Object.hasOwn(this.obj, key)) {
      const owner = this.label || 'the record';
      this.ctx.report({ code: 'schema', severity: 'error', message: `${owner} has no \`${key}\` (${what})`, span: this.ownerSpan() });
      return false;
    }
    return this.optional(key, types);
  }

  optional(key: string, types: JsonType[]): boolean {
    if (!Object.hasOwn(this.obj, key)) return true;
    const t = jsonType(this.obj[key]);
    if (types.includes(t)) return true;
    const expected = types.filter((x) => x !== 'null').map((x) => (x === 'array' ? 'an array' : x === 'object' ? 'an object' : `a ${x}`)).join(' or ');
    this.ctx.report({
      code: 'schema', severity: 'error',
      message: `${this.name(key)} is ${typeName(this.obj[key])}; it must be ${expected}`,
      span: this.ctx.valueSpan(this.rec, [...this.base, key]),
    });
    return false;
  }

  ownerSpan(): Span {
    return this.base.length ? this.ctx.valueSpan(this.rec, this.base) : this.rec.span;
  }
}

function checkConversation(check: FieldCheck, r: RecordView): void {
  const { ctx, rec } = check;
  const chat = r.format === 'chat';
  const listKey = chat ? 'messages' : 'conversations';
  if (!r.turns) {
    check.optional(listKey, ['array']);
    return;
  }
  if (r.turns.length === 0) {
    ctx.report({
      code: 'schema', severity: 'error', span: ctx.valueSpan(rec, [listKey]),
      message: `\`${listKey}\` is an empty array: add the conversation's ${chat ? 'messages' : 'turns'}`,
    });
    return;
  }
  const knownKeys = chat ? CHAT_MESSAGE_KEYS : SHAREGPT_TURN_KEYS;
  const warnedKeys = new Set<string>();
  for (const turn of r.turns) {
    if (!isJsonObject(turn.raw)) {
      ctx.report({
        code: 'schema', severity: 'error', span: ctx.valueSpan(rec, turn.path),
        message: `${turn.label} is ${typeName(turn.raw)}; each ${chat ? 'message' : 'turn'} must be an object with \`${turn.roleKey}\` and \`${turn.contentKey}\``,
      });
      continue;
    }
    const turnCheck = new FieldCheck(ctx, rec, turn.raw, turn.path, turn.label);
    turnCheck.required(turn.roleKey, ['string'], chat ? 'one of system, user, assistant, tool' : 'one of human, gpt, system, tool');
    checkTurnContent(turnCheck, turn, chat);
    for (const key of Object.keys(turn.raw)) {
      if (knownKeys.includes(key) || warnedKeys.has(key)) continue;
      warnedKeys.add(key); // once per record: a key on every message is one mistake
      ctx.report({
        code: 'schema', severity: 'warning', span: ctx.keySpan(rec, [...turn.path, key]),
        message: `${turn.label} has an unrecognized key \`${key}\` (known: ${knownKeys.join(', ')}); chat templates ignore it, so check its spelling`,
      });
    }
  }
  checkChatFields(ctx, r);
}

function checkTurnContent(check: FieldCheck, turn: Turn, chat: boolean): void {
  const { ctx, rec, obj } = check;
  const key = turn.contentKey;
  const v = obj[key];
  // An assistant turn that only calls a tool has no text, and OpenAI's format gives it null content.
  if (turn.callsTool && (v === undefined || v === null)) return;
  if (v === null) {
    ctx.report({
      code: 'schema', severity: 'error', span: ctx.valueSpan(rec, [...turn.path, key]),
      message: `${turn.label}.${key} is null; give it the message text (null is allowed only with tool_calls)`,
    });
    return;
  }
  if (!chat || !Array.isArray(v)) {
    check.required(key, ['string'], 'the text of the turn');
    return;
  }
  v.forEach((part, j) => {
    if (typeof part === 'string' || (isJsonObject(part) && typeof part.type === 'string')) return;
    ctx.report({
      code: 'schema', severity: 'error', span: ctx.valueSpan(rec, [...turn.path, key, j]),
      message: `${turn.label}.content[${j}] is ${typeName(part)}; content parts must be objects with a \`type\`, e.g. {"type": "text", "text": "..."}`,
    });
  });
}
