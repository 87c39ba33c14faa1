/**
 * One pass over a training string that tells pii, markup-noise (boilerplate) and encoding which of their regular
 * expressions can match it at all. Those expressions cost several times more per character than this pass (an
 * alternation without a common first character, or a case-insensitive one, is tried at every position), and most
 * strings hold nothing they look for, so each rule runs its expressions only where a hint is set.
 *
 * Every hint is conservative: it is set whenever its expression could match (it may also be set when none does).
 * A hint is either a character class the expression needs, or a trigram (three characters, ASCII letters folded to
 * lower case) that every match of the expression contains. The pass is branch-free: a table lookup per character
 * for its flags and its folded code, and one per character for the trigram ending there.
 */
import type { TrainingString } from '../training-text';
import { CP1252, hasUnpairedSurrogate } from './text-encoding';

// Flags of single characters (bits 0-11).
/** Loop-only: a digit, and a character that can be part of a phone, card, SSN or IPv4 match. */
const DIGIT = 1 << 0, RUN = 1 << 1;
export const HINT_AT = 1 << 2, HINT_COLON = 1 << 3, HINT_DASH = 1 << 4, HINT_PLUS = 1 << 5, HINT_DOT = 1 << 6;
/**
 * What text-encoding's issues but unpaired surrogates (HINT_SURROGATE) need: a C0 control but tab and newlines, DEL
 * or U+FFFD (a character flag), or a UTF-8 lead byte's character (U+00C2-U+00F4) right before a continuation byte's
 * (a trigram: see MOJIBAKE_LEAD).
 */
export const HINT_ENCODING = 1 << 7;
/** » or ›, after "read more". */
export const HINT_MORE_ARROW = 1 << 8;
/** | · •, between "privacy policy" and "terms". */
export const HINT_POLICY_BAR = 1 << 9;
/** ©. */
export const HINT_COPYRIGHT = 1 << 10;
/** > » › / |, between breadcrumb items. */
export const HINT_CRUMB = 1 << 11;

// Trigram flags (bits 12-25; bit 17 is a character flag).
/** A trigram of each secret prefix: AKIA ASIA gh?_ github_pat_ sk- xox?- xapp- hf_ AIza ?k_live_ ?k_test_ glpat- npm_ eyJ PRIVATE KEY. */
export const HINT_SECRET = 1 << 12;
export const HINT_CLICK_HERE = 1 << 13;
/** A phrase whose one trigram is rare enough alone: "cookie" (kie), "newsletter" (wsl), "skip to" (kip). */
export const HINT_BOILERPLATE_WORD = 1 << 14;
export const HINT_RIGHTS = 1 << 15;
export const HINT_RESERVED = 1 << 16;
/** A surrogate: text-encoding's unpaired ones are among them, but most belong to an emoji. */
export const HINT_SURROGATE = 1 << 17;
/** "click here": cli. */
export const HINT_CLICK = 1 << 18;
export const HINT_TOP = 1 << 19;
/** facebook, twitter, instagram or linkedin. */
export const HINT_NETWORK = 1 << 20;
export const HINT_READ_MORE = 1 << 21;
export const HINT_PRIVACY = 1 << 22;
export const HINT_HOME = 1 << 23;
/** "share" or "follow us", before a social network. */
export const HINT_SHARE_OR_FOLLOW = 1 << 24;
/** "back to top": bac. */
export const HINT_BACK_TO = 1 << 25;

/**
 * Bits 26-29 of the hints: the most digits in one run of digits, spaces and `-.()+`, up to 15. The hints stay under
 * 2^30: a small integer to V8 even with pointer compression (Electron), so the field that keeps them is never boxed.
 */
const RUN_SHIFT = 26;
export const MAX_DIGIT_RUN = 15;
/** Bits 27-31 of a character's table entry: its code for trigrams (0: a character no trigram has). */
const FOLD_SHIFT = 27;

/** Trigram codes 1-29 are folded letters, space, _ and -; these two mark the bytes of UTF-8 read as Windows-1252. */
const MOJIBAKE_LEAD = 30, MOJIBAKE_CONTINUATION = 31;

const CHAR_HINTS = new Int32Array(0x10000);
const TRIGRAMS = new Int32Array(1 << 15);

function foldCode(ch: string): number {
  if (ch === ' ') return 27;
  if (ch === '_') return 28;
  if (ch === '-') return 29;
  const c = ch.charCodeAt(0) | 32;
  if (c < 97 || c > 122) throw new Error(`no trigram code for ${ch}`);
  return c - 96;
}

