/** unknown-role: a chat role or sharegpt `from` outside the standard set, with a fix when the intent is clear. */
import type { LintRule } from '../context';
import { CHAT_ROLES, SHAREGPT_ROLES } from '../record-view';

/** Names other tools use for the same speakers. */
const CHAT_ALIASES: Record<string, string> = {
  human: 'user', gpt: 'assistant', bot: 'assistant', model: 'assistant', ai: 'assistant', chatbot: 'assistant', developer: 'system',
  function: 'tool', // OpenAI's older name for a tool's result
};
const SHAREGPT_ALIASES: Record<string, string> = { user: 'human', assistant: 'gpt', model: 'gpt', bot: 'gpt', ai: 'gpt' };

export const unknownRoleRule: LintRule = {
  code: 'unknown-role',
  create(ctx) {
    const extra = ctx.options.extraRoles ?? [];
    return {
      record(r) {
        if (!r.turns) return;
        const chat = r.format === 'chat';
        const allowed = [...(chat ? CHAT_ROLES : SHAREGPT_ROLES), ...extra];
        const aliases = chat ? CHAT_ALIASES : SHAREGPT_ALIASES;
        for (const turn of r.turns) {
          const role = turn.role;
          if (role === undefined || allowed.includes(role)) continue;
          const lower = role.trim().toLowerCase();
          const suggestion = allowed.includes(lower) ? lower : Object.hasOwn(aliases, lower) ? aliases[lower] : undefined;
          const path = [...turn.path, turn.roleKey];
          const edit = suggestion ? ctx.valueEdit(r.source, path, JSON.stringify(suggestion)) : undefined;
          ctx.report({
            code: 'unknown-role', severity: 'error', span: ctx.valueSpan(r.source, path),
            message: `unknown ${turn.roleKey} ${JSON.stringify(role)} in ${turn.label}: use one of ${allowed.join(', ')}` +
              (suggestion ? ` (did you mean "${suggestion}"?)` : ''),
            fixes: edit ? [{ title: `Change ${turn.roleKey} to "${suggestion}"`, edits: [edit] }] : undefined,
          });
        }
      },
    };
  },
};
