// The one object activate() builds: every feature of the extension, created in order and disposed
// with the extension.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../core/runs';
import { registerCommands } from './commands';
import { DatasetDiagnostics, type LintTiming } from './datasetDiagnostics';
import { LintSettings } from './lintSettings';
import { DatasetStatusBar } from './datasetStatusBar';
import { LargeDatasetSettings } from './largeDatasetSettings';
import { Linter } from './linter';
import { OverviewPanels } from './overviewPanel';
import { PARQUET_ROWS_SCHEME, ParquetFileEditor, ParquetRowsProvider } from './parquetRows';
import { DatasetQuickFixes } from './quickFixes';
import { RecordHoverProvider } from './recordHover';
import { ReportPanels } from './reportPanel';
import { RunManager, type LiveRun } from './runManager';
import { RunsTreeProvider } from './runsView';
import { TrainingStatusBar } from './statusBar';
import { defaultModel } from './trainingDefaults';
import { TrainingGate } from './trainingGate';
import { TrainingPanels } from './trainingPanel';
import { JSON_DATASET_LANGUAGE } from './wholeDocumentScans';

/** Documents the lints and quick fixes apply to. */
export const DATASET_SELECTOR: vscode.DocumentSelector = [
  { language: 'jsonl' },
  { pattern: '**/*.jsonl' },
  { language: 'json' },
  { language: JSON_DATASET_LANGUAGE },
  { pattern: '**/*.csv' },
];

export interface Tunelab {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly linter: Linter;
  readonly diagnostics: DatasetDiagnostics;
  readonly runs: RunManager;
  readonly runsView: RunsTreeProvider;
  readonly trainingPanels: TrainingPanels;
  readonly reportPanels: ReportPanels;
  readonly overviewPanels: OverviewPanels;
  readonly gate: TrainingGate;
  readonly largeDatasets: LargeDatasetSettings;
}

/** What activate() returns, for the extension-host tests; kept minimal. */
export interface TunelabApi {
  /** Lints a dataset document now (no debounce) and returns the diagnostics it published. */
  lintNow(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]>;
  /** Runs this window follows: started here, or found training when the window opened. */
  liveRuns(): LiveRun[];
  /** The run the training panel shows, if the panel is open. */
  trainingPanelRunId(): string | undefined;
  /** The training file in the training panel's form, if the panel is open. */
  trainingPanelTrainFile(): string | undefined;
  /** The Runs view's data. */
  runsProvider: vscode.TreeDataProvider<RunSummary>;
  /** How long the last lint of an open document took (bench/editor). */
  lintTiming(uri: vscode.Uri): LintTiming | undefined;
  /** Lints of open documents that failed (logged; tests check bad input causes none). */
  lintFailures(): number;
  /** What the dataset status bar item says, while it is shown. */
  datasetStatus(): string | undefined;
  /** The dataset the overview panel shows, if it is open. */
  overviewPanelUri(): vscode.Uri | undefined;
  /** The last training start the dataset's lint errors stopped. */
  lastTrainingRefusal(): { uri: vscode.Uri; errors: number; errorCodes: string; firstErrorLine?: number; readError?: string } | undefined;
}

export function createTunelab(extension: vscode.ExtensionContext, log: vscode.LogOutputChannel): { tunelab: Tunelab; api: TunelabApi } {
  const own = <T extends vscode.Disposable>(d: T): T => {
    extension.subscriptions.push(d);
    return d;
  };
  const linter = own(new Linter(path.join(extension.extensionPath, 'dist', 'lintWorker.js'), log));
  linter.start(); // Tunelab activates where there are datasets: their first lint need not wait for the worker to load
  own(vscode.workspace.registerTextDocumentContentProvider(PARQUET_ROWS_SCHEME, own(new ParquetRowsProvider(linter))));
  own(vscode.window.registerCustomEditorProvider(ParquetFileEditor.viewType, new ParquetFileEditor()));
  const lintSettings = own(new LintSettings(log));
  const diagnostics = own(new DatasetDiagnostics(linter, log, lintSettings, extension.workspaceState));
  own(vscode.languages.registerCodeActionsProvider(DATASET_SELECTOR, new DatasetQuickFixes(diagnostics), DatasetQuickFixes.metadata));
  const runs = own(new RunManager(extension.extensionPath, log));
  const runsView = own(new RunsTreeProvider(runs));
  own(vscode.window.createTreeView('tunelab.runs', { treeDataProvider: runsView, showCollapseAll: false }));
  const gate = new TrainingGate(linter, diagnostics, lintSettings);
  const deps = { extensionUri: extension.extensionUri, log, runs, gate };
  const trainingPanels = own(new TrainingPanels(deps));
  const reportPanels = own(new ReportPanels(deps));
  // The tokenizer that counts a record's tokens: the open training form's model, else the default model.
  const modelDir = (uri: vscode.Uri): string | undefined => {
    const form = trainingPanels.panel?.config.model;
    return typeof form === 'string' && path.isAbsolute(form.trim()) ? form.trim() : defaultModel(extension.extensionPath, uri);
  };
  own(vscode.languages.registerHoverProvider(DATASET_SELECTOR, new RecordHoverProvider(linter, (doc) => modelDir(doc.uri), log)));
  const overviewPanels = own(new OverviewPanels({ extensionUri: extension.extensionUri, log, linter, diagnostics, modelDir }));
  own(new TrainingStatusBar(runs));
  const datasetStatusBar = own(new DatasetStatusBar(diagnostics));
  const largeDatasets = own(new LargeDatasetSettings(extension, log));
  const tunelab: Tunelab = { extension, log, linter, diagnostics, runs, runsView, trainingPanels, reportPanels, overviewPanels, gate, largeDatasets };
  registerCommands(tunelab);
  runs.resumeWatching();

  const api: TunelabApi = {
    lintNow: async (uri) => diagnostics.lintDocument(await vscode.workspace.openTextDocument(uri)),
    liveRuns: () => runs.live(),
    trainingPanelRunId: () => trainingPanels.panel?.runId,
    trainingPanelTrainFile: () => {
      const file = trainingPanels.panel?.config.train_file;
      return typeof file === 'string' ? file : undefined;
    },
    runsProvider: runsView,
    lintTiming: (uri) => diagnostics.timing(uri),
    lintFailures: () => diagnostics.failures,
    overviewPanelUri: () => overviewPanels.panel?.documentUri,
    datasetStatus: () => datasetStatusBar.shownText,
    lastTrainingRefusal: () => {
      const r = gate.lastRefusal;
      return r && { uri: r.uri, errors: r.errors, errorCodes: r.errorCodes, firstErrorLine: r.errorFindings[0]?.line, readError: r.readError };
    },
  };
  return { tunelab, api };
}
