// Applying an editor's change events to a copy of the document's text (the lint worker keeps one). No `vscode`.
import type { TextChange } from './lintProtocol';

/** The changes of one onDidChangeTextDocument event, applied in the order the editor lists them. */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let out = text;
  for (const c of changes) {
    if (c.offset < 0 || c.length < 0 || c.offset + c.length > out.length) {
      throw new RangeError(`edit at ${c.offset}+${c.length} is outside the text (${out.length} characters)`);
    }
    out = out.slice(0, c.offset) + c.text + out.slice(c.offset + c.length);
  }
  return out;
}
