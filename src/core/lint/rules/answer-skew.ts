/**
 * answer-skew (on the file's first record): one assistant answer that ends more than 10% of the records, in files of
 * 20 records or more. The model learns to give it whatever the question ("I'm sorry, I can't help with that.").
 */
import { isJsonObject } from '../../dataset/format';
import type { LintRule, RecordView } from '../context';
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
    // Most answers occur once: per distinct answer only a count and the first line, in typed arrays.
    const ids = new KeyIndex(1 << 12);
    const counts = new IntList(1 << 12);
    const firstLine = new IntList(1 << 12);
    const repeated = new Map<number, Answer>();
    let withAnswer = 0;
    return {
      record(r) {
        const key = answerKey(r);
        if (!key) return; // no answer, or only whitespace
        withAnswer++;
        const line = r.source.span.line;
        const id = ids.intern(key[0], key[1]);
        if (id === counts.length) { counts.push(0); firstLine.push(line); }
        const n = ++counts.data[id];
        if (n === 2) repeated.set(id, { count: 2, lines: [firstLine.data[id], line], text: preview(finalAnswer(r)!) });
        else if (n > 2) {
          const a = repeated.get(id)!;
          a.count = n;
          if (a.lines.length < MAX_REPORTED) a.lines.push(line);
        }
      },
      finish() {
        if (withAnswer < MIN_RECORDS) return;
        const skewed = [...repeated.values()].filter((a) => a.count > MAX_SHARE * withAnswer).sort((x, y) => y.count - x.count);
        for (const a of skewed.slice(0, MAX_REPORTED)) {
          const pct = Math.round((100 * a.count) / withAnswer);
          ctx.report({
            code: 'answer-skew', severity: 'warning', span: ctx.fileSpan(),
            message: `${a.count} of ${withAnswer} records (${pct}%) end with the same answer "${a.text}": the model will learn to give it regardless of the question; vary the answers or drop most of these records`,
            related: a.lines.map((line) => ({ path: ctx.path, line, message: 'a record with this answer' })),
          });
        }
      },
    };
  },
};

/** The hash of the record's final answer, kept on its view (the editor's session sees the same views at every update). */
function answerKey(r: RecordView): [number, number] | undefined {
  if (!r.cache.answer) {
    const text = finalAnswer(r);
    r.cache.answer = { key: text !== undefined && normalizedHash(text) ? [lanes[0], lanes[1]] : undefined };
  }
  return r.cache.answer.key;
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
 * (answers can be long); false for blank text.
 */
function normalizedHash(s: string): boolean {
  let a = 0x9747b28c | 0, b = 0x5bd1e995 | 0;
  let started = false, space = false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0) { space = started; continue; }
    if (space) { a = Math.imul(a ^ 32, 0x01000193); b = Math.imul(b ^ 32, 0x5bd1e995); space = false; }
    if (c >= 65 && c <= 90) c += 32;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    started = true;
  }
  lanes[0] = fmix32(a);
  lanes[1] = fmix32(b);
  return started;
}

function preview(text: string): string {
  const t = text.slice(0, 200).replace(/\s+/g, ' ').trim(); // a prefix: answers can be long
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}
