/**
 * Whether the model's chat template renders a conversation the way training needs it: the template may refuse a
 * turn order (Mistral's "roles must alternate" raise_exception) or drop tool calls it has no markup for, and the
 * trainer then drops the record. Probed once per conversation shape (roles, tool calls, tools) with placeholder
 * text, so a file of 65,000 conversations costs a few renders. Used by role-order when a tokenizer is given.
 */
import { loadTokenizer, trainingInput, type ModelTokenizer } from '../../tokenizer';
import { TOOLS_HINT } from '../../tokenizer/model-tokenizer';

export interface TemplateProbe {
  /** The template's name ("tunelab-tiny-llama"). */
  name: string;
  /**
   * Why the template cannot render the record as training needs it, without the trainer's advice to pick another
   * model; undefined when it can (or it is not a chat record the trainer reads).
   */
  rejects(value: unknown): string | undefined;
}

export function templateProbe(tokenizerDir: string | undefined): TemplateProbe | undefined {
  if (tokenizerDir === undefined) return undefined;
  let tokenizer: ModelTokenizer;
  try {
    tokenizer = loadTokenizer(tokenizerDir);
  } catch {
    return undefined; // too-long says why the tokenizer cannot be used
  }
  if (!tokenizer.hasChatTemplate) return undefined;
  const seen = new Map<string, string | undefined>();
  return {
    name: tokenizer.name,
    rejects(value) {
      const input = trainingInput(value);
      if (input.kind !== 'chat') return undefined;
      const messages = input.messages.map((m, i) => ({ ...m, content: m.content ? `text ${i + 1}` : '' }));
      const probe = input.tools ? { messages, tools: input.tools } : { messages };
      const key = JSON.stringify(probe);
      if (!seen.has(key)) {
        const r = tokenizer.countRecord(probe);
        seen.set(key, r.kind === 'skip' ? withoutHint(r.reason) : undefined);
      }
      return seen.get(key);
    },
  };
}

function withoutHint(reason: string): string {
  const tail = `; ${TOOLS_HINT}`;
  return reason.endsWith(tail) ? reason.slice(0, -tail.length) : reason;
}
