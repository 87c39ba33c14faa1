/** missing-assistant: a conversation without an assistant turn has nothing to train on (loss is on assistant tokens). */
import type { LintRule } from '../context';

export const missingAssistantRule: LintRule = {
  code: 'missing-assistant',
  create: (ctx) => ({
    record(r) {
      if (!r.turns?.some((t) => t.role !== undefined) || r.turns.some((t) => t.kind === 'assistant')) return;
      // An unknown role ("bot") is usually the assistant misnamed: unknown-role reports it, with a fix.
      const extra = ctx.options.extraRoles ?? [];
      if (r.turns.some((t) => t.role !== undefined && t.kind === undefined && !extra.includes(t.role))) return;
      const name = r.format === 'chat' ? 'assistant message' : '"gpt" turn';
      ctx.report({
        code: 'missing-assistant', severity: 'error', span: r.source.span,
        message: `the conversation has no ${name}: training learns only from assistant turns, so this record teaches nothing`,
      });
    },
  }),
};
