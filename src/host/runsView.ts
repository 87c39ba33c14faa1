// The Runs view: every run folder of the workspace with its status, progress and eval loss.
// Refreshed on run changes, on events.jsonl changes (runs the CLI started too), and by command.
import * as vscode from 'vscode';
import type { RunStatus, RunSummary } from '../core/runs';
import { latestCheckpointStep, resumability } from '../core/resume';
import { formatLoss } from '../../webview/progress';
import type { RunManager } from './runManager';

const ICONS: Record<RunStatus, [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  completed: ['pass-filled', 'testing.iconPassed'],
  stopped: ['debug-stop', 'charts.yellow'],
  failed: ['error', 'testing.iconFailed'],
  interrupted: ['warning', 'list.warningForeground'],
};

/** "12/100 · eval 2.10 → 1.23" */
export function runDescription(r: RunSummary): string {
  const parts: string[] = [];
  if (r.step !== undefined) parts.push(r.totalSteps ? `${r.step}/${r.totalSteps}` : `step ${r.step}`);
  if (r.evalLoss !== undefined) parts.push(r.baseEvalLoss !== undefined ? `eval ${formatLoss(r.baseEvalLoss)} → ${formatLoss(r.evalLoss)}` : `eval ${formatLoss(r.evalLoss)}`);
  else if (r.status === 'running' && r.loss !== undefined) parts.push(`loss ${formatLoss(r.loss)}`);
  if (r.status === 'failed' && r.error) parts.push(r.error.kind);
  return parts.join(' · ');
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly runs: RunManager) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.tunelab/runs/*/{events.jsonl,config.json}');
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidCreate(() => this.refreshSoon(300)),
      watcher.onDidChange(() => this.refreshSoon(2000)), // every step appends: at most one reread per 2 s
      watcher.onDidDelete(() => this.refreshSoon(300)),
      runs.onDidChangeRuns(() => this.refreshSoon(100)),
      runs.onDidRunEvent(() => this.refreshSoon(2000)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshSoon(0)),
    );
  }

  refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.changed.fire();
  }

  /** Coalesces refreshes: one that is already due sooner is kept. */
  private refreshSoon(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.refresh(), ms);
  }

  getChildren(element?: RunSummary): RunSummary[] {
    return element ? [] : this.runs.listAll();
  }

  getTreeItem(r: RunSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(r.id, vscode.TreeItemCollapsibleState.None);
    item.id = r.dir;
    item.description = runDescription(r);
    const [icon, color] = ICONS[r.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    // `run.stopped.resumable`: the Resume Run menu item shows only where a checkpoint lets the run go on.
    const resumable = r.status !== 'running' && r.status !== 'completed' && resumability(r.status, latestCheckpointStep(r.dir)).ok;
    item.contextValue = `run.${r.status}${resumable ? '.resumable' : ''}`;
    item.resourceUri = vscode.Uri.file(r.dir);
    item.tooltip = runTooltip(r);
    item.command = { command: 'tunelab.openRun', title: 'Open Run', arguments: [r.id] };
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function runTooltip(r: RunSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${r.id}**: ${r.status}\n\n`);
  if (r.config) {
    md.appendMarkdown(`- data: \`${r.config.train_file}\`\n- model: \`${r.config.model}\`\n`);
    md.appendMarkdown(`- LoRA r=${r.config.lora_r}, alpha=${r.config.lora_alpha}, lr=${r.config.learning_rate}\n`);
  }
  if (r.step !== undefined) md.appendMarkdown(`- step ${r.step}${r.totalSteps ? ` of ${r.totalSteps}` : ''}${r.loss !== undefined ? `, loss ${formatLoss(r.loss)}` : ''}\n`);
  if (r.evalLoss !== undefined || r.baseEvalLoss !== undefined) {
    md.appendMarkdown(`- eval loss: base ${formatLoss(r.baseEvalLoss)}, tuned ${formatLoss(r.evalLoss)}\n`);
  }
  if (r.error) md.appendMarkdown(`\n${r.error.kind} error: ${r.error.message}\n`);
  return md;
}
