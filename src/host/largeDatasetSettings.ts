// Offers, once, to turn off the VS Code features that re-read a whole document when a large dataset is shown
// (wholeDocumentScans.ts says which and why), and, for each large dataset VS Code reads as JSON, to edit it in
// Tunelab's JSON Dataset mode instead, away from the JSON language features. Nothing changes without the user's click:
// the offer is a notification, and the command "Tunelab: Speed Up Editing Large Datasets" turns the scans off on demand.
import * as vscode from 'vscode';
import { documentChars, isDatasetDocument } from './datasetDiagnostics';
import { associationPattern, JSON_DATASET_LANGUAGE, JSON_MODE_BUTTON, LARGE_DATASET_CHARS, offerMessage, scansStillOn, settingId, type WholeDocumentScan } from './wholeDocumentScans';

/** The user's "Don't Ask Again" (every workspace), and an answered offer (this workspace). */
const NEVER_KEY = 'tunelab.largeDatasetOffer.never';
const ANSWERED_KEY = 'tunelab.largeDatasetOffer.answered';
const NOT_NOW = 'Not Now';
const ALWAYS = 'Always for This File';
const NEVER = "Don't Ask Again";

export class LargeDatasetSettings implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The scans were offered: the offer is showing, or was put off for this session ("Not Now" or closed). */
  private scansOffered = false;
  /** Documents offered the JSON Dataset mode this session. */
  private readonly jsonOffered = new Set<string>();

  constructor(private readonly extension: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor((e) => { if (e) this.consider(e.document); }));
    const active = vscode.window.activeTextEditor;
    if (active) this.consider(active.document);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Shows the offer when `doc` is a large dataset and some of the scans are on for it, or VS Code reads it as JSON. */
  private consider(doc: vscode.TextDocument): void {
    if (this.extension.globalState.get(NEVER_KEY)) return;
    const chars = documentChars(doc);
    if (chars < LARGE_DATASET_CHARS || !isDatasetDocument(doc)) return;
    if (!vscode.workspace.getConfiguration('tunelab', doc.uri).get<boolean>('lint.enable', true)) return;
    const on = this.scansOffered || this.extension.workspaceState.get(ANSWERED_KEY) ? [] : scansStillOn((s) => effective(s, doc));
    const key = doc.uri.toString();
    const asJson = doc.languageId === 'json' && !this.jsonOffered.has(key);
    this.log.info(`${doc.uri.fsPath || key} is a large dataset; VS Code's whole-document scans on: ${on.map(settingId).join(', ') || 'none'}${asJson ? '; read as JSON' : ''}`);
    if (!on.length && !asJson) return;
    if (on.length) this.scansOffered = true;
    if (asJson) this.jsonOffered.add(key);
    const turnOff = writesWorkspace() ? 'Turn Off in This Workspace' : 'Turn Off in User Settings';
    const buttons = [...(on.length ? [turnOff] : []), ...(asJson ? [JSON_MODE_BUTTON] : []), NOT_NOW, NEVER];
    const name = doc.uri.path.split('/').pop() ?? doc.fileName;
    void vscode.window.showInformationMessage(offerMessage(name, chars, on, doc.languageId, asJson), ...buttons).then(async (pick) => {
      if (pick === NEVER) await this.extension.globalState.update(NEVER_KEY, true);
      if (pick === JSON_MODE_BUTTON) await this.editAsJsonDataset(doc);
      if (pick !== turnOff) return;
      await this.extension.workspaceState.update(ANSWERED_KEY, true);
      await this.turnOff(doc.languageId);
    }, (err) => this.log.warn(`large dataset offer: ${String(err)}`));
  }

  /**
   * Switches `doc` to Tunelab's JSON Dataset mode (until it is closed): VS Code's JSON language features let go of it,
   * and Tunelab lints it again as it opens in the new mode. Then asks whether the file should always open so (it opens
   * as JSON first otherwise, the JSON language features reading it meanwhile), unless `always` answers it.
   */
  async editAsJsonDataset(doc: vscode.TextDocument, always?: boolean): Promise<vscode.TextDocument | undefined> {
    const name = doc.uri.path.split('/').pop() ?? doc.fileName;
    let switched: vscode.TextDocument;
    try {
      switched = await vscode.languages.setTextDocumentLanguage(doc, JSON_DATASET_LANGUAGE);
      this.log.info(`${doc.uri.fsPath || doc.uri.toString()} is edited as a JSON Dataset`);
    } catch (err) {
      void vscode.window.showWarningMessage(`Tunelab: could not switch ${name} to the JSON Dataset mode: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    if (doc.uri.scheme !== 'file') return switched;
    if (always) {
      await this.associate(doc.uri);
      return switched;
    }
    const where = writesWorkspace() ? "this workspace's settings" : 'your user settings';
    void vscode.window.showInformationMessage(`Tunelab: open ${name} as a JSON Dataset every time? This adds it to "files.associations" in ${where}.`, ALWAYS, NOT_NOW)
      .then((pick) => (pick === ALWAYS ? this.associate(doc.uri) : undefined), (err) => this.log.warn(`JSON Dataset association: ${String(err)}`));
    return switched;
  }

  /** Adds the file to `files.associations` as a JSON Dataset, in the workspace's settings (the user's with no folder open). */
  async associate(uri: vscode.Uri): Promise<string | undefined> {
    const inWorkspace = writesWorkspace() && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    const pattern = associationPattern(inWorkspace ? vscode.workspace.asRelativePath(uri, false) : uri.fsPath, inWorkspace);
    const target = writesWorkspace() ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const files = vscode.workspace.getConfiguration('files');
    const inspected = files.inspect<Record<string, string>>('associations');
    const current = (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? {};
    try {
      await files.update('associations', { ...current, [pattern]: JSON_DATASET_LANGUAGE }, target);
      this.log.info(`files.associations: ${pattern} opens as a JSON Dataset`);
      return pattern;
    } catch (err) {
      void vscode.window.showWarningMessage(`Tunelab: could not add ${pattern} to files.associations: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /**
   * Turns the scans off in this workspace's settings (user settings when no folder is open), link detection and
   * Unicode highlighting for `languageId` only. Returns the settings it changed; reports any that stay on (a folder's
   * own setting wins).
   */
  async turnOff(languageId: string): Promise<string[]> {
    const scope = { languageId };
    const target = writesWorkspace() ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const where = target === vscode.ConfigurationTarget.Workspace ? "this workspace's settings" : 'your user settings';
    const changed: string[] = [];
    for (const s of scansStillOn((x) => effective(x, scope))) {
      try {
        await vscode.workspace.getConfiguration(s.section, scope).update(s.key, false, target, s.perLanguage || undefined);
        changed.push(label(s, languageId));
      } catch (err) {
        this.log.warn(`could not turn off ${settingId(s)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const still = scansStillOn((x) => effective(x, scope)).map((s) => label(s, languageId));
    if (changed.length) this.log.info(`turned off ${changed.join(', ')} in ${where} (large datasets)`);
    if (still.length) void vscode.window.showWarningMessage(`Tunelab: ${still.join(', ')} stayed on: a folder's own settings set it. Change it there to speed up editing large datasets.`);
    else if (changed.length) void vscode.window.showInformationMessage(`Tunelab: turned off ${changed.join(', ')} in ${where}.`);
    else void vscode.window.showInformationMessage('Tunelab: nothing to turn off: VS Code\'s whole-document scans are already off here.');
    return changed;
  }
}

function label(s: WholeDocumentScan, languageId: string): string {
  return s.perLanguage ? `[${languageId}] ${settingId(s)}` : settingId(s);
}

function effective(s: WholeDocumentScan, scope: vscode.ConfigurationScope): unknown {
  return vscode.workspace.getConfiguration(s.section, scope).get(s.key);
}

/** Workspace settings need a folder or a workspace file. */
function writesWorkspace(): boolean {
  return !!vscode.workspace.workspaceFolders?.length;
}
