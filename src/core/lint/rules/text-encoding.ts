/**
 * Encoding damage inside strings: mojibake (UTF-8 bytes read as Windows-1252 or Latin-1: "Ã©" for "é", "â€™" for
 * "’"), control characters, U+FFFD replacement characters and unpaired surrogates (from escapes like \ud800).
 */

export interface EncodingIssue { kind: 'mojibake' | 'control' | 'replacement' | 'surrogate'; start: number; end: number }

// Windows-1252 characters for the bytes 0x80-0x9F; the five undefined bytes decode to the C1 control of the same value.
export const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const CONT = `[\\u0080-\\u00bf${CP1252}]`;
/** A UTF-8 lead byte followed by the right number of continuation bytes, each shown as its Latin-1/Windows-1252 character. */
const MOJIBAKE = new RegExp(`[\\u00c2-\\u00df]${CONT}|[\\u00e0-\\u00ef]${CONT}{2}|[\\u00f0-\\u00f4]${CONT}{3}`, 'g');
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNPAIRED_SURROGATE = new RegExp(SURROGATE.source);
/** String.prototype.isWellFormed (ES2024, Node 20): native, several times faster than the expression on text with emoji. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Whether `s` has a surrogate that is not part of a pair (what SURROGATE finds). */
export function hasUnpairedSurrogate(s: string): boolean {
  return isWellFormed ? !isWellFormed.call(s) : UNPAIRED_SURROGATE.test(s);
}
/** Quick test: only strings with one of these can have an issue. */
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00c2-\u00f4\ud800-\udfff\ufffd]/;

/** `mayHaveIssues`: false when the caller knows there is none (text-hints.ts's HINT_ENCODING); else SUSPECT tells. */
export function findEncodingIssues(s: string, withReplacement: boolean, mayHaveIssues?: boolean): EncodingIssue[] {
  if (mayHaveIssues === false || (mayHaveIssues === undefined && !SUSPECT.test(s))) return [];
  const out: EncodingIssue[] = [];
  collect(s, MOJIBAKE, 'mojibake', out);
  collect(s, CONTROL, 'control', out);
  collect(s, SURROGATE, 'surrogate', out);
  if (withReplacement) collect(s, /\ufffd+/g, 'replacement', out);
  return out.sort((a, b) => a.start - b.start);
}

function collect(s: string, re: RegExp, kind: EncodingIssue['kind'], out: EncodingIssue[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push({ kind, start: m.index, end: m.index + m[0].length });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Mojibake sequences decoded back to what they were, control characters and unpaired surrogates removed, NFC. */
export function repairText(s: string): string {
  return s.replace(MOJIBAKE, (m) => decodeMojibake(m) ?? m).replace(CONTROL, '').replace(SURROGATE, '').normalize('NFC');
}

/** The UTF-8 decoding of the bytes the characters of `m` stand for, or undefined when they are not valid UTF-8. */
function decodeMojibake(m: string): string | undefined {
  const bytes = new Uint8Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    bytes[i] = c <= 0xff ? c : 0x80 + CP1252.indexOf(m[i]); // the regex lets only these through
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
