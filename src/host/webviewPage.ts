// Options and HTML of the Tunelab webview panels: scripts and styles only from the extension's own folders.
import * as vscode from 'vscode';
import { makeNonce, renderWebviewHtml } from './webviewHtml';

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // No retainContextWhenHidden: a page that comes back reloads and gets its state replayed.
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'dist', 'media'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/** The page scripts esbuild bundles from webview/*Panel.ts into dist/webview/. */
export type PageScript = 'trainingPanel' | 'reportPanel' | 'datasetOverviewPanel';

/** Sets a panel's page once; later updates travel by postMessage. */
export function loadPage(webview: vscode.Webview, extensionUri: vscode.Uri, script: PageScript, title: string): void {
  webview.options = panelOptions(extensionUri);
  const uri = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  webview.html = renderWebviewHtml({
    title,
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: uri('dist', 'webview', `${script}.js`),
    styleUris: [uri('media', 'panel.css')],
    codiconUri: uri('dist', 'media', 'codicon.css'),
  });
}
