/**
 * Detectors for personal data and secrets in a string. Each regular expression finds candidates; checksums (Luhn,
 * IBAN mod 97), issuer prefixes and address ranges then drop look-alikes, so that order numbers, dates, version
 * strings, netmasks and times in ordinary text are not reported. The string's hints (text-hints.ts) skip the
 * expressions that cannot match.
 */

import { digitRun, HINT_AT, HINT_COLON, HINT_DOT, HINT_PLUS, HINT_SECRET, scanTextHints } from './text-hints';

export interface PiiKind {
  /** Words for messages: "e-mail address". */
  name: string;
  /** The redaction placeholder, e.g. "[EMAIL]". */
  placeholder: string;
  /** Credentials: reported as errors. */
  secret: boolean;
}

export interface PiiMatch { kind: PiiKind; start: number; end: number }

const kind = (name: string, placeholder: string, secret = false): PiiKind => ({ name, placeholder, secret });
export const PII_KINDS = {
  email: kind('e-mail address', '[EMAIL]'),
  phone: kind('phone number', '[PHONE]'),
  card: kind('payment card number', '[CARD_NUMBER]'),
  iban: kind('IBAN', '[IBAN]'),
  ssn: kind('US social security number', '[SSN]'),
  ip: kind('IP address', '[IP_ADDRESS]'),
  aws: kind('AWS access key', '[AWS_ACCESS_KEY]', true),
  github: kind('GitHub token', '[GITHUB_TOKEN]', true),
  apiKey: kind('API key (sk-…)', '[API_KEY]', true),
  slack: kind('Slack token', '[SLACK_TOKEN]', true),
  huggingFace: kind('Hugging Face token', '[HF_TOKEN]', true),
  google: kind('Google API key', '[GOOGLE_API_KEY]', true),
  stripe: kind('Stripe key', '[STRIPE_KEY]', true),
  gitlab: kind('GitLab token', '[GITLAB_TOKEN]', true),
  npm: kind('npm token', '[NPM_TOKEN]', true),
  jwt: kind('JSON Web Token', '[JWT]', true),
  privateKey: kind('private key', '[PRIVATE_KEY]', true),
} satisfies Record<string, PiiKind>;

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?![\w-])/g;
/** Domains ending like file names: icon@2x.png, not addresses. */
const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'tif', 'tiff', 'js', 'mjs', 'cjs', 'ts', 'css', 'map', 'json', 'html', 'txt']);

// Phones need separators in one of the usual layouts or a leading +; bare digit runs and 2024-05-01 are not phones.
const US_PHONE = /(?<![\w+.-])(?:(?:\+1|1)[ .-]?)?(?:\([2-9]\d\d\) ?\d{3}[-. ]\d{4}|[2-9]\d\d([-.])[2-9]\d\d\1\d{4})(?![\w-]|\.\d)/g;
const INTL_PHONE = /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,6}(?![\w-]|\.\d)/g;
// Dashes, or single spaces in the 3-2-4 grouping (as Presidio's weaker pattern), the same separator twice.
const SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-]|[ -]\d|\.\d)/g;
// National format with the 0 trunk prefix, as the UK writes it: 020 7946 0958, 0161 496 0000, 07700 900123, (020) 7946 0958.
const NATIONAL_PHONE = /(?<![\w+.-])(?:\(0\d{2,4}\) ?|0\d{2,4}[ -])\d{3,6}(?:[ -]\d{3,4})?(?![\w-]|[ -]\d|\.\d)/g;
const CARD = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-]|\.\d)/g;
const IBAN = /(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![\w])/g;
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:]|\.\w)/g;

