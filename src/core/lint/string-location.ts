/**
 * Where the characters of a decoded JSON string sit in the source line. A match found in the parsed text (an
 * e-mail address, a tag) is reported and edited at its raw offsets, which differ from the decoded ones after
 * escapes such as \n, \" or \u00e9. Edits made at these offsets never split an escape, so the JSON stays valid.
 */
import { locateValue, type JsonPath } from '../dataset/json-scan';
import { editInRecord, spanInRecord } from '../dataset/position';
import type { SourceRecord, Span } from '../dataset/types';
import type { TextEdit } from './types';

export class StringLocation {
  private constructor(
    readonly rec: SourceRecord,
    /** Offset of the opening quote in rec.text. */
    readonly start: number,
    /** Offset just past the closing quote. */
    readonly end: number,
    /** Raw offset of each decoded code unit (and of the end), or null when the literal has no escapes. */
    private readonly map: Int32Array | null,
  ) {}

  /** The string literal at `path` of a valid record; undefined when there is none. */
  static find(rec: SourceRecord, path: JsonPath): StringLocation | undefined {
    const loc = rec.error ? undefined : locateValue(rec.text, path);
    if (!loc || rec.text.charCodeAt(loc.start) !== 0x22) return undefined;
    return new StringLocation(rec, loc.start, loc.end, escapeMap(rec.text, loc.start + 1, loc.end - 1));
  }

  /** Offset in rec.text of decoded offset `i` (i may equal the decoded length: the closing quote). */
  rawOffset(i: number): number {
    return this.map ? this.map[Math.min(i, this.map.length - 1)] : this.start + 1 + i;
  }

  /** Span of decoded offsets [from, to). */
  span(from: number, to: number): Span {
    return spanInRecord(this.rec, this.rawOffset(from), this.rawOffset(to));
  }

  /** Replaces decoded [from, to) with `json`, which must already be escaped for a JSON string; undefined when the file cannot take it. */
  edit(from: number, to: number, json: string): TextEdit | undefined {
    return editInRecord(this.rec, this.rawOffset(from), this.rawOffset(to), json);
  }

  /** Replaces the whole literal, quotes included, with the JSON of `value`; undefined when the file cannot take it. */
  replaceWith(value: string): TextEdit | undefined {
    return editInRecord(this.rec, this.start, this.end, JSON.stringify(value));
  }
}

/** Raw offsets for the literal body text[from, to), or null when it has no backslash (offsets then only shift). */
function escapeMap(text: string, from: number, to: number): Int32Array | null {
  const slash = text.indexOf('\\', from);
  if (slash === -1 || slash >= to) return null;
  const offsets: number[] = [];
  for (let i = from; i < to;) {
    offsets.push(i);
    i += text.charCodeAt(i) !== 0x5c ? 1 : text.charCodeAt(i + 1) === 0x75 ? 6 : 2; // \uXXXX or \n-style
  }
  offsets.push(to);
  return Int32Array.from(offsets);
}
