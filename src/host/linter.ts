// Runs core lints in a worker thread so a large dataset never freezes the editor. The worker keeps a copy of each
// open dataset document; the host forwards edits as they happen (small messages) and asks for a lint when typing
// pauses. If the worker cannot start (the bundle is missing, as when the sources run unbundled), lints run inline.
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { lintSource, lintTrainAndEval, type FileLintResult, type LintCode, type LintInput, type LintOptions, type TextEdit } from '../core/lint';
import { fixText } from '../core/lint/fix-text';
import { decodedIfParquet, parquetRowsText } from '../core/dataset/parquet';
import type { Span } from '../core/dataset/types';
import type { DatasetOverview } from '../../webview/overviewProtocol';
import type { DocumentFacts } from './documentFile';
import type { StringCleanup } from './stringValueFixes';
import type { DocLintResult, ParquetRows, RecordTokensInfo, TextChange, TrainingRef, WorkerAnswers, WorkerRequest, WorkerResponse } from './lintProtocol';

/** The worker lost its copy of a document (it restarted, or an edit did not apply): send the whole text again. */
export class UnknownDocumentError extends Error {}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Question = Exclude<WorkerRequest, { type: 'open' | 'openFile' | 'edit' | 'close' }>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class Linter implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private workerBroken = false;
  /** Documents the current worker holds a copy of. */
  private readonly copies = new Set<string>();

  constructor(private readonly workerScript: string, private readonly log: vscode.LogOutputChannel) {}

  /**
   * Starts the worker now: loading its script takes 0.1-0.2 s, which the first dataset opened would otherwise wait
   * for before its first lint begins.
   */
  start(): void {
    this.ensureWorker();
  }

  /** Lints a file's bytes or a text once (files that are not open). */
  lint(path: string, input: string | Buffer, options?: LintOptions): Promise<FileLintResult> {
    if (!this.ensureWorker()) return decodedIfParquet(input).then((decoded) => lintSource(path, decoded, options));
    return this.ask({ type: 'lint', path, input, options });
  }

  /** Lints a training file and its eval file together (leakage from one to the other), as `tunelab train` does. */
  async lintPair(train: LintInput, held: LintInput, options?: LintOptions): Promise<{ train: FileLintResult; eval: FileLintResult }> {
    if (this.ensureWorker()) return this.ask({ type: 'lintPair', train, eval: held, options });
    const decode = async (f: LintInput): Promise<LintInput> => ({ path: f.path, input: await decodedIfParquet(f.input) });
    return lintTrainAndEval(await decode(train), await decode(held), options);
  }

  /** False when the next lint of `doc` needs syncDocument first. */
  hasCopy(doc: string): boolean {
    return this.ensureWorker() ? this.copies.has(doc) : this.inline.has(doc);
  }

  /**
   * Gives the worker the whole text of a document. The host keeps a copy only when there is no worker: with one, a
   * copy here would never see the edits and would hold a large document's text (up to twice its size) for nothing.
   */
  syncDocument(doc: string, path: string, version: number, text: string): void {
    const worker = this.ensureWorker();
    if (!worker) {
      this.inline.set(doc, { path, version, text });
      return;
    }
    worker.postMessage({ type: 'open', doc, path, version, text } satisfies WorkerRequest);
    this.copies.add(doc);
  }

  /**
   * Has the worker read a document's text from its file instead (a large document just opened, unmodified): the
   * worker checks the file against `facts` and keeps no copy when they differ, so that the next lintDocument fails
   * with UnknownDocumentError and the caller sends the text. False without a worker (nothing was sent).
   */
  syncDocumentFromFile(doc: string, path: string, version: number, facts: DocumentFacts): boolean {
    const worker = this.ensureWorker();
    if (!worker) return false;
    worker.postMessage({ type: 'openFile', doc, path, version, facts } satisfies WorkerRequest);
    this.copies.add(doc);
    return true;
  }

  /** Forwards one change event; a document the worker does not hold is synced whole at its next lint instead. */
  editDocument(doc: string, version: number, changes: TextChange[]): void {
    if (!this.worker) {
      this.inline.delete(doc);
      return;
    }
    if (!this.copies.has(doc)) return;
    this.worker.postMessage({ type: 'edit', doc, version, changes } satisfies WorkerRequest);
  }

  closeDocument(doc: string): void {
    this.inline.delete(doc);
    if (this.copies.delete(doc)) this.worker?.postMessage({ type: 'close', doc } satisfies WorkerRequest);
  }

  /**
   * Lints the worker's copy of a document; UnknownDocumentError when it has none (sync and ask again). The answer may be
   * provisional (DocLintResult.provisional) unless `wait`. `leakageFrom`: an eval document's training files.
   */
  async lintDocument(doc: string, options?: LintOptions, wait?: boolean, leakageFrom?: TrainingRef[]): Promise<DocLintResult> {
    if (!this.ensureWorker()) {
      const copy = this.inlineCopy(doc);
      const t0 = performance.now();
      // Without the worker nothing keeps training features: an eval document is linted by itself.
      return { version: copy.version, result: lintSource(copy.path, copy.text, options), ms: performance.now() - t0, incremental: false };
    }
    return this.ask({ type: 'lintDoc', doc, options, wait, leakageFrom: leakageFrom?.length ? leakageFrom : undefined });
  }

  /**
   * Lints the worker's copy of a document once with `options`, outside its session, when the copy is at `version`:
   * the text need not be sent. Undefined when the copy is at another version; UnknownDocumentError without one.
   */
  async lintDocumentOnce(doc: string, version: number, options: LintOptions, leakageFrom?: TrainingRef[]): Promise<FileLintResult | undefined> {
    if (!this.ensureWorker()) {
      const copy = this.inlineCopy(doc);
      return copy.version === version ? lintSource(copy.path, copy.text, options) : undefined;
    }
    return this.ask({ type: 'lintDocOnce', doc, version, options, leakageFrom: leakageFrom?.length ? leakageFrom : undefined });
  }

  /**
   * Every fix of `codes` in the worker's copy of a document at `version`, as edits of that version (fix-text.ts);
   * undefined when the copy is at another version; UnknownDocumentError without one.
   */
  async fixAll(doc: string, version: number, codes: LintCode[], options: LintOptions, leakageFrom?: TrainingRef[]): Promise<WorkerAnswers['fixAll']> {
    if (!this.ensureWorker()) {
      const copy = this.inlineCopy(doc);
      if (copy.version !== version) return undefined;
      const { edits, fixed } = fixText(copy.path, copy.text, codes, options);
      return { edits, fixed };
    }
    return this.ask({ type: 'fixAll', doc, version, codes, options, leakageFrom: leakageFrom?.length ? leakageFrom : undefined });
  }

  /** A clean-up's edits of the worker's copy of `doc` (the row covering `line`, or all); UnknownDocumentError without a copy. */
  stringEdits(doc: string, cleanup: StringCleanup, line?: number): Promise<TextEdit[]> {
    if (!this.ensureWorker()) return Promise.reject(new Error('the lint worker is not available'));
    return this.ask({ type: 'stringEdits', doc, cleanup, line });
  }

  /** A Parquet file's rows as JSONL text, decoded in the worker (seconds for a large file: not on the host's thread). */
  parquetRows(bytes: Buffer, maxBytes: number): Promise<ParquetRows> {
    if (!this.ensureWorker()) return parquetRowsText(bytes, maxBytes);
    return this.ask({ type: 'parquetRows', bytes, maxBytes });
  }

  overview(doc: string, modelDir: string | undefined): Promise<DatasetOverview> {
    if (!this.ensureWorker()) return Promise.reject(new Error('the lint worker is not available'));
    return this.ask({ type: 'overview', doc, modelDir });
  }

  /** recordTokens of the record covering 1-based `line` of the worker's copy of `doc`, with its span; UnknownDocumentError without a copy. */
  recordTokensAt(doc: string, line: number, modelDir: string | undefined): Promise<{ info: RecordTokensInfo; span: Span } | undefined> {
    if (!this.ensureWorker()) return Promise.reject(new Error('the lint worker is not available'));
    return this.ask({ type: 'recordTokensAt', doc, line, modelDir });
  }

  recordTokens(recordText: string, modelDir: string | undefined): Promise<RecordTokensInfo> {
    if (!this.ensureWorker()) return Promise.reject(new Error('the lint worker is not available'));
    return this.ask({ type: 'recordTokens', recordText, modelDir });
  }

  /** Copies kept when there is no worker (unbundled runs). */
  private readonly inline = new Map<string, { path: string; version: number; text: string }>();

  /** The copy of a document kept here when there is no worker; UnknownDocumentError without one. */
  private inlineCopy(doc: string): { path: string; version: number; text: string } {
    const copy = this.inline.get(doc);
    if (!copy) throw new UnknownDocumentError(doc);
    return copy;
  }

  /** Documents whose text the host itself keeps (only without a worker); for tests. */
  hostCopies(): number {
    return this.inline.size;
  }

  private ask<Q extends DistributiveOmit<Question, 'id'>>(question: Q): Promise<WorkerAnswers[Q['type']]> {
    const worker = this.ensureWorker()!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...question, id } as WorkerRequest);
    });
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.workerBroken) return this.worker;
    if (!fs.existsSync(this.workerScript)) {
      this.workerBroken = true;
      this.log.warn(`lint worker ${this.workerScript} not found: linting on the main thread`);
      return undefined;
    }
    const worker = new Worker(this.workerScript);
    worker.unref();
    worker.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) {
        if (msg.unknownDoc) this.copies.delete(msg.unknownDoc);
        p.reject(msg.unknownDoc ? new UnknownDocumentError(msg.error) : new Error(msg.error));
      } else {
        p.resolve(msg.value);
      }
    });
    const fail = (why: string): void => {
      this.log.error(`lint worker ${why}`);
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.copies.clear();
      for (const p of this.pending.values()) p.reject(new Error(`lint worker ${why}`));
      this.pending.clear();
    };
    worker.on('error', (err) => fail(`failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => { if (this.worker === worker) fail(`exited with code ${code}`); });
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.workerBroken = true;
    void worker?.terminate();
  }
}
