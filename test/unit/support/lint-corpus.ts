/**
 * Generated lint corpora: clean chat and text records written from our own vocabulary and sentence templates (no
 * third-party text), and defects of every lint code planted among them at known lines. Used by lint-corpus.test.ts
 * (per-code recall, false findings on clean records) and bench/lint/bench-lint.mjs (throughput).
 * Clean text deliberately carries look-alikes of what the rules hunt: dates, versions, times, decimals, ranges,
 * prices, `List<String>`, `a < b`, R&D, accented words, CJK and emoji.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LintCode, LintOptions } from '../../../src/core/lint';

export type Rng = () => number;

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);

const NOUNS = ('garden kettle bicycle river spreadsheet compiler recipe lantern harbor orchard budget invoice telescope violin notebook ' +
  'backpack glacier meadow tunnel bakery ladder compass server keyboard library museum tractor pigeon cactus blanket candle bridge canyon ' +
  'engine festival forest hammer island journal kitchen ledger magnet needle oven pepper quilt rocket saddle teapot umbrella village wagon ' +
  'zipper algorithm database sensor battery window mirror carpet pillow shovel basket bucket chimney fountain gallery helmet jacket kayak ' +
  'lemon mango noodle olive parcel quarry radish spinach tomato turnip valley walnut yogurt anchor beacon cabin dune ember ferry gravel ' +
  'hedge inlet jetty kiln lagoon marsh nest oasis pebble reef summit thicket vineyard wharf').split(' ');
const VERBS = ('inspect measure repair borrow deliver arrange compare paint clean carry describe follow gather heat improve join keep label ' +
  'mix notice open plant question record sort test update visit wash weigh polish fold stack trim water sketch print load scan check count ' +
  'cook fix fill build cut hold move pack press pull push read save share show start stop store turn use watch write').split(' ');
const ADJS = ('quiet bright narrow heavy gentle rusty fresh ancient tiny enormous careful shallow crowded empty smooth rough golden silver ' +
  'hollow sturdy fragile warm chilly humid dusty polished wooden metal plastic woolen crisp ripe sour sweet salty bitter modern rural urban ' +
  'coastal remote busy patient curious clever tidy messy noisy silent sharp blunt steep flat round square striped spotted pale dark').split(' ');
const ADVS = 'slowly carefully quickly quietly gently firmly briefly rarely often usually nearly simply loosely evenly neatly'.split(' ');
const PEOPLE = 'Ana Bram Chen Dara Emil Farah Goran Hana Ivo Jun Kira Lior Mina Nils Oona Pavel Quinn Rosa Sami Tove Uma Vik Wren Yara Zane'.split(' ');
const PLACES = 'Eldermoor Brackwater Tollbridge Fennick Ashgrove Pinecrest Saltmere Westhollow Kestrel Bay Marlow Cove'.split(/ (?=[A-Z])/);
const DAYS = 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(' ');

/** Fills a template: {N} noun, {V} verb, {A} adjective, {D} adverb, {P} person, {L} place, {n} small number, {W} weekday, {C} capitalised noun. */
function fill(r: Rng, t: string): string {
  return t.replace(/\{([NVADPLnWC])\}/g, (_, k: string) => {
    switch (k) {
      case 'N': return pick(r, NOUNS);
      case 'V': return pick(r, VERBS);
      case 'A': return pick(r, ADJS);
      case 'D': return pick(r, ADVS);
      case 'P': return pick(r, PEOPLE);
      case 'L': return pick(r, PLACES);
      case 'W': return pick(r, DAYS);
      case 'C': return cap(pick(r, NOUNS));
      default: return String(int(r, 2, 60));
    }
  });
}

