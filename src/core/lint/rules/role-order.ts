/**
 * role-order: turn sequences chat templates reject or mis-render: a conversation that opens with the assistant, a
 * system message after the first turn, two user (or two assistant) turns in a row, which templates that require
 * alternating turns (Mistral, Gemma) refuse, and a tool result with no assistant tool call before it. With the
 * model's tokenizer (options.tokenizer: `tunelab lint --tokenizer`, or a training gate's model; else
 * options.templateModel: the editor's default model), also any conversation its chat template refuses or renders without its tool calls: the
 * trainer drops those records.
 */
import type { LintRule, Turn } from '../context';
import { templateProbe } from './template-probe';

export const roleOrderRule: LintRule = {
  code: 'role-order',
  create: (ctx) => {
    const template = templateProbe(ctx.options.tokenizer ?? ctx.options.templateModel);
    return {
      record(r) {
        if (!r.turns) return;
        const report = (t: Turn, message: string): void => ctx.report({
          code: 'role-order', severity: 'warning', span: ctx.valueSpan(r.source, [...t.path, t.roleKey]), message,
        });
        const opener = r.turns.find((t) => t.kind !== 'system');
        if (opener?.kind === 'assistant') {
          report(opener, `the conversation starts with an assistant turn (${opener.label}) before any user turn; chat templates expect the user to speak first`);
        }
        const firstOther = opener ? opener.index : r.turns.length;
        const lateSystem = r.turns.find((t) => t.index > firstOther && t.kind === 'system');
        if (lateSystem) {
          report(lateSystem, `system message at ${lateSystem.label} comes after other turns; most chat templates accept a system message only at the start`);
        }
        const repeat = r.turns.find((t, i) => i > 0 && (t.kind === 'user' || t.kind === 'assistant') && r.turns![i - 1].kind === t.kind && !r.turns![i - 1].callsTool);
        if (repeat) {
          const who = repeat.kind === 'user' ? 'user' : 'assistant';
          report(repeat, `${repeat.label} is a second ${who} turn in a row (after ${r.turns[repeat.index - 1].label}); templates that require turns to alternate (Mistral, Gemma) reject the conversation: merge the two, or put the ${who === 'user' ? 'assistant\'s reply' : 'user\'s turn'} between them`);
        }
        const orphan = r.turns.find((t, i) => t.kind === 'tool' && !answersToolCall(r.turns!, i));
        if (orphan) {
          report(orphan, `${orphan.label} is a tool result, but no assistant tool call comes before it; give the assistant turn before it \`tool_calls\`${r.format === 'sharegpt' ? ' (a "function_call" turn)' : ''}`);
        }
        const refused = template?.rejects(r.value);
        if (refused) {
          ctx.report({
            code: 'role-order', severity: 'warning', span: r.source.span,
            message: `the chat template of ${template!.name} cannot train on this conversation: ${refused}; the trainer drops the record`,
          });
        }
      },
    };
  },
};

/** A tool turn follows an assistant turn that calls tools, possibly after other tool results (parallel calls). */
function answersToolCall(turns: readonly Turn[], i: number): boolean {
  let j = i - 1;
  while (j >= 0 && turns[j].kind === 'tool') j--;
  if (j < 0 || turns[j].kind !== 'assistant') return false;
  return turns[j].callsTool || turns[j].role === 'function_call';
}
