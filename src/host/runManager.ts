// Starting, watching and stopping training runs. Two cleanup scopes: the manager lives as long as the
// extension; each trainer process and each watched run has its own, ended when that process exits or the
// run ends. Trainers start detached, so they keep training through a window reload; a reloaded window
// finds them again from their run folders.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { completeConfig, validateConfig, type ConfigProblem, type RunConfig } from '../core/config';
import type { TrainerEvent } from '../core/events';
import { runDoctor, startTrainer, trainerRoot, type TrainerProcess } from '../core/python';
import { formatResumeLine, processCount, trainerArgs } from '../core/launch';
import { latestCheckpointStep, resumability } from '../core/resume';
import { CONFIG_FILE, createRun, followEvents, isProcessAlive, listRuns, readRunPid, runsRoot, summarizeRun, TRAINER_LOG_FILE, type RunStatus, type RunSummary } from '../core/runs';
import type { FormConfig, Notice } from '../../webview/protocol';
import { isRunId } from '../../webview/protocol';
import { findPython } from './pythonEnvironment';
import { formatCommandLine } from './commandLine';

export interface RunRef {
  id: string;
  dir: string;
}

export interface RunEvent {
  run: RunRef;
  event: TrainerEvent;
}

/** The latest state of a watched run, for the status bar and the runs view. */
export interface LiveRun extends RunRef {
  status: RunStatus;
  step?: number;
  totalSteps?: number;
  loss?: number;
}

export type StartOutcome =
  | { ok: true; run: RunRef }
  | { ok: false; problems: ConfigProblem[]; notice?: Notice }
  | { ok: false; problems?: undefined; notice: Notice };

const PATH_FIELDS = ['model', 'train_file', 'eval_file'] as const;
/** How long after the trainer exits its last events.jsonl lines are still awaited. */
const FINAL_READ_MS = 800;

export const UNTRUSTED_NOTICE: Notice = {
  level: 'error',
  kind: 'workspace trust',
  message: 'Training is disabled in this untrusted workspace: it runs Python and loads model files from this folder.',
  hint: 'Trust the workspace (command "Workspaces: Manage Workspace Trust"), then start again. Dataset lints work without trust.',
};

export class RunManager implements vscode.Disposable {
  private readonly events = new vscode.EventEmitter<RunEvent>();
  private readonly changes = new vscode.EventEmitter<void>();
  /** Fired for every event of a watched run after it started being watched (replayed history excluded). */
  readonly onDidRunEvent = this.events.event;
  /** Fired when runs appear, end, or change status. */
  readonly onDidChangeRuns = this.changes.event;
  private readonly endedWithoutEvent = new vscode.EventEmitter<{ run: RunRef; notice: Notice }>();
  /** A trainer that exited without a done or error event (crash, killed, Python missing). */
  readonly onDidEndWithoutEvent = this.endedWithoutEvent.event;

  private readonly processes = new Map<string, TrainerProcess>();
  private readonly watched = new Map<string, { live: LiveRun; dispose(): void }>();
  /** Processes per Python, from doctor's CUDA GPUs: asked once per session (doctor imports torch: seconds). */
  private readonly processesByPython = new Map<string, Promise<number>>();

  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {}

  get trainerDir(): string {
    return trainerRoot(this.extensionPath);
  }

