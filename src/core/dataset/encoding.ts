/**
 * File-level encoding checks done before any record is read: a dataset must be UTF-8 text.
 * Each check names what the file is and how to fix it, instead of letting JSON.parse fail on every line.
 */
import { isUtf8 } from 'node:buffer';
import type { ReadProblem, Span } from './types';

const RESAVE = 're-save it as UTF-8 (in VS Code: "Change File Encoding" in the status bar, then "Save with Encoding" > UTF-8)';

/** Length of a UTF-8 byte order mark at the start of `buf`, or 0. */
export function utf8BomLength(buf: Uint8Array): number {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/**
 * The UTF-8 byte offset of each UTF-16 offset of `text` asked for, in ascending order (`base`: the byte offset of offset
 * 0), counting only the characters since the last one asked.
 */
export function utf8Offsets(text: string, base = 0): (offset: number) => number {
  let bytes = base, at = 0;
  return (offset) => {
    bytes += Buffer.byteLength(text.slice(at, offset));
    at = offset;
    return bytes;
  };
}

/** Problems that stop the file from being read as text at all: wrong encoding, compressed or binary data. */
export function fatalEncodingProblem(buf: Buffer): ReadProblem | undefined {
  const fatal = (kind: ReadProblem['kind'], message: string, span: Span = spanAtLine(1)): ReadProblem => ({ kind, message, span, fatal: true });
  if (startsWith(buf, [0xff, 0xfe, 0x00, 0x00]) || startsWith(buf, [0x00, 0x00, 0xfe, 0xff])) {
    return fatal('utf32', `the file is UTF-32 encoded (it starts with a UTF-32 byte order mark); ${RESAVE}`);
  }
  if (startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff])) {
    return fatal('utf16', `the file is UTF-16 encoded (it starts with a UTF-16 byte order mark); ${RESAVE}`);
  }
  const container = compressedOrBinaryFormat(buf);
  if (container) return fatal('binary', container);
  const nul = buf.indexOf(0);
  if (nul === -1) return undefined;
  if (looksLikeUtf16WithoutBom(buf)) return fatal('utf16', `the file looks UTF-16 encoded (every other byte is zero); ${RESAVE}`);
  const line = lineOfByte(buf, nul);
  return fatal('binary', `the file holds binary data (a NUL byte on line ${line}), not JSON text; point Tunelab at a .jsonl or .json dataset`, spanAtLine(line));
}

/** Non-fatal: lines with bytes that are not UTF-8 (for example Latin-1 text). Records are still read, with U+FFFD in place of those bytes. */
export function invalidUtf8Problem(buf: Buffer, start: number): ReadProblem | undefined {
  if (isUtf8(buf.subarray(start))) return undefined;
  let first: { line: number; column: number } | undefined;
  let badLines = 0;
  let line = 1;
  for (let s = start; s <= buf.length; line++) {
    const nl = buf.indexOf(0x0a, s);
    const e = nl === -1 ? buf.length : nl;
    const bad = firstInvalidUtf8(buf, s, e);
    if (bad !== -1) {
      badLines++;
      first ??= { line, column: buf.toString('utf8', s, bad).length + 1 };
    }
    if (nl === -1) break;
    s = nl + 1;
  }
  if (!first) return undefined;
  const more = badLines > 1 ? ` (and on ${badLines - 1} more line${badLines > 2 ? 's' : ''})` : '';
  return {
    kind: 'invalid-utf8',
    message: `line ${first.line} holds bytes that are not valid UTF-8${more}; the file may be Latin-1 or Windows-1252: ${RESAVE}`,
    span: { line: first.line, column: first.column, endLine: first.line, endColumn: first.column + 1 },
    fatal: false,
  };
}

/** Byte offset of the first invalid UTF-8 sequence in buf[start, end), or -1. Called only on files that failed isUtf8. */
export function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) { i++; continue; }
    let need: number; let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= end) return i; // truncated sequence
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function compressedOrBinaryFormat(buf: Buffer): string | undefined {
  if (startsWith(buf, [0x1f, 0x8b])) return 'the file is gzip-compressed; decompress it first (gunzip FILE) and lint the .jsonl inside';
  if (startsWith(buf, [0x28, 0xb5, 0x2f, 0xfd])) return 'the file is zstd-compressed; decompress it first (zstd -d FILE) and lint the .jsonl inside';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) return 'the file is a zip archive; extract it and lint the .jsonl inside';
  if (startsWith(buf, [0x50, 0x41, 0x52, 0x31])) {
    return 'the file is Parquet, not JSON text; convert it to JSONL first, e.g. pandas.read_parquet(FILE).to_json(OUT, orient="records", lines=True)';
  }
  return undefined;
}

function looksLikeUtf16WithoutBom(buf: Buffer): boolean {
  const n = Math.min(buf.length, 4096) & ~1;
  if (n < 4) return false;
  let evenZeros = 0, oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenZeros++;
    if (buf[i + 1] === 0) oddZeros++;
  }
  const half = n / 2;
  return (evenZeros > 0.4 * half && oddZeros < 0.05 * half) || (oddZeros > 0.4 * half && evenZeros < 0.05 * half);
}

function startsWith(buf: Uint8Array, bytes: number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

function lineOfByte(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < offset; i = buf.indexOf(0x0a, i + 1)) line++;
  return line;
}

export function spanAtLine(line: number): Span {
  return { line, column: 1, endLine: line, endColumn: 2 };
}
