// The run report panel on the host side: one panel, revealed if open, showing one run's evaluation,
// loss curve, configuration and error. Page: webview/reportPanel.ts; messages: webview/protocol.ts.
import * as vscode from 'vscode';
import { readEvalMetrics, readEvents, summarizeRun } from '../core/runs';
import { parseReportMessage, parseReportState, type HostToReport, type ReportData, type ReportToHost } from '../../webview/protocol';
import { RunProgress } from '../../webview/progress';
import { openTrainerLog, type RunManager, type RunRef } from './runManager';
import { loadPage, panelOptions } from './webviewPage';

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
  private current: ReportPanel | undefined;
  private readonly registration: vscode.Disposable;

  constructor(private readonly deps: ReportPanelDeps) {
    this.registration = vscode.window.registerWebviewPanelSerializer(ReportPanels.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const restored = parseReportState(state);
        const run = restored ? deps.runs.find(restored.runId) : undefined;
        if (!run) {
          // The run folder is gone (deleted, or another folder is open now): nothing to show.
          panel.dispose();
          return;
        }
        this.adopt(panel, run);
      },
    });
  }

  get panel(): ReportPanel | undefined {
    return this.current;
  }

  open(run: RunRef): ReportPanel {
    if (this.current) {
      this.current.show(run);
      this.current.panel.reveal();
    } else {
      const panel = vscode.window.createWebviewPanel(ReportPanels.viewType, `Report: ${run.id}`, vscode.ViewColumn.Active, panelOptions(this.deps.extensionUri));
      this.adopt(panel, run);
    }
    return this.current!;
  }

  private adopt(panel: vscode.WebviewPanel, run: RunRef): void {
    const p = new ReportPanel(panel, this.deps, run);
    this.current = p;
    panel.onDidDispose(() => {
      if (this.current === p) this.current = undefined;
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.current?.panel.dispose();
  }
}

export class ReportPanel {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly panel: vscode.WebviewPanel, deps: ReportPanelDeps, private run: RunRef) {
    panel.title = `Report: ${run.id}`;
    loadPage(panel.webview, deps.extensionUri, 'reportPanel', 'Tunelab Run Report');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseReportMessage(raw);
        if (!msg) {
          deps.log.warn(`report panel: ignored an invalid message ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        void this.onMessage(msg).catch((err: unknown) => deps.log.error(`report panel: ${String(err)}`));
      }),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      // A report opened while the run trains fills in when it ends.
      deps.runs.onDidChangeRuns(() => this.send()),
    );
    panel.onDidDispose(() => {
      for (const d of this.disposables) d.dispose();
    });
  }

  get runId(): string {
    return this.run.id;
  }

  show(run: RunRef): void {
    this.run = run;
    this.panel.title = `Report: ${run.id}`;
    this.send();
  }

  private async onMessage(msg: ReportToHost): Promise<void> {
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
