// A status bar item for the active dataset editor: the format Tunelab detected and its record count; a click opens
// the dataset overview. Fed by the diagnostics' published lints (no lint of its own).
import * as vscode from 'vscode';
import type { FileLintResult } from '../core/lint';
import type { DatasetDiagnostics } from './datasetDiagnostics';
import { datasetStatus } from './datasetStatusText';

export class DatasetStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tunelab.dataset', vscode.StatusBarAlignment.Right, 100);
  private readonly last = new Map<string, { result: FileLintResult; provisional: boolean }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(diagnostics: DatasetDiagnostics) {
    this.item.name = 'Tunelab Dataset';
    this.item.command = 'tunelab.showDatasetOverview';
    this.disposables.push(
      this.item,
      diagnostics.onDidPublish(({ uri, result, provisional }) => {
        if (result) this.last.set(uri.toString(), { result, provisional });
        else this.last.delete(uri.toString());
        if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()) this.update();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  /** The item's text while shown (tests). */
  get shownText(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  private update(): void {
    const key = vscode.window.activeTextEditor?.document.uri.toString();
    const last = key === undefined ? undefined : this.last.get(key);
    if (!last) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const { text, tooltip } = datasetStatus(last.result, last.provisional);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