  /** Where new runs go: the first workspace folder. */
  workspaceDir(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** Every run of every workspace folder, newest first. */
  listAll(): RunSummary[] {
    const all = (vscode.workspace.workspaceFolders ?? []).flatMap((f) => (f.uri.scheme === 'file' ? listRuns(f.uri.fsPath) : []));
    // Ids start with their creation time, so this is newest first across folders (a new run has no events yet).
    return all.sort((a, b) => b.id.localeCompare(a.id, 'en', { numeric: true }));
  }

  /** A run by id (or folder path) in any workspace folder. */
  find(idOrDir: string): RunRef | undefined {
    if (path.isAbsolute(idOrDir)) {
      const id = path.basename(idOrDir);
      return this.roots().some((r) => path.resolve(r, id) === path.resolve(idOrDir)) ? { id, dir: path.resolve(idOrDir) } : undefined;
    }
    if (!isRunId(idOrDir)) return undefined;
    for (const root of this.roots()) {
      const dir = path.join(root, idOrDir);
      if (summaryExists(dir)) return { id: idOrDir, dir };
    }
    return undefined;
  }

  private roots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => runsRoot(f.uri.fsPath));
  }

  live(): LiveRun[] {
    return [...this.watched.values()].map((w) => w.live);
  }

  isOwned(id: string): boolean {
    return this.processes.has(id);
  }

  /** The complete config a form's values give: defaults filled in, relative paths resolved, trust from the user setting. */
  completeFromForm(form: FormConfig): RunConfig {
    const ws = this.workspaceDir();
    const values: Record<string, unknown> = { ...form };
    for (const key of PATH_FIELDS) {
      const v = values[key];
      if (typeof v === 'string' && v.trim() !== '' && ws && !path.isAbsolute(v.trim())) values[key] = path.resolve(ws, v.trim());
      else if (typeof v === 'string') values[key] = v.trim();
    }
    if (values.eval_file === '') values.eval_file = null;
    // trust_remote_code comes only from the user-level (application-scoped) setting, never from a form or workspace.
    values.trust_remote_code = vscode.workspace.getConfiguration('tunelab').inspect<boolean>('trustRemoteCode')?.globalValue === true;
    return completeConfig(values as Partial<RunConfig> & { model: string; train_file: string });
  }

  /** Validates, creates the run folder and starts the trainer. Refusals say what to fix. */
  async start(form: FormConfig): Promise<StartOutcome> {
    if (!vscode.workspace.isTrusted) return { ok: false, notice: UNTRUSTED_NOTICE };
    const ws = this.workspaceDir();
    if (!ws) {
      return { ok: false, notice: { level: 'error', kind: 'config', message: 'Open a folder first: runs are kept in <folder>/.tunelab/runs.', hint: 'File > Open Folder…' } };
    }
    const busyNotice = this.busyNotice();
    if (busyNotice) return { ok: false, notice: busyNotice };
    const config = this.completeFromForm(form);
    const problems = validateConfig(config, { checkPaths: true });
    if (problems.length) {
      this.log.info(`start refused, ${problems.length} problem(s): ${problems.map((p) => p.message).join('; ')}`);
      return { ok: false, problems };
    }
    const { python } = await findPython(this.log, vscode.Uri.file(config.train_file));
    let run: RunRef;
    try {
      run = createRun(ws, config);
    } catch (err) {
      const message = `Could not create the run folder under ${runsRoot(ws)}: ${err instanceof Error ? err.message : String(err)}`;
      this.log.error(message);
      return { ok: false, notice: { level: 'error', kind: 'environment', message, hint: 'Check that the workspace folder is writable.' } };
    }
    this.launch(run, python, { processes: await this.processesFor(python, config.device ?? 'auto') });
    return { ok: true, run };
  }

  private busyNotice(): Notice | undefined {
    const busy = [...this.processes.keys()][0];
    return busy
      ? { level: 'error', kind: 'config', message: `Run ${busy} is still training.`, hint: 'Stop it first, or wait for it to finish: one run at a time keeps the GPU memory for one model.' }
      : undefined;
  }

  /** Continues a stopped, failed or interrupted run from its latest checkpoint with its own config.json. */
  async resume(run: RunRef): Promise<StartOutcome> {
    if (!vscode.workspace.isTrusted) return { ok: false, notice: UNTRUSTED_NOTICE };
    const busyNotice = this.busyNotice();
    if (busyNotice) return { ok: false, notice: busyNotice };
    const summary = summarizeRun(run.dir);
    const verdict = resumability(summary.status, latestCheckpointStep(run.dir));
    if (!verdict.ok) return { ok: false, notice: { level: 'error', kind: 'config', message: `Run ${run.id} cannot be resumed: ${verdict.reason}.`, hint: '' } };
    const config = summary.config;
    const { python } = await findPython(this.log, config ? vscode.Uri.file(config.train_file) : undefined);
    this.log.info(`resuming ${run.id} from checkpoint step ${verdict.step}`);
    this.launch(run, python, { resume: true, processes: await this.processesFor(python, config?.device ?? 'auto') });
    return { ok: true, run };
  }

  /** One trainer process per CUDA GPU (torchrun when more than one); 1 when doctor fails or sees none. */
  private processesFor(python: string, device: string): Promise<number> {
    if (device !== 'auto' && device !== 'cuda') return Promise.resolve(1);
    let n = this.processesByPython.get(python);
    if (!n) {
      n = runDoctor(python, this.trainerDir).then((r) => (r.ok ? processCount(r, device) : 1), () => 1);
      this.processesByPython.set(python, n);
    }
    return n;
  }

  private launch(run: RunRef, python: string, opts: { resume?: boolean; processes?: number } = {}): void {
    const args = trainerArgs({ command: 'train', runDir: run.dir, ...opts });
    this.log.info(`spawn: PYTHONPATH=${this.trainerDir} ${formatCommandLine([python, ...args])}`);
    const proc = startTrainer({ python, trainerDir: this.trainerDir, runDir: run.dir, command: 'train', detached: true, ...opts });
    this.processes.set(run.id, proc);
    let finished = false;
    let stderrTail = '';
    proc.onEvent((e) => { if (e.type === 'done' || e.type === 'error') finished = true; });
    proc.onStderr((text) => {
      stderrTail = (stderrTail + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) this.log.info(`[${run.id}] ${line}`);
    });
    proc.onExit((code) => {
      this.processes.delete(run.id);
      this.log.info(`trainer of ${run.id} exited with code ${code}`);
      setTimeout(() => {
        if (!finished) this.reportSilentExit(run, code, stderrTail);
        this.changes.fire();
      }, FINAL_READ_MS);
    });
    this.watch(run, { starting: true });
    this.changes.fire();
  }

  private reportSilentExit(run: RunRef, code: number | null, stderrTail: string): void {
    const lastLines = stderrTail.trim().split('\n').slice(-3).join('\n');
    const notice: Notice = {
      level: 'error',
      kind: 'internal',
      message: `The trainer of run ${run.id} exited${code === null ? '' : ` with code ${code}`} without reporting a result.`,
      hint: lastLines ? `Its last output: ${lastLines}` : 'See trainer.log in the run folder.',
    };
    const w = this.watched.get(run.id);
    if (w) w.live.status = 'interrupted';
    this.endedWithoutEvent.fire({ run, notice });
    void vscode.window.showErrorMessage(`${notice.message} ${notice.hint}`, 'Show Log').then((pick) => {
      if (pick === 'Show Log') void openTrainerLog(run.dir);
    });
    this.unwatch(run.id);
  }

  /** Follows a run's events.jsonl until it ends; history is replayed silently, new events are fired. */
  watch(run: RunRef, opts: { starting?: boolean } = {}): void {
    if (opts.starting) this.unwatch(run.id, { quiet: true }); // a resumed run: its old watch saw it end
    if (this.watched.has(run.id)) return;
    const live: LiveRun = { ...run, status: 'running' };
    let replaying = true;
    const follower = followEvents(run.dir, (event) => {
      applyToLive(live, event);
      if (replaying) return;
      this.events.fire({ run, event });
      if (event.type === 'resume') this.log.info(`[${run.id}] ${formatResumeLine(event)}`);
      if (event.type === 'done' || event.type === 'error') {
        this.announceEnd(run, event);
        // Let the other listeners of this event run before the watch ends.
        setTimeout(() => this.unwatch(run.id), 0);
        this.changes.fire();
      }
    });
    replaying = false;
    // A resumed run's history ends in its last stop; the trainer just started writes the new events.
    if (opts.starting) live.status = 'running';
    this.watched.set(run.id, { live, dispose: () => follower.dispose() });
    if (live.status !== 'running') setTimeout(() => this.unwatch(run.id), 0);
  }

  private unwatch(id: string, opts: { quiet?: boolean } = {}): void {
    this.watched.get(id)?.dispose();
    this.watched.delete(id);
    if (!opts.quiet) this.changes.fire();
  }

  /** Watches runs a previous window left training (detached trainers keep going through a reload). */
  resumeWatching(): void {
    for (const summary of this.listAll()) if (summary.status === 'running') this.watch({ id: summary.id, dir: summary.dir });
  }

  private announceEnd(run: RunRef, event: TrainerEvent): void {
    if (event.type === 'done') {
      const change = typeof event.base_eval_loss === 'number' && typeof event.eval_loss === 'number'
        ? `: eval loss ${event.base_eval_loss.toFixed(3)} → ${event.eval_loss.toFixed(3)}`
        : '';
      const what = event.status === 'stopped' ? `stopped at step ${event.steps}` : 'completed';
      void vscode.window.showInformationMessage(`Tunelab run ${run.id} ${what}${change}.`, 'Show Report').then((pick) => {
        if (pick === 'Show Report') void vscode.commands.executeCommand('tunelab.showReport', run.id);
      });
    } else if (event.type === 'error') {
      void vscode.window.showErrorMessage(`Tunelab run ${run.id} failed (${event.kind}): ${event.message}${event.hint ? ` ${event.hint}` : ''}`, 'Show Report', 'Show Log')
        .then((pick) => {
          if (pick === 'Show Report') void vscode.commands.executeCommand('tunelab.showReport', run.id);
          if (pick === 'Show Log') void openTrainerLog(run.dir);
        });
    }
  }

  /** Asks the trainer to save a checkpoint and stop: on stdin if this window started it, else SIGTERM to its pid. */
  stop(run: RunRef): boolean {
    const proc = this.processes.get(run.id);
    if (proc) {
      this.log.info(`stopping ${run.id} (stop on stdin)`);
      proc.stop();
      return true;
    }
    const pid = readRunPid(run.dir);
    if (pid === undefined || !isProcessAlive(pid)) return false;
    this.log.info(`stopping ${run.id} (SIGTERM to pid ${pid})`);
    try {
      process.kill(pid, 'SIGTERM');
      return true;
    } catch (err) {
      this.log.warn(`could not signal pid ${pid}: ${String(err)}`);
      return false;
    }
  }

  dispose(): void {
    // Trainers are detached on purpose and keep running; only this window's watching ends.
    for (const w of this.watched.values()) w.dispose();
    this.watched.clear();
    this.events.dispose();
    this.changes.dispose();
    this.endedWithoutEvent.dispose();
  }
}

function summaryExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, CONFIG_FILE));
}

function applyToLive(live: LiveRun, e: TrainerEvent): void {
  switch (e.type) {
    case 'start':
      live.totalSteps = e.total_steps;
      break;
    case 'step':
      live.step = e.step;
      live.totalSteps = e.total_steps ?? live.totalSteps;
      live.loss = e.loss;
      break;
    case 'done':
      live.status = e.status === 'stopped' ? 'stopped' : 'completed';
      break;
    case 'error':
      live.status = 'failed';
      break;
  }
}

export async function openTrainerLog(runDir: string): Promise<void> {
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(runDir, TRAINER_LOG_FILE)));
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch {
    void vscode.window.showWarningMessage(`No trainer.log in ${runDir} yet.`);
  }
}
