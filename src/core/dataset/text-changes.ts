// Applying an editor's change events to a copy of a document's text (the lint worker keeps one; a lint session that
// stops holding a document record by record keeps the edited text so).

/** One edit of a change event: `length` characters at UTF-16 `offset` replaced by `text`. */
export interface TextChange { offset: number; length: number; text: string }

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
