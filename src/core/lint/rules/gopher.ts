/**
 * Gopher quality heuristics (Rae et al. 2021, as in datatrove's GopherQualityFilter; thresholds in
 * /work/shared/notes/references.md). Words are tokens as a word tokenizer gives them: runs of letters and digits,
 * `...` and single punctuation characters. Differences from datatrove: stop words are matched case-insensitively, and
 * `...` is one token where NLTK may split differently.
 * The repetition rules (datatrove's GopherRepetitionFilter, Rae et al. table A1) are in gopherRepetitionFailures.
 */

const STOP_WORDS = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
const TOKEN = /[\p{L}\p{N}\p{M}_]+(?:['’][\p{L}\p{M}]+)*|\.\.\.|[^\s\p{L}\p{N}\p{M}_]/gu;
const SYMBOL_ONLY = /^[^\p{L}\p{N}\p{M}_]+$/u;
const HAS_LETTER = /\p{L}/u;

export const GOPHER = {
  minWords: 50, maxWords: 100_000, minMeanWordLength: 3, maxMeanWordLength: 10, maxSymbolRatio: 0.1,
  maxBulletLines: 0.9, maxEllipsisLines: 0.3, minAlphaWords: 0.8, minStopWords: 2,
};

/** Reasons `text` fails the heuristics, in words for a message; [] when it passes. */
export function gopherFailures(text: string): string[] {
  const tokens = text.match(TOKEN) ?? [];
  const words = tokens.filter((t) => !SYMBOL_ONLY.test(t));
  const out: string[] = [];
  const g = GOPHER;
  if (words.length < g.minWords || words.length > g.maxWords) {
    out.push(`${words.length.toLocaleString('en-US')} word${words.length === 1 ? '' : 's'} (needs ${g.minWords} to ${g.maxWords.toLocaleString('en-US')})`);
  }
  if (tokens.length === 0) return out;
  if (words.length) {
    const mean = words.reduce((n, w) => n + w.length, 0) / words.length;
    if (mean < g.minMeanWordLength || mean > g.maxMeanWordLength) {
      out.push(`mean word length ${mean.toFixed(1)} (needs ${g.minMeanWordLength} to ${g.maxMeanWordLength})`);
    }
  }
  const hashes = count(text, '#') / tokens.length;
  if (hashes > g.maxSymbolRatio) out.push(`${hashes.toFixed(2)} "#" per word (at most ${g.maxSymbolRatio})`);
  const ellipses = (count(text, '...') + count(text, '…')) / tokens.length;
  if (ellipses > g.maxSymbolRatio) out.push(`${ellipses.toFixed(2)} ellipses per word (at most ${g.maxSymbolRatio})`);
  const lines = text.split(/\r?\n/);
  const bullets = lines.filter((l) => /^\s*[•-]/.test(l)).length / lines.length;
  if (bullets > g.maxBulletLines) out.push(`${pct(bullets)} of lines start with a bullet (at most ${pct(g.maxBulletLines)})`);
  const trailing = lines.filter((l) => /(?:\.\.\.|…)\s*$/.test(l)).length / lines.length;
  if (trailing > g.maxEllipsisLines) out.push(`${pct(trailing)} of lines end with an ellipsis (at most ${pct(g.maxEllipsisLines)})`);
  const alpha = tokens.filter((t) => HAS_LETTER.test(t)).length / tokens.length;
  if (alpha < g.minAlphaWords) out.push(`${pct(alpha)} of words contain a letter (needs ${pct(g.minAlphaWords)})`);
  const stop = tokens.reduce((n, t) => n + (STOP_WORDS.has(t.toLowerCase()) ? 1 : 0), 0);
  if (stop < g.minStopWords) out.push(`${stop} of the stop words the, be, to, of, and, that, have, with (needs ${g.minStopWords})`);
  return out;
}

function count(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i !== -1; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Repetition thresholds of Gopher table A1, as datatrove's GopherRepetitionFilter uses them. */
export const GOPHER_REPETITION = {
  dupLineFrac: 0.3, dupParaFrac: 0.3, dupLineCharFrac: 0.2, dupParaCharFrac: 0.2,
  topNGrams: [[2, 0.2], [3, 0.18], [4, 0.16]] as const,
  dupNGrams: [[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]] as const,
};

/**
 * Reasons `text` fails the Gopher repetition rules; [] when it passes. Fractions are of the document's characters
 * (len(text)) as in datatrove: paragraphs split on blank lines (\n{2,}) of the trimmed text, lines on \n+; a
 * duplicate is an element seen before, counted with its characters. Top n-gram: characters of the most frequent
 * word n-gram (words joined by spaces) times its count, when it occurs more than once. Duplicated n-grams: characters (words joined without
 * spaces) of n-grams that repeat an earlier one, skipping past each repeat. Words are the non-symbol tokens of
 * gopherFailures (datatrove's NLTK words also keep punctuation tokens).
 */
export function gopherRepetitionFailures(text: string): string[] {
  const g = GOPHER_REPETITION;
  const out: string[] = [];
  const chars = text.length;
  if (chars === 0) return out;
  const paragraphs = text.trim().split(/\n{2,}/);
  const para = duplicates(paragraphs);
  if (para.elements / paragraphs.length > g.dupParaFrac) out.push(`${pct(para.elements / paragraphs.length)} of paragraphs are repeats (at most ${pct(g.dupParaFrac)})`);
  if (para.chars / chars > g.dupParaCharFrac) out.push(`repeated paragraphs are ${pct(para.chars / chars)} of the characters (at most ${pct(g.dupParaCharFrac)})`);
  const lines = text.split(/\n+/);
  const line = duplicates(lines);
  if (line.elements / lines.length > g.dupLineFrac) out.push(`${pct(line.elements / lines.length)} of lines are repeats (at most ${pct(g.dupLineFrac)})`);
  if (line.chars / chars > g.dupLineCharFrac) out.push(`repeated lines are ${pct(line.chars / chars)} of the characters (at most ${pct(g.dupLineCharFrac)})`);
  const words = (text.match(TOKEN) ?? []).filter((t) => !SYMBOL_ONLY.test(t));
  for (const [n, frac] of g.topNGrams) {
    const top = topNGramChars(words, n) / chars;
    if (top > frac) out.push(`the most frequent ${n}-word phrase covers ${pct(top)} of the characters (at most ${pct(frac)})`);
  }
  for (const [n, frac] of g.dupNGrams) {
    const dup = duplicatedNGramChars(words, n) / chars;
    if (dup > frac) {
      out.push(`repeated ${n}-word phrases cover ${pct(dup)} of the characters (at most ${pct(frac)})`);
      break; // the longer n-grams repeat too: one message says it
    }
  }
  return out;
}

function duplicates(items: string[]): { elements: number; chars: number } {
  const seen = new Set<string>();
  let elements = 0, chars = 0;
  for (const x of items) {
    if (seen.has(x)) { elements++; chars += x.length; } else seen.add(x);
  }
  return { elements, chars };
}

function topNGramChars(words: string[], n: number): number {
  const counts = new Map<string, number>();
  let best = 0, bestKey = '';
  for (let i = 0; i + n <= words.length; i++) {
    const key = words.slice(i, i + n).join(' ');
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    // Counter.most_common(1): the highest count, the first seen on ties
    if (c > best) { best = c; bestKey = key; }
  }
  // A phrase seen once is no repetition: datatrove counts it, which flags every short document (it has its own word-count rule).
  return best > 1 ? best * bestKey.length : 0;
}

function duplicatedNGramChars(words: string[], n: number): number {
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 0; i + n <= words.length;) {
    const key = words.slice(i, i + n).join('');
    if (seen.has(key)) { repeated += key.length; i += n; } else { seen.add(key); i++; }
  }
  return repeated;
}
