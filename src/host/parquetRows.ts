// Parquet datasets as read-only JSON Lines. VS Code shows a Parquet file as binary; this view holds its rows one per
// line (line N = row N, the lines `tunelab lint` reports), decoded as the lint and the trainer decode them, in a
// virtual document that the live lint, the hover and the overview work on. It cannot be edited (the Parquet file
// stays as it is); File > Save As writes a JSONL copy that can be. Opening a `.parquet` file opens this view
// (ParquetFileEditor), unless the user picks another editor for Parquet files.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Linter } from './linter';

export const PARQUET_ROWS_SCHEME = 'tunelab-parquet';
/** VS Code gives extensions documents under 50 MiB only: a larger view would get no diagnostics. */
const MAX_VIEW_BYTES = 50 * 2 ** 20;

/** The rows view of a Parquet file: its path with `.jsonl` added, so the view is read as JSON Lines. */
export function parquetRowsUri(file: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: PARQUET_ROWS_SCHEME, path: `${file.path}.jsonl` });
}

/** The Parquet file a rows view shows; other URIs are returned as they are. */
export function parquetFileOf(uri: vscode.Uri): vscode.Uri {
  return uri.scheme === PARQUET_ROWS_SCHEME ? vscode.Uri.file(uri.path.replace(/\.jsonl$/, '')) : uri;
}

export class ParquetRowsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly watchers = new Map<string, vscode.Disposable>();

  constructor(private readonly linter: Linter) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = parquetFileOf(uri);
    this.watch(uri, file);
    const bytes = await vscode.workspace.fs.readFile(file);
    const rows = await this.linter.parquetRows(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), MAX_VIEW_BYTES);
    if ('problem' in rows) throw new Error(`${path.basename(file.fsPath)}: ${rows.problem}`);
    return rows.text;
  }

  /** Shows the file's new rows when it changes on disk (a re-export, a pipeline writing it again). */
  private watch(uri: vscode.Uri, file: vscode.Uri): void {
    const key = uri.toString();
    if (this.watchers.has(key)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file.fsPath)), path.basename(file.fsPath)));
    const fire = (): void => this.changed.fire(uri);
    this.watchers.set(key, vscode.Disposable.from(watcher, watcher.onDidChange(fire), watcher.onDidCreate(fire)));
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.changed.dispose();
  }
}

/**
 * The editor VS Code opens for a `.parquet` file (package.json `customEditors`): it opens the file's rows view in its
 * place. Its own page only says so, for the moment until the view shows (no scripts: nothing to allow).
 */
export class ParquetFileEditor implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'tunelab.parquetFile';

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    const name = path.basename(document.uri.fsPath);
    panel.webview.html = messagePage(`Opening the rows of ${name} as JSON Lines…`);
    const column = panel.viewColumn;
    try {
      const doc = await vscode.workspace.openTextDocument(parquetRowsUri(document.uri));
      await vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
      panel.dispose();
    } catch (err) {
      panel.webview.html = messagePage(`Tunelab cannot show the rows of ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** A page of one line of text: nothing loads (no scripts, no styles). */
function messagePage(text: string): string {
  return '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'"></head>'
    + `<body><p>${escapeHtml(text)}</p></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
