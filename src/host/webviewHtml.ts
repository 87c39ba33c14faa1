// The HTML shell of a webview panel: strict CSP, per-load nonce, stylesheets and one script.
// No `vscode` import: the URIs come in as strings, so this is tested with node:test.
import { randomBytes } from 'node:crypto';

/** A fresh nonce per page load, from the OS random source. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * Nothing loads unless listed: scripts only with the nonce, styles, fonts and images only from the
 * extension's own resources (lit styles its components with constructed stylesheets, which need no
 * 'unsafe-inline'; inline style attributes are therefore not used anywhere in the pages).
 */
export function buildCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export interface WebviewPage {
  title: string;
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: string[];
  /** codicon.css, under the id vscode-elements looks it up by. */
  codiconUri?: string;
}

const escapeAttr = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderWebviewHtml(page: WebviewPage): string {
  const styles = page.styleUris.map((u) => `<link rel="stylesheet" href="${escapeAttr(u)}">`);
  if (page.codiconUri) styles.unshift(`<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeAttr(page.codiconUri)}">`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(buildCsp(page.cspSource, page.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.join('\n')}
<title>${escapeAttr(page.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${escapeAttr(page.nonce)}" src="${escapeAttr(page.scriptUri)}"></script>
</body>
</html>`;
}
