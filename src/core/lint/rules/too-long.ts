/**
 * too-long: a record with more tokens than maxTokens (training truncates it, or drops it). Off without maxTokens.
 * With options.tokenizer (a model folder) the record is counted exactly as training builds it: chat template
 * applied, the model's tokenizer. With options.tokenCounter, strings are counted by it. Otherwise the count is
 * estimated from characters and labelled as an estimate.
 */
import { loadTokenizer, tokenCounterFor } from '../../tokenizer';
import type { FileContext, LintRule, RecordView } from '../context';
import { ESTIMATED_TOKENS, isRecordTokenCounter, TOKENS_PER_MESSAGE } from '../token-count';
import { trainingStrings } from '../training-text';
import type { TokenCounter } from '../types';

export const tooLongRule: LintRule = {
  code: 'too-long',
  create(ctx) {
    const max = ctx.options.maxTokens;
    if (max === undefined) return {};
    const counter = ctx.options.tokenCounter ?? modelCounter(ctx) ?? ESTIMATED_TOKENS;
    const limit = max.toLocaleString('en-US');
    const report = (r: RecordView, count: string): void => ctx.report({
      code: 'too-long', severity: 'warning', span: r.source.span,
      message: `the record is ${count}, over the limit of ${limit} tokens: training truncates it; shorten or split it`,
    });
    return {
      record(r) {
        if (isRecordTokenCounter(counter)) {
          const c = counter.countRecord(r.value, max);
          if ('tokens' in c && c.tokens > max) {
            report(r, `${c.tokens.toLocaleString('en-US')} tokens (${counter.label}${c.templated ? ', chat template applied' : ''})`);
          }
          return;
        }
        const strings = trainingStrings(r);
        const overhead = (r.turns?.length ?? 0) * TOKENS_PER_MESSAGE;
        // The estimate is at most one token per two characters: skip counting when even that stays under the limit.
        let chars = 0;
        for (const s of strings) chars += s.text.length;
        if (!counter.exact && Math.ceil(chars / 2) + overhead <= max) return;
        let tokens = overhead;
        for (const s of strings) tokens += counter.count(s.text);
        if (tokens <= max) return;
        const n = tokens.toLocaleString('en-US');
        report(r, counter.exact ? `${n} tokens (${counter.label})` : `≈ ${n} tokens (estimate from characters; give the model's tokenizer for exact counts)`);
      },
    };
  },
};

/** The counter of options.tokenizer; when it cannot be loaded, one finding says why and counts fall back to estimates. */
function modelCounter(ctx: FileContext): TokenCounter | undefined {
  const path = ctx.options.tokenizer;
  if (path === undefined) return undefined;
  try {
    return tokenCounterFor(loadTokenizer(path));
  } catch (e) {
    ctx.report({
      code: 'too-long', severity: 'warning', span: ctx.fileSpan(),
      message: `token counts are estimates: ${(e as Error).message}`,
    });
    return undefined;
  }
}
