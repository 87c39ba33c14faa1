/** role-order: conversations that open with the assistant, or a system message after the first turn. */
import type { LintRule } from '../context';

export const roleOrderRule: LintRule = {
  code: 'role-order',
  create: (ctx) => ({
    record(r) {
      if (!r.turns) return;
      const opener = r.turns.find((t) => t.kind !== 'system');
      if (opener?.kind === 'assistant') {
        ctx.report({
          code: 'role-order', severity: 'warning', span: ctx.valueSpan(r.source, [...opener.path, opener.roleKey]),
          message: `the conversation starts with an assistant turn (${opener.label}) before any user turn; chat templates expect the user to speak first`,
        });
      }
      const firstOther = opener ? opener.index : r.turns.length;
      const lateSystem = r.turns.find((t) => t.index > firstOther && t.kind === 'system');
      if (lateSystem) {
        ctx.report({
          code: 'role-order', severity: 'warning', span: ctx.valueSpan(r.source, [...lateSystem.path, lateSystem.roleKey]),
          message: `system message at ${lateSystem.label} comes after other turns; most chat templates accept a system message only at the start`,
        });
      }
    },
  }),
};
