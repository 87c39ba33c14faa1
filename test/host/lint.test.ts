import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeExtension, diagnosticCode, waitForDiagnostics, workspaceDir, workspaceFile } from './helpers';

const withCode = (code: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => diagnosticCode(d) === code);

/** Replaces a file's text in its editor and saves it, as a person would. */
async function saveAs(file: string, text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.ok(await doc.save());
}

suite('dataset diagnostics', () => {
  suiteSetup(async () => { await activeExtension(); });

  test('a line that is not JSON gets an invalid-json error on that line', async () => {
    const uri = workspaceFile('bad.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ds = await waitForDiagnostics(uri, withCode('invalid-json'));
    const d = ds.find((x) => diagnosticCode(x) === 'invalid-json')!;
    assert.strictEqual(d.range.start.line, 1, `expected line 2, got line ${d.range.start.line + 1}`);
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(d.message.length > 0);
    assert.ok(!ds.some((x) => diagnosticCode(x) === 'invalid-json' && x.range.start.line !== 1),
      'invalid-json reported on a line that is valid JSON');
  });

  test('fixing the line in the editor clears the diagnostic', async () => {
    const uri = workspaceFile('bad.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(uri, withCode('invalid-json'));
    const line = doc.lineAt(1);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, line.range, line.text.replace(/,}$/, '}'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForDiagnostics(uri, (ds) => !ds.some((d) => diagnosticCode(d) === 'invalid-json'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('a repeated record gets a duplicate finding that points at the first one', async () => {
    const uri = workspaceFile('dup.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ds = await waitForDiagnostics(uri, withCode('duplicate'));
    const d = ds.find((x) => diagnosticCode(x) === 'duplicate')!;
    assert.strictEqual(d.range.start.line, 2, `expected the duplicate on line 3, got line ${d.range.start.line + 1}`);
    const related = d.relatedInformation ?? [];
    assert.ok(related.length > 0, 'duplicate diagnostic has no relatedInformation');
    assert.strictEqual(related[0].location.uri.toString(), uri.toString());
    assert.strictEqual(related[0].location.range.start.line, 0, 'relatedInformation should point at line 1');
  });

  test('rule levels come from the tunelab.lint.rules setting and the nearest .tunelab/lint.json, which wins; a bad lint.json is shown on the file', async () => {
    const dir = path.join(workspaceDir(), 'rules-project');
    const configFile = path.join(dir, '.tunelab', 'lint.json');
    fs.mkdirSync(path.dirname(configFile), { recursive: true });
    const chat = (q: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });
    const data = path.join(dir, 'data.jsonl');
    fs.writeFileSync(data, [chat('Hi?', 'Hello.'), chat('Hi?', 'Hello.'), '{broken', chat('Where do I write?', 'To ann.lee@example.com.'), ''].join('\n'));
    fs.writeFileSync(configFile, JSON.stringify({ rules: { duplicate: 'off', 'invalid-json': 'warning' } }));
    const uri = vscode.Uri.file(data);
    const level = (ds: vscode.Diagnostic[], code: string): vscode.DiagnosticSeverity | 'none' => ds.find((d) => diagnosticCode(d) === code)?.severity ?? 'none';
    const { Error, Warning } = vscode.DiagnosticSeverity;
    const rules = vscode.workspace.getConfiguration('tunelab');
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      // The project's lint.json: duplicates off, broken lines a warning.
      let ds = await waitForDiagnostics(uri, (d) => level(d, 'invalid-json') === Warning && level(d, 'pii') !== 'none');
      assert.strictEqual(level(ds, 'duplicate'), 'none');
      // The setting turns pii off and asks for duplicates as errors: the file still turns duplicates off.
      await rules.update('lint.rules', { pii: 'off', duplicate: 'error' }, vscode.ConfigurationTarget.Workspace);
      ds = await waitForDiagnostics(uri, (d) => level(d, 'pii') === 'none');
      assert.strictEqual(level(ds, 'duplicate'), 'none');
      assert.strictEqual(level(ds, 'invalid-json'), Warning);
      // A lint.json with mistakes, edited and saved in the editor: what it got wrong is shown on it, and the setting's
      // levels apply meanwhile.
      await saveAs(configFile, JSON.stringify({ rules: { 'invalid-json': 'loud' }, nearDuplicateTreshold: 0.9 }));
      ds = await waitForDiagnostics(uri, (d) => level(d, 'duplicate') === Error && level(d, 'invalid-json') === Error);
      assert.strictEqual(level(ds, 'pii'), 'none');
      const problems = await waitForDiagnostics(vscode.Uri.file(configFile), (d) => d.length === 2);
      assert.match(problems.map((d) => d.message).join('\n'), /rule "invalid-json" is set to "loud"; use one of "error", "warning", "info", "off"/);
      assert.match(problems.map((d) => d.message).join('\n'), /unknown key "nearDuplicateTreshold" \(did you mean "nearDuplicateThreshold"\?\)/);
      // Fixed: the problems go. (Saved in the editor: a change by another program reaches Tunelab through VS Code's
      // file watcher, which took over 20 s to tell on this busy machine once.)
      await saveAs(configFile, JSON.stringify({ rules: { 'invalid-json': 'info' } }));
      await waitForDiagnostics(vscode.Uri.file(configFile), (d) => d.length === 0);
      ds = await waitForDiagnostics(uri, (d) => level(d, 'invalid-json') === vscode.DiagnosticSeverity.Information);
      assert.strictEqual(level(ds, 'duplicate'), Error);
    } finally {
      await rules.update('lint.rules', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
