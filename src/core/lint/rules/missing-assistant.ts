/**
 * missing-assistant: a conversation without an assistant turn has nothing to train on (loss is on assistant tokens),
 * nor one whose every assistant turn has weight 0.
 */
import { isJsonObject } from '../../dataset/format';
import type { LintRule } from '../context';

export const missingAssistantRule: LintRule = {
  code: 'missing-assistant',
  create: (ctx) => ({
    record(r) {
      if (!r.turns?.some((t) => t.role !== undefined)) return;
      const name = r.format === 'chat' ? 'assistant message' : '"gpt" turn';
      const answers = r.turns.filter((t) => t.kind === 'assistant');
      if (answers.length) {
        if (answers.every((t) => isJsonObject(t.raw) && t.raw.weight === 0)) {
          ctx.report({
            code: 'missing-assistant', severity: 'error', span: r.source.span,
            message: `every ${name} has weight 0: training learns only from assistant turns with weight 1, so this record teaches nothing`,
          });
        }
        return;
      }
      // An unknown role ("bot") is usually the assistant misnamed: unknown-role reports it, with a fix.
      const extra = ctx.options.extraRoles ?? [];
      if (r.turns.some((t) => t.role !== undefined && t.kind === undefined && !extra.includes(t.role))) return;
      ctx.report({
        code: 'missing-assistant', severity: 'error', span: r.source.span,
        message: `the conversation has no ${name}: training learns only from assistant turns, so this record teaches nothing`,
      });
    },
  }),
};
