/** Lints one file's content: one pass over the records, every rule visiting each record through a shared context. */
import { openDataset, type OpenedDataset } from '../dataset/read';
import type { DatasetContainer, ReadProblem, SourceRecord } from '../dataset/types';
import { byPosition, FileContext, type LintRule, type RecordView, type RuleVisitor } from './context';
import type { FileRole } from './leakage-index';
import { buildRecordView } from './record-view';
import { RULES } from './rules';
import { LINT_CODES, type FileLintResult, type FileStats, type LintCode, type LintOptions } from './types';

const PROBLEM_CODES: Record<ReadProblem['kind'], LintCode> = {
  binary: 'encoding', utf16: 'encoding', utf32: 'encoding', 'invalid-utf8': 'encoding',
  'multi-line-records': 'invalid-json', 'array-syntax': 'invalid-json', 'record-too-large': 'too-long',
  'csv-syntax': 'invalid-json', parquet: 'encoding',
};

/**
 * Lints a file's bytes (a Buffer: encoding is checked too) or an editor's text (a string). `file` is set by lintFiles:
 * whether it is a training or an eval file, and the index that compares the two.
 */
export function lintSource(path: string, input: Buffer | string, opts: LintOptions = {}, file?: FileRole): FileLintResult {
  return fileResult(runRules(path, input, RULES, opts, file));
}

/** One pass of `rules` over the records of a file, before the findings are sorted (lint-parallel.ts merges such runs). */
export interface RuleRun {
  ctx: FileContext;
  stats: FileStats;
  records: number;
  container: DatasetContainer;
  problems: readonly ReadProblem[];
}

/**
 * `input`: a file's bytes, an editor's text, or a dataset already opened (its records read before: `viewOf` gives the
 * views made of them then, where there are any).
 */
export function runRules(path: string, input: Buffer | string | OpenedDataset, rules: readonly LintRule[], opts: LintOptions = {}, file?: FileRole,
  viewOf?: (rec: SourceRecord) => RecordView | undefined): RuleRun {
  const ctx = new FileContext(path, opts, file);
  const stats = emptyStats();
  const dataset = typeof input === 'string' || Buffer.isBuffer(input) ? openDataset(input, path) : input;
  ctx.container = dataset.container;
  ctx.readProblems = dataset.problems;
  const visitors = rules.filter((rule) => !ctx.isOff(rule.code)).map((rule) => rule.create(ctx));
  const fingerprint = needsFingerprint(ctx, rules);
  const records = dataset.forEachRecord((rec) => visitRecord(ctx, stats, visitors, rec, rec.error ? undefined : viewOf?.(rec) ?? buildRecordView(rec, { fingerprint })));
  reportReadProblems(ctx, dataset.problems);
  for (const v of visitors) v.finish?.();
  stats.records = records;
  return { ctx, stats, records, container: dataset.container, problems: dataset.problems };
}

/** The file's read problems as findings (after its records, as a full lint reports them); fatal ones even with their rule off. */
export function reportReadProblems(ctx: FileContext, problems: readonly ReadProblem[]): void {
  for (const p of problems) ctx.report({ code: PROBLEM_CODES[p.kind], severity: 'error', message: p.message, span: p.span, evenWhenOff: p.fatal });
}

/** Counts one record and hands it to the visitors (`view` undefined: not valid JSON). */
export function visitRecord(ctx: FileContext, stats: FileStats, visitors: readonly RuleVisitor[], rec: SourceRecord, view: RecordView | undefined): void {
  ctx.records++;
  ctx.firstRecordSpan ??= rec.span;
  if (!view) {
    stats.invalidRecords++;
    for (const v of visitors) v.invalidRecord?.(rec);
    return;
  }
  ctx.formatCounts.set(view.format, (ctx.formatCounts.get(view.format) ?? 0) + 1);
  countTurns(stats, view);
  for (const v of visitors) v.record?.(view);
}

/**
 * The file's result: findings sorted, counts per code and severity. `more`: the findings of other rules on the same
 * records, gathered apart (lint-parallel.ts, lint-session.ts); its codes are not those of `run`.
 */
export function fileResult(run: RuleRun, more?: FileContext): FileLintResult {
  const { ctx, stats, records } = run;
  for (const [format, n] of ctx.formatCounts) stats.formats[format] = n;
  let findings = ctx.finalFindings();
  const found = new Map(ctx.found);
  stats.findingsBySeverity = { ...ctx.foundBySeverity };
  if (more) {
    findings = [...findings, ...more.finalFindings()].sort(byPosition);
    for (const [code, n] of more.found) found.set(code, n);
    for (const s of ['error', 'warning', 'info'] as const) stats.findingsBySeverity[s] += more.foundBySeverity[s];
  }
  stats.findingsByCode = inCodeOrder(found);
  // A file whose only lines could not be read (a line over the record size limit) has no records but is not empty.
  const unreadable = run.problems.some((p) => p.fatal) || (records === 0 && run.problems.length > 0);
  return { path: ctx.path, records, format: unreadable ? 'unknown' : ctx.fileFormat(), findings, stats };
}

/**
 * Counts per code in LINT_CODES order, whatever order the rules reported them in: the serial pass, the threads'
 * merge and the editor's session reach the same counts by different paths, and their JSON must be the same.
 */
export function inCodeOrder(counts: ReadonlyMap<LintCode, number>): Partial<Record<LintCode, number>> {
  const out: Partial<Record<LintCode, number>> = {};
  for (const code of LINT_CODES) {
    const n = counts.get(code);
    if (n !== undefined) out[code] = n;
  }
  return out;
}

/** Lints an editor document's text. */
export function lintText(path: string, text: string, opts?: LintOptions): FileLintResult {
  return lintSource(path, text, opts);
}

/** The content fingerprint is computed for the rules that compare records. */
export function needsFingerprint(ctx: FileContext, rules: readonly LintRule[]): boolean {
  const on = (code: LintCode): boolean => !ctx.isOff(code) && rules.some((r) => r.code === code);
  return on('duplicate') || on('near-duplicate') || (!!ctx.file?.leakage && on('leakage'));
}

/** Adds a record's turns to the file's conversation and role counts. */
export function countTurns(stats: FileStats, view: RecordView): void {
  if (!view.turns) return;
  const n = view.turns.length;
  stats.conversations++;
  stats.messages += n;
  stats.minMessages = stats.minMessages === null ? n : Math.min(stats.minMessages, n);
  stats.maxMessages = stats.maxMessages === null ? n : Math.max(stats.maxMessages, n);
  for (const t of view.turns) if (t.role !== undefined) stats.roles[t.role] = (Object.hasOwn(stats.roles, t.role) ? stats.roles[t.role] : 0) + 1; // a role named "constructor" too
}

export function emptyStats(): FileStats {
  return {
    records: 0, invalidRecords: 0, formats: {}, roles: {}, conversations: 0, messages: 0, minMessages: null, maxMessages: null,
    findingsByCode: {}, findingsBySeverity: { error: 0, warning: 0, info: 0 },
  };
}
