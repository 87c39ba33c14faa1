// Dataset lints as editor diagnostics: open JSONL (and JSON-array) documents are linted on open and,
// debounced, on change; their diagnostics go away when they close or when tunelab.lint.enable is off.
import * as vscode from 'vscode';
import type { FileLintResult, Finding, Severity } from '../core/lint';
import type { Linter } from './linter';

const DEBOUNCE_MS = 150;
const LINTED_SCHEMES = new Set(['file', 'untitled', 'vscode-remote']);

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A `.json` file whose top level is an array of objects: a dataset, not a settings file. */
export function looksLikeRecordArray(head: string): boolean {
  return /^\s*\[\s*(\{|$)/.test(head);
}

export function isDatasetDocument(doc: vscode.TextDocument): boolean {
  if (!LINTED_SCHEMES.has(doc.uri.scheme)) return false;
  if (doc.languageId === 'jsonl' || /\.jsonl$/i.test(doc.fileName)) return true;
  if (doc.languageId !== 'json' && !/\.json$/i.test(doc.fileName)) return false;
  return looksLikeRecordArray(doc.getText(new vscode.Range(0, 0, 20, 0)));
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

export class DatasetDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tunelab');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Findings of the last lint per document, with the version they belong to (for quick fixes). */
  private readonly results = new Map<string, { version: number; findings: Finding[] }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly linter: Linter, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tunelab.lint')) this.lintAllOpen();
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
      void this.lintDocument(doc).catch((err: unknown) => this.log.error(`lint of ${doc.uri.toString()} failed: ${String(err)}`));
    }, delayMs));
  }

  /** Lints a document now and publishes the result (unless the document changed meanwhile). */
  async lintDocument(doc: vscode.TextDocument): Promise<readonly vscode.Diagnostic[]> {
    const version = doc.version;
    const result = await this.linter.lint(documentPath(doc.uri), doc.getText());
    if (doc.isClosed || doc.version !== version) return this.collection.get(doc.uri) ?? [];
    this.results.set(doc.uri.toString(), { version, findings: result.findings });
    return this.publish(doc.uri, result);
  }

  /** Publishes the result of linting a file that may not be open (Train on This Dataset, Lint Dataset). */
  publish(uri: vscode.Uri, result: FileLintResult): vscode.Diagnostic[] {
    const diagnostics = result.findings.map((f) => toDiagnostic(f, uri));
    this.collection.set(uri, diagnostics);
    return diagnostics;
  }

  /** Findings that still match the document's current text. */
  findingsFor(doc: vscode.TextDocument): Finding[] | undefined {
    const r = this.results.get(doc.uri.toString());
    return r && r.version === doc.version ? r.findings : undefined;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.results.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
