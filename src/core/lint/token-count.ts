/** Token counts for too-long: an estimate from characters unless an exact TokenCounter is given. */
import type { TokenCounter } from './types';

/**
 * About 4 characters per token for ASCII text (English prose and code with BPE tokenizers), about 2 per token for
 * other characters (accented Latin runs longer, CJK shorter, about 1).
 */
export const ESTIMATED_TOKENS: TokenCounter = {
  exact: false,
  label: 'estimate',
  count(text: string): number {
    let ascii = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x80) ascii++;
    return Math.ceil(ascii / 4 + (text.length - ascii) / 2);
  },
};

/** Tokens a chat template adds around each message (role markers, separators): a typical figure. */
export const TOKENS_PER_MESSAGE = 4;

/** What a record-aware counter says about one record against a limit. */
export type RecordCount =
  /** Certainly within the limit; not tokenized. */
  | { under: true }
  /** Exact tokens of the record as training builds it; `templated`: the chat template was applied. */
  | { tokens: number; templated: boolean }
  /** Training skips the record (other rules say why), or its template cannot render it. */
  | { skipped: string };

/** A counter that knows how training turns a whole record into tokens (a model's tokenizer and chat template). */
export interface RecordTokenCounter extends TokenCounter {
  countRecord(value: unknown, limit: number): RecordCount;
}

export function isRecordTokenCounter(c: TokenCounter): c is RecordTokenCounter {
  return typeof (c as Partial<RecordTokenCounter>).countRecord === 'function';
}
