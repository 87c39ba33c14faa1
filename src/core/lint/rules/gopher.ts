/**
 * Gopher quality heuristics (Rae et al. 2021, as in datatrove's GopherQualityFilter; thresholds in
 * /work/shared/notes/references.md). Words are tokens as a word tokenizer gives them: runs of letters and digits,
 * `...` and single punctuation characters. Differences from datatrove: stop words are matched case-insensitively, and
 * `...` is one token where NLTK may split differently.
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
