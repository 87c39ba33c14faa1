/** Findings moved to other line numbers: a slice's to the file's (lint-parallel.ts), a cached line's (lint-session.ts). */
import type { ShardFindings } from './context';
import type { Finding } from './types';

/** Moves `f` down by `d` lines, in place: its span, its fixes' edits and its related locations in the same file. */
export function shiftFinding(f: Finding, d: number, path: string): void {
  f.line += d;
  f.endLine += d;
  for (const rel of f.related) if (rel.path === path) rel.line += d;
  // New edit objects: a rule may hand the same fix to more than one finding.
  if (f.fixes) f.fixes = f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, line: e.line + d, endLine: e.endLine + d })) }));
}

/** A copy of `f` moved down by `d` lines; `f` is left as it is (the session's cached findings). */
export function movedFinding(f: Finding, d: number, path: string): Finding {
  const out: Finding = { ...f, related: f.related.map((r) => ({ ...r })) };
  shiftFinding(out, d, path);
  return out;
}

/** A slice's findings, in place, and the first ones its per-code limit dropped, moved down by `d` lines. */
export function shiftShardFindings(shard: ShardFindings, d: number, path: string): void {
  for (const f of shard.findings) shiftFinding(f, d, path);
  for (const [, span] of shard.firstDropped) { span.line += d; span.endLine += d; }
}
