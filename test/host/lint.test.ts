import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeExtension, diagnosticCode, waitForDiagnostics, workspaceFile } from './helpers';

const withCode = (code: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => diagnosticCode(d) === code);

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
});
