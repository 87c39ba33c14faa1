/**
 * Small JSON scanners for what JSON.parse does not tell: where a value sits in the source text
 * (to point a finding at `"role": "bot"` rather than the whole line), where parsing failed when
 * JSON.parse's message has no position, and where the values of an array or a sequence start and end.
 * The first two run only for records that have a finding, so they favour clarity over speed.
 */
import type { JsonSyntaxProblem } from './types';

export type JsonPath = readonly (string | number)[];

/** Offsets of a value (and of its key, when it is an object member) in a JSON text; end is exclusive. */
export interface ValueLocation { start: number; end: number; keyStart?: number; keyEnd?: number }

class ScanError extends Error {
  constructor(readonly offset: number) { super('scan'); }
}

class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    const s = this.s;
    for (let c = s.charCodeAt(this.i); c === 32 || c === 9 || c === 10 || c === 13; c = s.charCodeAt(++this.i));
  }

  fail(): never { throw new ScanError(this.i); }

  value(): void {
    this.ws();
    const c = this.s.charCodeAt(this.i);
    if (c === 0x7b) this.object();
    else if (c === 0x5b) this.array();
    else if (c === 0x22) this.string();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.number();
    else if (c === 0x74) this.word('true');
    else if (c === 0x66) this.word('false');
    else if (c === 0x6e) this.word('null');
    else this.fail();
  }

  object(): void {
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) { this.i++; return; }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail();
      this.string();
      this.expect(0x3a);
      this.value();
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x7d) return;
      if (c !== 0x2c) { this.i--; this.fail(); }
    }
  }

  array(): void {
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) { this.i++; return; }
    for (;;) {
      this.value();
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x5d) return;
      if (c !== 0x2c) { this.i--; this.fail(); }
    }
  }

  string(): void {
    const s = this.s;
    this.i++;
    for (;;) {
      if (this.i >= s.length) this.fail();
      const c = s.charCodeAt(this.i);
      if (c === 0x22) { this.i++; return; }
      if (c < 0x20) this.fail();
      if (c !== 0x5c) { this.i++; continue; }
      const e = s.charCodeAt(this.i + 1);
      if (e === 0x75) {
        this.i += 2;
        for (let k = 0; k < 4; k++, this.i++) if (!/[0-9a-fA-F]/.test(s.charAt(this.i))) this.fail();
      } else if (this.i + 1 < s.length && '"\\/bfnrt'.includes(s.charAt(this.i + 1))) {
        this.i += 2;
      } else {
        this.i += 1;
        this.fail();
      }
    }
  }

  number(): void {
    const s = this.s;
    const digits = (): void => { const from = this.i; while (isDigit(s.charCodeAt(this.i))) this.i++; if (this.i === from) this.fail(); };
    if (s.charCodeAt(this.i) === 0x2d) this.i++;
    if (s.charCodeAt(this.i) === 0x30) this.i++;
    else digits();
    if (s.charCodeAt(this.i) === 0x2e) { this.i++; digits(); }
    const e = s.charCodeAt(this.i);
    if (e === 0x65 || e === 0x45) {
      this.i++;
      const sign = s.charCodeAt(this.i);
      if (sign === 0x2b || sign === 0x2d) this.i++;
      digits();
    }
  }

  word(w: string): void {
    for (let k = 0; k < w.length; k++, this.i++) if (this.s[this.i] !== w[k]) this.fail();
  }

  expect(code: number): void {
    this.ws();
    if (this.s.charCodeAt(this.i) !== code) this.fail();
    this.i++;
  }

  /** Reads an object key at i (a valid string) and returns its decoded text. */
  key(): string {
    const start = this.i;
    this.string();
    const raw = this.s.slice(start + 1, this.i - 1);
    return raw.includes('\\') ? (JSON.parse(this.s.slice(start, this.i)) as string) : raw;
  }
}

function isDigit(c: number): boolean { return c >= 0x30 && c <= 0x39; }

/** UTF-16 offset of the first syntax error in `text`, or -1 when it is valid JSON. */
export function syntaxErrorOffset(text: string): number {
  const sc = new Scanner(text);
  try {
    sc.value();
    sc.ws();
    return sc.i < text.length ? sc.i : -1;
  } catch (e) {
    if (e instanceof ScanError) return Math.min(e.offset, text.length);
    return 0; // nesting too deep for the recursive scanner: point at the start
  }
}

/** Turns a JSON.parse error into its reason and a position, whatever the V8 version puts in the message. */
export function describeJsonError(err: unknown, text: string): JsonSyntaxProblem {
  const raw = err instanceof Error ? err.message : String(err);
  const at = /\s+in JSON at position (\d+)(?: \(line \d+ column \d+\))?/.exec(raw);
  let reason = raw.replace(/\s+in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/^(Unexpected token '.+?'), [^]* is not valid JSON$/, '$1'); // drop V8's excerpt of the source
  let offset = at ? Number(at[1]) : syntaxErrorOffset(text);
  if (offset < 0) offset = 0;
  const hint = commonMistake(text, offset);
  if (hint) reason += ` (${hint})`;
  return { reason, offset };
}

