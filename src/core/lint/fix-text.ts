/**
 * Fix all the findings of several codes in a dataset's text at once: `tunelab lint --fix` (which writes the result to
 * another file) and the editor's "Fix All Dataset Problems" (which applies it as one undoable edit); nothing here
 * touches a file. Each pass lints the text with no per-code limit, takes the
 * first fix of every finding of the chosen codes that does not overlap one taken before it, and applies them; a fix
 * left out for an overlap, and a finding that a fix brings about (two records that a redaction makes equal), are
 * taken by the next pass. Record deletions go in passes of their own, before any edit inside records: editing a record
 * about to be deleted would be wasted, and could hide the duplicate.
 */
import { LineStarts } from '../dataset/line-starts';
import { everyFindingOf } from './config';
import { before } from './fix-all';
import { lintText } from './lint-source';
import type { Finding, Fix, LintCode, LintOptions, TextEdit } from './types';

/** The codes whose findings carry a fix, deletions first. */
export const FIXABLE_CODES: readonly LintCode[] = ['duplicate', 'near-duplicate', 'pii', 'markup-noise', 'encoding', 'unknown-role'];
const DELETIONS: ReadonlySet<LintCode> = new Set(['duplicate', 'near-duplicate', 'leakage']);
/** Fixed on an eval file linted with its training file (`tunelab lint --eval E --fix leakage`): copies of training records go. */
export const EVAL_FIXABLE_CODES: readonly LintCode[] = ['leakage'];
/** What fixing each code does, for a list the user picks from. */
export const FIX_SUMMARIES: Readonly<Partial<Record<LintCode, string>>> = {
  duplicate: 'delete the later copies',
  'near-duplicate': 'delete the later near-copies',
  pii: 'redact with typed placeholders ([EMAIL], [PHONE], [API_KEY], …)',
  'markup-noise': 'strip HTML tags and entities',
  encoding: 'repair mojibake',
  'unknown-role': 'change each to the role it most likely means',
  leakage: 'delete the eval records that copy or nearly copy a training record',
};
/** Enough for deletions, then edits, then what they uncover; a text that still changes after that is left as it is. */
const MAX_PASSES = 8;

export interface TextFixResult {
  text: string;
  /** The same change as edits of the original text, sorted and apart: what an editor applies as one undoable step. */
  edits: TextEdit[];
  /** Findings fixed, per code. */
  fixed: Partial<Record<LintCode, number>>;
  passes: number;
}

/**
 * `lint`: the findings of a text under these options; by default lintText's. An eval file is linted with its training
 * file instead (leakage).
 */
export function fixText(path: string, text: string, codes: readonly LintCode[], options: LintOptions = {},
  lint: (text: string, options: LintOptions) => readonly Finding[] = (t, o) => lintText(path, t, o).findings): TextFixResult {
  // The other rules off: their findings would not be used, and they do not change what these find.
  const opts = everyFindingOf(options, codes);
  const original = text;
  const fixed: Partial<Record<LintCode, number>> = {};
  let passes = 0;
  let composed: Splice[] = [];
  while (passes < MAX_PASSES) {
    const taken = chooseFixes(lint(text, opts), codes);
    if (!taken.length) break;
    passes++;
    for (const f of taken) fixed[f.code] = (fixed[f.code] ?? 0) + 1;
    const splices = toSplices(text, taken.flatMap((f) => f.fixes![0].edits));
    composed = composeSplices(composed, splices, text);
    text = applySplices(text, splices);
  }
  return { text, edits: toTextEdits(original, composed), fixed, passes };
}

/** One pass's fixes: deletions while there are any, else every fix; without overlaps, later ones left for the next pass. */
export function chooseFixes(findings: readonly Finding[], codes: readonly LintCode[]): Finding[] {
  const fixable = findings.filter((f) => codes.includes(f.code) && f.fixes?.length);
  const deletions = fixable.filter((f) => DELETIONS.has(f.code));
  return nonOverlappingFixes(deletions.length ? deletions : fixable);
}

/**
 * The findings whose first fix is taken: in the order of their first edit, each one whose edits all start at or after
 * the end of every edit taken before (a greedy pass, linear after the sort).
 */
