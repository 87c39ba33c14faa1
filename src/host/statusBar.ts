// A status bar item while a run trains: step/total and the latest loss; a click opens its panel.
import * as vscode from 'vscode';
import { formatLoss } from '../../webview/progress';
import type { RunManager } from './runManager';

const UPDATE_MS = 250;

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tunelab.training', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runs: RunManager) {
    this.item.name = 'Tunelab Training';
    this.disposables.push(
      this.item,
      runs.onDidRunEvent(() => this.updateSoon()),
      runs.onDidChangeRuns(() => this.update()),
    );
    this.update();
  }

  private updateSoon(): void {
    this.timer ??= setTimeout(() => this.update(), UPDATE_MS);
  }

  private update(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.runs.live().filter((r) => r.status === 'running').at(-1);
    if (!run) {
      this.item.hide();
      return;
    }
    const progress = run.step !== undefined ? `${run.step}/${run.totalSteps ?? '?'}` : 'starting';
    this.item.text = `$(sync~spin) Tunelab ${progress}${run.loss !== undefined ? ` · loss ${formatLoss(run.loss)}` : ''}`;
    this.item.tooltip = `Run ${run.id} is training. Click to open its panel.`;
    this.item.command = { command: 'tunelab.openRun', title: 'Open Run', arguments: [run.id] };
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
