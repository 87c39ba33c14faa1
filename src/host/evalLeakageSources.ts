// Which training files each open eval (or test) document is checked for leakage against, and telling it when one of
// them changes: edited in the editor, or rewritten on disk.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectTrainFiles } from './evalFileDetection';
import type { TrainingRef } from './lintProtocol';

/** A training file being typed in re-checks its eval documents once typing pauses: each re-check reads it whole. */
const TRAINING_CHANGE_DELAY_MS = 1000;

export class EvalLeakageSources implements vscode.Disposable {
  /** Eval document key -> its training files, as of its last lint. */
  private readonly trainingOf = new Map<string, string[]>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<string[]>();
  /** Keys of the open eval documents whose training files changed: their leakage must be checked again. */
  readonly onDidChangeTraining = this.changed.event;

  /**
   * The training files of an eval document on disk (empty when it is not one by its name), each with the key of its open
   * document when the worker holds a copy of it (`hasCopy`): an unsaved edit counts.
   */
  refsFor(doc: vscode.TextDocument, hasCopy: (key: string) => boolean): TrainingRef[] {
    const key = doc.uri.toString();
    const paths = doc.uri.scheme === 'file' ? detectTrainFiles(doc.uri.fsPath) : [];
    this.trainingOf.set(key, paths);
    for (const p of paths) this.watch(p);
    this.unwatchUnused();
    return paths.map((p) => {
      const open = vscode.workspace.textDocuments.find((t) => t.uri.scheme === 'file' && t.uri.fsPath === p);
      const openKey = open?.uri.toString();
      return { path: p, doc: openKey !== undefined && hasCopy(openKey) ? openKey : undefined };
    });
  }

  /** A document changed: when it is a training file of an open eval document, that one is re-checked after a pause. */
  documentChanged(uri: vscode.Uri): void {
    if (uri.scheme === 'file') this.trainingChanged(uri.fsPath);
  }

  forget(evalKey: string): void {
    this.trainingOf.delete(evalKey);
    this.unwatchUnused();
  }

  private trainingChanged(file: string): void {
    const evals = [...this.trainingOf].filter(([, paths]) => paths.includes(file)).map(([key]) => key);
    if (!evals.length) return;
    clearTimeout(this.timers.get(file));
    this.timers.set(file, setTimeout(() => {
      this.timers.delete(file);
      this.changed.fire([...this.trainingOf].filter(([, paths]) => paths.includes(file)).map(([key]) => key));
    }, TRAINING_CHANGE_DELAY_MS));
  }

  private watch(file: string): void {
    if (this.watchers.has(file)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    const changed = (): void => this.trainingChanged(file);
    this.watchers.set(file, vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)));
  }

  private unwatchUnused(): void {
    const used = new Set([...this.trainingOf.values()].flat());
    for (const [file, w] of this.watchers) {
      if (used.has(file)) continue;
      w.dispose();
      this.watchers.delete(file);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const w of this.watchers.values()) w.dispose();
    this.changed.dispose();
  }
}
