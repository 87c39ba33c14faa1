/**
 * lintFiles on several cores, with the same output. Without eval files, every thread (this one included) lints a
 * slice of the file (whole lines, read from one SharedArrayBuffer) with the per-record rules and sums up its records
 * for the rules that compare records or sum up the file; this thread then finishes those from the summaries in file
 * order (shard-summary.ts), so no record is parsed twice. With eval files (the leakage index lives here) or an
 * in-process token counter, the rules split in two groups instead (rule-groups.ts): per-record rules in the workers,
 * the rest here over the whole file at the same time. Either way the shards' findings are taken in file order
 * (FileContext.absorb), so counts, the per-code limit and its first dropped finding are those of one serial pass;
 * findings at one position sort in rule order (byPosition).
 * Files that are not plain JSONL (arrays, read problems, encoding problems) or are small are linted serially.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DecodedTables } from '../dataset/parquet';
import { openDataset } from '../dataset/read';
import { FileContext, type ShardFindings } from './context';
import type { FileRole } from './leakage-index';
import { planLint } from './lint-files';
import { shiftFinding } from './finding-lines';
import { fileResult, lintSource, runRules } from './lint-source';
import { PER_RECORD_CODES, ruleGroups } from './rule-groups';
import { mergeShards, summarizeShard, transferList, type ShardSummary } from './shard-summary';
import { RULES } from './rules';
import type { FileLintResult, LintCode, LintOptions, LintOutput } from './types';

/** Smaller files are linted on the main thread alone: starting workers costs more than it saves. */
export const MIN_PARALLEL_BYTES = 1 << 20;
/**
 * This thread's slice, relative to a worker's: smaller, since it also merges the summaries after its own slice (and
 * the workers start while it reads its first records): about 7% of the thread time on the 50 MB benchmark file.
 */
const MAIN_WEIGHT = 0.85;
const WORKER_KIND = 'tunelab-lint-shard';

export interface ParallelOptions {
  evalFiles?: string[];
  /** Threads in all, the main one included; 1 lints serially. */
  jobs?: number;
  /** Files under this size are linted serially (default MIN_PARALLEL_BYTES); tests set 0. */
  minParallelBytes?: number;
  /** Script the workers run (default: this module's file, which is also the CLI bundle). */
  workerScript?: string;
}

/** lintFiles with the per-record rules on `jobs - 1` worker threads. */
export async function lintFilesParallel(paths: string[], opts: LintOptions & ParallelOptions & { tables?: DecodedTables } = {}): Promise<LintOutput> {
  const { jobs = 1, minParallelBytes = MIN_PARALLEL_BYTES, workerScript = __filename, ...lintOpts } = opts;
  const plan = planLint(paths, lintOpts, readShared);
  const pool = jobs > 1 ? new ShardPool(jobs - 1, workerScript) : undefined;
  try {
    for (const f of plan.files) {
      const buf = f.load();
      if (!buf) continue;
      const parallel = pool && buf.length >= minParallelBytes && buf.length > 0;
      plan.results.set(f.path, parallel ? await lintFileParallel(f.path, buf, plan.options, f.role, pool) : lintSource(f.path, buf, plan.options, f.role));
    }
  } finally {
    await pool?.close();
  }
  return plan.output();
}

export async function lintFileParallel(path: string, buf: Buffer, options: LintOptions, role: FileRole, pool: ShardPool): Promise<FileLintResult> {
  const opened = openDataset(buf, path); // container and file-level problems only: records are read below
  if (opened.container !== 'jsonl' || opened.problems.length) return lintSource(path, buf, options, role);
  // The leakage index and an in-process token counter live on this thread: the threads then split the rules instead.
  return role.leakage || options.tokenCounter ? splitByRules(path, buf, options, role, pool) : splitByRecords(path, buf, options, role, pool);
}

/**
 * Each thread, this one included, lints a slice of the records with the per-record rules and sums up what the
 * whole-file rules need; this thread then runs those over the summaries in file order (shard-summary.ts).
 */
async function splitByRecords(path: string, buf: Buffer, options: LintOptions, role: FileRole, pool: ShardPool): Promise<FileLintResult> {
  const codes = [...PER_RECORD_CODES, 'schema' as const];
  const threads = pool.size + 1;
  const ranges = splitLines(buf, threads, MAIN_WEIGHT / (threads - 1 + MAIN_WEIGHT));
  const remote = ranges.slice(1).map((range, i) => pool.run(i, { mode: 'summary', path, bytes: buf.buffer as SharedArrayBuffer, byteOffset: buf.byteOffset, ...range, options, codes }));
  const [first] = ranges;
  const local = summarizeShard(path, buf.subarray(first.start, first.end), codes, options, first.lineOffset, first.start);
  const results = await Promise.allSettled(remote);
  const summaries = [local.summary];
  for (const r of results) {
    if (r.status !== 'fulfilled' || !r.value.plainJsonl || !r.value.summary) return lintSource(path, buf, options, role); // read differently from the whole file, or a worker failed
    summaries.push(r.value.summary);
  }
  return local.plainJsonl ? mergeShards(path, buf, options, role, summaries) : lintSource(path, buf, options, role);
}

