/**
 * The start of a large document, linted ahead of the whole file for the editor's first sight of it: only records that
 * are whole there, so that a record cut at the end, or the `]` a JSON array's start lacks, is not reported as a
 * problem of the file. JSONL: the lines as they are. CSV: up to the last line break outside quotes (a quoted cell may
 * hold line breaks). A JSON array: up to the end of its last whole value, then `]`.
 */
import { splitJsonValues } from './json-scan';
import { firstNonBlankChar } from './read';

/** `text`: the document's first lines, each with its line break. Undefined: no whole record there. */
export function headText(text: string, csv: boolean): string | undefined {
  if (csv) {
    let quotes = 0, end = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) quotes++;
      else if (c === 0x0a && quotes % 2 === 0) end = i;
    }
    return end < 0 ? undefined : text.slice(0, end + 1);
  }
  const open = firstNonBlankChar(text, 0);
  if (text.charCodeAt(open) !== 0x5b) return text;
  const split = splitJsonValues(text, open, 'array');
  if (split.closed) return text;
  // A value that runs to the end of the text is cut there (the text ends with a line break, which ends a number).
  const whole = split.values.filter(([, e]) => e < text.length);
  if (!whole.length) return undefined;
  return `${text.slice(0, whole[whole.length - 1][1])}\n]`;
}