/** Each secret's expression, kind, and a check of a match where the expression alone lets look-alikes through. */
const SECRETS: [RegExp, PiiKind, ((m: RegExpExecArray) => boolean)?][] = [
  [/(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, PII_KINDS.aws],
  [/(?<![\w])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![\w])/g, PII_KINDS.github],
  [/(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}(?![\w-])/g, PII_KINDS.apiKey, looksLikeApiKey],
  [/(?<![\w])(?:xox[abprse]-|xapp-\d-)[A-Za-z0-9-]{10,}(?![\w-])/g, PII_KINDS.slack],
  // The tokens people paste next to model and dataset code: Hugging Face (hf_ and 34 letters), Google Cloud / Gemini,
  // Stripe, GitLab and npm, as their issuers document the formats.
  [/(?<![\w])hf_[A-Za-z0-9]{34,40}(?![\w])/g, PII_KINDS.huggingFace, mixedCase],
  [/(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g, PII_KINDS.google],
  [/(?<![\w])[sr]k_(?:live|test)_[0-9A-Za-z]{24,99}(?![\w])/g, PII_KINDS.stripe],
  [/(?<![\w-])glpat-[0-9A-Za-z_-]{20,}(?![\w-])/g, PII_KINDS.gitlab],
  [/(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])/g, PII_KINDS.npm],
  [/(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![\w-])/g, PII_KINDS.jwt],
  [/-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:[^]*?-----END \1PRIVATE KEY-----|[^]*)/g, PII_KINDS.privateKey],
];
/**
 * Every match in `text`, in order of position, without overlaps (secrets win, then the longer match). `h`: the
 * hints, scanTextHints(text), when the caller has them already.
 */
export function findPii(text: string, h = scanTextHints(text)): PiiMatch[] {
  const found: PiiMatch[] = [];
  if (h & HINT_SECRET && SECRET_HINT.test(text)) {
    for (const [re, k, accept] of SECRETS) collect(text, re, k, found, accept);
  }
  if (h & HINT_AT) collect(text, EMAIL, PII_KINDS.email, found, (m) => !FILE_TLDS.has(m[1].toLowerCase()));
  // Phone, card, SSN and IPv4 matches are made of digits, spaces and `-.()+` only, so a match lies in one run of
  // those and has at most its digits (digitRun: capped at 15, above every threshold here).
  const digits = digitRun(h);
  if (digits > 0) {
    if (digits >= 9) collect(text, SSN, PII_KINDS.ssn, found);
    if (digits >= 10) {
      collect(text, US_PHONE, PII_KINDS.phone, found);
      collect(text, NATIONAL_PHONE, PII_KINDS.phone, found, (m) => { const n = digitCount(m[0]); return n === 10 || n === 11; });
    }
    if (h & HINT_PLUS && digits >= 8) collect(text, INTL_PHONE, PII_KINDS.phone, found, (m) => digitCount(m[0]) >= 8 && digitCount(m[0]) <= 15);
    if (digits >= 13) collect(text, CARD, PII_KINDS.card, found, (m) => isCardNumber(m[0]));
    if (h & HINT_DOT && digits >= 4) collect(text, IPV4, PII_KINDS.ip, found, (m) => isPublicIpv4(m[0]) && !afterVersionWord(text, m.index));
    collectIbans(text, found);
  }
  if (h & HINT_COLON && TWO_COLONS.test(text)) collect(text, IPV6, PII_KINDS.ip, found, (m) => isPublicIpv6(m[0]));
  return found.length ? removeOverlaps(found) : found;
}

const SECRET_HINT = /AKIA|ASIA|gh[pousr]_|github_pat_|sk-|xox[abprse]-|xapp-|hf_|AIza|[sr]k_(?:live|test)_|glpat-|npm_|eyJ|PRIVATE KEY/;
/** What every IPv6 match has: two colons at most 4 hex digits apart. */
const TWO_COLONS = /:[0-9A-Fa-f]{0,4}:/;

function collect(text: string, re: RegExp, k: PiiKind, out: PiiMatch[], accept?: (m: RegExpExecArray) => boolean): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!accept || accept(m)) out.push({ kind: k, start: m.index, end: m.index + m[0].length });
  }
}

