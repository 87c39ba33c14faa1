// The lint check before a training run: a dataset with error-level findings does not train; the message lists
// them by code and offers to open the first one or pick one from the list. Warnings are summed up and training
// goes ahead. Used by "Train on This Dataset" and the training panel's Start.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileLintResult, Finding, LintOptions } from '../core/lint';
import { documentPath, findingRange, type DatasetDiagnostics } from './datasetDiagnostics';
import type { Linter } from './linter';
import type { LintSettings } from './lintSettings';
import { judgeForTraining, refusalText, warningText, type GateVerdict } from './trainingGateText';

export interface GateOutcome extends GateVerdict {
  uri: vscode.Uri;
  name: string;
  /** The file could not be read: `ok` is false and this says why. */
  readError?: string;
}

const OPEN_FIRST = 'Open First Error';
const LIST = 'List Errors';
const SHOW_PROBLEMS = 'Show Problems';

export class TrainingGate {
  /** The last refusal, for the extension-host tests. */
  lastRefusal: GateOutcome | undefined;

  constructor(private readonly linter: Linter, private readonly diagnostics: DatasetDiagnostics, private readonly settings: LintSettings) {}

  /**
   * Lints the dataset (the open document's text when open, else the file) and publishes its diagnostics; `training`:
   * the run it is for (too-few-records weighs its epochs).
   */
  async lint(uri: vscode.Uri, training?: LintOptions['training']): Promise<FileLintResult> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const input = doc ? doc.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri));
    // The rules of the editor's diagnostics, which are those of `tunelab train`'s gate where the project has a lint.json.
    const result = await this.linter.lint(documentPath(uri), input, { ...this.settings.optionsFor(uri), training });
    this.diagnostics.publish(uri, result);
    return result;
  }

  /** Lints and judges; on errors shows the refusal (unless `quiet`), on warnings their summary. */
  async check(uri: vscode.Uri, opts: { quiet?: boolean; training?: LintOptions['training'] } = {}): Promise<GateOutcome> {
    const name = path.basename(uri.path);
    let result: FileLintResult;
    try {
      result = await this.lint(uri, opts.training);
    } catch (err) {
      const readError = err instanceof vscode.FileSystemError || (err as NodeJS.ErrnoException)?.code === 'ENOENT'
        ? `${uri.fsPath} cannot be read (${err instanceof Error ? err.message : String(err)}); check that the dataset file exists`
        : `${uri.fsPath} cannot be linted: ${err instanceof Error ? err.message : String(err)}`;
      const outcome: GateOutcome = { uri, name, ok: false, errors: 0, warnings: 0, errorFindings: [], errorCodes: '', warningCodes: '', readError };
      this.lastRefusal = outcome;
      if (!opts.quiet) void vscode.window.showErrorMessage(`Tunelab: ${readError}`);
      return outcome;
    }
    const outcome: GateOutcome = { uri, name, ...judgeForTraining(result) };
    if (!outcome.ok) {
      this.lastRefusal = outcome;
      if (!opts.quiet) this.showRefusal(outcome);
    } else if (outcome.warnings && !opts.quiet) {
      void vscode.window.showWarningMessage(warningText(name, outcome), SHOW_PROBLEMS).then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    }
    return outcome;
  }

  showRefusal(outcome: GateOutcome): void {
    void vscode.window.showErrorMessage(refusalText(outcome.name, outcome), OPEN_FIRST, LIST, SHOW_PROBLEMS).then(async (pick) => {
      if (pick === OPEN_FIRST && outcome.errorFindings[0]) await revealFinding(outcome.uri, outcome.errorFindings[0]);
      else if (pick === LIST) await this.pickError(outcome);
      else if (pick === SHOW_PROBLEMS) await vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }

  private async pickError(outcome: GateOutcome): Promise<void> {
    const items = outcome.errorFindings.slice(0, 500).map((f) => ({ label: `line ${f.line}: ${f.code}`, detail: f.message, finding: f }));
    const pick = await vscode.window.showQuickPick(items, { title: `${outcome.name}: errors to fix before training`, matchOnDetail: true });
    if (pick) await revealFinding(outcome.uri, pick.finding);
  }
}

/** Opens the dataset with the finding selected. */
export async function revealFinding(uri: vscode.Uri, f: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = doc.validateRange(findingRange(f));
  const editor = await vscode.window.showTextDocument(doc, { selection: range, preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
