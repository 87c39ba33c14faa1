/**
 * CSV datasets (RFC 4180: comma-separated, a header row, fields quoted with "..." where they hold commas, quotes
 * ("" inside quotes) or line breaks; CRLF or LF). Each row becomes a record object keyed by the header: columns such
 * as instruction/input/output, prompt/completion or text stay strings; a `messages`, `conversations` or `tools`
 * column holds JSON (as pandas' to_csv writes a list column after json.dumps). Records are read-only: findings
 * point at the row's line and carry no fixes.
 */
import type { ReadProblem, SourceRecord } from './types';

/** Columns whose cells are JSON text. */
const JSON_COLUMNS = new Set(['messages', 'conversations', 'tools']);

interface CsvRow { fields: string[]; line: number; endLine: number; error?: string }

/** Splits CSV text into rows of fields with the line each row starts on. Unterminated quotes end the text with an error row. */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0, line = 1;
  while (i < n) {
    const row: CsvRow = { fields: [], line, endLine: line };
    for (;;) {
      let field = '';
      if (text.charCodeAt(i) === 0x22) { // quoted
        const startLine = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            row.error = `a quoted field opened on line ${startLine} is never closed: add the closing "`;
            field += text.slice(i);
            i = n;
            break;
          }
          field += text.slice(i, q);
          line += countNewlines(text, i, q);
          if (text.charCodeAt(q + 1) === 0x22) { field += '"'; i = q + 2; continue; }
          i = q + 1;
          break;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== 0x2c && c !== 0x0a && c !== 0x0d) {
          row.error ??= `unexpected text after a closing quote on line ${line}: a quote inside a quoted field must be doubled ("")`;
          while (i < n && text.charCodeAt(i) !== 0x2c && text.charCodeAt(i) !== 0x0a) field += text[i++];
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 0x2c || c === 0x0a || (c === 0x0d && text.charCodeAt(j + 1) === 0x0a)) break;
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      row.fields.push(field);
      if (i < n && text.charCodeAt(i) === 0x2c) { i++; continue; }
      break;
    }
    if (text.charCodeAt(i) === 0x0d) i++;
    if (text.charCodeAt(i) === 0x0a) { i++; line++; }
    row.endLine = line;
    if (row.fields.length > 1 || row.fields[0] !== '' || row.error) rows.push(row); // blank lines are not rows
  }
  return rows;
}

function countNewlines(text: string, from: number, to: number): number {
  let k = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) k++;
  return k;
}

/** The records of a CSV file's text, and problems with its header. */
export function csvRecords(text: string): { records: SourceRecord[]; problems: ReadProblem[] } {
  const rows = parseCsv(text);
  const problems: ReadProblem[] = [];
  const records: SourceRecord[] = [];
  if (rows.length === 0) return { records, problems };
  const header = rows[0].fields.map((h) => h.trim());
  const headerSpan = { line: rows[0].line, column: 1, endLine: rows[0].line, endColumn: 2 };
  if (rows[0].error) problems.push({ kind: 'csv-syntax', fatal: true, span: headerSpan, message: `CSV header: ${rows[0].error}` });
  const dup = header.find((h, k) => header.indexOf(h) !== k);
  if (dup !== undefined) problems.push({ kind: 'csv-syntax', fatal: true, span: headerSpan, message: `CSV header names the column "${dup}" twice: rename one` });
  if (problems.length) return { records, problems };
  rows.slice(1).forEach((row, index) => {
    const rec: SourceRecord = {
      index, text: '', line: row.line, column: 1,
      span: { line: row.line, column: 1, endLine: row.line, endColumn: 2 },
      byteOffset: 0, byteEnd: 0, newlineAfter: false,
    };
    const value: Record<string, unknown> = {};
    let error = row.error;
    if (!error && row.fields.length !== header.length) {
      error = `row has ${row.fields.length} field${row.fields.length === 1 ? '' : 's'} but the header has ${header.length} columns (quote fields that contain commas)`;
    }
    if (!error) {
      header.forEach((name, k) => {
        const cell = row.fields[k];
        if (!JSON_COLUMNS.has(name) || cell.trim() === '') { value[name] = cell; return; }
        try {
          value[name] = JSON.parse(cell);
        } catch (e) {
          error ??= `column "${name}" must hold JSON (a list of messages): ${(e as Error).message.replace(/ in JSON at position \d+.*$/s, '')}`;
        }
      });
    }
    rec.text = JSON.stringify(error ? row.fields : value);
    if (error) rec.error = { reason: error, offset: 0 };
    else rec.value = value;
    records.push(rec);
  });
  return { records, problems };
}
