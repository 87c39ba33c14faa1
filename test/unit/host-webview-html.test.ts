// The panels' HTML shell: a strict CSP with a fresh nonce, and the nonce on the one script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, makeNonce, renderWebviewHtml } from '../../src/host/webviewHtml';
import { expandPathSetting, formatCommandLine } from '../../src/host/commandLine';
import { homedir } from 'node:os';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

test('the CSP allows nothing by default, scripts only by nonce, and no inline or eval', () => {
  const csp = buildCsp(SOURCE, 'abc123');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], ["'nonce-abc123'"]);
  assert.deepEqual(directives['style-src'], [SOURCE]);
  assert.deepEqual(directives['font-src'], [SOURCE]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('nonces are fresh and long enough', () => {
  const seen = new Set(Array.from({ length: 100 }, makeNonce));
  assert.equal(seen.size, 100);
  for (const n of seen) assert.ok(n.length >= 24 && /^[A-Za-z0-9+/=]+$/.test(n), n);
});

test('the page carries the CSP, the nonce on its script, the codicon sheet id vscode-elements needs, and escapes attributes', () => {
  const html = renderWebviewHtml({
    title: 'Run "a" <b>', cspSource: SOURCE, nonce: 'N0nce', scriptUri: `${SOURCE}/dist/webview/trainingPanel.js`,
    styleUris: [`${SOURCE}/media/panel.css`], codiconUri: `${SOURCE}/dist/media/codicon.css`,
  });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-N0nce&#39;/);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], /nonce="N0nce"/);
  assert.match(html, /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="[^"]*codicon\.css">/);
  assert.match(html, /<title>Run &#34;a&#34; &#60;b&#62;<\/title>/);
  assert.doesNotMatch(html, /style="/, 'inline style attributes would need unsafe-inline');
});

test('the logged command line quotes what a shell would split', () => {
  assert.equal(formatCommandLine(['/usr/bin/python3', '-m', 'tunelab_trainer', 'train', '--run-dir', '/ws/my runs/x']),
    "/usr/bin/python3 -m tunelab_trainer train --run-dir '/ws/my runs/x'");
  assert.equal(formatCommandLine(["it's"]), `'it'\\''s'`);
});

test('path settings expand ${workspaceFolder}, ${userHome} and ~', () => {
  assert.equal(expandPathSetting('${workspaceFolder}/models/m', '/ws'), '/ws/models/m');
  assert.equal(expandPathSetting('~/models', '/ws'), `${homedir()}/models`);
  assert.equal(expandPathSetting('${userHome}/x'), `${homedir()}/x`);
  assert.equal(expandPathSetting('  '), '');
});
