/**
 * answer-skew (on the file's first record): one assistant answer that ends more than 10% of the records, in files of
 * 20 records or more. The model learns to give it whatever the question ("I'm sorry, I can't help with that.").
 */
import { inverse32 } from '../../dataset/canonical';
import { isJsonObject } from '../../dataset/format';
import type { FileContext, LintRule, RecordView } from '../context';
import { fmix32 } from '../text/hash';
import { IntList } from '../text/int-list';
import { KeyIndex } from '../text/key-index';

const MIN_RECORDS = 20;
const MAX_SHARE = 0.1;
const MAX_REPORTED = 3;

interface Answer { count: number; lines: number[]; text: string }

export const answerSkewRule: LintRule = {
  code: 'answer-skew',
  create(ctx) {
    const tally = new AnswerTally();
    return {
      record(r) {
        const key = answerKey(r);
        if (!key) return; // no answer, or only whitespace
        const second = tally.add(key[0], key[1], r.source.span.line);
        if (second) second.text = answerPreview(r);
      },
      finish() {
        tally.report(ctx);
      },
    };
  },
};

/**
 * Counts of the final answers of a file, fed in file order: by the rule, and by the parallel lint (lint-parallel.ts)
 * from the keys its threads worked out.
 */
export class AnswerTally {
  // Most answers occur once: per distinct answer only a count and the first line, in typed arrays.
  private readonly ids = new KeyIndex(1 << 12);
  private readonly counts = new IntList(1 << 12);
  private readonly firstLine = new IntList(1 << 12);
  private readonly repeated = new Map<number, Answer>();
  private withAnswer = 0;

  /** Counts an answer by its key; at its second occurrence returns its entry, whose `text` the caller sets (answerPreview). */
  add(key0: number, key1: number, line: number): Answer | undefined {
    this.withAnswer++;
    const { counts, firstLine } = this;
    const id = this.ids.intern(key0, key1);
    if (id === counts.length) { counts.push(0); firstLine.push(line); }
    const n = ++counts.data[id];
    if (n === 2) {
      const a = { count: 2, lines: [firstLine.data[id], line], text: '' };
      this.repeated.set(id, a);
      return a;
    }
    if (n > 2) {
      const a = this.repeated.get(id)!;
      a.count = n;
      if (a.lines.length < MAX_REPORTED) a.lines.push(line);
    }
    return undefined;
  }

  report(ctx: FileContext): void {
    const withAnswer = this.withAnswer;
    if (withAnswer < MIN_RECORDS) return;
    const skewed = [...this.repeated.values()].filter((a) => a.count > MAX_SHARE * withAnswer).sort((x, y) => y.count - x.count);
    for (const a of skewed.slice(0, MAX_REPORTED)) {
      const pct = Math.round((100 * a.count) / withAnswer);
      ctx.report({
        code: 'answer-skew', severity: 'warning', span: ctx.fileSpan(),
        message: `${a.count} of ${withAnswer} records (${pct}%) end with the same answer "${a.text}": the model will learn to give it regardless of the question; vary the answers or drop most of these records`,
        related: a.lines.map((line) => ({ path: ctx.path, line, message: 'a record with this answer' })),
      });
    }
  }
}

/** The answer as the finding quotes it. */
export function answerPreview(r: RecordView): string {
  return preview(finalAnswer(r)!);
}

/** The hash of the record's final answer, kept on its view (the editor's session sees the same views at every update). */
export function answerKey(r: RecordView): [number, number] | undefined {
  if (!r.cache.answer) {
    const text = finalAnswer(r);
    r.cache.answer = { key: text !== undefined && normalizedHash(text) ? [lanes[0], lanes[1]] : undefined };
  }
  return r.cache.answer.key;
}

/** An answer key as the editor session keeps it (a map key): answerKey's two lanes. */
export function answerKeyText(key: readonly [number, number]): string {
  return `${key[0]},${key[1]}`;
}

/** The text the record trains on last: the final assistant turn, `output` or `completion`. */
function finalAnswer(r: RecordView): string | undefined {
  if (r.turns) {
    for (let i = r.turns.length - 1; i >= 0; i--) if (r.turns[i].kind === 'assistant') return r.turns[i].content;
    return undefined;
  }
  if (!isJsonObject(r.value)) return undefined;
  const v = r.format === 'instruction' ? r.value.output : r.format === 'prompt-completion' ? r.value.completion : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The two 32-bit lanes of the last normalizedHash: a 64-bit key. */
const lanes = new Int32Array(2);

/**
 * Hashes the text with whitespace runs collapsed and ASCII lower-cased into `lanes`, without building that text
 * (answers can be long); false for blank text. As canonical.ts's Fingerprint.normalizedText: stretches of words
 * between single spaces are hashed without a branch per character; at a run of whitespace the space already hashed
 * is taken back, the run skipped and one space hashed, unless the run ends the text.
 */
function normalizedHash(s: string): boolean {
  let a = 0x9747b28c | 0, b = 0x5bd1e995 | 0;
  const n = s.length;
  let i = 0, prev = 0;
  while (i < n && (ANSWER_CHAR[s.charCodeAt(i)] & SPACES) !== 0) i++;
  if (i === n) return false;
  for (;;) {
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      const k = ANSWER_CHAR[c];
      if ((((k >> 1) | (prev & k)) & 1) !== 0) break; // a whitespace character other than ' ', or two in a row
      prev = k;
      const lower = c + (k & UPPER);
      a = Math.imul(a ^ lower, 0x01000193);
      b = Math.imul(b ^ lower, 0x5bd1e995);
    }
    if (i >= n) break;
    if (prev === SPACE) {
      a = Math.imul(a, A_INVERSE) ^ 32;
      b = Math.imul(b, B_INVERSE) ^ 32;
    }
    while (i < n && (ANSWER_CHAR[s.charCodeAt(i)] & SPACES) !== 0) i++;
    prev = 0;
    if (i < n) {
      a = Math.imul(a ^ 32, 0x01000193);
      b = Math.imul(b ^ 32, 0x5bd1e995);
    }
  }
  if (prev === SPACE) { // a single space at the end
    a = Math.imul(a, A_INVERSE) ^ 32;
    b = Math.imul(b, B_INVERSE) ^ 32;
  }
  lanes[0] = fmix32(a);
  lanes[1] = fmix32(b);
  return true;
}

/** ANSWER_CHAR: 1 ' ', 2 another character that normalizedHash collapses (tab, line breaks, U+00A0), 32 A-Z. */
const SPACE = 1, OTHER_SPACE = 2, SPACES = 3, UPPER = 32;
const ANSWER_CHAR = new Uint8Array(0x10000);
ANSWER_CHAR[32] = SPACE;
for (let c = 9; c <= 13; c++) ANSWER_CHAR[c] = OTHER_SPACE;
ANSWER_CHAR[0xa0] = OTHER_SPACE;
for (let c = 65; c <= 90; c++) ANSWER_CHAR[c] = UPPER;
const A_INVERSE = inverse32(0x01000193), B_INVERSE = inverse32(0x5bd1e995);

function preview(text: string): string {
  const t = text.slice(0, 200).replace(/\s+/g, ' ').trim(); // a prefix: answers can be long
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}
