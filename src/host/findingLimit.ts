// Which findings of a file become editor diagnostics: the Problems view and the editor slow down with tens of
// thousands, so a file shows at most MAX_DIAGNOSTICS_PER_FILE, errors first, and one note counts the rest.
// No `vscode`: tested with node:test.
import type { Finding, Severity } from '../core/lint';

export const MAX_DIAGNOSTICS_PER_FILE = 1000;
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The findings that are shown: errors first, then warnings, then notes, each in line order, at most `max`. */
export function shownFindings(findings: readonly Finding[], max = MAX_DIAGNOSTICS_PER_FILE): Finding[] {
  if (findings.length <= max) return [...findings];
  return [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.line - b.line).slice(0, max);
}

export function limitNote(shown: number, total: number): string {
  return `Showing ${shown} of ${total} findings (errors first). "Tunelab: Show Dataset Overview" counts them all by code; \`tunelab lint\` lists every one.`;
}
