// The commands, as a table of small factories over the one Tunelab context.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../core/config';
import type { FileLintResult, LintCode } from '../core/lint';
import { EVAL_FIXABLE_CODES, FIX_SUMMARIES, FIXABLE_CODES } from '../core/lint/fix-text';
import { runDoctor, type DoctorReport } from '../core/python';
import { summarizeRun } from '../core/runs';
import { isFormConfig, type FormConfig } from '../../webview/protocol';
import type { Tunelab } from './context';
import { isDatasetDocument } from './datasetDiagnostics';
import { parquetFileOf, parquetRowsUri, PARQUET_ROWS_SCHEME } from './parquetRows';
import { toWorkspaceEdit } from './quickFixes';
import { findPython } from './pythonEnvironment';
import { UNTRUSTED_NOTICE, type RunRef } from './runManager';
import { revealFinding } from './trainingGate';
import { initialFormConfig } from './trainingDefaults';
import { trainingOfForm } from './trainingGateText';

type CommandFactory = (t: Tunelab) => (...args: unknown[]) => unknown;

export interface TrainOptions {
  /** Start at once, as if Start were clicked (tests; scripted use). */
  autoStart?: boolean;
  /** Settings that replace the form's defaults. */
  overrides?: Partial<RunConfig>;
}

const COMMANDS: Record<string, CommandFactory> = {
  'tunelab.trainOnDataset': (t) => (uri, options) => trainOnDataset(t, uri, options),
  'tunelab.openTrainingPanel': (t) => (uri) => {
    const dataset = asUri(uri);
    t.trainingPanels.open(dataset ? { config: initialFormConfig(t.extension.extensionPath, dataset) } : {});
  },
  'tunelab.showReport': (t) => async (arg) => {
    const run = await pickRun(t, arg, 'Show the report of which run?', () => true);
    if (run) t.reportPanels.open(run);
  },
  'tunelab.stopRun': (t) => async (arg) => {
    const run = await pickRun(t, arg, 'Stop which run?', (s) => s === 'running');
    if (!run) return false;
    const stopped = t.runs.stop(run);
    if (!stopped) void vscode.window.showInformationMessage(`Run ${run.id} is not training.`);
    return stopped;
  },
  'tunelab.resumeRun': (t) => async (arg) => {
    const run = await pickRun(t, arg, 'Resume which run?', (s) => s === 'stopped' || s === 'failed' || s === 'interrupted');
    if (!run) return undefined;
    const outcome = await t.runs.resume(run);
    if (!outcome.ok) {
      void vscode.window.showErrorMessage(`Tunelab: ${outcome.notice?.message ?? `run ${run.id} cannot be resumed.`} ${outcome.notice?.hint ?? ''}`.trim());
      return undefined;
    }
    t.trainingPanels.open({ run });
    return run.id;
  },
  'tunelab.openRun': (t) => async (arg) => {
    const run = await pickRun(t, arg, 'Open which run?', () => true);
    if (!run) return;
    if (summarizeRun(run.dir).status === 'running') t.trainingPanels.open({ run });
    else t.reportPanels.open(run);
  },
  'tunelab.revealRunFolder': (t) => async (arg) => {
    const run = await pickRun(t, arg, 'Reveal which run folder?', () => true);
    if (!run) return;
    const desktop = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName;
    await vscode.commands.executeCommand(desktop ? 'revealFileInOS' : 'revealInExplorer', vscode.Uri.file(run.dir));
  },
  'tunelab.lintDataset': (t) => (uri) => lintDataset(t, uri),
  'tunelab.openParquetRows': () => async (arg) => {
    const uri = await datasetFromArg(arg, ['parquet']);
    if (!uri) return undefined;
    if (!/\.parquet$/i.test(uri.path)) {
      void vscode.window.showErrorMessage(`Tunelab: ${path.basename(uri.path)} is not a .parquet file; open JSONL and CSV datasets as they are.`);
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(parquetRowsUri(uri));
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.uri;
  },
  'tunelab.showDatasetOverview': (t) => async (arg) => {
    const uri = await datasetFromArg(arg);
    // A Parquet file's overview is that of its rows view, whose lines its record links open.
    if (uri) t.overviewPanels.open(uri.scheme === 'file' && /\.parquet$/i.test(uri.path) ? parquetRowsUri(uri) : uri);
  },
  'tunelab.revealFinding': () => async (uri, line, column) => {
    const target = asUri(uri);
    if (!target || typeof line !== 'number') return undefined;
    const col = typeof column === 'number' ? column : 1;
    return revealFinding(target, { line, column: col, endLine: line, endColumn: col });
  },
  'tunelab.speedUpLargeDatasets': (t) => async (arg) => {
    const given = asUri(arg);
    const doc = given ? await vscode.workspace.openTextDocument(given) : vscode.window.activeTextEditor?.document;
    // Link detection and Unicode highlighting go off for the dataset's language only (JSON Lines unless a JSON-array
    // dataset is meant).
    return t.largeDatasets.turnOff(doc && isDatasetDocument(doc) ? doc.languageId : 'jsonl');
  },
  'tunelab.editAsJsonDataset': (t) => async (arg, opts) => {
    const given = asUri(arg);
    const doc = given ? await vscode.workspace.openTextDocument(given) : vscode.window.activeTextEditor?.document;
    if (!doc || !/\.json$/i.test(doc.uri.path) || !isDatasetDocument(doc)) {
      void vscode.window.showInformationMessage('Tunelab: Edit as JSON Dataset is for a JSON file holding an array of records; open one first.');
      return undefined;
    }
    const always = typeof opts === 'object' && opts !== null && (opts as { always?: unknown }).always === true;
    return (await t.largeDatasets.editAsJsonDataset(doc, always))?.languageId;
  },
  'tunelab.fixAllDatasetProblems': (t) => (uri, codes) => fixAllDatasetProblems(t, uri, codes),
  'tunelab.doctor': (t) => () => doctor(t),
  'tunelab.refreshRuns': (t) => () => t.runsView.refresh(),
};

export function registerCommands(t: Tunelab): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    const run = factory(t);
    t.extension.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (err) {
        t.log.error(`${id} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        void vscode.window.showErrorMessage(`Tunelab: ${id} failed: ${err instanceof Error ? err.message : String(err)}`, 'Show Log')
          .then((pick) => { if (pick) t.log.show(); });
        return undefined;
      }
    }));
  }
}

// ---- arguments ----

function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return undefined;
}

function parseTrainOptions(arg: unknown): TrainOptions {
  if (typeof arg !== 'object' || arg === null) return {};
  const o = arg as Record<string, unknown>;
  return {
    autoStart: o.autoStart === true,
    overrides: isFormConfig(o.overrides) ? (o.overrides as Partial<RunConfig>) : undefined,
  };
}

/** The dataset a command is about: its argument, else the active editor's dataset, else one the user picks. */
async function datasetFromArg(arg: unknown, extensions = ['jsonl', 'json', 'csv', 'parquet']): Promise<vscode.Uri | undefined> {
  const given = asUri(arg);
  if (given) return given;
  const active = (vscode.window.activeTextEditor ?? await activeEditorSoon())?.document;
  if (active && extensions.some((e) => active.fileName.toLowerCase().endsWith(`.${e}`))) return active.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Use This Dataset',
    filters: { 'Datasets': extensions },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

/**
 * The active editor when the extension host learns of it within a moment: a command run right after a file was
 * opened can reach this process before the news of its editor does (seen in the UI tests), and should not ask the
 * user to pick the file they are looking at.
 */
function activeEditorSoon(ms = 1000): Promise<vscode.TextEditor | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { sub.dispose(); resolve(vscode.window.activeTextEditor); }, ms);
    const sub = vscode.window.onDidChangeActiveTextEditor((e) => {
      if (!e) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

async function pickRun(t: Tunelab, arg: unknown, title: string, want: (s: string) => boolean): Promise<RunRef | undefined> {
  if (arg !== undefined) {
    const key = arg instanceof vscode.Uri ? arg.fsPath
      : typeof arg === 'string' ? arg
        : typeof arg === 'object' && arg !== null ? String((arg as { dir?: unknown; id?: unknown }).dir ?? (arg as { id?: unknown }).id ?? '')
          : '';
    const run = t.runs.find(key);
    if (!run) void vscode.window.showErrorMessage(`Tunelab: no run "${key}" in this workspace.`);
    return run;
  }
  const candidates = t.runs.listAll().filter((s) => want(s.status));
  if (!candidates.length) {
    void vscode.window.showInformationMessage('Tunelab: no matching run in this workspace.');
    return undefined;
  }
  if (candidates.length === 1) return { id: candidates[0].id, dir: candidates[0].dir };
  const pick = await vscode.window.showQuickPick(candidates.map((s) => ({ label: s.id, description: s.status, run: { id: s.id, dir: s.dir } })), { title });
  return pick?.run;
}

// ---- lint ----

function counts(result: FileLintResult): { errors: number; warnings: number; infos: number } {
  const { error, warning, info } = result.stats.findingsBySeverity;
  return { errors: error, warnings: warning, infos: info };
}

const showProblems = (pick: string | undefined): void => {
  if (pick === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
};

async function lintDataset(t: Tunelab, arg: unknown): Promise<{ records: number; format: string; errors: number; warnings: number; infos: number } | undefined> {
  const uri = await datasetFromArg(arg);
  if (!uri) return undefined;
  let result: FileLintResult;
  try {
    result = await t.gate.lint(uri);
  } catch (err) {
    // Deleted or unreadable since it was chosen: say so plainly, no stack trace.
    void vscode.window.showErrorMessage(`Tunelab: cannot read ${uri.scheme === 'file' ? uri.fsPath : uri.toString()}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const c = counts(result);
  const name = path.basename(uri.path);
  const head = `${name}: ${result.records} records (${result.format})`;
  if (c.errors + c.warnings + c.infos === 0) {
    void vscode.window.showInformationMessage(`${head}: no problems found.`);
  } else {
    const text = `${head}: ${c.errors} errors, ${c.warnings} warnings, ${c.infos} notes.`;
    void (c.errors ? vscode.window.showErrorMessage(text, 'Show Problems') : vscode.window.showWarningMessage(text, 'Show Problems')).then(showProblems);
  }
  return { records: result.records, format: result.format, ...c };
}

// ---- train ----

async function trainOnDataset(t: Tunelab, uriArg: unknown, optionsArg: unknown): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage(`Tunelab: ${UNTRUSTED_NOTICE.message} ${UNTRUSTED_NOTICE.hint}`, 'Manage Workspace Trust').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return undefined;
  }
  const picked = await datasetFromArg(uriArg);
  if (!picked) return undefined;
  const uri = parquetFileOf(picked); // a Parquet rows view trains on its file
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Tunelab: save the dataset to a file in the workspace first; the trainer reads it from disk.');
    return undefined;
  }
  const options = parseTrainOptions(optionsArg);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) {
    t.log.info(`saving ${uri.fsPath} before training: the trainer reads the file on disk`);
    await open.save();
  }

  // Error findings stop here with a message that opens them; warnings are summed up and training goes ahead.
  const config: FormConfig = { ...initialFormConfig(t.extension.extensionPath, uri), ...options.overrides };
  const evalFile = typeof config.eval_file === 'string' && config.eval_file && fs.existsSync(config.eval_file) ? vscode.Uri.file(config.eval_file) : undefined;
  const verdict = await t.gate.check(uri, { run: trainingOfForm(config), evalUri: evalFile });
  if (!verdict.ok) return undefined;

  const panel = t.trainingPanels.open({ config });
  return options.autoStart ? panel.start(config, { datasetChecked: true }) : undefined;
}