/** Names the usual cause of a syntax error at `offset`: Python literals, single quotes, trailing commas. */
function commonMistake(text: string, offset: number): string | undefined {
  const rest = text.slice(offset, offset + 9);
  if (/^(True|False|None)\b/.test(rest)) return 'Python literals are not JSON: use true, false, null';
  if (/^(NaN|-?Infinity)\b/.test(rest)) return 'NaN and Infinity are not JSON: use null or a number';
  if (text[offset] === "'") return 'JSON strings and keys need double quotes';
  if (text[offset] === '}' || text[offset] === ']') {
    let k = offset - 1;
    while (k >= 0 && /\s/.test(text[k])) k--;
    if (text[k] === ',') return 'trailing comma';
  }
  return undefined;
}

/** Where the value at `path` sits in the valid JSON `text`; undefined when the path does not exist. */
export function locateValue(text: string, path: JsonPath): ValueLocation | undefined {
  const sc = new Scanner(text);
  let keyStart: number | undefined;
  let keyEnd: number | undefined;
  try {
    for (const seg of path) {
      sc.ws();
      const open = text.charCodeAt(sc.i);
      if (typeof seg === 'string') {
        if (open !== 0x7b) return undefined;
        let found: { keyStart: number; keyEnd: number; value: number } | undefined;
        sc.i++;
        sc.ws();
        if (text.charCodeAt(sc.i) === 0x7d) return undefined;
        for (;;) {
          sc.ws();
          const ks = sc.i;
          const key = sc.key();
          const ke = sc.i;
          sc.expect(0x3a);
          sc.ws();
          // JSON.parse keeps the last of duplicate keys, so the last match wins here too.
          if (key === seg) found = { keyStart: ks, keyEnd: ke, value: sc.i };
          sc.value();
          sc.ws();
          if (text.charCodeAt(sc.i) !== 0x2c) break;
          sc.i++;
        }
        if (!found) return undefined;
        ({ keyStart, keyEnd } = found);
        sc.i = found.value;
      } else {
        if (open !== 0x5b) return undefined;
        sc.i++;
        sc.ws();
        if (text.charCodeAt(sc.i) === 0x5d) return undefined;
        for (let k = 0; k < seg; k++) {
          sc.value();
          sc.ws();
          if (text.charCodeAt(sc.i) !== 0x2c) return undefined;
          sc.i++;
        }
        keyStart = keyEnd = undefined;
      }
    }
    sc.ws();
    const start = sc.i;
    sc.value();
    return { start, end: sc.i, keyStart, keyEnd };
  } catch {
    return undefined;
  }
}

/** Offset just past the JSON value that starts at `i`, found by bracket depth only (no validation). */
export function valueEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  if (c === 0x22) return stringEnd(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x22) j = stringEnd(text, j) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
    }
    return n;
  }
  let j = i;
  while (j < n && !isDelimiter(text.charCodeAt(j))) j++;
  return j === i ? i + 1 : j;
}

function stringEnd(text: string, i: number): number {
  for (let j = text.indexOf('"', i + 1); j !== -1; j = text.indexOf('"', j + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
  }
  return text.length;
}

function isDelimiter(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0x2c || c === 0x5d || c === 0x7d || c === 0x5b || c === 0x7b;
}

export function skipWhitespace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  return i;
}

export interface SplitProblem { offset: number; message: string }

export interface SplitResult {
  /** [start, end) of each value, in order. */
  values: [number, number][];
  problems: SplitProblem[];
  /** Offset just past the closing `]` (array mode) or the text length. */
  end: number;
  closed: boolean;
}

/**
 * Finds the top-level values of a JSON array starting at `start` (text[start] is `[`), or, in sequence mode,
 * of whitespace-separated JSON values from `start` to the end. Structural slips (missing or extra commas,
 * no closing `]`) become problems while the values around them are still found.
 * `array-part`: text[start] is inside an array, right after its `[` or a comma, and the text may end before the `]`
 * (a part of a file that the parallel lint cut, record-parts.ts): that is no problem.
 */
export function splitJsonValues(text: string, start: number, mode: 'array' | 'sequence' | 'array-part'): SplitResult {
  const values: [number, number][] = [];
  const problems: SplitProblem[] = [];
  const inArray = mode !== 'sequence';
  let i = mode === 'array' ? start + 1 : start;
  let afterComma = -1;
  let expectValue = true;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= text.length) {
      if (mode === 'array') problems.push({ offset: text.length, message: 'the JSON array is not closed: add `]` at the end of the file' });
      return { values, problems, end: text.length, closed: mode === 'sequence' };
    }
    const c = text.charCodeAt(i);
    if (inArray && c === 0x5d) {
      if (afterComma >= 0 && values.length) problems.push({ offset: afterComma, message: 'trailing comma before the closing `]` of the array: remove it' });
      return { values, problems, end: i + 1, closed: true };
    }
    if (inArray && c === 0x2c) {
      if (expectValue) problems.push({ offset: i, message: 'extra comma in the JSON array: remove it' });
      afterComma = i;
      expectValue = true;
      i++;
      continue;
    }
    if (inArray && !expectValue) problems.push({ offset: i, message: 'missing comma between two records of the JSON array' });
    const end = valueEnd(text, i);
    values.push([i, end]);
    afterComma = -1;
    expectValue = false;
    i = end;
  }
}
