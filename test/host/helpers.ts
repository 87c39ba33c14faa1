// Shared helpers of the extension-host suites. They run inside the extension host, against the extension
// installed from tunelab.vsix (the launcher puts the extensions dir in TUNELAB_E2E_EXTENSIONS_DIR).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'tunelab.tunelab';

export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  await ext.activate();
  return ext;
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workbench has no workspace folder open');
  return folder.uri.fsPath;
}

export function workspaceFile(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), name));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` after `timeoutMs`. */
export async function poll<T>(what: string, timeoutMs: number, probe: () => T | undefined, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/**
 * Resolves with the diagnostics of `uri` once `accept` returns true for them, checking the current ones first
 * and then on every onDidChangeDiagnostics; rejects after `timeoutMs` with what was last seen.
 */
export function waitForDiagnostics(uri: vscode.Uri, accept: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 20000):
  Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = vscode.languages.getDiagnostics(uri);
      if (!accept(ds)) return false;
      cleanup(); resolve(ds); return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${diagnosticCode(d)}@${d.range.start.line + 1}: ${d.message}`);
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for diagnostics on ${path.basename(uri.fsPath)}; `
        + `last seen: ${seen.length ? seen.join(' | ') : 'none'}`));
    }, timeoutMs);
    function cleanup(): void { clearTimeout(timer); sub.dispose(); }
    check();
  });
}

/** Parsed events.jsonl of a run folder (lines that are not JSON are skipped: the trainer may be mid-write). */
export function readEvents(runDir: string): { type: string; [k: string]: unknown }[] {
  const file = path.join(runDir, 'events.jsonl');
  if (!fs.existsSync(file)) return [];
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line)); } catch { /* partial last line */ }
  }
  return out;
}
