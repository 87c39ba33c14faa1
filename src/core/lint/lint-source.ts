/** Lints one file's content: one pass over the records, every rule visiting each record through a shared context. */
import { openDataset } from '../dataset/read';
import type { ReadProblem } from '../dataset/types';
import { FileContext, type RecordView } from './context';
import type { FileRole } from './leakage-index';
import { buildRecordView } from './record-view';
import { RULES } from './rules';
import type { FileLintResult, FileStats, LintCode, LintOptions } from './types';

const PROBLEM_CODES: Record<ReadProblem['kind'], LintCode> = {
  binary: 'encoding', utf16: 'encoding', utf32: 'encoding', 'invalid-utf8': 'encoding',
  'multi-line-records': 'invalid-json', 'array-syntax': 'invalid-json', 'record-too-large': 'too-long',
};

/**
 * Lints a file's bytes (a Buffer: encoding is checked too) or an editor's text (a string). `file` is set by lintFiles:
 * whether it is a training or an eval file, and the index that compares the two.
 */
export function lintSource(path: string, input: Buffer | string, opts: LintOptions = {}, file?: FileRole): FileLintResult {
  const ctx = new FileContext(path, opts, file);
  const stats = emptyStats();
  const dataset = openDataset(input);
  ctx.container = dataset.container;
  ctx.readProblems = dataset.problems;
  const visitors = RULES.filter((rule) => !ctx.isOff(rule.code)).map((rule) => rule.create(ctx));
  const records = dataset.forEachRecord((rec) => {
    ctx.records++;
    ctx.firstRecordSpan ??= rec.span;
    if (rec.error) {
      stats.invalidRecords++;
      for (const v of visitors) v.invalidRecord?.(rec);
      return;
    }
    const view = buildRecordView(rec);
    ctx.formatCounts.set(view.format, (ctx.formatCounts.get(view.format) ?? 0) + 1);
    countTurns(stats, view);
    for (const v of visitors) v.record?.(view);
  });
  for (const p of dataset.problems) ctx.report({ code: PROBLEM_CODES[p.kind], severity: 'error', message: p.message, span: p.span });
  for (const v of visitors) v.finish?.();
  stats.records = records;
  for (const [format, n] of ctx.formatCounts) stats.formats[format] = n;
  const findings = ctx.finalFindings();
  for (const [code, n] of ctx.found) stats.findingsByCode[code] = n;
  stats.findingsBySeverity = { ...ctx.foundBySeverity };
  const fatal = dataset.problems.some((p) => p.fatal);
  return { path, records, format: fatal ? 'unknown' : ctx.fileFormat(), findings, stats };
}

/** Lints an editor document's text. */
export function lintText(path: string, text: string, opts?: LintOptions): FileLintResult {
  return lintSource(path, text, opts);
}

function countTurns(stats: FileStats, view: RecordView): void {
  if (!view.turns) return;
  const n = view.turns.length;
  stats.conversations++;
  stats.messages += n;
  stats.minMessages = stats.minMessages === null ? n : Math.min(stats.minMessages, n);
  stats.maxMessages = stats.maxMessages === null ? n : Math.max(stats.maxMessages, n);
  for (const t of view.turns) if (t.role !== undefined) stats.roles[t.role] = (stats.roles[t.role] ?? 0) + 1;
}

export function emptyStats(): FileStats {
  return {
    records: 0, invalidRecords: 0, formats: {}, roles: {}, conversations: 0, messages: 0, minMessages: null, maxMessages: null,
    findingsByCode: {}, findingsBySeverity: { error: 0, warning: 0, info: 0 },
  };
}