function nonOverlappingFixes(findings: readonly Finding[]): Finding[] {
  const withFix = findings.map((f) => ({ f, fix: f.fixes![0], start: firstStart(f.fixes![0]) }));
  withFix.sort((a, b) => a.start.line - b.start.line || a.start.column - b.start.column);
  const taken: Finding[] = [];
  let end = { line: 0, column: 0 };
  let lastInsert: { line: number; column: number } | undefined;
  for (const { f, fix, start } of withFix) {
    if (before(start, end)) continue;
    // Two inserts at one place would apply in an unclear order: the second waits for the next pass.
    const inserts = fix.edits.filter((e) => e.line === e.endLine && e.column === e.endColumn);
    if (lastInsert && inserts.some((e) => e.line === lastInsert!.line && e.column === lastInsert!.column)) continue;
    taken.push(f);
    for (const e of fix.edits) if (before(end, { line: e.endLine, column: e.endColumn })) end = { line: e.endLine, column: e.endColumn };
    lastInsert = inserts.length ? inserts[inserts.length - 1] : lastInsert;
  }
  return taken;
}

function firstStart(fix: Fix): { line: number; column: number } {
  let s = { line: fix.edits[0].line, column: fix.edits[0].column };
  for (const e of fix.edits) if (before(e, s)) s = { line: e.line, column: e.column };
  return s;
}

/** A replacement of text offsets [start, end) (UTF-16) by `text`. */
export interface Splice { start: number; end: number; text: string }

/**
 * `text` with `edits` applied: 1-based lines and UTF-16 columns, exclusive ends, as findings give them; the edits must
 * not overlap. Lines end at `\n` (a `\r` before it belongs to the line, as in the editor's columns past it).
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  return applySplices(text, toSplices(text, edits));
}

/** Edits as splices of `text`, sorted; RangeError for a position outside the text or edits that overlap. */
export function toSplices(text: string, edits: readonly TextEdit[]): Splice[] {
  const lines = new LineStarts(text);
  const offset = (line: number, column: number): number => {
    if (line < 1 || line > lines.count) throw new RangeError(`edit at line ${line} is outside the text (${lines.count} lines)`);
    return Math.min(lines.offset(line, column), text.length);
  };
  const splices = edits.map((e) => ({ start: offset(e.line, e.column), end: offset(e.endLine, e.endColumn), text: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < splices.length; i++) if (splices[i].start < splices[i - 1].end) throw new RangeError('overlapping edits');
  return splices;
}

export function applySplices(text: string, splices: readonly Splice[]): string {
  if (!splices.length) return text;
  const parts: string[] = [];
  let at = 0;
  for (const s of splices) {
    parts.push(text.slice(at, s.start), s.text);
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * `done` (splices of an original text, which made `current`) followed by `next` (splices of `current`), as splices of
 * the original text. Both are regions of `current`: an earlier splice, the text it wrote; a later one, what it
 * replaces. Regions that overlap become one splice (a later fix that reaches into text an earlier one wrote takes it
 * in whole); at one position, an earlier deletion comes first, then a later splice, then an earlier splice's text.
 */
export function composeSplices(done: readonly Splice[], next: readonly Splice[], current: string): Splice[] {
  interface Region { from: number; to: number; delta: number; later?: Splice; order: number }
  const regions: Region[] = [];
  let shift = 0;
  for (const s of done) {
    const from = s.start + shift, delta = s.text.length - (s.end - s.start);
    regions.push({ from, to: from + s.text.length, delta, order: s.text.length ? 2 : 0 });
    shift += delta;
  }
  for (const n of next) regions.push({ from: n.start, to: n.end, delta: 0, later: n, order: 1 });
  regions.sort((a, b) => a.from - b.from || a.order - b.order);

  const out: Splice[] = [];
  shift = 0; // what the earlier splices of the clusters before added to the text's length
  for (let i = 0; i < regions.length;) {
    const from = regions[i].from;
    let to = regions[i].to, delta = 0;
    const later: Splice[] = [];
    let j = i;
    for (; j < regions.length && (j === i || (regions[j].from < to && (regions[j].from > from || regions[j].to > regions[j].from))); j++) {
      const r = regions[j];
      to = Math.max(to, r.to);
      delta += r.delta;
      if (r.later) later.push(r.later);
    }
    let text = '', pos = from;
    for (const n of later) {
      text += current.slice(pos, n.start) + n.text;
      pos = n.end;
    }
    text += current.slice(pos, to);
    out.push({ start: from - shift, end: to - shift - delta, text });
    shift += delta;
    i = j;
  }
  return out;
}

/** Splices of `text` as line and column edits of it. */
export function toTextEdits(text: string, splices: readonly Splice[]): TextEdit[] {
  const lines = new LineStarts(text);
  return splices.map((s) => {
    const a = lines.position(s.start), b = lines.position(s.end);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column, newText: s.text };
  });
}