/** The per-record rules in the workers over slices of the file, the whole-file rules on this thread over all of it. */
async function splitByRules(path: string, buf: Buffer, options: LintOptions, role: FileRole, pool: ShardPool): Promise<FileLintResult> {
  const { perRecord: inWorkers, wholeFile: onMain } = ruleGroups(options, true);
  if (inWorkers.every((r) => options.severity?.[r.code] === 'off')) return lintSource(path, buf, options, role);
  const portable = { ...options };
  delete portable.tokenCounter; // not serialisable: too-long then runs here (ruleGroups)
  const shards = splitLines(buf, pool.size).map((range, i) => pool.run(i, { mode: 'rules', path, bytes: buf.buffer as SharedArrayBuffer, byteOffset: buf.byteOffset, ...range, options: portable, codes: inWorkers.map((r) => r.code) }));
  const main = runRules(path, buf, onMain, options, role);
  const results = await Promise.allSettled(shards);
  const perCtx = new FileContext(path, options, role);
  if (results.every((r) => r.status === 'fulfilled' && r.value.plainJsonl && r.value.findings)) {
    for (const r of results) perCtx.absorb((r as PromiseFulfilledResult<ShardResult>).value.findings!);
  } else {
    // A shard read differently from the whole file (or a worker failed): lint those rules here instead.
    perCtx.absorb(runRules(path, buf, inWorkers, options, role).ctx.shardFindings());
  }
  return fileResult(main, perCtx);
}

/** The file's bytes in a SharedArrayBuffer: the workers read their slices without a copy. */
function readShared(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.from(new SharedArrayBuffer(size));
    let n = 0;
    while (n < size) {
      const got = readSync(fd, buf, n, size - n, n);
      if (got === 0) break; // truncated while reading: lint what was there
      n += got;
    }
    return n === size ? buf : buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

interface LineRange { start: number; end: number; lineOffset: number }

/**
 * Splits buf into about n ranges of whole lines; the first range has about `firstShare` of the bytes (default 1/n), the
 * others equal parts of the rest. Each range after the first starts at a line that is a JSON object on its own, so
 * that the reader takes the slice for JSONL as it does the whole file.
 */
export function splitLines(buf: Buffer, n: number, firstShare = 1 / n): LineRange[] {
  const ranges: LineRange[] = [];
  let start = 0, line = 0, counted = 0;
  for (let k = 1; k < n; k++) {
    const at = n === 1 ? 0 : firstShare + ((1 - firstShare) * (k - 1)) / (n - 1);
    let cut = buf.indexOf(0x0a, Math.max(start, Math.floor(buf.length * at)));
    for (let tries = 0; cut !== -1 && tries < 1000 && !startsObjectLine(buf, cut + 1); tries++) cut = buf.indexOf(0x0a, cut + 1);
    if (cut === -1 || !startsObjectLine(buf, cut + 1)) break;
    ranges.push({ start, end: cut + 1, lineOffset: line });
    for (let nl = buf.indexOf(0x0a, counted); nl !== -1 && nl <= cut; nl = buf.indexOf(0x0a, nl + 1)) line++;
    counted = cut + 1;
    start = cut + 1;
  }
  ranges.push({ start, end: buf.length, lineOffset: line });
  return ranges;
}

function startsObjectLine(buf: Buffer, at: number): boolean {
  if (at >= buf.length || buf[at] !== 0x7b) return false;
  const nl = buf.indexOf(0x0a, at);
  try {
    JSON.parse(buf.toString('utf8', at, nl === -1 ? buf.length : nl));
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------------------ workers

interface ShardTask extends LineRange {
  /** rules: lint with `codes` (lintShard); summary: also sum up the records for the whole-file rules (summarizeShard). */
  mode: 'rules' | 'summary';
  path: string;
  bytes: SharedArrayBuffer;
  byteOffset: number;
  options: LintOptions;
  /** The rules to run (per-record ones). */
  codes: LintCode[];
}
interface ShardResult { plainJsonl: boolean; findings?: ShardFindings; summary?: ShardSummary }

/** Lints one slice with the per-record rules; line numbers are made the file's. */
export function lintShard(task: ShardTask): ShardResult {
  const buf = Buffer.from(task.bytes, task.byteOffset + task.start, task.end - task.start);
  const run = runRules(task.path, buf, RULES.filter((r) => task.codes.includes(r.code)), task.options);
  const shard = run.ctx.shardFindings();
  const d = task.lineOffset;
  for (const f of shard.findings) shiftFinding(f, d, task.path);
  for (const [, span] of shard.firstDropped) { span.line += d; span.endLine += d; }
  return { plainJsonl: run.container === 'jsonl' && run.problems.length === 0, findings: shard };
}

export class ShardPool {
  private readonly workers: Worker[];

  constructor(readonly size: number, script: string) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(script, { workerData: { kind: WORKER_KIND } });
      w.unref();
      return w;
    });
  }

  /** Runs a task on worker i (one task per worker at a time). */
  run(i: number, task: ShardTask): Promise<ShardResult> {
    const w = this.workers[i];
    return new Promise((resolve, reject) => {
      const done = (): void => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
      const onMessage = (m: { result?: ShardResult; error?: string }): void => { done(); if (m.result) resolve(m.result); else reject(new Error(m.error)); };
      const onError = (e: Error): void => { done(); reject(e); };
      const onExit = (code: number): void => { done(); reject(new Error(`lint worker exited with code ${code}`)); };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// In a worker started by ShardPool (this file, or the CLI bundle that contains it): serve tasks.
if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) {
  parentPort?.on('message', (task: ShardTask) => {
    try {
      if (task.mode === 'summary') {
        const buf = Buffer.from(task.bytes, task.byteOffset + task.start, task.end - task.start);
        const result = summarizeShard(task.path, buf, task.codes, task.options, task.lineOffset, task.start);
        parentPort?.postMessage({ result }, transferList(result.summary));
        return;
      }
      parentPort?.postMessage({ result: lintShard(task) });
    } catch (e) {
      parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
  });
}

/** True in a thread that ShardPool started: a bundle that also serves other messages must leave those to the pool's handler. */
export function isShardWorker(): boolean {
  return !isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND;
}
