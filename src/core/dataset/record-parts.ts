/**
 * Where a JSON array's or a CSV file's bytes can be cut into parts that each read, on their own, as the whole file reads
 * there: line starts between two records. The parallel lint (lint-parallel.ts) hands such parts to its threads as it
 * hands JSONL's lines. One scan of the bytes tracks what the whole file's reader would be inside at each line break (a
 * JSON string or nested value, a quoted CSV field); each part's reader checks again that it ended where a record ends
 * (read.ts openArrayPart, csv.ts csvPartRecords), so a file this scan misjudges is linted serially, never differently.
 */
import { utf8BomLength } from './encoding';
import { firstNonBlank } from './read';

/** [start, end) of the file's bytes; its first line is line lineOffset + 1 of the file. */
export interface LineRange { start: number; end: number; lineOffset: number }

/** A CSV file's header row: its bytes (after any byte order mark), and where its records start. */
export interface CsvHeaderBytes { start: number; end: number; lines: number }

/**
 * A JSON array's records cut into parts, each after the first starting at a line after a comma between two records, at
 * or after its entry of `starts` (ascending byte offsets): one part where no cut was found. Undefined where the file is
 * not one array (its first character is not `[`, or something follows the array's `]`).
 */
export function arrayParts(buf: Buffer, starts: readonly number[]): LineRange[] | undefined {
  const bom = utf8BomLength(buf);
  const open = firstNonBlank(buf, bom);
  if (open === -1 || buf[open] !== 0x5b) return undefined;
  const cuts: number[] = [];
  let depth = 0, line = 0, k = 1;
  let afterComma = false;
  const n = buf.length;
  let i = open + 1;
  for (; i < n; i++) {
    const b = buf[i];
    if (b === 0x22) {
      // A string: on to its closing quote (bytes of multi-byte characters are never ASCII).
      for (i++; i < n; i++) {
        const c = buf[i];
        if (c === 0x5c) i++;
        else if (c === 0x22) break;
        else if (c === 0x0a) line++;
      }
      afterComma = false;
    } else if (b === 0x0a) {
      line++;
      if (depth === 0 && afterComma && k < starts.length && i + 1 >= starts[k] && i + 1 < n) {
        cuts.push(i + 1, line);
        while (k < starts.length && starts[k] <= i + 1) k++;
      }
    } else if (b === 0x2c) {
      afterComma = depth === 0;
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
      afterComma = false;
    } else if (b === 0x7d || b === 0x5d) {
      if (depth === 0) break; // the array's `]`
      depth--;
      afterComma = false;
    } else if (b !== 0x20 && b !== 0x09 && b !== 0x0d) {
      afterComma = false;
    }
  }
  // Content after the `]` makes the file JSONL of arrays, or an error the serial reader words.
  if (i >= n || firstNonBlank(buf, i + 1) !== -1) return undefined;
  return ranges(bom, n, 0, cuts);
}

/**
 * A CSV file's header row: where it ends (after its line break) by the quotes before it. Undefined where the file
 * starts with a blank line (the reader skips those: the header is further down) or has no line after the header.
 */
export function csvHeaderBytes(buf: Buffer): CsvHeaderBytes | undefined {
  const start = utf8BomLength(buf);
  if (start >= buf.length || buf[start] === 0x0a || buf[start] === 0x0d) return undefined;
  let quoted = false, lines = 0;
  for (let i = start; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x22) quoted = !quoted;
    else if (b === 0x0a) {
      lines++;
      if (!quoted) return i + 1 < buf.length ? { start, end: i + 1, lines } : undefined;
    }
  }
  return undefined;
}

/**
 * A CSV file's rows after its header cut into parts, each after the first starting at a line break outside quotes at
 * or after its entry of `starts`: one part where no cut was found.
 */
export function csvParts(buf: Buffer, header: CsvHeaderBytes, starts: readonly number[]): LineRange[] {
  const cuts: number[] = [];
  let quotes = 0, line = header.lines, k = 1;
  const n = buf.length;
  while (k < starts.length && starts[k] <= header.end) k++;
  // Line by line (indexOf finds the breaks natively), the quotes counted in a loop that does nothing else: a third of
  // the time of one loop that tests each byte for both.
  for (let i = header.end; i < n && k < starts.length;) {
    const nl = buf.indexOf(0x0a, i);
    const end = nl === -1 ? n : nl;
    for (let j = i; j < end; j++) if (buf[j] === 0x22) quotes++;
    if (nl === -1) break;
    line++;
    i = nl + 1;
    if ((quotes & 1) === 0 && i >= starts[k] && i < n) {
      cuts.push(i, line);
      while (k < starts.length && starts[k] <= i) k++;
    }
  }
  return ranges(header.end, n, header.lines, cuts);
}

/** Ranges from `start` to `end` cut at `cuts` (offset, lines before it; flat pairs). */
function ranges(start: number, end: number, lineOffset: number, cuts: number[]): LineRange[] {
  const out: LineRange[] = [];
  for (let j = 0; j < cuts.length; j += 2) {
    out.push({ start, end: cuts[j], lineOffset });
    start = cuts[j];
    lineOffset = cuts[j + 1];
  }
  out.push({ start, end, lineOffset });
  return out;
}