// ---- doctor ----

async function doctor(t: Tunelab): Promise<DoctorReport | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage(`Tunelab: the environment check runs Python, which is disabled in this untrusted workspace. ${UNTRUSTED_NOTICE.hint}`);
    return undefined;
  }
  const { python } = await findPython(t.log);
  t.log.info(`spawn: ${python} -m tunelab_trainer doctor (PYTHONPATH=${t.runs.trainerDir})`);
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Tunelab: checking the Python environment…' },
    () => runDoctor(python, t.runs.trainerDir),
  );
  t.log.info(`doctor: ${JSON.stringify(report)}`);
  if (report.ok) {
    const gpu = report.gpus.length ? report.gpus.map((g) => `${g.name} (${g.memory_gb} GB)`).join(', ') : 'no GPU (training runs on the CPU: slow)';
    void vscode.window.showInformationMessage(
      `Tunelab environment OK: Python ${report.pythonVersion ?? '?'}, torch ${report.torch ?? '?'}, transformers ${report.transformers ?? '?'}, peft ${report.peft ?? '?'}; ${gpu}${report.bf16 ? ', bf16' : ''}.`,
    );
  } else {
    const what = report.error ?? `missing packages: ${report.missing.join(', ')}`;
    const actions = report.fix ? ['Copy Fix Command', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`Tunelab environment problem (${python}): ${what}${report.fix ? `. Fix: ${report.fix}` : ''}`, ...actions).then((pick) => {
      if (pick === 'Copy Fix Command' && report.fix) void vscode.env.clipboard.writeText(report.fix);
      if (pick === 'Show Log') t.log.show();
    });
  }
  return report;
}

