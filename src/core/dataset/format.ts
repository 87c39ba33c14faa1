/** Which training format a record (and a file) is in, decided by its fields. */
import type { DatasetFormat, RecordFormat } from './types';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The fields that identify each format, as users would write them in a message. */
export const FORMAT_FIELDS: Record<Exclude<RecordFormat, 'unknown'>, string> = {
  chat: '`messages`',
  sharegpt: '`conversations` with from/value',
  instruction: '`instruction`/`output`',
  'prompt-completion': '`prompt`/`completion`',
  text: '`text`',
};

/** Names a format with its identifying fields: "chat (`messages`)". */
export function describeFormat(format: DatasetFormat): string {
  return format in FORMAT_FIELDS ? `${format} (${FORMAT_FIELDS[format as keyof typeof FORMAT_FIELDS]})` : format;
}

/**
 * The format a record is in. The first identifying field wins, so a record with both `messages` and `text`
 * is chat. A record with `output` but no `instruction` still counts as instruction (missing a field) unless
 * it has `prompt` or `text`.
 */
export function detectRecordFormat(v: unknown): RecordFormat {
  if (!isJsonObject(v)) return 'unknown';
  const has = (k: string): boolean => Object.hasOwn(v, k);
  if (has('messages')) return 'chat';
  if (has('conversations')) return 'sharegpt';
  if (has('instruction')) return 'instruction';
  if (has('prompt') || has('completion')) return 'prompt-completion';
  if (has('output')) return has('text') ? 'text' : 'instruction';
  if (has('text')) return 'text';
  return 'unknown';
}

/**
 * The file's format from per-record counts (in first-seen order): the most common known format, the
 * earliest on ties; 'empty' without records and 'unknown' when no record has a known format.
 */
export function fileFormat(counts: ReadonlyMap<RecordFormat, number>, records: number): DatasetFormat {
  if (records === 0) return 'empty';
  let best: DatasetFormat = 'unknown';
  let bestCount = 0;
  for (const [format, n] of counts) {
    if (format !== 'unknown' && n > bestCount) { best = format; bestCount = n; }
  }
  return best;
}
