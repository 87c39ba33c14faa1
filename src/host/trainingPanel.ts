// The training panel on the host side: one panel, revealed if open; it validates and starts runs
// through RunManager and streams a run's events.jsonl to the page (replayed first, then live).
// Page: webview/trainingPanel.ts; messages: webview/protocol.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainerEvent } from '../core/events';
import { followEvents, summarizeRun } from '../core/runs';
import {
  parseTrainingMessage, parseTrainingState,
  type BrowseField, type FormConfig, type HostToTraining, type Notice, type TrainingPanelState, type TrainingToHost,
} from '../../webview/protocol';
import type { ConfigProblem, RunConfig } from '../core/config';
import { EstimateQueue, estimateForConfig } from './formEstimate';
import { formProblems } from './formValidation';
import { findPython } from './pythonEnvironment';
import type { RunManager, RunRef } from './runManager';
import { initialFormConfig } from './trainingDefaults';
import type { TrainingGate } from './trainingGate';
import { refusalText } from './trainingGateText';
import { SinglePanelHost, type PanelController } from './singlePanel';

export interface TrainingPanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  runs: RunManager;
  /** Lints the training file before a start; errors stop it. */
  gate: TrainingGate;
}

/** Events per message when replaying a long run. */
const EVENTS_PER_MESSAGE = 5000;

export class TrainingPanels implements vscode.Disposable {
  static readonly viewType = 'tunelab.training';
  private readonly host: SinglePanelHost<TrainingPanelState, TrainingToHost, TrainingPanel>;

  constructor(private readonly deps: TrainingPanelDeps) {
    this.host = new SinglePanelHost({
      viewType: TrainingPanels.viewType,
      page: 'trainingPanel',
      title: 'Tunelab Training',
      name: 'training panel',
      parseMessage: parseTrainingMessage,
      revive: (saved) => {
        const restored = parseTrainingState(saved);
        if (saved !== undefined && !restored) deps.log.warn('training panel state not understood; starting with a fresh form');
        return restored ?? this.freshState();
      },
      create: (panel, state) => new TrainingPanel(panel, deps, state),
    }, deps);
  }

  get panel(): TrainingPanel | undefined {
    return this.host.current;
  }

  /** Opens (or reveals) the panel; a given config replaces the form, a given run is shown live. */
  open(opts: { config?: FormConfig; run?: RunRef } = {}): TrainingPanel {
    const p = this.host.open(
      () => {
        const config = opts.config ?? this.freshState().config;
        return opts.run ? { version: 1, config, runId: opts.run.id } : { version: 1, config };
      },
      (existing) => { if (opts.config) existing.setConfig(opts.config); },
    );
    if (opts.run) p.attach(opts.run);
    return p;
  }

  private freshState(): TrainingPanelState {
    return { version: 1, config: initialFormConfig(this.deps.extensionUri.fsPath) };
  }

  dispose(): void {
    this.host.dispose();
  }
}

export class TrainingPanel implements PanelController<TrainingToHost> {
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
  private readonly estimates = new EstimateQueue(async (config) => {
    const { python } = await findPython(this.deps.log, config.train_file ? vscode.Uri.file(config.train_file) : undefined);
    return estimateForConfig(python, this.deps.runs.trainerDir, config);
  }, (text) => { if (!this.disposed) this.post({ type: 'estimate', text }); });
  /** An estimate can end after the panel closed. */
  private disposed = false;

  constructor(readonly panel: vscode.WebviewPanel, private readonly deps: TrainingPanelDeps, state: TrainingPanelState) {
    this.state = state;
    this.run = state.runId ? deps.runs.find(state.runId) : undefined;
    this.updateTitle();
    this.disposables.push(
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
    if (this.run?.id === run.id && this.follower) {
      // Already followed (a resumed run): its new events arrive; the page learns it trains again.
      this.post({ type: 'run', run: { id: run.id, status: this.deps.runs.isOwned(run.id) ? 'running' : summarizeRun(run.dir).status } });
      return;
    }
    this.run = run;
    this.state = { ...this.state, runId: run.id };
    this.updateTitle();
    this.post({ type: 'run', run: { id: run.id, status: summarizeRun(run.dir).status } });
    this.follow();
  }

  /** What the Start button does; also used by Train on This Dataset with autoStart. */
  async start(config: FormConfig, opts: { datasetChecked?: boolean } = {}): Promise<string | undefined> {
    this.state = { ...this.state, config };
    this.problems = [];
    this.notice = undefined;
    // Validated on arrival, before the dataset lint: whatever a page sends, an invalid form starts nothing.
    const problems = this.validate(config);
    if (problems.length) return this.refuse({ problems });
    if (!opts.datasetChecked && !(await this.datasetReady(config))) return undefined;
    const outcome = await this.deps.runs.start(config);
    if (outcome.ok) {
      this.attach(outcome.run);
      return outcome.run.id;
    }
    return this.refuse(outcome);
  }

  /** Tells the page what is wrong with the form, or, when nothing is, what GPU memory the run needs (Python: trusted only). */
  private judge(config: FormConfig, seq?: number): void {
    const problems = this.validate(config);
    this.post({ type: 'validation', problems, seq });
    if (problems.length || !vscode.workspace.isTrusted) this.estimates.clear();
    else this.estimates.request(this.deps.runs.completeFromForm(config));
  }

  private validate(config: FormConfig): ConfigProblem[] {
    return formProblems(config, (form) => this.deps.runs.completeFromForm(form));
  }

  /** Says on the page (or, before it is shown, in a message) why a start was refused. */
  private refuse(outcome: { problems?: ConfigProblem[]; notice?: Notice }): undefined {
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

  /** The form's model, for token counts of its tokenizer. */
  get config(): FormConfig {
    return this.state.config;
  }

  /** Lints the training file; error findings stop the start (said on the page and in a message that opens them). */
  private async datasetReady(config: FormConfig): Promise<boolean> {
    if (!vscode.workspace.isTrusted) return true; // RunManager.start refuses, saying why
    let run: RunConfig;
    try {
      run = this.deps.runs.completeFromForm(config);
    } catch {
      return true; // validateConfig names what is wrong with the form
    }
    const trainFile = run.train_file;
    if (!trainFile || !fs.existsSync(trainFile)) return true;
    const evalUri = run.eval_file && fs.existsSync(run.eval_file) ? vscode.Uri.file(run.eval_file) : undefined;
    const training = { epochs: run.epochs, effectiveBatchSize: run.effective_batch_size, maxSeqLength: run.max_seq_length, model: run.model };
    const verdict = await this.deps.gate.check(vscode.Uri.file(trainFile), { run: training, evalUri });
    if (verdict.ok) return true;
    this.notice = {
      level: 'error', kind: 'dataset',
      message: verdict.readError ?? refusalText(verdict.name, verdict).replace(/^Tunelab: /, ''),
      hint: 'Fix them and start again: the message offers to open the first one or list them all, and the Problems view shows every one.',
    };
    this.post({ type: 'notice', notice: this.notice });
    return false;
  }

  async onMessage(msg: TrainingToHost): Promise<void> {
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
        this.judge(msg.config, msg.seq);
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
    this.judge(this.state.config);
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
    this.stopFollowing();
    if (!this.panel.visible) this.ready = false;
  }

  private stopFollowing(): void {
    this.follower?.dispose();
    this.follower = undefined;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.buffer = [];
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

  dispose(): void {
    this.disposed = true;
    this.ready = false;
    this.stopFollowing(); // not pause(): a disposed panel throws on any read, `visible` included
    for (const d of this.disposables) d.dispose();
  }
}
