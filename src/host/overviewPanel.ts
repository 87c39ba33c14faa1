// The dataset overview panel on the host side: one panel, showing one dataset document at a time, refreshed when its
// diagnostics change; a click on a line number in the page shows that record in the editor.
// Page: webview/datasetOverviewPanel.ts; messages: webview/overviewProtocol.ts; data: src/host/overviewData.ts.
import * as vscode from 'vscode';
import { parseOverviewMessage, parseOverviewState, type DatasetOverview, type HostToOverview, type OverviewToHost } from '../../webview/overviewProtocol';
import type { DatasetDiagnostics } from './datasetDiagnostics';
import { UnknownDocumentError, type Linter } from './linter';
import { SinglePanelHost, type PanelController, type PanelHostDeps } from './singlePanel';

export interface OverviewPanelDeps extends PanelHostDeps {
  linter: Linter;
  diagnostics: DatasetDiagnostics;
  /** Model folder whose tokenizer counts tokens. */
  modelDir(uri: vscode.Uri): string | undefined;
}

/** Diagnostics change on every lint while typing: refresh at most this often. */
const REFRESH_DELAY_MS = 800;

export class OverviewPanels implements vscode.Disposable {
  static readonly viewType = 'tunelab.datasetOverview';
  private readonly host: SinglePanelHost<vscode.Uri, OverviewToHost, OverviewPanel>;

  constructor(deps: OverviewPanelDeps) {
    this.host = new SinglePanelHost({
      viewType: OverviewPanels.viewType,
      page: 'datasetOverviewPanel',
      title: 'Dataset Overview',
      name: 'overview panel',
      column: vscode.ViewColumn.Beside,
      parseMessage: parseOverviewMessage,
      revive: (saved) => {
        const state = parseOverviewState(saved);
        return state ? vscode.Uri.parse(state.uri) : undefined;
      },
      create: (panel, uri) => new OverviewPanel(panel, deps, uri),
    }, deps);
  }

  get panel(): OverviewPanel | undefined {
    return this.host.current;
  }

  open(uri: vscode.Uri): OverviewPanel {
    return this.host.open(() => uri, (p) => p.show(uri));
  }

  dispose(): void {
    this.host.dispose();
  }
}

export class OverviewPanel implements PanelController<OverviewToHost> {
  private ready = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Requests answered out of order are dropped: only the latest is shown. */
  private generation = 0;

  constructor(readonly panel: vscode.WebviewPanel, private readonly deps: OverviewPanelDeps, private uri: vscode.Uri) {
    this.updateTitle();
    this.disposables.push(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (!this.ready || !e.uris.some((u) => u.toString() === this.uri.toString())) return;
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.send(), REFRESH_DELAY_MS);
      }),
    );
  }

  get documentUri(): vscode.Uri {
    return this.uri;
  }

  show(uri: vscode.Uri): void {
    this.uri = uri;
    this.updateTitle();
    void this.send();
  }

  async onMessage(msg: OverviewToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        await this.send();
        break;
      case 'refresh':
        await this.send();
        break;
      case 'reveal':
        await this.reveal(msg.line);
        break;
      case 'fixAll':
        await vscode.commands.executeCommand('tunelab.fixAllDatasetProblems', this.uri);
        break;
    }
  }

  /** Shows a record in the editor: the column that already shows the dataset, else the first one. */
  async reveal(line: number): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(this.uri);
    const target = Math.min(Math.max(line - 1, 0), doc.lineCount - 1);
    const range = doc.lineAt(target).range;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(range.start, range.start),
      preserveFocus: false,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /** Lints the document if needed, then sends its overview. */
  async send(): Promise<void> {
    if (!this.ready) return;
    const generation = ++this.generation;
    this.post({ type: 'busy', message: 'Reading the dataset…' });
    try {
      const doc = await vscode.workspace.openTextDocument(this.uri);
      // Lint only when the current text has no findings yet: publishing them fires onDidChangeDiagnostics, which
      // must not bring the panel back here for another lint.
      if (!this.deps.diagnostics.findingsFor(doc)) await this.deps.diagnostics.lintDocument(doc);
      const ask = (): Promise<DatasetOverview> => this.deps.linter.overview(doc.uri.toString(), this.deps.modelDir(doc.uri));
      const overview = await ask().catch(async (err: unknown) => {
        if (!(err instanceof UnknownDocumentError)) throw err;
        await this.deps.diagnostics.lintDocument(doc); // the worker restarted: give it the text again
        return ask();
      });
      if (generation === this.generation) this.post({ type: 'overview', overview });
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      this.deps.log.warn(`overview of ${this.uri.toString()}: ${message}`);
      if (generation === this.generation) this.post({ type: 'notice', level: 'error', message: `Cannot show the overview of ${this.uri.fsPath}: ${message}` });
    }
  }

  private updateTitle(): void {
    this.panel.title = `Overview: ${this.uri.path.split('/').pop() ?? ''}`;
  }

  private post(message: HostToOverview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    // An overview being worked out (send awaits the lint) must not post to the closed panel, which throws.
    this.ready = false;
    this.generation++;
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}