/** Prose templates: few numbers, ordinary stop words; also used for `text` documents. */
const PROSE = [
  'You should {V} the {A} {N} before you {V} the {N}.',
  '{P} likes to {V} the {N} in {L} every {W}, usually with a {A} {N}.',
  'A {A} {N} is often easier to {V} than a {A} {N}, and it lasts longer.',
  'In {L}, most people {V} their {N} {D} after the {N} has been {A} for a while.',
  'If the {N} is {A}, {V} it {D} and keep the {N} away from the {N}.',
  'The {A} {N} near the {N} was the first thing that {P} wanted to {V}.',
  'Nobody in {L} could {V} the {N} as {D} as {P}, who had a {A} {N} of her own.',
  'When the weather turns {A}, it is wise to {V} the {N} and to {V} the {N} as well.',
  'The old {N} by the {N} looked {A}, so {P} decided to {V} it with great care.',
  'There is no need to {V} a {N} that is already {A}; just {V} the {N} instead.',
  'Some people prefer a {A} {N}, but a {A} {N} works just as well for this.',
  'The trick is to {V} the {N} {D}, then let the {N} rest until it feels {A}.',
  'After a long day, {P} would {V} the {N} and think about the {A} {N} in {L}.',
  'The café in {L} serves a {A} {N} with naïve charm, and the owner greets everyone with Grüße.',
  'Visitors to {L} often ask why the {N} is so {A}, and the answer has to do with the {N}.',
  'Call it a day when the {N} is {A}... then {V} the {N} tomorrow morning.',
];
/** Technical templates: numbers, code and symbols that look like what pii and markup-noise look for. */
const TECH = [
  'It takes about {n} minutes to {V} a {A} {N}, or {n} if the {N} is {A}.',
  'The {N} costs ${n}.{n} at the shop, which is {n}% less than last year.',
  'On 2024-0{n}-1{n}, {P} decided to {V} the old {N} with a {A} {N}.',
  'Version {n}.{n}.{n} of the {N} tool can {V} files of up to {n} MB.',
  'Use `Map<String, {C}>` when you need to {V} each {N} by name; `List<{C}>` keeps the order.',
  'If a < b and b < c, then a < c, so you can {V} the {N} list in one pass.',
  'The {N} weighs {n}.{n} kg and measures {n} cm by {n} cm.',
  'Between {n} and {n} {N}s fit in a {A} {N}, depending on how {D} you {V} them.',
  '{P} from the R&D team said the {N} should {V} {D} at {n}:30 on {W}.',
  'Roughly 1,{n}00,000 people visited the {A} {N} in 20{n}, about {n}% more than the year before.',
  'Temperatures ranged from {n}-{n} °C, so the {N} stayed {A} all week.',
  'The ratio of {N} to {N} is {n}:{n}, which is fine for a {A} {N}.',
  'In Tokyo (東京) the {N} has another name, but people still {V} it {D} 🙂.',
  'Use the function `{V}_{N}(x)` to {V} each {N}; it returns {n} when x > {n}.',
  'Step {n}: {V} the {N}; step {n}: {V} the {N} again, e.g. with a {A} {N}.',
  'Store the {N} at {n}°F or below and {V} it within {n} days (see section {n}.{n}).',
];
const QUESTIONS = [
  'How do I {V} a {A} {N}?', 'What is the best way to {V} the {N} in {L}?', 'Can you explain why a {N} gets {A}?',
  'Why would {P} {V} the {N} before {W}?', 'Give me tips to {V} my {A} {N}.', 'What should I know about {A} {N}s?',
  'Is it safe to {V} a {N} that is {A}?', 'How long does it take to {V} the {N}?', 'Compare a {A} {N} with a {A} {N}.',
  'Write a short note about the {N} in {L}.', 'My {N} is {A}. Should I {V} it or {V} the {N} first?',
];
const SYSTEM_PROMPTS = [
  'You are a helpful assistant for practical household questions.', 'You answer briefly and precisely.',
  'You are a friendly guide to the towns of the northern coast.', 'Explain things step by step, with numbers where they help.',
];

export function sentence(r: Rng, prose = false): string {
  return fill(r, pick(r, prose || r() < 0.55 ? PROSE : TECH));
}
function paragraph(r: Rng, n: number, prose = false): string {
  return Array.from({ length: n }, () => sentence(r, prose)).join(' ');
}

export type ChatRecord = { messages: { role: string; content: string }[] };

/** A clean chat record: optional system prompt, one or two exchanges, answers of 4-7 sentences. */
export function cleanChat(r: Rng): ChatRecord {
  const messages: { role: string; content: string }[] = [];
  if (r() < 0.3) messages.push({ role: 'system', content: pick(r, SYSTEM_PROMPTS) });
  const turns = r() < 0.2 ? 2 : 1;
  for (let t = 0; t < turns; t++) {
    const q = fill(r, pick(r, QUESTIONS));
    messages.push({ role: 'user', content: r() < 0.4 ? `${sentence(r)} ${q}` : q });
    messages.push({ role: 'assistant', content: paragraph(r, int(r, 4, 7)).replace(/ (?=Step|Use)/, '\n') });
  }
  return { messages };
}

