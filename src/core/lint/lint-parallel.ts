/**
 * lintFiles on several cores, with the same output. The threads (this one included) take slices of the file (whole
 * lines, read from one SharedArrayBuffer) one after another, lint each with the per-record rules and sum up its records
 * for the rules that compare records or sum up the file; this thread finishes those from the summaries in file order as
 * they come (shard-summary.ts), so no record is parsed twice. A training file's records are compared with the eval
 * records there too (the leakage index lives on this thread). An eval file (its leakage is reported once every
 * training record is compared) and a lint with an in-process token counter split the rules in two groups instead
 * (rule-groups.ts): per-record rules in the workers, the rest here over the whole file at the same time. Either way
 * the shards' findings are taken in file order (FileContext.absorb), so counts, the per-code limit and its first
 * dropped finding are those of one serial pass; findings at one position sort in rule order (byPosition).
 * JSONL is cut at line breaks; a JSON array or CSV file at line starts between two records (record-parts.ts), each part
 * read as the whole file reads there. Small files, and files with read or encoding problems, are linted serially.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DecodedTables } from '../dataset/parquet';
import { csvHeaderColumns } from '../dataset/csv';
import { fatalEncodingProblem, utf8BomLength } from '../dataset/encoding';
import { arrayParts, csvHeaderBytes, csvParts, type LineRange } from '../dataset/record-parts';
import { firstNonBlank, openDataset, readsAsCsv } from '../dataset/read';
import { FileContext, type ShardFindings } from './context';
import type { FileRole } from './leakage-index';
import { planLint } from './lint-files';
import { shiftShardFindings } from './finding-lines';
import { fileResult, lintSource, runRules } from './lint-source';
import { PER_RECORD_CODES, ruleGroups } from './rule-groups';
import { openSlice, ShardMerger, summarizeShard, transferList, type PartRead, type ShardSummary, type SummaryWants } from './shard-summary';
import { RULES } from './rules';
import type { FileLintResult, LintCode, LintOptions, LintOutput } from './types';

/**
 * Smaller files are linted on the main thread alone: starting the workers (each loads the bundle) and cutting the file
 * cost more than they save. On 2 cores, 5-10 MB files took 0.1 s longer with 2 jobs than with 1, and 20 MB as long.
 * Once the workers are started they pay off from about a quarter of that (a 5 MB file: 61-64 ms against 98-112 ms on
 * one thread; 2 MB: the same), so files of that size go to them when they add up to this much (a dataset in shards,
 * an eval file after its training file).
 */
export const MIN_PARALLEL_BYTES = 16 << 20;
/** The largest slice of a file that one thread lints at a time (splitByRecords): about 0.2 s of work. */
const MAX_SLICE_BYTES = 4 << 20;
const WORKER_KIND = 'tunelab-lint-shard';

export interface ParallelOptions {
  evalFiles?: string[];
  /** Threads in all, the main one included; 1 lints serially. */
  jobs?: number;
  /** Files under this size are linted serially (default MIN_PARALLEL_BYTES); tests set 0. */
  minParallelBytes?: number;
  /** Script the workers run (default: this module's file, which is also the CLI bundle). */
  workerScript?: string;
  /** The largest slice that one thread lints at a time (default MAX_SLICE_BYTES); tests set 1 to cut at every line. */
  sliceBytes?: number;
}

/** lintFiles with the per-record rules on `jobs - 1` worker threads. */
export async function lintFilesParallel(paths: string[], opts: LintOptions & ParallelOptions & { tables?: DecodedTables } = {}): Promise<LintOutput> {
  const { jobs = 1, minParallelBytes = MIN_PARALLEL_BYTES, workerScript = __filename, sliceBytes = MAX_SLICE_BYTES, ...lintOpts } = opts;
  const plan = planLint(paths, lintOpts, readShared);
  // Files this large go to the threads when those are worth starting for them.
  const threadBytes = minParallelBytes / 4;
  const enough = jobs > 1 && plan.files.map((f) => lintOpts.tables?.get(f.path)?.length ?? fileSize(f.path))
    .filter((n) => n >= threadBytes).reduce((a, n) => a + n, 0) >= minParallelBytes;
  // Started for the first file that goes to them: a run of small files starts no thread.
  let pool: ShardPool | undefined;
  try {
    for (const f of plan.files) {
      const buf = f.load();
      if (!buf) continue;
      const parallel = jobs > 1 && buf.length > 0 && (buf.length >= minParallelBytes || (enough && buf.length >= threadBytes));
      if (parallel) pool ??= new ShardPool(jobs - 1, workerScript);
      plan.results.set(f.path, parallel ? await lintFileParallel(f.path, buf, plan.options, f.role, pool!, { sliceBytes }) : lintSource(f.path, buf, plan.options, f.role));
    }
  } finally {
    await pool?.close();
  }
  return plan.output();
}

