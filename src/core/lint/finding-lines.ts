/** Findings of a slice of a file (lint-parallel.ts) moved to the file's line numbers. */
import type { Finding } from './types';

/** Moves `f` down by `d` lines, in place: its span, its fixes' edits and its related locations in the same file. */
export function shiftFinding(f: Finding, d: number, path: string): void {
  f.line += d;
  f.endLine += d;
  for (const rel of f.related) if (rel.path === path) rel.line += d;
  // New edit objects: a rule may hand the same fix to more than one finding.
  if (f.fixes) f.fixes = f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, line: e.line + d, endLine: e.endLine + d })) }));
}