/** A clean `text` document: 6 to 12 prose sentences in two or three paragraphs (passes the Gopher heuristics). */
export function cleanText(r: Rng): { text: string } {
  const paras = Array.from({ length: int(r, 2, 3) }, () => paragraph(r, int(r, 3, 4), true));
  return { text: paras.join('\n\n') };
}

// ---------------------------------------------------------------------------------------------- planted defects

const digits = (r: Rng, n: number): string => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');
const alnum = (r: Rng, n: number, set = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string =>
  Array.from({ length: n }, () => set[int(r, 0, set.length - 1)]).join('');
const b64url = (s: string): string => Buffer.from(s).toString('base64url');

function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = Number(body[i]);
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
function ibanDE(r: Rng): string {
  const bban = digits(r, 18);
  const num = `${bban}131400`; // D=13 E=14, check digits 00
  let rem = 0;
  for (const c of num) rem = (rem * 10 + Number(c)) % 97;
  const iban = `DE${String(98 - rem).padStart(2, '0')}${bban}`;
  return iban.replace(/(.{4})/g, '$1 ').trim();
}

/** One generator per kind of personal data or secret, each returning the value to embed in text. */
export const PII_VALUES: Record<string, (r: Rng) => string> = {
  email: (r) => `${pick(r, PEOPLE).toLowerCase()}.${pick(r, NOUNS)}${int(r, 1, 99)}@${pick(r, ['example.com', 'example.org', 'mail.example.net'])}`,
  'us-phone': (r) => (r() < 0.5 ? `(${int(r, 201, 989)}) ${int(r, 201, 989)}-${digits(r, 4)}` : `${int(r, 201, 989)}-${int(r, 201, 989)}-${digits(r, 4)}`),
  'intl-phone': (r) => pick(r, [`+44 20 7946 ${digits(r, 4)}`, `+49 30 ${digits(r, 8)}`, `+33 6 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`]),
  card: (r) => { const body = `4${digits(r, 14)}`; const n = body + luhnDigit(body); return n.replace(/(\d{4})(?=\d)/g, r() < 0.5 ? '$1 ' : '$1-'); },
  iban: ibanDE,
  ssn: (r) => `${String(int(r, 1, 665)).padStart(3, '0')}-${String(int(r, 1, 99)).padStart(2, '0')}-${String(int(r, 1, 9999)).padStart(4, '0')}`,
  'ssn-spaced': (r) => `${String(int(r, 1, 665)).padStart(3, '0')} ${String(int(r, 1, 99)).padStart(2, '0')} ${String(int(r, 1, 9999)).padStart(4, '0')}`,
  'uk-phone': (r) => pick(r, [`020 7946 ${digits(r, 4)}`, `0161 496 ${digits(r, 4)}`, `07700 900${digits(r, 3)}`, `(0131) 496 ${digits(r, 4)}`]),
  ipv4: (r) => `${pick(r, [23, 45, 81, 91, 104, 151, 185, 203])}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
  ipv6: (r) => `2a01:4f8:${Array.from({ length: 6 }, () => alnum(r, 4, '0123456789abcdef')).join(':')}`,
  aws: (r) => `AKIA${alnum(r, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  github: (r) => `ghp_${alnum(r, 36)}`,
  openai: (r) => `sk-proj-${alnum(r, 20)}A1b${alnum(r, 20)}`,
  slack: (r) => `xoxb-${digits(r, 12)}-${digits(r, 12)}-${alnum(r, 24)}`,
  'slack-app': (r) => `xapp-1-A${alnum(r, 10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}-${digits(r, 13)}-${alnum(r, 64, '0123456789abcdef')}`,
  huggingface: (r) => `hf_${alnum(r, 15, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}${alnum(r, 19, 'abcdefghijklmnopqrstuvwxyz')}`,
  google: (r) => `AIza${alnum(r, 35, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`,
  stripe: (r) => `${pick(r, ['sk', 'rk'])}_${pick(r, ['live', 'test'])}_${alnum(r, 24)}`,
  gitlab: (r) => `glpat-${alnum(r, 20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`,
  npm: (r) => `npm_${alnum(r, 36)}`,
  jwt: (r) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"${digits(r, 8)}","name":"${pick(r, PEOPLE)}"}`)}.${alnum(r, 43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`,
  'private-key': (r) => `-----BEGIN PRIVATE KEY-----\n${Array.from({ length: 3 }, () => alnum(r, 64)).join('\n')}\n-----END PRIVATE KEY-----`,
};

const MOJIBAKE = ['cafÃ©', 'itâ€™s', 'GrÃ¼ÃŸe', 'naÃ¯ve', 'â€œquotedâ€\u009d'];

/** A copy of `text` with one word replaced: word 5-gram Jaccard (n-9)/(n+1) for n words, ≥ 0.8 from 49 words. */
function editOneWord(r: Rng, text: string): string {
  const words = text.split(' ');
  const i = int(r, 0, words.length - 1);
  words[i] = `${pick(r, ADJS)}ish`;
  return words.join(' ');
}

function withAnswer(rec: ChatRecord, f: (s: string) => string): ChatRecord {
  const messages = rec.messages.map((m) => ({ ...m }));
  const last = messages.map((m) => m.role).lastIndexOf('assistant');
  messages[last].content = f(messages[last].content);
  return { messages };
}

interface Planter { code: LintCode; make(r: Rng, earlier: ChatRecord[]): string }

/** Record-level defects for chat files; each returns one JSONL line. */
const CHAT_PLANTERS: Planter[] = [
  { code: 'invalid-json', make: (r) => JSON.stringify(cleanChat(r)).replace(/"\}\]\}$/, '"}]') },
  { code: 'schema', make: (r) => JSON.stringify({ messages: [{ role: 'user', content: fill(r, pick(r, QUESTIONS)) }, { role: 'assistant', content: int(r, 1, 99) }] }) },
  { code: 'unknown-role', make: (r) => JSON.stringify(cleanChat(r)).replace('"role":"assistant"', `"role":"${pick(r, ['bot', 'model', 'narrator'])}"`) },
  { code: 'role-order', make: (r) => { const c = cleanChat(r).messages.filter((m) => m.role !== 'system'); return JSON.stringify({ messages: [c[1], c[0], c[1]] }); } },
  { code: 'empty-content', make: (r) => JSON.stringify(withAnswer(cleanChat(r), () => pick(r, ['', '  ', '\n']))) },
  { code: 'missing-assistant', make: (r) => JSON.stringify({ messages: cleanChat(r).messages.filter((m) => m.role !== 'assistant') }) },
  { code: 'duplicate', make: (r, earlier) => JSON.stringify(pick(r, earlier)) },
  { code: 'near-duplicate', make: (r, earlier) => JSON.stringify(withAnswer(pick(r, earlier), (s) => editOneWord(r, s))) },
  ...Object.keys(PII_VALUES).map((kind): Planter => ({
    code: 'pii',
    make: (r) => JSON.stringify(withAnswer(cleanChat(r), (s) => `${s} ${pick(r, ['Contact:', 'Use', 'Here it is:', 'Reference'])} ${PII_VALUES[kind](r)} for details.`)),
  })),
  { code: 'markup-noise', make: (r) => JSON.stringify(withAnswer(cleanChat(r), (s) => `<div class="post"><p>${s}</p><p>${sentence(r, true)}</p></div>`)) },
  { code: 'markup-noise', make: (r) => JSON.stringify(withAnswer(cleanChat(r), (s) => s.replace(/ /, '&nbsp;').replace(/ a /, ' a&nbsp;') + ' Tom&rsquo;s tip.')) },
  { code: 'markup-noise', make: (r) => JSON.stringify(withAnswer(cleanChat(r), (s) => `${s}\n\n${pick(r, ['Accept all cookies', 'Subscribe to our newsletter', `© 2023 ${pick(r, PLACES)} Media. All rights reserved.`])}`)) },
  { code: 'markup-noise', make: (r) => JSON.stringify(withAnswer(cleanChat(r), (s) => `Home > ${cap(pick(r, NOUNS))}s > ${cap(pick(r, ADJS))} ${pick(r, NOUNS)}\n${s}`)) },
  { code: 'encoding', make: (r) => JSON.stringify(withAnswer(cleanChat(r), (s) => `${s} ${pick(r, MOJIBAKE)} ${sentence(r)}`)) },
  { code: 'encoding', make: (r) => JSON.stringify(withAnswer(cleanChat(r), (s) => `${s}${pick(r, ['\u0007', '\u001b[0m', '\u0000', '\ufffd', '\ud83d'])} done.`)) },
];

/** Long and short records: rarer, as in real files. */
const LONG_PLANTERS: Planter[] = [
  { code: 'too-long', make: (r) => JSON.stringify(withAnswer(cleanChat(r), () => paragraph(r, 110))) },
  { code: 'length-outlier', make: (r) => JSON.stringify(withAnswer(cleanChat(r), () => paragraph(r, 160))) },
  // truncated: a bare question and a one-word answer
  { code: 'length-outlier', make: (r) => JSON.stringify({ messages: [{ role: 'user', content: `${pick(r, NOUNS)} ${int(r, 1, 999)}?` }, { role: 'assistant', content: `${pick(r, ADJS)}.` }] }) },
];

const TEXT_PLANTERS: ((r: Rng) => string)[] = [
  (r) => paragraph(r, 2, true), // too short
  (r) => Array.from({ length: 14 }, () => `### ${pick(r, NOUNS)} ### ${pick(r, ADJS)} #`).join('\n') + ` ${paragraph(r, 3, true)}`,
  (r) => Array.from({ length: 16 }, () => `- ${pick(r, ADJS)} ${pick(r, NOUNS)} and ${pick(r, NOUNS)}`).join('\n'),
  (r) => Array.from({ length: 12 }, () => Array.from({ length: 8 }, () => `${int(r, 1, 999)}`).join(' | ')).join('\n') + ` ${sentence(r, true)}`,
  (r) => Array.from({ length: 10 }, () => `${sentence(r, true).replace(/\.$/, '')}...`).join('\n'),
  (r) => Array.from({ length: 40 }, () => `${pick(r, ADJS)} ${pick(r, NOUNS)}`).join(', '),
];

// ---------------------------------------------------------------------------------------------- whole corpora

export interface CorpusFile {
  name: string;
  lines: string[];
  role: 'train' | 'eval';
  /** 1-based line -> the code planted there. */
  planted: Map<number, LintCode>;
  /** 1-based lines of clean records. */
  clean: number[];
  /** Dataset-level codes planted in the file as a whole (reported on its first line). */
  fileCodes: LintCode[];
}

export interface Corpus { files: CorpusFile[]; options: LintOptions }

/** Writes each file of the corpus into `dir` under its name, one record per line. */
export function writeCorpus(corpus: Corpus, dir: string): void {
  for (const f of corpus.files) writeFileSync(join(dir, f.name), f.lines.join('\n') + '\n');
}

/** A chat training file with every record-level defect, an eval file with leaks, a text file, and small files for the dataset-level codes. */
export function makeCorpus(seed: number, cleanRecords = 3000): Corpus {
  const r = rng(seed);
  const files: CorpusFile[] = [];
  const file = (name: string, role: CorpusFile['role'] = 'train'): CorpusFile => {
    const f: CorpusFile = { name, lines: [], role, planted: new Map(), clean: [], fileCodes: [] };
    files.push(f);
    return f;
  };
  const addClean = (f: CorpusFile, line: string): void => { f.lines.push(line); f.clean.push(f.lines.length); };
  const addPlanted = (f: CorpusFile, line: string, code: LintCode): void => { f.lines.push(line); f.planted.set(f.lines.length, code); };

  // Training chat file: each planter used about 20 times (pii: each kind about 4 times), long records 5 times each.
  const train = file('train.jsonl');
  const earlier: ChatRecord[] = [];
  const perPlanter = 20, every = Math.floor(cleanRecords / (CHAT_PLANTERS.length * perPlanter) * 1.0) || 1;
  let planterIndex = 0;
  for (let i = 0; i < cleanRecords; i++) {
    const rec = cleanChat(r);
    earlier.push(rec);
    addClean(train, JSON.stringify(rec));
    if (i > 20 && i % every === 0) {
      const p = CHAT_PLANTERS[planterIndex++ % CHAT_PLANTERS.length];
      addPlanted(train, p.make(r, earlier), p.code);
    }
    if (i > 20 && i % Math.floor(cleanRecords / 5) === 7) for (const p of LONG_PLANTERS) addPlanted(train, p.make(r, earlier), p.code);
  }

  // Eval file: new clean records, exact and near copies of training records, and records built around a training answer.
  // Clean eval records share no word 13-gram with training (the leakage rule flags any shared 13-word span; the
  // sentence templates make such spans common, as in real data written from templates).
  const evalFile = file('eval.jsonl', 'eval');
  const trainGrams = new Set(train.lines.flatMap(lineGrams));
  const evalGrams = new Set<string>();
  for (let i = 0; i < 300; i++) {
    let rec = cleanChat(r);
    while (wordGrams(rec).some((g) => trainGrams.has(g))) rec = cleanChat(r);
    for (const g of wordGrams(rec)) evalGrams.add(g);
    addClean(evalFile, JSON.stringify(rec));
    if (i % 5 !== 2) continue;
    const source = pick(r, earlier);
    const kind = i % 3;
    const leaked = kind === 0 ? source
      : kind === 1 ? withAnswer(source, (s) => editOneWord(r, s))
        : { messages: [{ role: 'user', content: fill(r, pick(r, QUESTIONS)) }, withAnswer(source, (s) => s).messages.filter((m) => m.role === 'assistant').pop()!] };
    addPlanted(evalFile, JSON.stringify(leaked), 'leakage');
  }

  // Text file for continued pre-training: clean documents and low-quality ones.
  const text = file('text.jsonl');
  // The other training files are compared with the eval file too: their clean records share no 13-gram with it.
  const apartFromEval = <T>(make: () => T): T => {
    for (;;) { const rec = make(); if (!lineGrams(JSON.stringify(rec)).some((g) => evalGrams.has(g))) return rec; }
  };
  for (let i = 0; i < 400; i++) {
    addClean(text, JSON.stringify(apartFromEval(() => cleanText(r))));
    if (i % 10 === 5) addPlanted(text, JSON.stringify({ text: TEXT_PLANTERS[(i / 10 | 0) % TEXT_PLANTERS.length](r) }), 'low-quality-text');
  }

  // Files whose whole is the defect: a skewed answer in 15% of 60 records; too few records.
  for (let k = 0; k < 3; k++) {
    const f = file(`skewed-${k}.jsonl`);
    f.fileCodes.push('answer-skew');
    const answer = pick(r, ['I am sorry, but I cannot help with that.', 'Please consult a professional.', 'It depends on the situation.']);
    for (let i = 0; i < 60; i++) addClean(f, JSON.stringify(apartFromEval(() => (i % 7 === 3 ? withAnswer(cleanChat(r), () => answer) : cleanChat(r)))));
  }
  for (const n of [3, 12, 30]) {
    const f = file(`small-${n}.jsonl`);
    f.fileCodes.push('too-few-records');
    for (let i = 0; i < n; i++) addClean(f, JSON.stringify(apartFromEval(() => cleanChat(r))));
  }
  return { files, options: { maxTokens: 2048 } };
}

/**
 * Word n-grams of a chat record's non-system text, with words as the lint's leakage rule splits them (written apart
 * from it): runs of letters and digits, lower-cased, joined across `.`, `,` and `'` between them, kana and CJK one
 * word per character.
 */
function wordGrams(rec: ChatRecord, n = 13): string[] {
  return textGrams(rec.messages.filter((m) => m.role !== 'system').map((m) => m.content).join(' '), n);
}

/** Word 13-grams of a JSONL line holding a chat or text record ([] for anything else). */
function lineGrams(line: string): string[] {
  let v: unknown;
  try { v = JSON.parse(line); } catch { return []; }
  const rec = v as { messages?: unknown; text?: unknown };
  if (Array.isArray(rec.messages)) {
    return wordGrams({ messages: rec.messages.filter((m) => m && typeof m.content === 'string') as ChatRecord['messages'] });
  }
  return typeof rec.text === 'string' ? textGrams(rec.text, 13) : [];
}

function textGrams(raw: string, n: number): string[] {
  const text = raw.toLowerCase()
    .replace(/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g, ' $& ');
  const words = text.match(/[\p{L}\p{N}\p{M}]+(?:[.,'][\p{L}\p{N}\p{M}]+)*/gu) ?? [];
  return Array.from({ length: Math.max(0, words.length - n + 1) }, (_, i) => words.slice(i, i + n).join(' '));
}

/** Lines of clean chat records drawn from `r`, about `chars` characters in all with their line breaks (no planted duplicates). */
export function cleanChatLines(r: Rng, chars: number): string[] {
  const lines: string[] = [];
  for (let size = 0; size < chars;) {
    const line = JSON.stringify(cleanChat(r));
    lines.push(line);
    size += line.length + 1;
  }
  return lines;
}

/** JSONL text of clean chat records of about `bytes` bytes, with 1% exact and 1% near duplicates (for benchmarks). */
export function chatJsonl(bytes: number, seed = 1): string {
  const r = rng(seed);
  const lines: string[] = [];
  const recent: ChatRecord[] = [];
  let size = 0;
  while (size < bytes) {
    const x = r();
    const rec = x < 0.01 && recent.length ? pick(r, recent) : x < 0.02 && recent.length ? withAnswer(pick(r, recent), (s) => editOneWord(r, s)) : cleanChat(r);
    if (recent.length < 1000) recent.push(rec); else recent[int(r, 0, 999)] = rec;
    const line = JSON.stringify(rec);
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return lines.join('\n') + '\n';
}
