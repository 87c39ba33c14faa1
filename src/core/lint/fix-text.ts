/**
 * `tunelab lint --fix`: the editor's fix-all, for a whole dataset and many codes at once, on text (the CLI writes the
 * result to another file; nothing here touches the user's). Each pass lints the text with no per-code limit, takes the
 * first fix of every finding of the chosen codes that does not overlap one taken before it, and applies them; a fix
 * left out for an overlap, and a finding that a fix brings about (two records that a redaction makes equal), are
 * taken by the next pass. Record deletions go in passes of their own, before any edit inside records: editing a record
 * about to be deleted would be wasted, and could hide the duplicate.
 */
import { lintText } from './lint-source';
import type { Finding, Fix, LintCode, LintOptions, TextEdit } from './types';

/** The codes whose findings carry a fix, deletions first. */
export const FIXABLE_CODES: readonly LintCode[] = ['duplicate', 'near-duplicate', 'pii', 'markup-noise', 'encoding', 'unknown-role'];
const DELETIONS: ReadonlySet<LintCode> = new Set(['duplicate', 'near-duplicate']);
/** Enough for deletions, then edits, then what they uncover; a text that still changes after that is left as it is. */
const MAX_PASSES = 8;

export interface TextFixResult {
  text: string;
  /** Findings fixed, per code. */
  fixed: Partial<Record<LintCode, number>>;
  passes: number;
}

export function fixText(path: string, text: string, codes: readonly LintCode[], options: LintOptions = {}): TextFixResult {
  const opts: LintOptions = { ...options, maxFindingsPerCode: Infinity };
  const fixed: Partial<Record<LintCode, number>> = {};
  let passes = 0;
  while (passes < MAX_PASSES) {
    const { findings } = lintText(path, text, opts);
    const fixable = findings.filter((f) => codes.includes(f.code) && f.fixes?.length);
    const deletions = fixable.filter((f) => DELETIONS.has(f.code));
    const taken = nonOverlappingFixes(deletions.length ? deletions : fixable);
    if (!taken.length) break;
    passes++;
    for (const f of taken) fixed[f.code] = (fixed[f.code] ?? 0) + 1;
    text = applyTextEdits(text, taken.flatMap((f) => f.fixes![0].edits));
  }
  return { text, fixed, passes };
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

const before = (a: { line: number; column: number }, b: { line: number; column: number }): boolean =>
  a.line < b.line || (a.line === b.line && a.column < b.column);

/**
 * `text` with `edits` applied: 1-based lines and UTF-16 columns, exclusive ends, as findings give them; the edits must
 * not overlap. Lines end at `\n` (a `\r` before it belongs to the line, as in the editor's columns past it).
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  if (!edits.length) return text;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offset = (line: number, column: number): number => {
    if (line < 1 || line > lineStarts.length) throw new RangeError(`edit at line ${line} is outside the text (${lineStarts.length} lines)`);
    return Math.min(lineStarts[line - 1] + column - 1, text.length);
  };
  const spans = edits.map((e) => ({ start: offset(e.line, e.column), end: offset(e.endLine, e.endColumn), text: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) throw new RangeError('overlapping edits');
    parts.push(text.slice(at, s.start), s.text);
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
