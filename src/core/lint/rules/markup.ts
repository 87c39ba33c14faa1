/**
 * HTML markup and scraped boilerplate in a string. Tags count only with a known HTML name and evidence of real
 * markup (a closing tag, attributes, a comment, <br>, or three tags or more), never inside Markdown code, and not
 * right after an identifier: `List<String>`, `Array<T>` and `a < b` are code, `<div class="x">` is scraped HTML.
 */

import { mayHaveBoilerplate, scanTextHints } from './text-hints';

export interface MarkupItem {
  start: number;
  end: number;
  /** What replaces it when cleaning: '' for inline tags, '\n' for block tags, the character for an entity. */
  replacement: string;
  kind: 'tag' | 'entity';
}

const HTML_TAGS = new Set(('a abbr address article aside audio b blockquote body br button canvas caption center cite code col dd del ' +
  'details div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ' +
  'ins kbd label legend li link main mark meta nav noscript ol option p pre q s script section select small source span strike ' +
  'strong style sub summary sup table tbody td textarea tfoot th thead time title tr u ul video wbr').split(' '));
const BLOCK_TAGS = new Set(('address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 ' +
  'header hr li main nav ol p pre section table tbody tfoot thead title tr ul').split(' '));

export const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', shy: '', ndash: '–', mdash: '—',
  hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™', deg: '°',
  middot: '·', bull: '•', times: '×', divide: '÷', plusmn: '±', micro: 'µ', frac12: '½', euro: '€', pound: '£', yen: '¥', cent: '¢',
  sect: '§', para: '¶', eacute: 'é', egrave: 'è', ecirc: 'ê', aacute: 'á', agrave: 'à', acirc: 'â', iacute: 'í', oacute: 'ó',
  ocirc: 'ô', uacute: 'ú', ouml: 'ö', uuml: 'ü', auml: 'ä', Ouml: 'Ö', Uuml: 'Ü', Auml: 'Ä', Eacute: 'É', szlig: 'ß', ccedil: 'ç',
  ntilde: 'ñ',
};

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9]{0,9})(\s+[^<>]*?)?\s*\/?>/g;
const COMMENT = /<!--[^]*?-->/g;
const SCRIPT = /<(script|style)\b[^<>]*>[^]*?<\/\1\s*>/gi;
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;
const CODE = /```[^]*?(?:```|$)|~~~[^]*?(?:~~~|$)|`[^`\n]+`/g;

/** Markup items of `s` in order, or [] when there is no evidence of HTML. */
export function findMarkup(s: string): MarkupItem[] {
  const hasTag = s.includes('<'), hasEntity = s.includes('&');
  if (!hasTag && !hasEntity) return [];
  const code = s.includes('`') || s.includes('~~~') ? ranges(s, CODE) : [];
  const items: MarkupItem[] = [];
  if (hasTag) {
    let evidence = false, tags = 0;
    const blocks = [...ranges(s, SCRIPT), ...ranges(s, COMMENT)].filter(([a]) => !inside(code, a));
    for (const [start, end] of blocks) items.push({ start, end, replacement: '', kind: 'tag' });
    evidence = blocks.length > 0;
    TAG.lastIndex = 0;
    for (let m = TAG.exec(s); m; m = TAG.exec(s)) {
      const name = m[2].toLowerCase();
      const closing = m[1] === '/';
      if (!HTML_TAGS.has(name) || inside(code, m.index) || inside(blocks, m.index)) continue;
      if (!closing && isIdentifierChar(s.charCodeAt(m.index - 1))) continue; // a generic: Foo<A>
      tags++;
      if (closing || m[3] !== undefined || name === 'br') evidence = true;
      items.push({ start: m.index, end: m.index + m[0].length, replacement: BLOCK_TAGS.has(name) ? '\n' : '', kind: 'tag' });
    }
    if (!evidence && tags < 3) items.length = 0;
  }
  if (hasEntity) {
    ENTITY.lastIndex = 0;
    for (let m = ENTITY.exec(s); m; m = ENTITY.exec(s)) {
      if (inside(code, m.index) || items.some((t) => m!.index >= t.start && m!.index < t.end)) continue;
      const char = m[3] !== undefined ? ENTITIES[m[3]] : codePoint(m[1] !== undefined ? Number(m[1]) : parseInt(m[2], 16));
      if (char !== undefined) items.push({ start: m.index, end: m.index + m[0].length, replacement: char, kind: 'entity' });
    }
  }
  return items.sort((a, b) => a.start - b.start);
}

/** `s` with the items removed or replaced, blank lines left by block tags collapsed. */
export function stripMarkup(s: string, items: MarkupItem[]): string {
  let out = '', at = 0;
  for (const it of items) {
    out += s.slice(at, it.start);
    if (it.replacement !== '\n') out += it.replacement;
    else if (out !== '' && !out.endsWith('\n')) out += '\n';
    at = it.end;
  }
  out += s.slice(at);
  out = out.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n');
  return s.endsWith('\n') ? out : out.replace(/\n+$/, '');
}

const BOILERPLATE = new RegExp([
  '\\bclick here\\b', '\\baccept (?:all )?cookies\\b', '\\bwe use cookies\\b', '\\bthis (?:web)?site uses cookies\\b',
  '\\bcookie (?:policy|settings|preferences)\\b', '\\ball rights reserved\\b', '\\b(?:subscribe|sign up) (?:to|for) (?:our|the) newsletter\\b',
  '\\bskip to (?:main )?content\\b', '\\bback to top\\b', '\\bshare (?:this )?on (?:facebook|twitter|linkedin)\\b',
  '\\bfollow us on (?:facebook|twitter|instagram|linkedin)\\b', '\\bread more\\s*[»›]', '\\bprivacy policy\\s*[|·•]\\s*terms\\b',
  '(?:\\bcopyright\\s*)?©\\s*(?:19|20)\\d\\d\\b', '(?:^|\\n)[ \\t]*home(?:[ \\t]+[>»›/|][ \\t]+[^\\n<>]{1,40}?){2,}(?=\\n|$)',
].join('|'), 'gi');

/**
 * Scraped page furniture ("Accept cookies", "All rights reserved", "Home > Shop > Shoes") outside code: [start, end)
 * of each. `hints`: scanTextHints(s), when the caller has it already.
 */
export function findBoilerplate(s: string, hints = scanTextHints(s)): [number, number][] {
  if (!mayHaveBoilerplate(hints) || !BOILERPLATE_HINT.test(s)) return [];
  const found = ranges(s, BOILERPLATE);
  if (!found.length) return found;
  const code = s.includes('`') ? ranges(s, CODE) : [];
  return found
    .map(([a, b]): [number, number] => (s[a] === '\n' ? [a + 1 + (/^[ \t]*/.exec(s.slice(a + 1))![0].length), b] : [a, b]))
    .filter(([a]) => !inside(code, a));
}

/**
 * A word or phrase of each BOILERPLATE alternative, in one expression without \b, lookahead or groups of classes: most
 * strings have none, and this test costs a fraction of the full expression (which is then run on the rest).
 */
const BOILERPLATE_HINT = /c(?:lick here|ookie)|rights reserved|newsletter|s(?:kip to|hare (?:this )?on)|back to top|follow us on|read more|privacy policy|©|home/i;

function ranges(s: string, re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push([m.index, m.index + m[0].length]);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

function inside(rs: [number, number][], i: number): boolean {
  return rs.some(([a, b]) => i >= a && i < b);
}

function isIdentifierChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function codePoint(n: number): string | undefined {
  return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : undefined;
}