function removeOverlaps(found: PiiMatch[]): PiiMatch[] {
  found.sort((a, b) => a.start - b.start || Number(b.kind.secret) - Number(a.kind.secret) || b.end - a.end);
  const out: PiiMatch[] = [];
  for (const m of found) {
    const last = out[out.length - 1];
    if (last && m.start < last.end) {
      if (m.kind.secret && !last.kind.secret) out[out.length - 1] = m;
      continue;
    }
    out.push(m);
  }
  return out;
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c >= 48 && c <= 57) n++; }
  return n;
}

/** OpenAI-style keys mix letters and digits; `sk-some-long-css-class` does not. */
function looksLikeApiKey(m: RegExpExecArray): boolean {
  const tail = m[0].slice(3);
  return /\d/.test(tail) && /[A-Z]/.test(tail) && /[a-z]/.test(tail);
}

/** Hugging Face tokens mix upper and lower case; `hf_` before a run of one case is an identifier. */
function mixedCase(m: RegExpExecArray): boolean {
  const tail = m[0].slice(3);
  return /[A-Z]/.test(tail) && /[a-z]/.test(tail);
}

/** 13-19 digits with one kind of separator, a known issuer prefix and a valid Luhn check digit. */
export function isCardNumber(s: string): boolean {
  if (s.includes(' ') && s.includes('-')) return false;
  const digits = s.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || /^(\d)\1+$/.test(digits)) return false;
  if (!/^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|2)|35)/.test(digits)) return false;
  return luhn(digits);
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/** IBAN lengths of the countries that use them most; others must be 15 to 34 characters. */
const IBAN_LENGTHS: Record<string, number> = {
  AT: 20, BE: 16, CH: 21, CZ: 24, DE: 22, DK: 18, ES: 24, FI: 18, FR: 27, GB: 22, GR: 27, HU: 28, IE: 22, IT: 27, LU: 20,
  NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SK: 24, TR: 26,
};

/** An IBAN candidate may run into the next word ("… 3000 THEN"): drop trailing groups until one validates. */
function collectIbans(text: string, out: PiiMatch[]): void {
  if (!/[A-Z]{2}\d\d/.test(text)) return;
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(text); m; m = IBAN.exec(text)) {
    let candidate = m[0];
    for (;;) {
      if (isIban(candidate)) { out.push({ kind: PII_KINDS.iban, start: m.index, end: m.index + candidate.length }); break; }
      const cut = candidate.lastIndexOf(' ');
      if (cut <= 4) break;
      candidate = candidate.slice(0, cut);
    }
  }
}

export function isIban(s: string): boolean {
  const iban = s.replace(/ /g, '');
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected ? iban.length !== expected : iban.length < 15 || iban.length > 34) return false;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}

/** The remainder mod 97 of the number spelled by letters as 10..35 and digits, one character at a time (no big numbers). */
function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    r = c >= 65 ? (r * 100 + (c - 55)) % 97 : (r * 10 + (c - 48)) % 97;
  }
  return r;
}

/** Addresses that reach a host on the internet: not loopback, private, link-local, CGNAT, multicast, reserved or 0.0.0.0. */
export function isPublicIpv4(s: string): boolean {
  const [a, b] = s.split('.').map(Number);
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if ((a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return false;
  return true;
}

/** "version 1.2.3.4", "v1.2.3.4": a version, not an address. */
function afterVersionWord(text: string, at: number): boolean {
  return /\b(?:version|ver\.?|v)\s*$/i.test(text.slice(Math.max(0, at - 10), at));
}

/** A full address (8 groups) or a compressed one with `::` and at least 3 groups, outside loopback, link-local, ULA and multicast. */
export function isPublicIpv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (groups.some((g) => g.length === 0 || g.length > 4)) return false;
  if (halves.length === 1 ? groups.length !== 8 : groups.length < 3 || groups.length > 7) return false;
  if (!/\d/.test(s)) return false;
  const first = parseInt(groups[0], 16);
  if (halves[0] === '') return false; // ::…: unspecified, loopback, IPv4-mapped
  return !((first & 0xffc0) === 0xfe80 || (first & 0xfe00) === 0xfc00 || (first & 0xff00) === 0xff00);
}