/** A file's size on disk, 0 when it cannot be told (its reading then says why). */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export interface FileParallelOptions {
  /** The largest slice that one thread lints at a time (default MAX_SLICE_BYTES). */
  sliceBytes?: number;
  /**
   * Filled with the slices' summaries, in file order, when the file was linted by slices: every per-record finding
   * (no per-code limit) and the near-duplicate arrays kept, for an editor session to start from (session-seeds.ts).
   */
  keep?: ShardSummary[];
}

export async function lintFileParallel(path: string, buf: Buffer, options: LintOptions, role: FileRole, pool: ShardPool, opts: FileParallelOptions = {}): Promise<FileLintResult> {
  // Read whole here to tell its container, a JSON array or CSV file would be read twice: once to tell, once to lint.
  if (isArrayOrCsv(path, buf)) {
    if (byRecords(role, options)) return (await lintInParts(path, buf, options, role, pool, opts)) ?? lintSource(path, buf, options, role);
    const parts = fatalEncodingProblem(buf) ? undefined : recordParts(path, buf, evenStarts(buf.length, pool.size));
    return parts ? splitByRules(path, buf, options, role, pool, parts) : lintSource(path, buf, options, role);
  }
  const opened = openDataset(buf, path); // container and file-level problems only: records are read below
  if (opened.container !== 'jsonl' || opened.problems.length) return lintSource(path, buf, options, role);
  if (!byRecords(role, options)) return splitByRules(path, buf, options, role, pool);
  return splitByRecords(path, buf, options, role, pool, { ranges: cutLines(buf, sliceStarts(buf.length, pool.size + 1, opts.sliceBytes ?? MAX_SLICE_BYTES)) }, opts.keep);
}

/**
 * lintFileParallel of a JSON array or CSV file (isArrayOrCsv), or undefined where its records cannot be cut into parts:
 * a serial lint is then all there is (the editor's worker leaves that to the document's session).
 */
export async function lintInParts(path: string, buf: Buffer, options: LintOptions, role: FileRole, pool: ShardPool, opts: FileParallelOptions = {}): Promise<FileLintResult | undefined> {
  // An eval file or an in-process token counter: lintFileParallel splits the rules instead (the editor has neither).
  if (!isArrayOrCsv(path, buf) || !byRecords(role, options) || fatalEncodingProblem(buf)) return undefined;
  const parts = recordParts(path, buf, sliceStarts(buf.length, pool.size + 1, opts.sliceBytes ?? MAX_SLICE_BYTES));
  return parts && parts.ranges.length > 1 ? splitByRecords(path, buf, options, role, pool, parts, opts.keep) : undefined;
}

/**
 * Whether the file is linted by slices of records (splitByRecords), or by rules split between the threads
 * (splitByRules): an in-process token counter lives on this thread, and so does an eval file's leakage, reported when
 * every training record has been compared. A training file's records are compared in the merge, from their summaries.
 */
function byRecords(role: FileRole, options: LintOptions): boolean {
  return !options.tokenCounter && (!role.leakage || comparesWithEval(role));
}

/** A training file whose records go to the leakage index (eval files are being linted too). */
function comparesWithEval(role: FileRole): boolean {
  return role.role === 'train' && role.leakage !== undefined;
}

/** What the reader takes as CSV (by the name) or as a JSON array (its first character `[`), told without reading it whole. */
export function isArrayOrCsv(path: string, buf: Buffer): boolean {
  if (readsAsCsv(path)) return true;
  const at = firstNonBlank(buf, utf8BomLength(buf));
  return at !== -1 && buf[at] === 0x5b;
}

/** How the parallel lint cuts a file: JSONL lines (no `read`), or parts of a JSON array's or CSV file's records. */
interface FileCuts {
  ranges: LineRange[];
  read?: Omit<PartRead, 'first' | 'last'>;
}

/**
 * A JSON array's or CSV file's records cut into parts at or after `starts` (record-parts.ts); undefined where the reader
 * would not take the file as one array, or a CSV header as written.
 */
