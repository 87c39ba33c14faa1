// Fixes that rewrite the JSON string values on a line: trim surrounding whitespace, NFC-normalise. They work line
// by line (a JSON string never spans lines), on values only (object keys are left alone), and re-encode only the
// strings they change. No `vscode`: tested with node:test.
import type { TextEdit } from '../core/lint';

export type StringTransform = (s: string) => string;

export const TRIM_WHITESPACE: StringTransform = (s) => s.trim();
export const NFC_NORMALISE: StringTransform = (s) => s.normalize('NFC');

/** Edits (1-based line, UTF-16 columns) that apply `transform` to every string value of one line. */
export function stringValueEdits(lineText: string, lineNumber: number, transform: StringTransform): TextEdit[] {
  // Most lines need nothing: skip the scan when no string could change.
  const edits: TextEdit[] = [];
  let i = 0;
  while (i < lineText.length) {
    const q = lineText.indexOf('"', i);
    if (q === -1) break;
    const end = closingQuote(lineText, q);
    if (end === -1) break; // unterminated: invalid JSON, the invalid-json finding covers it
    let k = end + 1;
    while (k < lineText.length && (lineText[k] === ' ' || lineText[k] === '\t')) k++;
    const isKey = lineText[k] === ':';
    if (!isKey) {
      const literal = lineText.slice(q, end + 1);
      let value: string | undefined;
      try {
        value = JSON.parse(literal) as string;
      } catch {
        value = undefined;
      }
      if (value !== undefined) {
        const changed = transform(value);
        if (changed !== value) edits.push({ line: lineNumber, column: q + 1, endLine: lineNumber, endColumn: end + 2, newText: JSON.stringify(changed) });
      }
    }
    i = end + 1;
  }
  return edits;
}

/** Index of the quote that closes the string opening at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let j = open + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++; // backslash: skip the escaped character
    else if (c === 0x22) return j;
  }
  return -1;
}

/** Edits for every line of a text. */
export function stringValueEditsInText(text: string, transform: StringTransform): TextEdit[] {
  const edits: TextEdit[] = [];
  let line = 1;
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    const lineText = text.slice(start, end);
    if (lineText.includes('"')) for (const e of stringValueEdits(lineText, line, transform)) edits.push(e);
    line++;
    start = nl + 1;
  }
  return edits;
}
