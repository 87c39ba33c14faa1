// Dataset lints as editor diagnostics: open JSONL (and JSON-array) documents are linted on open and,
// debounced, on change; their diagnostics go away when they close or when tunelab.lint.enable is off.
import * as vscode from 'vscode';
import { headText } from '../core/dataset/head-text';
import { countNewlines } from '../core/dataset/line-starts';
import { DATASET_LINT_CODES, everyFindingOf, type FileLintResult, type Finding, type LintCode, type LintOptions, type Severity, type TextEdit } from '../core/lint';
import { EVAL_FIXABLE_CODES, FIXABLE_CODES, fixText } from '../core/lint/fix-text';
import type { StringCleanup } from './stringValueFixes';
import { limitNote, shownFindings } from './findingLimit';
import type { DocLintResult, SessionBuild, TrainingRef } from './lintProtocol';
import { EvalLeakageSources } from './evalLeakageSources';
import { documentFacts, type DocumentFacts } from './documentFile';
import { UnknownDocumentError, type Linter } from './linter';
import type { LintSettings } from './lintSettings';
import { JSON_DATASET_LANGUAGE } from './wholeDocumentScans';

// Documents the worker does not hold yet wait this long after a change (their first lint sends the whole text); the
// others are linted at each change, one lint at a time per document, so a fast typist queues at most one more.
const DEBOUNCE_MS = 50;
const LINTED_SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'tunelab-parquet']); // the last: parquetRows.ts

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A `.json` file whose top level is an array of objects: a dataset, not a settings file. */
export function looksLikeRecordArray(head: string): boolean {
  return /^\s*\[\s*(\{|$)/.test(head);
}

/** Columns that make a CSV file a dataset (the fields of each format), not any spreadsheet. */
const DATASET_COLUMNS = new Set(['messages', 'conversations', 'instruction', 'output', 'prompt', 'completion', 'text']);

/** A CSV header row naming a dataset column: the file is linted as `tunelab lint` reads it, with fixes that edit its cells. */
export function looksLikeDatasetCsv(headerLine: string): boolean {
  return headerLine.replace(/^\ufeff/, '').split(',').some((c) => DATASET_COLUMNS.has(c.trim().replace(/^"(.*)"$/, '$1')));
}

/** A `.csv` file: its lines are CSV rows, not JSON (a dataset one when isDatasetDocument says so). */
export function isCsvDocument(doc: vscode.TextDocument): boolean {
  return /\.csv$/i.test(doc.fileName);
}

export function isDatasetDocument(doc: vscode.TextDocument): boolean {
  if (!LINTED_SCHEMES.has(doc.uri.scheme)) return false;
  if (doc.languageId === 'jsonl' || /\.jsonl$/i.test(doc.fileName)) return true;
  if (isCsvDocument(doc)) return doc.lineCount > 0 && looksLikeDatasetCsv(doc.lineAt(0).text);
  if (doc.languageId !== 'json' && doc.languageId !== JSON_DATASET_LANGUAGE && !/\.json$/i.test(doc.fileName)) return false;
  return looksLikeRecordArray(doc.getText(new vscode.Range(0, 0, 20, 0)));
}

/**
 * A large document just loaded from its file, unmodified, that VS Code read as UTF-8 with LF line ends: the worker
 * can read the file itself (documentFile.ts checks it matches) instead of the host building and sending the text.
 */
function readFromFile(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' || doc.isDirty || doc.eol !== vscode.EndOfLine.LF) return false;
  const files = vscode.workspace.getConfiguration('files', doc);
  if (files.get('encoding') !== 'utf8' || files.get('autoGuessEncoding') === true) return false;
  return documentChars(doc) >= FROM_FILE_CHARS;
}

/** The document's length without building its text (getText of 50 MB costs about 0.1 s). */
export function documentChars(doc: vscode.TextDocument): number {
  return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
}

export function documentPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

export function findingRange(f: { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  // Findings are 1-based with an exclusive end, like editor ranges once shifted to 0-based.
  return new vscode.Range(f.line - 1, f.column - 1, f.endLine - 1, f.endColumn - 1);
}

export function toDiagnostic(f: Finding, uri: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(findingRange(f), f.message, SEVERITY[f.severity]);
  d.code = f.code;
  d.source = 'tunelab';
  if (f.related.length) {
    d.relatedInformation = f.related.map((r) => {
      const target = r.path === f.path ? uri : vscode.Uri.file(r.path);
      return new vscode.DiagnosticRelatedInformation(new vscode.Location(target, new vscode.Position(Math.max(0, r.line - 1), 0)), r.message);
    });
  }
  return d;
}

/**
 * Documents longer than this show the findings of their first QUICK_HEAD_CHARS at once, the rest when ready. The
 * quick look runs before the whole lint in the worker: 250 KB (some 300 chat records, several screens) takes it
 * 10-30 ms, where 1 MB took 90-130 ms, all of it before the whole lint could start.
 */
const QUICK_HEAD_FROM_CHARS = 4_000_000;
/** Documents from this size on are read by the worker from their file when they can be (readFromFile). */
const FROM_FILE_CHARS = 4_000_000;
const QUICK_HEAD_CHARS = 250_000;
/** Findings about the whole dataset: not shown from the quick look at its start. */
const WHOLE_FILE_CODES: ReadonlySet<string> = new Set<string>(DATASET_LINT_CODES);

/** How long the last lint of a document took, for the editor benchmark (bench/editor). */
export interface LintTiming {
  version: number; workerMs: number; totalMs: number; incremental: boolean; findings: number;
  /** Threads the worker linted on (a large document's first lint). */
  threads?: number;
  /** The worker read the document from its file instead of being sent its text. */
  fromFile?: boolean;
  /** How the session behind an incremental lint was built (seeded: records whose work came from the threaded lint). */
  session?: SessionBuild;
  /**
   * Host clock (performance.now()): the last change event seen, the lint's start, the worker's start and end of the
   * lint (from its epoch times), the result's arrival on the main thread, and the end of publishing.
   */
  changedAt?: number; startedAt: number; workerStartedAt?: number; workerEndedAt?: number; receivedAt: number; publishedAt: number;
  /** Worker time applying the edits since the previous lint. */
  editMs?: number;
  /** Main-thread time spent turning the findings into diagnostics and setting them. */
  publishMs: number;
  /** A provisional answer (the session was being built); the whole one follows. */
  provisional?: boolean;
}

export class DatasetDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tunelab');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Findings of the last lint per document, with the version and lint settings they belong to (for quick fixes). */
  private readonly results = new Map<string, { version: number; settingsEpoch: number; findings: Finding[]; found: FileLintResult['stats']['findingsByCode'] }>();
  /** The running lint of each document, with what it was asked for: its version under the lint settings of then. */
  private readonly running = new Map<string, { lint: Promise<readonly vscode.Diagnostic[]>; request: string }>();
  private readonly queued = new Map<string, Promise<readonly vscode.Diagnostic[]>>();
  private readonly published = new vscode.EventEmitter<{ uri: vscode.Uri; result: FileLintResult | undefined; provisional: boolean }>();
  /**
   * A lint result was published for a dataset (its diagnostics set; `provisional`: the whole answer follows), or its
   * diagnostics were taken away (`result` undefined: closed, or linting turned off).
   */
  readonly onDidPublish = this.published.event;
  /** Documents whose last answer was provisional: the lint that waits for the whole answer. */
  private readonly followUps = new Map<string, Promise<void>>();
  /** Bumped when the lint settings change: a lint started under other settings is not the answer. */
  private settingsEpoch = 0;
  /** Bumped when a training file of an open eval document changed: a lint started before is not the answer. */
  private trainingEpoch = 0;
  private readonly leakage: EvalLeakageSources;
  /** The last reason each eval document's leakage was not checked, logged once. */
  private readonly leakageSkipped = new Map<string, string>();
  private readonly timings = new Map<string, LintTiming>();
  private readonly changedAt = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Lints that failed (logged, never shown as a popup): the tests check that bad input causes none. */
  failures = 0;

  /** `state`: the workspace's state, which keeps the eval and training files a training run paired (rememberEvalPair). */
  constructor(private readonly linter: Linter, private readonly log: vscode.LogOutputChannel, private readonly settings: LintSettings, state?: vscode.Memento) {
    this.leakage = new EvalLeakageSources(state);
    this.disposables.push(
      this.collection,
      this.published,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length) return;
        // Forwarded at once, in order: the worker's copy stays the document's text without resending it.
        const key = e.document.uri.toString();
        this.changedAt.set(key, performance.now());
        this.leakage.documentChanged(e.document.uri);
        if (this.linter.hasCopy(key)) {
          this.linter.editDocument(key, e.document.version, e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })));
          // The lint request goes out now, behind the edit: a timer would fire only once the extension host's main
          // thread is free, and on a large document VS Code keeps it busy for 100-300 ms after the event (bench/editor).
          // Requests while a lint runs become one more lint after it (lintDocument), so typing needs no debounce.
          if (isDatasetDocument(e.document) && this.enabled(e.document)) {
            clearTimeout(this.timers.get(key));
            this.timers.delete(key);
            void this.lintDocument(e.document).catch(() => undefined); // logged in lintOnce
            return;
          }
        }
        this.schedule(e.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('tunelab.lint.enable')) return;
        this.settingsEpoch++;
        this.lintAllOpen();
      }),
      // The rules: the setting or a .tunelab/lint.json changed.
      settings.onDidChange(() => {
        this.settingsEpoch++;
        this.lintAllOpen();
      }),
      this.leakage,
      this.leakage.onDidChangeTraining((keys) => {
        this.trainingEpoch++;
        for (const doc of vscode.workspace.textDocuments) {
          if (keys.includes(doc.uri.toString()) && isDatasetDocument(doc) && this.enabled(doc)) void this.lintDocument(doc).catch(() => undefined);
        }
      }),
    );
    this.lintAllOpen();
  }

  private enabled(doc: vscode.TextDocument): boolean {
    return vscode.workspace.getConfiguration('tunelab', doc.uri).get<boolean>('lint.enable', true);
  }

  private lintAllOpen(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!isDatasetDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    if (!this.enabled(doc)) {
      this.forget(doc.uri);
      return;
    }
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      // Linted since this was scheduled (e.g. the overview linted the document it just opened): nothing to redo.
      const last = this.results.get(key);
      if (last?.version === doc.version && last.settingsEpoch === this.settingsEpoch) return;
      void this.lintDocument(doc).catch(() => undefined); // logged in lintOnce
    }, delayMs));
  }

  /**
   * Lints a document now and publishes the result (unless the document changed meanwhile). One lint per document
   * runs at a time; requests while it runs become one more lint after it, of the text as it is then.
   */
  lintDocument(doc: vscode.TextDocument): Promise<readonly vscode.Diagnostic[]> {
    const key = doc.uri.toString();
    const queued = this.queued.get(key);
    if (queued) return queued;
    const running = this.running.get(key);
    if (!running) return this.start(doc);
    // A lint of this very text under these settings is running (the overview asking while the open's lint runs):
    // its result is the answer, and a second lint would only redo it.
    if (running.request === this.request(doc)) return running.lint;
    const next = running.lint.catch(() => undefined).then(() => {
      this.queued.delete(key);
      return this.start(doc);
    });
    this.queued.set(key, next);
    return next;
  }

  private request(doc: vscode.TextDocument): string {
    return `${doc.version}:${this.settingsEpoch}:${this.trainingEpoch}`;
  }

  private start(doc: vscode.TextDocument): Promise<readonly vscode.Diagnostic[]> {
    const key = doc.uri.toString();
    const p = this.lintOnce(doc);
    this.running.set(key, { lint: p, request: this.request(doc) });
    const clear = (): void => { if (this.running.get(key)?.lint === p) this.running.delete(key); };
    p.then(clear, clear);
    return p;
  }

  private async lintOnce(doc: vscode.TextDocument): Promise<readonly vscode.Diagnostic[]> {
    const key = doc.uri.toString();
    if (doc.isClosed) return [];
    const t0 = performance.now();
    const settingsEpoch = this.settingsEpoch;
    try {
      const options = this.settings.optionsFor(doc.uri);
      if (!this.results.has(key) && documentChars(doc) > QUICK_HEAD_FROM_CHARS) void this.quickHead(doc, options);
      let r: DocLintResult;
      try {
        if (!this.linter.hasCopy(key)) this.giveCopy(key, doc);
        r = await this.linter.lintDocument(key, options, false, this.trainingRefs(doc));
      } catch (err) {
        if (!(err instanceof UnknownDocumentError) || doc.isClosed) throw err;
        this.log.info(err.message); // why the worker had no copy (a file it did not take says so)
        this.linter.syncDocument(key, documentPath(doc.uri), doc.version, doc.getText());
        r = await this.linter.lintDocument(key, options, false, this.trainingRefs(doc));
      }
      this.noteLeakageCheck(key, r);
      const published = this.publishAnswer(doc, r, t0, settingsEpoch);
      if (!published) return doc.isClosed ? [] : this.collection.get(doc.uri) ?? [];
      if (r.provisional) this.followUp(doc, options);
      return published;
    } catch (err) {
      this.failures++;
      this.log.error(`lint of ${doc.uri.toString()} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      throw err;
    }
  }

  /** Publishes a worker's answer begun at `t0` unless the document changed since; undefined when it did. */
  private publishAnswer(doc: vscode.TextDocument, r: DocLintResult, t0: number, settingsEpoch: number): vscode.Diagnostic[] | undefined {
    const key = doc.uri.toString();
    const received = performance.now();
    // Closed, or typed on while it ran: the positions may be off, and the change scheduled the next lint.
    if (doc.isClosed || r.version !== doc.version) return undefined;
    this.results.set(key, { version: r.version, settingsEpoch, findings: r.result.findings, found: r.result.stats.findingsByCode });
    const t1 = performance.now();
    const published = this.publish(doc.uri, r.result, r.provisional);
    const t2 = performance.now();
    this.timings.set(key, {
      version: r.version, workerMs: r.ms, totalMs: t2 - t0, incremental: r.incremental, threads: r.threads, fromFile: r.fromFile, session: r.session, findings: r.result.findings.length,
      changedAt: this.changedAt.get(key), startedAt: t0, receivedAt: received, publishedAt: t2, publishMs: t2 - t1, editMs: r.editMs,
      workerStartedAt: r.startedAt === undefined ? undefined : r.startedAt - performance.timeOrigin,
      workerEndedAt: r.endedAt === undefined ? undefined : r.endedAt - performance.timeOrigin,
      provisional: r.provisional,
    });
    return published;
  }

  /**
   * After a provisional answer: asks for the whole one, which the worker gives once the document's session is built,
   * and publishes it. One per document at a time; the answer is of the text as it is then, so it also covers the
   * edits made while it waited.
   */
  private followUp(doc: vscode.TextDocument, options: LintOptions): void {
    const key = doc.uri.toString();
    if (this.followUps.has(key)) return;
    const t0 = performance.now();
    const settingsEpoch = this.settingsEpoch;
    const done = this.linter.lintDocument(key, options, true, this.trainingRefs(doc)).then((r) => {
      this.followUps.delete(key);
      if (doc.isClosed) return;
      this.noteLeakageCheck(key, r);
      // Edited after the worker answered: a lint of the newer text runs or is due; it is no longer provisional.
      if (!this.publishAnswer(doc, r, t0, settingsEpoch) && r.version !== doc.version) void this.lintDocument(doc).catch(() => undefined);
    }, (err: unknown) => {
      this.followUps.delete(key);
      if (!(err instanceof UnknownDocumentError)) this.log.error(`lint of ${key} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      // No copy any more (the worker restarted): a plain lint sends the text again.
      if (!doc.isClosed) void this.lintDocument(doc).catch(() => undefined);
    });
    this.followUps.set(key, done);
  }

  /** A training run's eval file: checked for leakage against its training file from now on, as it is edited too. */
  rememberEvalPair(evalUri: vscode.Uri, trainUri: vscode.Uri): void {
    if (evalUri.scheme === 'file' && trainUri.scheme === 'file') this.leakage.remember(evalUri.fsPath, [trainUri.fsPath]);
  }

  /** An eval document's training files (paired by a training run, or found by name next to it), to check its records for leakage from them. */
  private trainingRefs(doc: vscode.TextDocument): TrainingRef[] {
    return this.leakage.refsFor(doc, (key) => this.linter.hasCopy(key));
  }

  /** Logs why an eval document's leakage was not checked, once per reason; and what a check that read the training files took. */
  private noteLeakageCheck(key: string, r: DocLintResult): void {
    const check = r.leakage;
    if (!check) return;
    if (check.skipped) {
      if (this.leakageSkipped.get(key) !== check.skipped) this.log.info(`leakage of ${key} against ${check.trainPaths.join(', ')} not checked: ${check.skipped}`);
      this.leakageSkipped.set(key, check.skipped);
      return;
    }
    this.leakageSkipped.delete(key);
    if (check.read) this.log.info(`leakage of ${key}: read ${check.trainingRecords} training records of ${check.trainPaths.join(', ')} in ${Math.round(check.ms)} ms`);
  }

  /** Gives the worker its copy of a document: read from the document's file where it can be, else the text. */
  private giveCopy(key: string, doc: vscode.TextDocument): void {
    const facts = (): DocumentFacts => documentFacts(doc.lineCount, (i) => doc.lineAt(i).text);
    if (readFromFile(doc) && this.linter.syncDocumentFromFile(key, doc.uri.fsPath, doc.version, facts())) return;
    this.linter.syncDocument(key, documentPath(doc.uri), doc.version, doc.getText());
  }

  /**
   * First sight of a large document: lints only its first lines (ahead of the whole file in the worker's queue) and
   * shows their record findings at once; the whole file's findings replace them when ready. Findings about the
   * whole dataset (answer skew, outliers, record counts) wait for the whole file.
   */
  private async quickHead(doc: vscode.TextDocument, options: LintOptions): Promise<void> {
    const key = doc.uri.toString();
    let chars = 0;
    let lines = 0;
    while (lines < doc.lineCount && chars < QUICK_HEAD_CHARS) chars += doc.lineAt(lines++).text.length + 1;
    const version = doc.version;
    // Its whole records only: a record cut at the end, or an array's missing `]`, is no problem of the file.
    const text = headText(doc.getText(new vscode.Range(0, 0, lines, 0)), isCsvDocument(doc));
    if (text === undefined) return;
    lines = Math.min(lines, countNewlines(text, 0, text.length));
    try {
      const head = await this.linter.lint(documentPath(doc.uri), text, options);
      if (doc.isClosed || doc.version !== version || this.results.has(key)) return;
      const findings = head.findings.filter((f) => !WHOLE_FILE_CODES.has(f.code));
      const diagnostics = shownFindings(findings).map((f) => toDiagnostic(f, doc.uri));
      const note = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1),
        `Checked the first ${lines} of ${doc.lineCount} lines so far; the rest of the file is being checked.`, vscode.DiagnosticSeverity.Information);
      note.code = 'checking';
      note.source = 'tunelab';
      this.collection.set(doc.uri, [...diagnostics, note]);
    } catch (err) {
      this.log.warn(`quick lint of the start of ${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Publishes the result of linting a file that may not be open (Train on This Dataset, Lint Dataset). */
  publish(uri: vscode.Uri, result: FileLintResult, provisional = false): vscode.Diagnostic[] {
    const shown = shownFindings(result.findings);
    const diagnostics = shown.map((f) => toDiagnostic(f, uri));
    const total = result.stats.findingsBySeverity.error + result.stats.findingsBySeverity.warning + result.stats.findingsBySeverity.info;
    if (total > shown.length) {
      const note = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1),
        limitNote(shown.length, total),
        vscode.DiagnosticSeverity.Information);
      note.code = 'finding-limit';
      note.source = 'tunelab';
      diagnostics.push(note);
    }
    this.collection.set(uri, diagnostics);
    this.published.fire({ uri, result, provisional });
    return diagnostics;
  }

  /** Findings that still match the document's current text. */
  findingsFor(doc: vscode.TextDocument): Finding[] | undefined {
    const r = this.results.get(doc.uri.toString());
    return r && r.version === doc.version ? r.findings : undefined;
  }

  /** How many findings of `code` the last lint of the document found, including those past the per-code limit. */
  foundOf(doc: vscode.TextDocument, code: LintCode): number {
    const r = this.results.get(doc.uri.toString());
    return r && r.version === doc.version ? r.found[code] ?? 0 : 0;
  }

  /**
   * Every finding of one code in the document's current text, past the per-code limit (fix-all of a code with more
   * findings than are shown): a one-off lint in the worker with the other rules off. Undefined when the text changed
   * meanwhile.
   */
  async allFindingsOf(doc: vscode.TextDocument, code: LintCode): Promise<Finding[] | undefined> {
    const version = doc.version;
    const options = everyFindingOf(this.settings.optionsFor(doc.uri), [code]);
    let result: FileLintResult | undefined;
    try {
      const refs = code === 'leakage' ? this.trainingRefs(doc) : undefined;
      result = await this.linter.lintDocumentOnce(doc.uri.toString(), version, options, refs); // the worker's copy: no 50 MB message
    } catch (err) {
      if (!(err instanceof UnknownDocumentError)) throw err;
    }
    result ??= await this.linter.lint(documentPath(doc.uri), doc.getText(), options);
    return doc.version === version ? result.findings.filter((f) => f.code === code) : undefined;
  }

  /**
   * Per fixable code with findings in the document's last lint: how many have a fix (where the lint kept them all;
   * past the per-code limit, every finding of the code).
   */
  fixableCounts(doc: vscode.TextDocument): { code: LintCode; n: number }[] {
    const shown = this.findingsFor(doc) ?? [];
    // leakage's findings exist only on an eval document, compared with its training files
    return [...FIXABLE_CODES, ...EVAL_FIXABLE_CODES].map((code) => {
      const all = this.foundOf(doc, code);
      const kept = shown.filter((f) => f.code === code);
      return { code, n: kept.length < all ? all : kept.filter((f) => f.fixes?.length).length };
    }).filter((c) => c.n > 0);
  }

  /**
   * Every fix of `codes` in a document (core/lint/fix-text.ts: deletions first, then edits, until none applies), as
   * edits of its text now, worked out by the worker on its copy; undefined when the text changed meanwhile.
   */
  async fixAll(doc: vscode.TextDocument, codes: LintCode[]): Promise<{ edits: TextEdit[]; fixed: Partial<Record<LintCode, number>> } | undefined> {
    const version = doc.version;
    const options = this.settings.optionsFor(doc.uri);
    let result;
    try {
      result = await this.linter.fixAll(doc.uri.toString(), version, codes, options, codes.includes('leakage') ? this.trainingRefs(doc) : undefined);
    } catch (err) {
      if (!(err instanceof UnknownDocumentError)) throw err;
      result = fixText(documentPath(doc.uri), doc.getText(), codes, options); // a document the worker does not hold (not linted yet)
    }
    return doc.version === version ? result : undefined;
  }

  /** A clean-up's edits of a document, worked out by the worker on its copy; undefined when it holds none (not linted yet). */
  async stringEdits(doc: vscode.TextDocument, cleanup: StringCleanup, line?: number): Promise<TextEdit[] | undefined> {
    const version = doc.version;
    try {
      const edits = await this.linter.stringEdits(doc.uri.toString(), cleanup, line);
      return doc.version === version ? edits : undefined;
    } catch (err) {
      if (err instanceof UnknownDocumentError) return undefined;
      throw err;
    }
  }

  /** The last lint's timing of a document (benchmarks and tests). */
  timing(uri: vscode.Uri): LintTiming | undefined {
    return this.timings.get(uri.toString());
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.results.delete(key);
    this.timings.delete(key);
    this.changedAt.delete(key);
    this.leakage.forget(key);
    this.leakageSkipped.delete(key);
    this.collection.delete(uri);
    this.published.fire({ uri, result: undefined, provisional: false });
    this.linter.closeDocument(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
