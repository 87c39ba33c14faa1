// Which training files each open eval (or test) document is checked for leakage against, and telling it when one of
// them changes: edited in the editor, or rewritten on disk.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectTrainFiles } from '../core/dataset/split-files';
import type { TrainingRef } from './lintProtocol';
import { PARQUET_ROWS_SCHEME, parquetFileOf } from './parquetRows';

/** A training file being typed in re-checks its eval documents once typing pauses: each re-check reads it whole. */
const TRAINING_CHANGE_DELAY_MS = 1000;

/** Where the pairs a training run named are kept (workspace state): eval file -> its training files. */
const PAIRS_KEY = 'tunelab.evalTrainingPairs';

export class EvalLeakageSources implements vscode.Disposable {
  /** Eval document key -> its training files, as of its last lint. */
  private readonly trainingOf = new Map<string, string[]>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<string[]>();
  /** Keys of the open eval documents whose training files changed: their leakage must be checked again. */
  readonly onDidChangeTraining = this.changed.event;

  /** `memento`: where the pairs named by training runs are kept (the workspace's state). */
  constructor(private readonly memento?: vscode.Memento) {}

  /**
   * The training files of an eval document on disk: those a training run last named it the eval file of (remember), else
   * those found by its name (empty when it is neither), each with the key of its open document when the worker holds a
   * copy of it (`hasCopy`): an unsaved edit counts.
   */
  refsFor(doc: vscode.TextDocument, hasCopy: (key: string) => boolean): TrainingRef[] {
    // A Parquet file's rows view stands for the file: a Hub split's shard is paired with the train split's shards.
    const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.scheme === PARQUET_ROWS_SCHEME ? parquetFileOf(doc.uri).fsPath : undefined;
    const paths = file === undefined ? [] : this.remembered()[file] ?? detectTrainFiles(file);
    return this.refsOf(doc.uri.toString(), paths, hasCopy);
  }

  /**
   * A training run named `evalFile` as the eval file of `trainFiles`: its leakage is checked against them from now on
   * (kept in the workspace's state), whatever the files are called.
   */
  remember(evalFile: string, trainFiles: string[]): void {
    if (!this.memento) return;
    const pairs = { ...this.remembered(), [evalFile]: trainFiles };
    void this.memento.update(PAIRS_KEY, pairs);
  }

  private remembered(): Record<string, string[]> {
    const v = this.memento?.get<unknown>(PAIRS_KEY);
    if (typeof v !== 'object' || v === null) return {};
    // State written by another version: only lists of paths count.
    return Object.fromEntries(Object.entries(v).filter(([, t]) => Array.isArray(t) && t.every((p) => typeof p === 'string'))) as Record<string, string[]>;
  }

  private refsOf(key: string, paths: string[], hasCopy: (key: string) => boolean): TrainingRef[] {
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
