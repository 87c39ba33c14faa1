// The training panel on the host side: one panel, revealed if open; it validates and starts runs
// through RunManager and streams a run's events.jsonl to the page (replayed first, then live).
// Page: webview/trainingPanel.ts; messages: webview/protocol.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainerEvent } from '../core/events';
import { followEvents, summarizeRun } from '../core/runs';
import {
  parseTrainingMessage, parseTrainingState,
  type BrowseField, type FormConfig, type HostToTraining, type Notice, type TrainingPanelState, type TrainingToHost,
} from '../../webview/protocol';
import type { ConfigProblem } from '../core/config';
import type { RunManager, RunRef } from './runManager';
import { initialFormConfig } from './trainingDefaults';
import { loadPage, panelOptions } from './webviewPage';

export interface TrainingPanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  runs: RunManager;
}

/** Events per message when replaying a long run. */
const EVENTS_PER_MESSAGE = 5000;

export class TrainingPanels implements vscode.Disposable {
  static readonly viewType = 'tunelab.training';
  private current: TrainingPanel | undefined;
  private readonly registration: vscode.Disposable;

  constructor(private readonly deps: TrainingPanelDeps) {
    this.registration = vscode.window.registerWebviewPanelSerializer(TrainingPanels.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const restored = parseTrainingState(state);
        if (state !== undefined && !restored) deps.log.warn('training panel state not understood; starting with a fresh form');
        this.adopt(panel, restored ?? { version: 1, config: initialFormConfig(deps.extensionUri.fsPath) });
      },
    });
  }

  get panel(): TrainingPanel | undefined {
    return this.current;
  }

  /** Opens (or reveals) the panel; a given config replaces the form, a given run is shown live. */
  open(opts: { config?: FormConfig; run?: RunRef } = {}): TrainingPanel {
    if (!this.current) {
      const panel = vscode.window.createWebviewPanel(TrainingPanels.viewType, 'Tunelab Training', vscode.ViewColumn.Active, panelOptions(this.deps.extensionUri));
      const config = opts.config ?? initialFormConfig(this.deps.extensionUri.fsPath);
      this.adopt(panel, opts.run ? { version: 1, config, runId: opts.run.id } : { version: 1, config });
    } else {
      if (opts.config) this.current.setConfig(opts.config);
      this.current.panel.reveal();
    }
    if (opts.run) this.current!.attach(opts.run);
    return this.current!;
  }

  private adopt(panel: vscode.WebviewPanel, state: TrainingPanelState): void {
    const p = new TrainingPanel(panel, this.deps, state);
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

export class TrainingPanel {
  private state: TrainingPanelState;
  private run: RunRef | undefined;
  private ready = false;
  private follower: { dispose(): void } | undefined;
  private buffer: TrainerEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  /** Shown again after the page reloads, until the next start. */
  private problems: ConfigProblem[] = [];
  private notice: Notice | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly panel: vscode.WebviewPanel, private readonly deps: TrainingPanelDeps, state: TrainingPanelState) {
    this.state = state;
    this.run = state.runId ? deps.runs.find(state.runId) : undefined;
    this.updateTitle();
    loadPage(panel.webview, deps.extensionUri, 'trainingPanel', 'Tunelab Training');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseTrainingMessage(raw);
        if (!msg) {
          deps.log.warn(`training panel: ignored an invalid message ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        void this.onMessage(msg).catch((err: unknown) => deps.log.error(`training panel: ${String(err)}`));
      }),
      panel.onDidChangeViewState(() => {
        // A hidden page is discarded; it reloads, says `ready` and gets everything again when shown.
        if (!panel.visible) this.pause();
      }),
      deps.runs.onDidEndWithoutEvent(({ run, notice }) => {
        if (run.id !== this.run?.id) return;
        this.notice = notice;
        this.post({ type: 'run', run: { id: run.id, status: 'interrupted' } });
        this.post({ type: 'notice', notice });
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.init()),
    );
    panel.onDidDispose(() => this.dispose());
  }

  get runId(): string | undefined {
    return this.run?.id;
  }

  /** A new form; a finished run shown so far is let go (a training one stays, with its Stop button). */
  setConfig(config: FormConfig): void {
    if (this.run && summarizeRun(this.run.dir).status !== 'running') this.run = undefined;
    this.state = this.run ? { version: 1, config, runId: this.run.id } : { version: 1, config };
    this.problems = [];
    this.notice = undefined;
    this.updateTitle();
    this.init();
  }

  /** Shows a run: its history is replayed, then its new events follow. */
  attach(run: RunRef): void {
    if (this.run?.id === run.id && this.follower) return;
    this.run = run;
    this.state = { ...this.state, runId: run.id };
    this.updateTitle();
    this.post({ type: 'run', run: { id: run.id, status: summarizeRun(run.dir).status } });
    this.follow();
  }

  /** What the Start button does; also used by Train on This Dataset with autoStart. */
  async start(config: FormConfig): Promise<string | undefined> {
    this.state = { ...this.state, config };
    this.problems = [];
    this.notice = undefined;
    const outcome = await this.deps.runs.start(config);
    if (outcome.ok) {
      this.attach(outcome.run);
      return outcome.run.id;
    }
    this.problems = outcome.problems ?? [];
    this.notice = outcome.notice;
    if (this.problems.length) this.post({ type: 'problems', problems: this.problems });
    if (this.notice) this.post({ type: 'notice', notice: this.notice });
    if (!this.ready) {
      // Nobody sees the page yet (a command started the run): say it where it is seen.
      const text = this.notice?.message ?? `The run configuration has ${this.problems.length} problem(s): ${this.problems.map((p) => p.message).join('; ')}`;
      void vscode.window.showErrorMessage(`Tunelab: ${text}`);
    }
    return undefined;
  }

  private async onMessage(msg: TrainingToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.init();
        break;
      case 'start':
        await this.start(msg.config);
        break;
      case 'edit':
        this.state = { ...this.state, config: msg.config };
        this.updateTitle();
        break;
      case 'stop':
        if (!this.run || !this.deps.runs.stop(this.run)) {
          this.post({ type: 'notice', notice: { level: 'warning', message: 'This run is not training any more.' } });
          if (this.run) this.post({ type: 'run', run: { id: this.run.id, status: summarizeRun(this.run.dir).status } });
        }
        break;
      case 'browse':
        await this.browse(msg.field);
        break;
      case 'showReport':
        if (this.run) await vscode.commands.executeCommand('tunelab.showReport', this.run.id);
        break;
    }
  }

  /** Resets the page to the current state and replays the run. */
  private init(): void {
    if (!this.ready) return;
    this.pause();
    const run = this.run ? { id: this.run.id, status: summarizeRun(this.run.dir).status } : undefined;
    this.post({ type: 'init', config: this.state.config, run, trusted: vscode.workspace.isTrusted });
    if (this.problems.length) this.post({ type: 'problems', problems: this.problems });
    if (this.notice) this.post({ type: 'notice', notice: this.notice });
    if (this.run) this.follow();
  }

  private follow(): void {
    this.pause();
    if (!this.run || !this.ready) return;
    const run = this.run;
    this.follower = followEvents(run.dir, (e) => {
      this.buffer.push(e);
      this.flushTimer ??= setTimeout(() => this.flush(run.id), 30);
    });
  }

  private flush(runId: string): void {
    this.flushTimer = undefined;
    const events = this.buffer;
    this.buffer = [];
    for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
      this.post({ type: 'events', runId, events: events.slice(i, i + EVENTS_PER_MESSAGE) });
    }
  }

  private pause(): void {
    this.follower?.dispose();
    this.follower = undefined;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.buffer = [];
    if (!this.panel.visible) this.ready = false;
  }

  private async browse(field: BrowseField): Promise<void> {
    const folder = field === 'model';
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: !folder,
      canSelectFolders: folder,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: folder ? 'Use This Model' : 'Use This Dataset',
      filters: folder ? undefined : { 'Datasets': ['jsonl', 'json'], 'All files': ['*'] },
    });
    if (picked?.[0]) this.post({ type: 'picked', field, path: picked[0].fsPath });
  }

  private updateTitle(): void {
    const train = typeof this.state.config.train_file === 'string' ? this.state.config.train_file : '';
    this.panel.title = this.run ? `Tunelab: ${this.run.id}` : train ? `Tunelab: Train ${path.basename(train)}` : 'Tunelab Training';
  }

  private post(message: HostToTraining): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    this.pause();
    for (const d of this.disposables) d.dispose();
  }
}
