/** lintFiles: what `tunelab lint` prints. Files that cannot be read become ioErrors instead of exceptions. */
import { readFileSync } from 'node:fs';
import { lintSource } from './lint-source';
import type { Diagnostic, FileLintResult, Finding, LintOptions, LintOutput, LintStats, Severity } from './types';

export function lintFiles(paths: string[], opts: LintOptions & { evalFiles?: string[] } = {}): LintOutput {
  const { evalFiles = [], ...options } = opts;
  const out: LintOutput = { files: [], diagnostics: [], stats: emptyLintStats(), ioErrors: [] };
  // Eval files are datasets too; later rules (leakage) also compare them with the training files.
  for (const path of [...new Set([...paths, ...evalFiles])]) {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (e) {
      out.ioErrors.push({ path, message: ioMessage(e) });
      continue;
    }
    addFile(out, lintSource(path, buf, options));
  }
  finishStats(out.stats);
  out.stats.ioErrors = out.ioErrors.length;
  return out;
}

function addFile(out: LintOutput, r: FileLintResult): void {
  out.files.push({ path: r.path, records: r.records, format: r.format });
  for (const f of r.findings) out.diagnostics.push(toDiagnostic(f));
  const s = out.stats;
  s.files++;
  if (r.format === 'empty') s.emptyFiles++;
  s.records += r.stats.records;
  s.invalidRecords += r.stats.invalidRecords;
  s.conversations += r.stats.conversations;
  s.messages += r.stats.messages;
  addCounts(s.formats, r.stats.formats);
  addCounts(s.roles, r.stats.roles);
  if (r.stats.minMessages !== null && r.stats.maxMessages !== null) {
    const range = s.messagesPerConversation ?? { min: Infinity, mean: 0, max: 0 }; // mean: in finishStats
    s.messagesPerConversation = { ...range, min: Math.min(range.min, r.stats.minMessages), max: Math.max(range.max, r.stats.maxMessages) };
  }
  addCounts(s.findingsByCode, r.stats.findingsByCode);
  addCounts(s.findingsBySeverity, r.stats.findingsBySeverity);
  for (const n of Object.values(r.stats.findingsByCode)) s.findings += n ?? 0;
}

/** The JSON shape: fixed key order, no fixes (they are for editors). */
function toDiagnostic(f: Finding): Diagnostic {
  return {
    path: f.path, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
    code: f.code, severity: f.severity, message: f.message, related: f.related,
  };
}

function finishStats(s: LintStats): void {
  if (s.messagesPerConversation && s.conversations) s.messagesPerConversation.mean = round(s.messages / s.conversations);
}

function addCounts<K extends string>(to: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const k of Object.keys(from) as K[]) to[k] = (to[k] ?? 0) + (from[k] ?? 0);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function emptyLintStats(): LintStats {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  return {
    files: 0, emptyFiles: 0, records: 0, invalidRecords: 0, findings: 0, findingsByCode: {}, findingsBySeverity: bySeverity,
    formats: {}, roles: {}, conversations: 0, messages: 0, messagesPerConversation: null, ioErrors: 0,
  };
}

function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT': return 'file not found';
    case 'EISDIR': return 'is a directory: pass the dataset files inside it';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ERR_FS_FILE_TOO_LARGE': return 'file too large to read at once (over 2 GiB): split it into smaller files';
    default: return err.message ?? String(e);
  }
}
