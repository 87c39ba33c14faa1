// "Fix all of this kind in this file": the first fix of every finding of one code, as one set of edits that do not
// overlap (an edit that would overlap an earlier one is left for the next lint). No `vscode`: tested with node:test.
import type { Finding, LintCode, TextEdit } from './types';

/** `a` comes before `b` in the text (1-based lines and columns). */
export const before = (a: { line: number; column: number }, b: { line: number; column: number }): boolean =>
  a.line < b.line || (a.line === b.line && a.column < b.column);

/** Edits sorted by position, without any that overlap one kept before them. */
export function nonOverlapping(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn);
  const kept: TextEdit[] = [];
  for (const e of sorted) {
    const last = kept[kept.length - 1];
    if (last && before({ line: e.line, column: e.column }, { line: last.endLine, column: last.endColumn })) continue;
    // Two inserts at one place would apply in an order the editor chooses: keep the first.
    if (last && e.line === last.line && e.column === last.column && e.line === e.endLine && e.column === e.endColumn) continue;
    kept.push(e);
  }
  return kept;
}

export interface FixAll {
  code: LintCode;
  /** Findings whose fix is included. */
  fixed: number;
  edits: TextEdit[];
}

/** Two edits touch the same text (ranges that only meet at a point do not, unless both are inserts there). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  const aEmpty = a.line === a.endLine && a.column === a.endColumn;
  const bEmpty = b.line === b.endLine && b.column === b.endColumn;
  if (aEmpty && bEmpty) return a.line === b.line && a.column === b.column;
  return before({ line: a.line, column: a.column }, { line: b.endLine, column: b.endColumn })
    && before({ line: b.line, column: b.column }, { line: a.endLine, column: a.endColumn });
}

/**
 * The fix-all of one code: the first fix of each of its findings, whole or not at all (a fix that would overlap one
 * taken before it waits for the next lint). Undefined when fewer than two findings have a fix.
 */
export function fixAllOfCode(findings: readonly Finding[], code: LintCode): FixAll | undefined {
  const fixes = findings.filter((f) => f.code === code && f.fixes?.length).map((f) => f.fixes![0].edits);
  if (fixes.length < 2) return undefined;
  const kept: TextEdit[] = [];
  let fixed = 0;
  for (const edits of fixes) {
    if (edits.some((e) => kept.some((k) => overlaps(e, k)))) continue;
    kept.push(...edits);
    fixed++;
  }
  return { code, fixed, edits: nonOverlapping(kept) };
}
