/**
 * too-long: a record with more tokens than maxTokens (training truncates it, or drops it). Counted with
 * options.tokenCounter when given, else estimated from characters and labelled as an estimate. Off without maxTokens.
 */
import type { LintRule } from '../context';
import { ESTIMATED_TOKENS, TOKENS_PER_MESSAGE } from '../token-count';
import { trainingStrings } from '../training-text';

export const tooLongRule: LintRule = {
  code: 'too-long',
  create(ctx) {
    const max = ctx.options.maxTokens;
    if (max === undefined) return {};
    const counter = ctx.options.tokenCounter ?? ESTIMATED_TOKENS;
    return {
      record(r) {
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
        const count = counter.exact ? `${n} tokens (${counter.label})` : `≈ ${n} tokens (estimate)`;
        ctx.report({
          code: 'too-long', severity: 'warning', span: r.source.span,
          message: `the record is ${count}, over the limit of ${max.toLocaleString('en-US')} tokens: training truncates it; shorten or split it`,
        });
      },
    };
  },
};