// ---- fix all ----

/**
 * Every automatic fix of the chosen codes in a dataset, as one edit (one undo step): the user picks the codes among those
 * the file has findings of (`codes` skips the question: tests, scripted use). Returns the findings fixed per code.
 */
async function fixAllDatasetProblems(t: Tunelab, arg: unknown, codesArg: unknown): Promise<Partial<Record<LintCode, number>> | undefined> {
  const given = asUri(arg);
  const doc = given ? await vscode.workspace.openTextDocument(given) : vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme === PARQUET_ROWS_SCHEME || !isDatasetDocument(doc)) {
    const why = doc?.uri.scheme === PARQUET_ROWS_SCHEME ? 'a Parquet file\'s rows are read-only: Save As JSONL, then fix the copy' : 'open a JSONL, JSON or CSV dataset first';
    void vscode.window.showInformationMessage(`Tunelab: Fix All Dataset Problems: ${why}.`);
    return undefined;
  }
  const name = path.basename(doc.uri.path);
  const found = t.diagnostics.fixableCounts(doc);
  let codes: LintCode[];
  if (Array.isArray(codesArg)) {
    codes = codesArg.filter((c): c is LintCode => ([...FIXABLE_CODES, ...EVAL_FIXABLE_CODES] as readonly unknown[]).includes(c));
  } else {
    if (!found.length) {
      void vscode.window.showInformationMessage(`Tunelab: no finding in ${name} has an automatic fix.`);
      return undefined;
    }
    const picks = await vscode.window.showQuickPick(found.map(({ code, n }) => ({
      label: code, description: `${n.toLocaleString('en-US')} finding${n === 1 ? '' : 's'}`, detail: FIX_SUMMARIES[code], picked: true, code,
    })), { canPickMany: true, title: `Fix all in ${name}`, placeHolder: 'The fixes to apply (one edit: Undo reverts all of it)' });
    codes = (picks ?? []).map((p) => p.code);
  }
  if (!codes.length) return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tunelab: fixing ${name}…` },
    () => t.diagnostics.fixAll(doc, codes),
  );
  if (!result) {
    void vscode.window.showWarningMessage(`Tunelab: ${name} changed while its fixes were worked out; run Fix All Dataset Problems again.`);
    return undefined;
  }
  const total = Object.values(result.fixed).reduce((a, b) => a + (b ?? 0), 0);
  if (!result.edits.length) {
    void vscode.window.showInformationMessage(`Tunelab: nothing to fix in ${name} for ${codes.join(', ')}.`);
    return result.fixed;
  }
  if (!await vscode.workspace.applyEdit(toWorkspaceEdit(doc.uri, result.edits))) {
    void vscode.window.showErrorMessage(`Tunelab: the fixes could not be applied to ${name} (it changed, or it is read-only).`);
    return undefined;
  }
  const counts = Object.entries(result.fixed).map(([code, n]) => `${code} ${n}`).join(', ');
  void vscode.window.showInformationMessage(`Tunelab: fixed ${total} finding${total === 1 ? '' : 's'} in ${name} (${counts}) in one edit: Undo reverts it.`);
  return result.fixed;
}
