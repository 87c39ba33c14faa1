// The lint settings of a dataset in the editor: the `tunelab.lint.rules` setting (user, workspace or folder), then
// the nearest `.tunelab/lint.json` inside the dataset's workspace folder (the file `tunelab lint` and `tunelab train`
// read), which wins where both set something, so that the editor, the CLI and CI agree on a project's rules.
// Problems in either are shown, never thrown: the valid part of the settings still applies. A `tunelab.defaultModel`
// with a chat template is the model conversations are checked against (role-order), as they will be in training.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { expandPathSetting } from './commandLine';
import { findLintConfigDir, loadLintConfig, mergeLintOptions, validateLintConfig, LINT_CONFIG_FILE, type LintOptions } from '../core/lint';

export const RULES_SETTING = 'tunelab.lint.rules';
const MODEL_SETTING = 'tunelab.defaultModel';
/** `.tunelab/lint.json` with forward slashes, as URI paths and globs have it. */
const CONFIG_PATH = LINT_CONFIG_FILE.split(path.sep).join('/');

export class LintSettings implements vscode.Disposable {
  /** Problems of each lint.json read, on the file itself (Problems view). */
  private readonly problems = vscode.languages.createDiagnosticCollection('tunelab-lint-settings');
  private readonly shownProblems = new Map<string, string>();
  /** Setting problems already told (once each). */
  private readonly told = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a lint.json in the workspace is created, changed, saved or deleted, or the rules setting changes. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_PATH}`);
    const fire = (): void => this.changed.fire();
    // Saved in the editor: at once (the file watcher may take a while to tell, on a busy machine seconds).
    const isConfig = (uri: vscode.Uri): boolean => uri.path.endsWith(`/${CONFIG_PATH}`);
    this.disposables.push(this.problems, this.changed, watcher, watcher.onDidCreate(fire), watcher.onDidChange(fire), watcher.onDidDelete(fire),
      vscode.workspace.onDidSaveTextDocument((doc) => { if (isConfig(doc.uri)) fire(); }),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(RULES_SETTING) || e.affectsConfiguration(MODEL_SETTING)) fire(); }));
  }

  /** The lint options for the dataset at `uri`. Read each time (a small file): no cache to go stale. */
  optionsFor(uri: vscode.Uri): LintOptions {
    const options = this.ruleOptions(uri);
    const model = configuredModel(uri);
    return model === undefined ? options : { ...options, templateModel: model };
  }

  private ruleOptions(uri: vscode.Uri): LintOptions {
    const rules = vscode.workspace.getConfiguration('tunelab', uri).get<unknown>('lint.rules');
    let options: LintOptions = {};
    if (rules !== undefined && rules !== null) {
      const fromSettings = validateLintConfig({ rules }, `setting "${RULES_SETTING}"`);
      options = fromSettings.options;
      for (const p of fromSettings.problems) this.tell(p);
    }
    if (uri.scheme !== 'file') return options;
    const top = vscode.workspace.getWorkspaceFolder(uri)?.uri;
    const dir = findLintConfigDir(path.dirname(uri.fsPath), top?.scheme === 'file' ? top.fsPath : undefined);
    if (dir === undefined) return options;
    const file = loadLintConfig(dir);
    this.showProblems(vscode.Uri.file(file.path), file.problems);
    return mergeLintOptions(options, file.options);
  }

  private tell(problem: string): void {
    if (this.told.has(problem)) return;
    this.told.add(problem);
    this.log.warn(problem);
    void vscode.window.showWarningMessage(`Tunelab: ${problem}. The other lint settings apply.`);
  }

  /** Shows a lint.json's problems on the file (cleared when it is fixed); unchanged problems are not set again. */
  private showProblems(file: vscode.Uri, problems: readonly string[]): void {
    const key = file.toString();
    const text = problems.join('\n');
    if ((this.shownProblems.get(key) ?? '') === text) return;
    this.shownProblems.set(key, text);
    this.problems.set(file, problems.map((p) => {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), `${p} (this setting is ignored until fixed)`, vscode.DiagnosticSeverity.Warning);
      d.source = 'tunelab';
      d.code = 'lint-settings';
      return d;
    }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The model folder `tunelab.defaultModel` names, when it has a tokenizer (and so maybe a chat template). The bundled
 * model, the default without the setting, is left out: its template renders every conversation the other checks pass.
 */
function configuredModel(uri: vscode.Uri): string | undefined {
  const setting = vscode.workspace.getConfiguration('tunelab', uri).get<string>('defaultModel', '');
  const dir = expandPathSetting(setting, vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath);
  return dir && path.isAbsolute(dir) && existsSync(path.join(dir, 'tokenizer.json')) ? dir : undefined;
}
