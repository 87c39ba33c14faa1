/** Adapts a ModelTokenizer to the lint's TokenCounter hook (too-long). */
import type { RecordTokenCounter } from '../lint/token-count';
import type { ModelTokenizer } from './model-tokenizer';

/**
 * Exact counts with the model's tokenizer and chat template. A record whose byte-length bound is within the limit
 * is not tokenized (nor, mostly, rendered), so only records near or over the limit pay for the (pure JS, ~0.5 MB/s)
 * tokenizer.
 */
export function tokenCounterFor(t: ModelTokenizer): RecordTokenCounter {
  return {
    exact: true,
    label: `tokenizer of ${t.name}`,
    count: (text) => t.count(text),
    countRecord(value, limit) {
      // Cheapest first: contents' bytes, then the rendered conversation's bytes, then the tokenizer.
      const cheap = t.upperBound(value, true);
      if (cheap !== undefined && cheap <= limit) return { under: true };
      const bound = t.upperBound(value);
      if (bound !== undefined && bound <= limit) return { under: true };
      const r = t.countRecord(value);
      if (r.kind === 'skip') return { skipped: r.reason };
      return { tokens: r.tokens, templated: r.kind === 'chat' };
    },
  };
}
