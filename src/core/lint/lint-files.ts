/** lintFiles: what `tunelab lint` prints. Files that cannot be read become ioErrors instead of exceptions. */
import { readFileSync } from 'node:fs';
import type { DecodedTables } from '../dataset/parquet';
import { openDataset } from '../dataset/read';
import { LeakageIndex, type FileRole } from './leakage-index';
import { inCodeOrder, lintSource } from './lint-source';
import { buildRecordView } from './record-view';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD } from './rules/near-duplicate';
import type { Diagnostic, FileLintResult, Finding, LintCode, LintOptions, LintOutput, LintStats, Severity } from './types';

/**
 * Lints training files (`paths`) and eval files (`evalFiles`). With both, eval records are also checked for leakage
 * from the training files; a file named in both lists counts as an eval file. Output follows the order of the
 * arguments, training files first. lintFilesParallel (lint-parallel.ts) gives the same output using worker threads.
 */
export function lintFiles(paths: string[], opts: LintOptions & { evalFiles?: string[]; tables?: DecodedTables } = {}): LintOutput {
  const plan = planLint(paths, opts, readFileSync);
  for (const f of plan.files) {
    const buf = f.load();
    if (buf) plan.results.set(f.path, lintSource(f.path, buf, plan.options, f.role));
  }
  return plan.output();
}

/** A file's bytes (encoding is checked too) or an editor's text, by path. */
export interface LintInput { path: string; input: Buffer | string }

/**
 * A training file and its eval file, as the editor has them (open documents' text, other files' bytes): both linted,
 * the eval file also for leakage from the training file, as `tunelab train` checks them.
 */
export function lintTrainAndEval(train: LintInput, held: LintInput, opts: LintOptions = {}): { train: FileLintResult; eval: FileLintResult } {
  const plan = pairPlan(train, held, opts);
  if (!plan) {
    const one = lintSource(train.path, train.input, opts);
    return { train: one, eval: one };
  }
  const [trainResult, evalResult] = plan.files.map((f) => lintSource(f.path, f.load()!, plan.options, f.role));
  return { train: trainResult, eval: evalResult };
}

/** lintTrainAndEval's plan: the training file, then the eval file compared with it; undefined when they are one file. */
export function pairPlan(train: LintInput, held: LintInput, opts: LintOptions): LintPlan<Buffer | string> | undefined {
  if (train.path === held.path) return undefined;
  const inputs = new Map([[train.path, train.input], [held.path, held.input]]);
  return planLint([train.path], { ...opts, evalFiles: [held.path] }, (path) => inputs.get(path)!);
}

/**
 * What lintFiles does before and after linting each file; `files` in the order they must be linted. load() reads a
 * training file when its turn comes (undefined when it cannot be read: an ioError), so one is held at a time.
 */
export interface LintPlan<T extends Buffer | string = Buffer> {
  options: LintOptions;
  files: { path: string; load(): T | undefined; role: FileRole }[];
  results: Map<string, FileLintResult | { ioError: string }>;
  output(): LintOutput;
}

/** `readFile`: a file's bytes, or (the editor's open documents) its text. */
export function planLint<T extends Buffer | string>(paths: string[], opts: LintOptions & { evalFiles?: string[]; tables?: DecodedTables }, readFile: (path: string) => T): LintPlan<T | Buffer> {
  const { evalFiles = [], tables, ...options } = opts;
  const evalSet = new Set(evalFiles);
  const trainFiles = [...new Set(paths)].filter((p) => !evalSet.has(p));
  const results = new Map<string, FileLintResult | { ioError: string }>();
  const read = (path: string): T | Buffer | undefined => {
    try {
      return tables?.get(path) ?? readFile(path);
    } catch (e) {
      results.set(path, { ioError: ioMessage(e) });
      return undefined;
    }
  };
  const checkLeakage = trainFiles.length > 0 && evalSet.size > 0 && options.severity?.leakage !== 'off';
  const index = checkLeakage ? new LeakageIndex(options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD) : undefined;
  // Eval files are read first and indexed; they are linted last, when every training record has been compared.
  const evalBuffers = [...evalSet].map((path, fileId) => {
    const buf = read(path);
    if (buf && index) openDataset(buf, path).forEachRecord((rec) => { if (!rec.error) index.addEval(fileId, buildRecordView(rec)); });
    return { path, fileId, buf };
  });
  const leakage = index?.evalRecords ? index : undefined;
  const files: LintPlan<T | Buffer>['files'] = trainFiles.map((path) => ({ path, load: () => read(path), role: { role: 'train', leakage } }));
  for (const { path, fileId, buf } of evalBuffers) files.push({ path, load: () => buf, role: { role: 'eval', leakage, evalFileId: fileId } });
  return {
    options, files, results,
    output() {
      const out: LintOutput = { files: [], diagnostics: [], stats: emptyLintStats(), ioErrors: [] };
      for (const path of [...trainFiles, ...evalSet]) {
        const r = results.get(path)!;
        if ('ioError' in r) out.ioErrors.push({ path, message: r.ioError });
        else addFile(out, r);
      }
      finishStats(out.stats);
      out.stats.ioErrors = out.ioErrors.length;
      return out;
    },
  };
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
  s.findingsByCode = inCodeOrder(new Map(Object.entries(s.findingsByCode) as [LintCode, number][]));
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
