// The run report panel on the host side: one panel, revealed if open, showing one run's evaluation,
// loss curve, configuration and error. Page: webview/reportPanel.ts; messages: webview/protocol.ts.
import * as vscode from 'vscode';
import { readEvalMetrics, readEvents, summarizeRun } from '../core/runs';
import { parseReportMessage, parseReportState, type HostToReport, type ReportData, type ReportToHost } from '../../webview/protocol';
import { RunProgress } from '../../webview/progress';
import { openTrainerLog, type RunManager, type RunRef } from './runManager';
import { SinglePanelHost, type PanelController } from './singlePanel';

export interface ReportPanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  runs: RunManager;
}

/** Everything the report page shows, read from the run folder. */
export function readReport(run: RunRef): ReportData {
  const events = readEvents(run.dir);
  const progress = new RunProgress();
  for (const e of events) progress.apply(e);
  return {
    summary: summarizeRun(run.dir, events),
    metrics: readEvalMetrics(run.dir),
    loss: progress.loss,
    evalLoss: { base: progress.evalBase, tuned: progress.evalTuned },
  };
}

export class ReportPanels implements vscode.Disposable {
  static readonly viewType = 'tunelab.report';
  private readonly host: SinglePanelHost<RunRef, ReportToHost, ReportPanel>;

  constructor(deps: ReportPanelDeps) {
    this.host = new SinglePanelHost({
      viewType: ReportPanels.viewType,
      page: 'reportPanel',
      title: 'Tunelab Run Report',
      name: 'report panel',
      parseMessage: parseReportMessage,
      // A run folder that is gone (deleted, or another folder is open now) leaves nothing to show: the panel closes.
      revive: (saved) => {
        const restored = parseReportState(saved);
        return restored ? deps.runs.find(restored.runId) : undefined;
      },
      create: (panel, run) => new ReportPanel(panel, deps, run),
    }, deps);
  }

  get panel(): ReportPanel | undefined {
    return this.host.current;
  }

  open(run: RunRef): ReportPanel {
    return this.host.open(() => run, (p) => p.show(run));
  }

  dispose(): void {
    this.host.dispose();
  }
}

export class ReportPanel implements PanelController<ReportToHost> {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly panel: vscode.WebviewPanel, deps: ReportPanelDeps, private run: RunRef) {
    panel.title = `Report: ${run.id}`;
    this.disposables.push(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      // A report opened while the run trains fills in when it ends.
      deps.runs.onDidChangeRuns(() => this.send()),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  get runId(): string {
    return this.run.id;
  }

  show(run: RunRef): void {
    this.run = run;
    this.panel.title = `Report: ${run.id}`;
    this.send();
  }

  async onMessage(msg: ReportToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.send();
        break;
      case 'revealFolder':
        await vscode.commands.executeCommand('tunelab.revealRunFolder', this.run.id);
        break;
      case 'openLog':
        await openTrainerLog(this.run.dir);
        break;
      case 'openTraining':
        await vscode.commands.executeCommand('tunelab.openRun', this.run.id);
        break;
    }
  }

  private send(): void {
    if (!this.ready) return;
    let message: HostToReport;
    try {
      message = { type: 'report', report: readReport(this.run) };
    } catch (err) {
      message = { type: 'notice', notice: { level: 'error', message: `Could not read run ${this.run.id}: ${String(err)}` } };
    }
    void this.panel.webview.postMessage(message);
  }
}
