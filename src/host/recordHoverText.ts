// The text of the record hover: token count (exact, or a labelled estimate) and the conversation as the chat
// template renders it, shortened in the middle when long. No `vscode`: tested with node:test.
import type { RecordTokensInfo } from './lintProtocol';

export const MAX_RENDERED_CHARS = 2000;

/** Keeps the start and the end of a long text (the end holds the answer the model learns), with a note between. */
export function truncateMiddle(text: string, max = MAX_RENDERED_CHARS): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  return `${text.slice(0, head)}\n… ${text.length - head - tail} characters left out …\n${text.slice(text.length - tail)}`;
}

/** A code fence longer than any backtick run in the text, so the text cannot close it. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** Markdown of the hover. */
export function recordHoverMarkdown(info: RecordTokensInfo): string {
  const lines: string[] = [];
  if (info.tokens !== undefined) {
    lines.push(info.exact
      ? `**${info.tokens} tokens** (${info.label})`
      : `**≈ ${info.tokens} tokens** (${info.label})`);
  } else {
    lines.push(`**Not trained on:** ${info.skipped ?? 'no text to train on'} (${info.label})`);
  }
  if (info.contextOnly?.length) {
    lines.push('', `Context only, no loss on it (weight 0): ${info.contextOnly.map((n) => `message ${n}`).join(', ')}`);
  }
  if (info.rendered !== undefined) {
    const shown = truncateMiddle(info.rendered);
    const fence = fenceFor(shown);
    lines.push('', 'Rendered with the chat template:', '', `${fence}text`, shown, fence);
  }
  return lines.join('\n');
}
