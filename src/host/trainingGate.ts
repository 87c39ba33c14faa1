// The lint check before a training run: a dataset with error-level findings does not train; the message lists
// them by code and offers to open the first one or pick one from the list. Warnings are summed up and training
// goes ahead. Used by "Train on This Dataset" and the training panel's Start.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gateOptions, type FileLintResult, type Finding, type TrainingRun } from '../core/lint';
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
   * Lints the dataset (the open document's text when open, else the file) and publishes its diagnostics; `run`: the
   * training run it is for (too-few-records weighs its epochs, too-long its max_seq_length; see gateOptions).
   */
  async lint(uri: vscode.Uri, run?: TrainingRun): Promise<FileLintResult> {
    // The rules of the editor's diagnostics, which are those of `tunelab train`'s gate where the project has a lint.json.
    const result = await this.linter.lint(documentPath(uri), await inputOf(uri), gateOptions(this.settings.optionsFor(uri), run));
    this.diagnostics.publish(uri, result);
    return result;
  }

  /** The training file and its eval file together (leakage from one to the other, as `tunelab train` checks), both published. */
  async lintWithEval(uri: vscode.Uri, evalUri: vscode.Uri, run?: TrainingRun): Promise<{ train: FileLintResult; eval: FileLintResult }> {
    const [train, held] = await Promise.all([inputOf(uri), inputOf(evalUri)]);
    const results = await this.linter.lintPair({ path: documentPath(uri), input: train }, { path: documentPath(evalUri), input: held },
      gateOptions(this.settings.optionsFor(uri), run));
    this.diagnostics.publish(uri, results.train);
    this.diagnostics.publish(evalUri, results.eval);
    this.diagnostics.rememberEvalPair(evalUri, uri); // its leakage stays checked as it is edited, whatever its name
    return results;
  }

  /**
   * Lints and judges; on errors shows the refusal (unless `quiet`), on warnings their summary. With `evalUri` (the
   * run's eval file) both are judged, the eval file with leakage from the training file; the refusal names the file
   * whose errors stop the run.
   */
  async check(uri: vscode.Uri, opts: { quiet?: boolean; run?: TrainingRun; evalUri?: vscode.Uri } = {}): Promise<GateOutcome> {
    const name = path.basename(uri.path);
    const pair = opts.evalUri && opts.evalUri.toString() !== uri.toString() ? opts.evalUri : undefined;
    let outcomes: GateOutcome[];
    try {
      if (pair) {
        const results = await this.lintWithEval(uri, pair, opts.run);
        outcomes = [{ uri, name, ...judgeForTraining(results.train) }, { uri: pair, name: path.basename(pair.path), ...judgeForTraining(results.eval) }];
      } else {
        outcomes = [{ uri, name, ...judgeForTraining(await this.lint(uri, opts.run)) }];
      }
    } catch (err) {
      const files = pair ? `${uri.fsPath} or its eval file ${pair.fsPath}` : uri.fsPath;
      const readError = err instanceof vscode.FileSystemError || (err as NodeJS.ErrnoException)?.code === 'ENOENT'
        ? `${files} cannot be read (${err instanceof Error ? err.message : String(err)}); check that the dataset file exists`
        : `${files} cannot be linted: ${err instanceof Error ? err.message : String(err)}`;
      const outcome: GateOutcome = { uri, name, ok: false, errors: 0, warnings: 0, errorFindings: [], errorCodes: '', warningCodes: '', readError };
      this.lastRefusal = outcome;
      if (!opts.quiet) void vscode.window.showErrorMessage(`Tunelab: ${readError}`);
      return outcome;
    }
    const refused = outcomes.find((o) => !o.ok);
    if (refused) {
      this.lastRefusal = refused;
      if (!opts.quiet) this.showRefusal(refused);
      return refused;
    }
    const warned = outcomes.filter((o) => o.warnings);
    if (warned.length && !opts.quiet) {
      void vscode.window.showWarningMessage(warned.map((o) => warningText(o.name, o)).join(' '), SHOW_PROBLEMS).then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    }
    return outcomes[0];
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

/** The open document's text (unsaved edits included), else the file's bytes. */
async function inputOf(uri: vscode.Uri): Promise<string | Buffer> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return doc ? doc.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri));
}

/** Opens the dataset with the finding selected. */
export async function revealFinding(uri: vscode.Uri, f: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = doc.validateRange(findingRange(f));
  const editor = await vscode.window.showTextDocument(doc, { selection: range, preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