{
  const set = (chars: string, bits: number): void => { for (const ch of chars) CHAR_HINTS[ch.charCodeAt(0)] |= bits; };
  set('0123456789', DIGIT | RUN);
  set(' ()', RUN);
  set('-', RUN | HINT_DASH);
  set('.', RUN | HINT_DOT);
  set('+', RUN | HINT_PLUS);
  set('@', HINT_AT);
  set(':', HINT_COLON);
  for (let c = 0; c < 0x10000; c++) {
    if ((c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f) || c === 0x7f || c === 0xfffd)) CHAR_HINTS[c] |= HINT_ENCODING;
    if (c >= 0xd800 && c <= 0xdfff) CHAR_HINTS[c] |= HINT_SURROGATE;
  }
  // Mojibake starts with a lead byte shown as U+00C2-U+00F4 ("Ã", "â") right before a continuation byte shown as
  // U+0080-U+00BF or a Windows-1252 character for 0x80-0x9F (CP1252); "é" in "café" is before a letter.
  for (let c = 0xc2; c <= 0xf4; c++) CHAR_HINTS[c] |= MOJIBAKE_LEAD << FOLD_SHIFT;
  for (let c = 0x80; c <= 0xbf; c++) CHAR_HINTS[c] |= MOJIBAKE_CONTINUATION << FOLD_SHIFT;
  for (const ch of CP1252) CHAR_HINTS[ch.charCodeAt(0)] |= MOJIBAKE_CONTINUATION << FOLD_SHIFT;
  set('»›', HINT_MORE_ARROW);
  set('|·•', HINT_POLICY_BAR);
  set('©', HINT_COPYRIGHT);
  set('>»›/|', HINT_CRUMB);
  for (const ch of 'abcdefghijklmnopqrstuvwxyz _-') {
    CHAR_HINTS[ch.charCodeAt(0)] |= foldCode(ch) << FOLD_SHIFT;
    CHAR_HINTS[ch.toUpperCase().charCodeAt(0)] |= foldCode(ch) << FOLD_SHIFT;
  }
  // Characters whose case mapping reaches an ASCII letter: a case-insensitive expression does not match them
  // (ECMAScript leaves them alone outside /u), but folding them too keeps the hints conservative whatever the engine.
  for (const [ch, as] of [['\u017f', 's'], ['\u212a', 'k'], ['\u0130', 'i'], ['\u0131', 'i']]) CHAR_HINTS[ch.charCodeAt(0)] |= foldCode(as) << FOLD_SHIFT;

  const tri = (words: string[], bit: number): void => {
    for (const w of words) {
      if (w.length !== 3) throw new Error(`not a trigram: ${w}`);
      TRIGRAMS[(foldCode(w[0]) << 10) | (foldCode(w[1]) << 5) | foldCode(w[2])] |= bit;
    }
  };
  for (let first = 0; first < 32; first++) TRIGRAMS[(first << 10) | (MOJIBAKE_LEAD << 5) | MOJIBAKE_CONTINUATION] |= HINT_ENCODING;
  tri(['kia', 'sia', 'hp_', 'ho_', 'hu_', 'hs_', 'hr_', 'b_p', 'sk-', 'xox', 'pp-', 'eyj', 'vat', 'hf_', 'aiz', 'k_l', 'k_t', 'glp', 'pm_'], HINT_SECRET);
  tri(['k h'], HINT_CLICK_HERE);
  tri(['kie', 'wsl', 'kip'], HINT_BOILERPLATE_WORD);
  tri(['hts'], HINT_RIGHTS);
  tri(['rve'], HINT_RESERVED);
  tri(['top'], HINT_TOP);
  tri(['ceb', 'twi', 'agr', 'edi'], HINT_NETWORK); // facebook, twitter, instagram, linkedin
  tri(['d m'], HINT_READ_MORE);
  tri(['acy'], HINT_PRIVACY);
  tri(['hom'], HINT_HOME);
  tri(['har', 'w u'], HINT_SHARE_OR_FOLLOW);
  tri(['bac'], HINT_BACK_TO);
  tri(['cli'], HINT_CLICK);
}

/** The hints of `text` (see the HINT_ flags and digitRun). */
export function scanTextHints(text: string): number {
  let h = 0, key = 0, run = 0, most = 0;
  for (let i = 0, n = text.length; i < n; i++) {
    const k = CHAR_HINTS[text.charCodeAt(i)];
    h |= k;
    key = ((key << 5) | (k >>> FOLD_SHIFT)) & 0x7fff;
    h |= TRIGRAMS[key];
    run = (run + (k & DIGIT)) & -((k & RUN) >> 1); // the run goes on through RUN characters, counting digits
    most = most > run ? most : run;
  }
  return (h & 0x03fffffc) | ((most < MAX_DIGIT_RUN ? most : MAX_DIGIT_RUN) << RUN_SHIFT);
}

/** The most digits in one run of digits, spaces and `-.()+`, capped at MAX_DIGIT_RUN: a bound on the digits of a phone, card, SSN or IPv4 match. */
export function digitRun(hints: number): number {
  return hints >>> RUN_SHIFT;
}

/** The string's hints, worked out once and kept on it. */
export function textHints(s: TrainingString): number {
  let h = s.hints;
  if (h === undefined || h < 0) s.hints = h = scanTextHints(s.text);
  return h;
}

/**
 * False when no alternative of markup.ts's boilerplate expression can match: each needs all the hints of one term
 * here (its phrase's trigrams, and for some the punctuation that must follow).
 */
export function mayHaveBoilerplate(h: number): boolean {
  return (h & (HINT_BOILERPLATE_WORD | HINT_COPYRIGHT)) !== 0
    || has(h, HINT_CLICK | HINT_CLICK_HERE)
    || has(h, HINT_RIGHTS | HINT_RESERVED)
    || has(h, HINT_BACK_TO | HINT_TOP)
    || has(h, HINT_SHARE_OR_FOLLOW | HINT_NETWORK)
    || has(h, HINT_READ_MORE | HINT_MORE_ARROW)
    || has(h, HINT_PRIVACY | HINT_POLICY_BAR)
    || has(h, HINT_HOME | HINT_CRUMB);
}

/** False when findEncodingIssues finds nothing in `text`, whose hints are `h`: surrogates (mostly emoji) are checked for pairing here. */
export function mayHaveEncodingIssues(h: number, text: string): boolean {
  return (h & HINT_ENCODING) !== 0 || ((h & HINT_SURROGATE) !== 0 && hasUnpairedSurrogate(text));
}

function has(h: number, all: number): boolean {
  return (h & all) === all;
}