function recordParts(path: string, buf: Buffer, starts: readonly number[]): FileCuts | undefined {
  if (!readsAsCsv(path)) {
    const ranges = arrayParts(buf, starts);
    return ranges && { ranges, read: { container: 'json-array' } };
  }
  const header = csvHeaderBytes(buf);
  if (!header) return undefined;
  const csvHeader = buf.toString('utf8', header.start, header.end).replace(/\r?\n$/, '');
  // A header the reader would take differently (or report) is left to the serial lint.
  if (!csvHeaderColumns(csvHeader)) return undefined;
  return { ranges: csvParts(buf, header, starts), read: { container: 'csv', csvHeader } };
}

/**
 * The file is cut into many slices of whole lines (more than threads), which the threads, this one included, take one
 * after another from a shared counter: each lints its slice with the per-record rules and sums up what the whole-file
 * rules need. This thread takes in the summaries in file order as they come (ShardMerger), before it lints another
 * slice, so that its merging overlaps the workers' linting and no thread waits long for another at the end.
 */
async function splitByRecords(path: string, buf: Buffer, options: LintOptions, role: FileRole, pool: ShardPool, cuts: FileCuts, keep?: ShardSummary[]): Promise<FileLintResult> {
  const codes = [...PER_RECORD_CODES, 'schema' as const];
  // Kept summaries hold every finding: the merge applies the per-code limit all the same (FileContext.absorb).
  const sliceOptions = keep ? { ...options, maxFindingsPerCode: Infinity } : options;
  const { ranges, read } = cuts;
  const n = ranges.length;
  const next = new Int32Array(new SharedArrayBuffer(4)); // the next slice to take
  const done = new Map<number, ShardSummary | undefined>(); // slice -> its summary; undefined: not read as the whole file reads there
  let failed = false;
  let wake: (() => void) | undefined;
  const arrived = (k: number, r: ShardResult): void => {
    done.set(k, r.readsAsWhole ? r.summary : undefined);
    wake?.();
  };
  // A training file compared with eval files: the merge compares its records too (leakage), from their summaries.
  const wants: SummaryWants = { shapes: !!keep, gramFilter: comparesWithEval(role) ? role.leakage!.gramFilter() : undefined };
  const task: ShardTask = { mode: 'slices', path, bytes: buf.buffer as SharedArrayBuffer, byteOffset: buf.byteOffset, start: 0, end: buf.length, lineOffset: 0, options: sliceOptions, codes, ranges, next: next.buffer as SharedArrayBuffer, wants, read };
  const workers = Array.from({ length: pool.size }, (_, i) => pool.run(i, task, arrived).catch(() => { failed = true; wake?.(); }));
  let merger: ShardMerger | undefined;
  let serial = false;
  for (let k = 0; k < n && !serial && !failed;) {
    if (done.has(k)) {
      const summary = done.get(k);
      done.delete(k);
      if (!summary) { serial = true; break; }
      merger ??= new ShardMerger(path, buf, options, role, Math.ceil((summary.valid * buf.length) / Math.max(1, ranges[k].end - ranges[k].start) * 1.1), read?.container, read?.csvHeader);
      merger.add(summary);
      if (keep) keep.push(summary); else releaseNearDuplicateData(summary);
      k++;
      continue;
    }
    const mine = Atomics.add(next, 0, 1);
    if (mine < n) {
      const range = ranges[mine];
      const local = summarizeShard(path, buf.subarray(range.start, range.end), codes, sliceOptions, range.lineOffset, range.start, wants, partRead(read, mine, n));
      done.set(mine, local.readsAsWhole ? local.summary : undefined);
      await turn(); // take in the workers' messages
    } else {
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  }
  // Workers stop at their next slice; a pool must be idle before its next task.
  Atomics.store(next, 0, n);
  await Promise.all(workers);
  if (serial || failed || !merger) {
    keep?.splice(0);
    // A training file's records the merge compared with the eval records are compared again here: harmless, as a match
    // keeps the first training record of the strongest kind and score, and these come again in the same order.
    return lintSource(path, buf, options, role);
  }
  return merger.finish();
}

/**
 * Where the slices for `threads` should start (nominal byte offsets, before moving to a line start): a slice takes
 * 1/(2 threads) of what is left, at most maxBytes and at least 1/64 of that (less in a small file), so they get shorter
 * towards the end and the threads finish at about the same time. Each slice costs a little (a message, a rule context).
 */
export function sliceStarts(bytes: number, threads: number, maxBytes = MAX_SLICE_BYTES): number[] {
  const starts: number[] = [];
  const max = Math.max(1, maxBytes);
  const min = Math.max(1, Math.floor(Math.min(max / 64, bytes / (8 * threads))));
  for (let at = 0; at < bytes;) {
    starts.push(at);
    at += Math.min(max, Math.max(min, Math.ceil((bytes - at) / (2 * threads))));
  }
  return starts;
}

/** Lets the event loop deliver the workers' messages. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A merged summary's band keys are chained, its shingles held by the near-duplicate index and its 13-grams compared: the summary lets go of them. */
function releaseNearDuplicateData(s: ShardSummary): void {
  s.shingles = EMPTY;
  s.bandKeys = EMPTY;
  s.offsets = EMPTY;
  s.grams = undefined;
}
const EMPTY = new Int32Array(0);

/**
 * The per-record rules in the workers over slices of the file (JSONL lines, or `parts` of a JSON array or CSV file, one
 * per worker), the whole-file rules on this thread over all of it.
 */
async function splitByRules(path: string, buf: Buffer, options: LintOptions, role: FileRole, pool: ShardPool, parts?: FileCuts): Promise<FileLintResult> {
  const { perRecord: inWorkers, wholeFile: onMain } = ruleGroups(options, true);
  if (inWorkers.every((r) => options.severity?.[r.code] === 'off')) return lintSource(path, buf, options, role);
  const portable = { ...options };
  delete portable.tokenCounter; // not serialisable: too-long then runs here (ruleGroups)
  const ranges = parts?.ranges ?? splitLines(buf, pool.size);
  const shards = ranges.map((range, i) => pool.run(i, {
    mode: 'rules', path, bytes: buf.buffer as SharedArrayBuffer, byteOffset: buf.byteOffset, ...range, options: portable, codes: inWorkers.map((r) => r.code),
    part: partRead(parts?.read, i, ranges.length),
  }));
  const main = runRules(path, buf, onMain, options, role);
  const results = await Promise.allSettled(shards);
  const perCtx = new FileContext(path, options, role);
  if (results.every((r) => r.status === 'fulfilled' && r.value.readsAsWhole && r.value.findings)) {
    for (const r of results) perCtx.absorb((r as PromiseFulfilledResult<ShardResult>).value.findings!);
  } else {
    // A shard read differently from the whole file (or a worker failed): lint those rules here instead.
    perCtx.absorb(runRules(path, buf, inWorkers, options, role).ctx.shardFindings());
  }
  return fileResult(main, perCtx);
}

/** The file's bytes in a SharedArrayBuffer: the workers read their slices without a copy. */
export function readShared(path: string): Buffer {
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

/**
 * Splits buf into about n ranges of whole lines; the first range has about `firstShare` of the bytes (default 1/n), the
 * others equal parts of the rest. Each range after the first starts at a line that is a JSON object on its own, so
 * that the reader takes the slice for JSONL as it does the whole file.
 */
export function splitLines(buf: Buffer, n: number, firstShare = 1 / n): LineRange[] {
  return cutLines(buf, evenStarts(buf.length, n, firstShare));
}

/** Where n parts of `bytes` start: the first about `firstShare` of them, the others equal parts of the rest. */
function evenStarts(bytes: number, n: number, firstShare = 1 / n): number[] {
  const starts = [0];
  for (let k = 1; k < n; k++) starts.push(Math.floor(bytes * (firstShare + ((1 - firstShare) * (k - 1)) / (n - 1))));
  return starts;
}

/**
 * Splits buf into ranges of whole lines, each after the first starting after the first line break at or after its
 * entry of `starts` (ascending byte offsets; the first is 0).
 * Each range after the first starts at a line that is a JSON object on its own, so that the reader takes the slice
 * for JSONL as it does the whole file.
 */
export function cutLines(buf: Buffer, starts: readonly number[]): LineRange[] {
  const ranges: LineRange[] = [];
  let start = 0, line = 0, counted = 0;
  for (let k = 1; k < starts.length; k++) {
    let cut = buf.indexOf(0x0a, Math.max(start, starts[k]));
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
  /**
   * rules: lint the range with `codes` (lintShard); slices: lint and sum up (summarizeShard) each of `ranges` taken
   * from the counter `next`, each result posted as soon as it is done.
   */
  mode: 'rules' | 'slices';
  path: string;
  bytes: SharedArrayBuffer;
  byteOffset: number;
  options: LintOptions;
  /** The rules to run (per-record ones). */
  codes: LintCode[];
  ranges?: LineRange[];
  /** One Int32: the next of `ranges` that no thread has taken yet. */
  next?: SharedArrayBuffer;
  /** slices: what each summary carries besides what the options need (an editor session's shapes, leakage's 13-grams). */
  wants?: SummaryWants;
  /** slices: parts of a JSON array's or CSV file's records (undefined: JSONL lines). */
  read?: Omit<PartRead, 'first' | 'last'>;
  /** rules: how the range is read, when it is a part of a JSON array's or CSV file's records. */
  part?: PartRead;
}
interface ShardResult { readsAsWhole: boolean; findings?: ShardFindings; summary?: ShardSummary }

/** Lints one slice with the per-record rules; line numbers are made the file's. */
export function lintShard(task: ShardTask): ShardResult {
  const buf = Buffer.from(task.bytes, task.byteOffset + task.start, task.end - task.start);
  const rules = RULES.filter((r) => task.codes.includes(r.code));
  if (task.part) {
    // A part's records have the file's line numbers already.
    const opened = openSlice(task.path, buf, task.lineOffset + 1, task.part);
    const run = runRules(task.path, opened.dataset, rules, task.options);
    return { readsAsWhole: opened.readsAsWhole(), findings: run.ctx.shardFindings() };
  }
  const run = runRules(task.path, buf, rules, task.options);
  const shard = run.ctx.shardFindings();
  shiftShardFindings(shard, task.lineOffset, task.path);
  return { readsAsWhole: run.container === 'jsonl' && run.problems.length === 0, findings: shard };
}

export class ShardPool {
  private readonly workers: Worker[];
  /** Workers that have exited (a crash): their tasks fail at once, so that the caller lints serially instead. */
  private readonly exited = new Set<Worker>();

  /** Per worker: settled when the tasks given to it so far have ended. */
  private readonly queues: Promise<unknown>[];

  constructor(readonly size: number, script: string) {
    this.queues = Array.from({ length: size }, () => Promise.resolve());
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(script, { workerData: { kind: WORKER_KIND } });
      w.unref();
      w.once('exit', () => this.exited.add(w));
      return w;
    });
  }

  /**
   * Runs a task on worker i once the tasks given to it before have ended (a worker's messages would otherwise answer
   * both: the editor's lint worker may lint two large documents at once, or check a training run meanwhile); a slices
   * task hands each slice's result to `onSlice`.
   */
  run(i: number, task: ShardTask, onSlice?: (slice: number, result: ShardResult) => void): Promise<ShardResult> {
    const started = this.queues[i].then(() => this.runNow(i, task, onSlice));
    this.queues[i] = started.catch(() => undefined);
    return started;
  }

  /**
   * run() on an idle worker. The worker holds the event loop open while it has a task: an idle pool must not keep a
   * process alive, but a caller awaiting a worker that dies would otherwise see the loop end before its exit event.
   */
  private runNow(i: number, task: ShardTask, onSlice?: (slice: number, result: ShardResult) => void): Promise<ShardResult> {
    const w = this.workers[i];
    if (this.exited.has(w)) return Promise.reject(new Error('lint worker exited'));
    return new Promise((resolve, reject) => {
      const done = (): void => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); w.unref(); };
      const onMessage = (m: { result?: ShardResult; slice?: number; error?: string }): void => {
        if (m.slice !== undefined) { onSlice?.(m.slice, m.result!); return; }
        done();
        if (m.result) resolve(m.result); else reject(new Error(m.error));
      };
      const onError = (e: Error): void => { done(); reject(e); };
      const onExit = (code: number): void => { done(); reject(new Error(`lint worker exited with code ${code}`)); };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.ref();
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
      if (task.mode === 'slices') {
        summarizeSlices(task);
        parentPort?.postMessage({ result: { readsAsWhole: true } });
        return;
      }
      parentPort?.postMessage({ result: lintShard(task) });
    } catch (e) {
      parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
  });
}

/** A slices task in a worker: takes slices from the shared counter until none is left, posting each summary. */
function summarizeSlices(task: ShardTask): void {
  const next = new Int32Array(task.next!);
  const ranges = task.ranges!;
  for (let k = Atomics.add(next, 0, 1); k < ranges.length; k = Atomics.add(next, 0, 1)) {
    const { start, end, lineOffset } = ranges[k];
    const result = summarizeShard(task.path, Buffer.from(task.bytes, task.byteOffset + start, end - start), task.codes, task.options, lineOffset, start, task.wants, partRead(task.read, k, ranges.length));
    parentPort?.postMessage({ slice: k, result }, transferList(result.summary));
  }
}

/** How part k of n is read (undefined for JSONL lines). */
function partRead(read: FileCuts['read'], k: number, n: number): PartRead | undefined {
  return read && { ...read, first: k === 0, last: k === n - 1 };
}

/** True in a thread that ShardPool started: a bundle that also serves other messages must leave those to the pool's handler. */
export function isShardWorker(): boolean {
  return !isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND;
}
