// Fixes that rewrite the JSON string values on a line: trim surrounding whitespace, NFC-normalise. They work line
// by line (a JSON string never spans lines), on values only (object keys are left alone), and re-encode only the
// strings they change. No `vscode`: tested with node:test.
import { locateValue, type JsonPath } from '../core/dataset/json-scan';
import { editInRecord } from '../core/dataset/position';
import { openDataset, recordAtLine } from '../core/dataset/read';
import type { SourceRecord } from '../core/dataset/types';
import type { TextEdit } from '../core/lint';

export type StringTransform = (s: string) => string;

export const TRIM_WHITESPACE: StringTransform = (s) => s.trim();
export const NFC_NORMALISE: StringTransform = (s) => s.normalize('NFC');

/** The clean-ups by name, for asking the lint worker (functions do not cross threads). */
export const STRING_CLEANUPS = { trim: TRIM_WHITESPACE, nfc: NFC_NORMALISE } as const;
export type StringCleanup = keyof typeof STRING_CLEANUPS;

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

/**
 * The same clean-ups for records whose file syntax is not JSON (CSV rows): every string value of each record (the
 * cells, and the strings inside a JSON cell), edited through the record's map back to the file. `line`: only the
 * record that covers that 1-based line.
 */
export function recordStringEdits(text: string, name: string, transform: StringTransform, line?: number): TextEdit[] {
  const edits: TextEdit[] = [];
  if (line !== undefined) {
    const rec = recordAtLine(text, name, line);
    if (rec) edits.push(...recordValueEdits(rec, transform));
  } else {
    openDataset(text, name).forEachRecord((rec) => { if (rec.value !== undefined) edits.push(...recordValueEdits(rec, transform)); });
  }
  return edits;
}

/** Edits that apply `transform` to every string value of a record (a CSV row's through its map into the cells). */
export function recordValueEdits(rec: SourceRecord, transform: StringTransform): TextEdit[] {
  const edits: TextEdit[] = [];
  forEachString(rec.value, [], (value, path) => {
    const changed = transform(value);
    if (changed === value) return;
    const loc = locateValue(rec.text, path);
    const edit = loc && editInRecord(rec, loc.start, loc.end, JSON.stringify(changed));
    if (edit) edits.push(edit);
  });
  return edits;
}

function forEachString(v: unknown, path: (string | number)[], onString: (s: string, path: JsonPath) => void): void {
  if (typeof v === 'string') onString(v, [...path]);
  else if (Array.isArray(v)) v.forEach((x, i) => forEachString(x, [...path, i], onString));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) forEachString(x, [...path, k], onString);
}
