// The editor side of dataset lints in a real extension host: related locations, quick fixes and their undo, the
// record hover, the overview panel, the training gate, and files that change under the linter.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeExtension, diagnosticCode, poll, sleep, waitForDiagnostics, workspaceDir, workspaceFile } from './helpers';

interface EditorApi {
  lintNow(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]>;
  trainingPanelTrainFile(): string | undefined;
  lintFailures(): number;
  lintTiming(uri: vscode.Uri): object | undefined;
  overviewPanelUri(): vscode.Uri | undefined;
  lastTrainingRefusal(): { uri: vscode.Uri; errors: number; errorCodes: string; firstErrorLine?: number } | undefined;
}

const chat = (q: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });
const LONG_ANSWER = 'The river rises in the northern hills, runs south through three old market towns, turns east past the '
  + 'cathedral city and the wide marshes, and reaches the sea at a port that has traded wool and salt since the twelfth century.';

async function api(): Promise<EditorApi> {
  return (await activeExtension()).exports as EditorApi;
}

function writeDataset(name: string, lines: string[]): vscode.Uri {
  const file = path.join(workspaceDir(), name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return vscode.Uri.file(file);
}

async function openDataset(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

async function codeActions(uri: vscode.Uri, line: number): Promise<vscode.CodeAction[]> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, doc.lineAt(line).range, undefined, 10)) ?? [];
}

/** The hover's text at a position, asked again until it shows a token count (the worker loads the tokenizer first). */
async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  let text = '';
  for (const deadline = Date.now() + 30000; Date.now() < deadline && !/tokens\*\*/.test(text); await sleep(300)) {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position) ?? [];
    text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
  }
  return text;
}

const hasCode = (code: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => diagnosticCode(d) === code);

suite('editor: diagnostics and quick fixes', () => {
  suiteSetup(async () => { await activeExtension(); });
  teardown(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('a near-duplicate says which line and how similar, with a related location on that line', async () => {
    const uri = writeDataset('near.jsonl', [
      chat('Describe the course of the river.', LONG_ANSWER),
      chat('What is the capital of Norway?', 'Oslo.'),
      chat('Describe the course of the river.', LONG_ANSWER.replace('twelfth', 'thirteenth')),
    ]);
    await openDataset(uri);
    const ds = await waitForDiagnostics(uri, hasCode('near-duplicate'));
    const d = ds.find((x) => diagnosticCode(x) === 'near-duplicate')!;
    assert.strictEqual(d.range.start.line, 2);
    assert.match(d.message, /near-duplicate of line 1, Jaccard 0\.\d+/);
    const rel = d.relatedInformation ?? [];
    assert.strictEqual(rel.length, 1);
    assert.strictEqual(rel[0].location.uri.toString(), uri.toString());
    assert.strictEqual(rel[0].location.range.start.line, 0);
    assert.match(rel[0].message, /Jaccard/);
  });

  test('"fix all duplicates" deletes every repeat in one edit, and one undo brings them all back', async () => {
    const a = chat('What is one plus one?', 'Two.');
    const b = chat('What is two plus two?', 'Four.');
    const uri = writeDataset('dups.jsonl', [a, b, a, b, a]);
    const editor = await openDataset(uri);
    const original = editor.document.getText();
    await waitForDiagnostics(uri, (ds) => ds.filter((d) => diagnosticCode(d) === 'duplicate').length === 3);
    const actions = await codeActions(uri, 2);
    const single = actions.find((x) => x.title === 'Delete duplicate record');
    assert.ok(single?.edit, `no single-record fix among ${actions.map((x) => x.title).join(' | ')}`);
    const all = actions.find((x) => /all 3 duplicate findings in this file/.test(x.title));
    assert.ok(all?.edit, `no fix-all among ${actions.map((x) => x.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.strictEqual(editor.document.getText(), [a, b].join('\n') + '\n');
    await waitForDiagnostics(uri, (ds) => !ds.some((d) => diagnosticCode(d) === 'duplicate'));
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await poll('undo to restore the text', 5000, () => (editor.document.getText() === original ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('a CSV dataset is linted in the editor with fixes that edit its cells and rows, undoably, and a hover per row; other CSV files are left alone', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'rows.csv'));
    const original = ['instruction,input,output', 'Translate to French.,Good morning,Bonjour',
      'Summarise the text.,"A long text, with a comma, from jane.doe@example.com",A summary.', 'Translate to French.,Good morning,Bonjour', 'one,two'].join('\n') + '\n';
    fs.writeFileSync(uri.fsPath, original);
    const editor = await openDataset(uri);
    assert.strictEqual(editor.document.languageId, 'csv', 'Tunelab contributes the csv language, so opening a .csv activates it');
    const ds = await waitForDiagnostics(uri, (d) => hasCode('duplicate')(d) && hasCode('invalid-json')(d) && hasCode('pii')(d));
    assert.strictEqual(ds.find((d) => diagnosticCode(d) === 'duplicate')!.range.start.line, 3);
    assert.match(ds.find((d) => diagnosticCode(d) === 'invalid-json')!.message, /row has 2 fields but the header has 3 columns/);
    const pii = ds.find((d) => diagnosticCode(d) === 'pii')!;
    assert.strictEqual(editor.document.getText(pii.range), 'jane.doe@example.com', 'the finding covers the address in the cell');

    const redact = (await codeActions(uri, 2)).find((a) => a.title.startsWith('Redact with [EMAIL]'));
    assert.ok(redact?.edit, 'a redaction fix on the CSV cell');
    assert.ok(!(await codeActions(uri, 2)).some((a) => /Trim whitespace|NFC/.test(a.title)), 'no JSON clean-ups on CSV lines');
    assert.ok(await vscode.workspace.applyEdit(redact.edit));
    const del = (await codeActions(uri, 3)).find((a) => a.title === 'Delete duplicate record');
    assert.ok(del?.edit, 'a delete fix on the duplicate row');
    assert.ok(await vscode.workspace.applyEdit(del.edit));
    assert.strictEqual(editor.document.getText(), ['instruction,input,output', 'Translate to French.,Good morning,Bonjour',
      'Summarise the text.,"A long text, with a comma, from [EMAIL]",A summary.', 'one,two'].join('\n') + '\n');
    await waitForDiagnostics(uri, (d) => !hasCode('duplicate')(d) && !hasCode('pii')(d) && hasCode('invalid-json')(d));

    const text = await hoverText(uri, new vscode.Position(2, 3));
    assert.match(text, /\*\*\d+ tokens\*\*/, `hover on a CSV row: ${text.slice(0, 300)}`);
    assert.ok(text.includes('Summarise the text.'), `the hover renders the row's record: ${text.slice(0, 300)}`);

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await poll('two undos to restore the text', 5000, () => (editor.document.getText() === original ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.files.revert');

    const plain = vscode.Uri.file(path.join(workspaceDir(), 'prices.csv'));
    fs.writeFileSync(plain.fsPath, 'item,price\napple,1\napple,1\n');
    await openDataset(plain);
    await sleep(1500);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(plain), []);
  });

  test('CSV rows get the trim and NFC clean-ups of their cells, worked out by the lint worker, for the row or the whole file', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'padded.csv'));
    fs.writeFileSync(uri.fsPath, 'prompt,completion\n"  Write a haiku  ",Autumn moonlight\nName a colour,Blue  \n');
    const editor = await openDataset(uri);
    await waitForDiagnostics(uri, (ds) => ds.length > 0); // linted: the worker holds the text
    // The clean-ups are left out while the worker is busy (they may not delay the finding fixes): ask until they come.
    let actions: vscode.CodeAction[] = [];
    for (const deadline = Date.now() + 10000; Date.now() < deadline; await sleep(200)) {
      actions = await codeActions(uri, 1);
      if (actions.some((a) => a.title === 'Trim whitespace around the cells of this row')) break;
    }
    const row = actions.find((a) => a.title === 'Trim whitespace around the cells of this row');
    assert.ok(row?.edit, `no row clean-up among ${actions.map((a) => a.title).join(' | ')}`);
    const all = actions.find((a) => a.title === 'Trim whitespace around every string in this file');
    assert.ok(all?.edit, 'the file-wide clean-up resolves');
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.strictEqual(editor.document.getText(), 'prompt,completion\n"Write a haiku",Autumn moonlight\nName a colour,Blue\n');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('Lint Dataset on a Parquet file (the explorer offers it) lints its rows and shows the findings on row numbers', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'chat.parquet'));
    fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet'), uri.fsPath);
    const r = await vscode.commands.executeCommand<{ records: number; format: string }>('tunelab.lintDataset', uri);
    assert.deepStrictEqual([r?.records, r?.format], [5, 'chat']);
    const ds = vscode.languages.getDiagnostics(uri);
    assert.deepStrictEqual(['pii', 'duplicate', 'role-order'].map((c) => ds.find((d) => diagnosticCode(d) === c)?.range.start.line), [2, 3, 4]);
  });

  test('a Parquet file opens as read-only JSON Lines, one row per line, with live diagnostics and hover, and no fixes', async () => {
    const file = vscode.Uri.file(path.join(workspaceDir(), 'rows-view.parquet'));
    fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet'), file.fsPath);
    const rows = await vscode.commands.executeCommand<vscode.Uri>('tunelab.openParquetRows', file);
    assert.ok(rows, 'the command opens the rows view');
    const doc = await vscode.workspace.openTextDocument(rows);
    assert.strictEqual(doc.languageId, 'jsonl');
    assert.strictEqual(doc.getText().split('\n').filter((l) => l.trim()).length, 5);
    assert.ok(Array.isArray((JSON.parse(doc.lineAt(0).text) as { messages: unknown }).messages), 'row 1 is a chat record');
    const ds = await waitForDiagnostics(rows, (d) => ['pii', 'duplicate', 'role-order'].every((c) => hasCode(c)(d)));
    assert.deepStrictEqual(['pii', 'duplicate', 'role-order'].map((c) => ds.find((d) => diagnosticCode(d) === c)?.range.start.line), [2, 3, 4],
      'the same lines as Lint Dataset on the file');
    assert.deepStrictEqual((await codeActions(rows, 3)).map((a) => a.title), [], 'no fixes on a view the file cannot take back');
    const text = await hoverText(rows, new vscode.Position(0, 3));
    assert.match(text, /\*\*\d+ tokens\*\*/, `hover on a row: ${text.slice(0, 300)}`);
    assert.ok(fs.readFileSync(file.fsPath).equals(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet'))), 'the Parquet file is untouched');
    await vscode.commands.executeCommand('tunelab.showDatasetOverview', file);
    assert.strictEqual((await api()).overviewPanelUri()?.toString(), rows.toString(), 'the overview of a Parquet file is that of its rows view');
    await vscode.commands.executeCommand('tunelab.trainOnDataset', rows);
    assert.strictEqual((await api()).trainingPanelTrainFile(), file.fsPath, 'Train on This Dataset from the view trains on the Parquet file');
  });

  test('a Hub validation shard\'s rows view is checked for leakage against the train split\'s shards', async () => {
    const dir = path.join(workspaceDir(), 'hub');
    fs.mkdirSync(dir, { recursive: true });
    const fixture = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet');
    for (const name of ['train-00000-of-00001.parquet', 'validation-00000-of-00001.parquet']) fs.copyFileSync(fixture, path.join(dir, name));
    const rows = await vscode.commands.executeCommand<vscode.Uri>('tunelab.openParquetRows', vscode.Uri.file(path.join(dir, 'validation-00000-of-00001.parquet')));
    assert.ok(rows);
    // every row is a copy of a training row: an exact-copy error on each, related to the train shard
    const ds = await waitForDiagnostics(rows, (d) => d.filter((x) => diagnosticCode(x) === 'leakage').length === 5);
    const leaks = ds.filter((x) => diagnosticCode(x) === 'leakage');
    assert.deepStrictEqual(leaks.map((x) => x.range.start.line), [0, 1, 2, 3, 4]);
    for (const x of leaks) {
      assert.strictEqual(x.severity, vscode.DiagnosticSeverity.Error);
      assert.strictEqual(x.relatedInformation?.[0]?.location.uri.fsPath, path.join(dir, 'train-00000-of-00001.parquet'));
    }
  });

  test('opening a .parquet file (as a click in the explorer does) shows its rows view instead of a binary notice', async () => {
    const file = vscode.Uri.file(path.join(workspaceDir(), 'clicked.parquet'));
    fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet'), file.fsPath);
    await vscode.commands.executeCommand('vscode.open', file);
    const editor = await poll('the rows view to show', 15000, () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.scheme === 'tunelab-parquet' && e.document.uri.path === `${file.path}.jsonl` ? e : undefined;
    });
    assert.strictEqual(editor.document.languageId, 'jsonl');
    assert.strictEqual(editor.document.getText().split('\n').filter((l) => l.trim()).length, 5);
  });

  test('a training panel that was closed is never handed out again: Train on This Dataset after closing opens a fresh one', async () => {
    const uri = workspaceFile('train.jsonl');
    const tunelab = await api();
    await vscode.commands.executeCommand('tunelab.trainOnDataset', uri);
    assert.strictEqual(tunelab.trainingPanelTrainFile(), uri.fsPath);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await poll('the closed panel to be let go', 5000, () => (tunelab.trainingPanelTrainFile() === undefined ? true : undefined));
    await vscode.commands.executeCommand('tunelab.trainOnDataset', uri);
    assert.strictEqual(tunelab.trainingPanelTrainFile(), uri.fsPath, 'the second Train on This Dataset opens the form again');
  });

  test('fix-all past the per-code limit: every duplicate goes, not only the findings shown', async () => {
    const dir = path.join(workspaceDir(), 'capped');
    fs.mkdirSync(path.join(dir, '.tunelab'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.tunelab', 'lint.json'), '{"maxFindingsPerCode": 5}');
    const a = chat('What is three plus three?', 'Six.');
    const b = chat('What is four plus four?', 'Eight.');
    const uri = vscode.Uri.file(path.join(dir, 'many-dups.jsonl'));
    fs.writeFileSync(uri.fsPath, [a, b, ...Array.from({ length: 12 }, (_, i) => (i % 2 ? b : a))].join('\n') + '\n');
    const editor = await openDataset(uri);
    await waitForDiagnostics(uri, (ds) => ds.some((d) => /7 more duplicate findings from here on are not listed \(limit: 5/.test(d.message)));
    const actions = await codeActions(uri, 2);
    const all = actions.find((x) => /all 12 duplicate findings in this file/.test(x.title));
    assert.ok(all?.edit, `no resolved fix-all of 12 among ${actions.map((x) => x.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.strictEqual(editor.document.getText(), [a, b].join('\n') + '\n');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('PII redaction with a typed placeholder, and fix-all of pii in one undoable edit', async () => {
    const uri = writeDataset('pii.jsonl', [
      chat('Mail me at jane.doe@example.com please', 'Sure.'),
      chat('Or write to bob.smith@example.org instead', 'Noted.'),
    ]);
    const editor = await openDataset(uri);
    const original = editor.document.getText();
    await waitForDiagnostics(uri, (ds) => ds.filter((d) => diagnosticCode(d) === 'pii').length === 2);
    const actions = await codeActions(uri, 0);
    const redact = actions.find((x) => x.title.startsWith('Redact with [EMAIL]'));
    assert.ok(redact?.edit, `no redaction among ${actions.map((x) => x.title).join(' | ')}`);
    const all = actions.find((x) => /all 2 pii findings/.test(x.title));
    assert.ok(all?.edit);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    const text = editor.document.getText();
    assert.ok(!text.includes('@example.'), text);
    assert.strictEqual(text.split('[EMAIL]').length - 1, 2);
    await vscode.commands.executeCommand('undo');
    await poll('undo to restore the text', 5000, () => (editor.document.getText() === original ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('Fix All Dataset Problems: every chosen code fixed in one edit (deletions, then redactions and repairs, then what they uncover), one undo restores the file', async () => {
    const a = chat('Tell me about the river.', LONG_ANSWER);
    const uri = writeDataset('fix-all.json', [JSON.stringify([
      JSON.parse(a),
      JSON.parse(chat('Mail jo.doe@example.com about it.', 'Sure.')),
      JSON.parse(a),
      JSON.parse(chat('What is <b>bold</b>?', 'It is caf\u00c3\u00a9 style.')),
      JSON.parse(chat('Mail ann.lee@example.org about it.', 'Sure.')),
    ], null, 2)]);
    const editor = await openDataset(uri);
    const original = editor.document.getText();
    await waitForDiagnostics(uri, (ds) => ['duplicate', 'pii', 'markup-noise', 'encoding'].every((c) => ds.some((d) => diagnosticCode(d) === c)));
    // The quick-fix menu of any finding offers the command, for the file's fixable codes.
    const pii = vscode.languages.getDiagnostics(uri).find((d) => diagnosticCode(d) === 'pii')!;
    // Asked until it comes: the menu offers it from the document's current findings, which a relint may be replacing.
    let offer: vscode.CodeAction | undefined;
    for (const deadline = Date.now() + 15000; !offer && Date.now() < deadline; await sleep(250)) {
      offer = (await codeActions(uri, pii.range.start.line)).find((x) => x.title.startsWith('Fix all dataset problems in this file'));
    }
    assert.strictEqual(offer?.title, 'Fix all dataset problems in this file (duplicate, pii, markup-noise, encoding)…');
    assert.strictEqual(offer.command?.command, 'tunelab.fixAllDatasetProblems');
    const fixed = await vscode.commands.executeCommand<Record<string, number>>('tunelab.fixAllDatasetProblems', uri, ['duplicate', 'pii', 'markup-noise', 'encoding']);
    // The second redaction makes the last record a copy of the second: deleted in a later pass, in the same edit.
    assert.deepStrictEqual(fixed, { duplicate: 2, pii: 2, 'markup-noise': 1, encoding: 1 });
    const records = JSON.parse(editor.document.getText()) as { messages: { content: string }[] }[];
    assert.deepStrictEqual(records.map((r) => r.messages[0].content), ['Tell me about the river.', 'Mail [EMAIL] about it.', 'What is bold?']);
    assert.strictEqual(records[2].messages[1].content, 'It is café style.');
    await waitForDiagnostics(uri, (ds) => !ds.some((d) => ['duplicate', 'pii', 'markup-noise', 'encoding'].includes(diagnosticCode(d) ?? '')));
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await poll('one undo to restore the file', 5000, () => (editor.document.getText() === original ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('"Edit as JSON Dataset" (also the large-dataset offer\'s) switches a JSON array dataset to that mode, which keeps its diagnostics, quick fixes and hover without link detection or Unicode highlighting; "always" opens it so from then on', async () => {
    const first = chat('Mail jo.doe@example.com about it.', 'Sure.');
    const uri = writeDataset('mode [1].json', [JSON.stringify([JSON.parse(first), JSON.parse(chat('Name a colour.', 'Blue.')), JSON.parse(first)], null, 2)]);
    await openDataset(uri);
    await waitForDiagnostics(uri, (ds) => ['duplicate', 'pii'].every((c) => ds.some((d) => diagnosticCode(d) === c)));
    assert.strictEqual(await vscode.commands.executeCommand('tunelab.editAsJsonDataset', uri, { always: true }), 'json-dataset');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
    assert.strictEqual(doc.languageId, 'json-dataset');
    const files = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('files');
    assert.deepStrictEqual(files().inspect<Record<string, string>>('associations')?.workspaceValue, { '**/mode ?1?.json': 'json-dataset' });
    const editorConfig = vscode.workspace.getConfiguration('editor', { languageId: 'json-dataset' });
    for (const k of ['links', 'unicodeHighlight.ambiguousCharacters', 'unicodeHighlight.invisibleCharacters']) assert.strictEqual(editorConfig.get(k), false, k);
    assert.strictEqual(vscode.workspace.getConfiguration('editor', { languageId: 'json' }).get('links'), true, 'JSON files keep link detection');
    // Linted again as it opens in the new mode; the findings and their fixes are the same.
    const ds = await waitForDiagnostics(uri, (d) => ['duplicate', 'pii'].every((c) => d.some((x) => diagnosticCode(x) === c)), 30000);
    const pii = ds.find((d) => diagnosticCode(d) === 'pii')!;
    let actions: vscode.CodeAction[] = [];
    for (const deadline = Date.now() + 15000; !actions.some((a) => a.title.startsWith('Redact with [EMAIL]')) && Date.now() < deadline; await sleep(250)) {
      actions = await codeActions(uri, pii.range.start.line);
    }
    assert.ok(actions.some((a) => a.title.startsWith('Redact with [EMAIL]')), actions.map((a) => a.title).join(' | '));
    assert.match(await hoverText(uri, new vscode.Position(pii.range.start.line, pii.range.start.character + 2)), /tokens/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    try {
      // Opened again (a closed document may linger in VS Code's list a while: asked until it reopens in the mode).
      await poll('the file to open as a JSON Dataset', 15000, async () => ((await vscode.workspace.openTextDocument(uri)).languageId === 'json-dataset' ? true : undefined));
      const other = writeDataset('other.json', [JSON.stringify([JSON.parse(first)], null, 2)]);
      assert.strictEqual((await vscode.workspace.openTextDocument(other)).languageId, 'json', 'other JSON files open as JSON');
      fs.rmSync(other.fsPath, { force: true });
    } finally {
      await files().update('associations', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(uri.fsPath, { force: true });
    }
  });

  test('strip markup, repair mojibake, trim whitespace and NFC-normalise are offered and fix the line', async () => {
    const uri = writeDataset('messy.jsonl', [
      chat('<p>What is <b>HTML</b>?</p>', 'A markup language.'),
      chat('Caf\u00c3\u00a9 or tea?', 'Tea.'),
      chat('   padded question   ', 'Answer.'),
      chat('cafe\u0301 au lait?', 'Yes.'),
    ]);
    const editor = await openDataset(uri);
    await waitForDiagnostics(uri, (ds) => hasCode('markup-noise')(ds) && hasCode('encoding')(ds));
    // After each edit the findings are stale until the relint: poll until the fix is offered again.
    const pick = async (line: number, title: RegExp): Promise<void> => {
      let actions: vscode.CodeAction[] = [];
      const deadline = Date.now() + 15000;
      let a: vscode.CodeAction | undefined;
      while (!a?.edit && Date.now() < deadline) {
        actions = await codeActions(uri, line);
        a = actions.find((x) => title.test(x.title));
        if (!a?.edit) await sleep(200);
      }
      assert.ok(a?.edit, `line ${line + 1}: no action ${title} among ${actions.map((x) => x.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(a.edit));
    };
    await pick(0, /^Strip HTML tags/);
    assert.strictEqual(JSON.parse(editor.document.lineAt(0).text).messages[0].content, 'What is HTML?');
    await pick(1, /^Repair the text encoding/);
    assert.strictEqual(JSON.parse(editor.document.lineAt(1).text).messages[0].content, 'Café or tea?');
    await pick(2, /^Trim whitespace around the strings of this line/);
    assert.strictEqual(JSON.parse(editor.document.lineAt(2).text).messages[0].content, 'padded question');
    await pick(3, /^NFC-normalise the strings of this line/);
    assert.strictEqual(JSON.parse(editor.document.lineAt(3).text).messages[0].content, 'caf\u00e9 au lait?');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

suite('editor: large files', () => {
  teardown(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('a file with thousands of findings shows 1000 diagnostics, errors first, and a note with the total', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++) lines.push(i % 5 ? '{"messages": [' : chat(`Question ${i} about the weather in town ${i}?`, `Answer ${i}.`));
    const uri = writeDataset('many.jsonl', lines);
    await openDataset(uri);
    const ds = await waitForDiagnostics(uri, hasCode('finding-limit'), 60000);
    assert.strictEqual(ds.length, 1001);
    const note = ds.find((d) => diagnosticCode(d) === 'finding-limit')!;
    assert.match(note.message, /^Showing 1000 of \d+ findings \(errors first\)/);
    // 1200 invalid lines: the 1000 shown are all errors, the first ones in line order.
    assert.strictEqual(ds.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length, 1000, 'errors are shown first');
    assert.strictEqual(Math.min(...ds.filter((d) => diagnosticCode(d) === 'invalid-json').map((d) => d.range.start.line)), 1);
  });
  test('a large dataset is first linted on several threads, its findings keep their quick fixes, and an edit is then re-checked incrementally by a session built from the threads\' work', async function () {
    if (os.availableParallelism() < 2) this.skip(); // one core: the worker lints on its own thread
    this.timeout(120000);
    const { lines, late } = largeDataset(9_000_000);
    const uri = writeDataset('large-threaded.jsonl', lines);
    // Every set of diagnostics shown: the first is the quick look at the file's start, ahead of the whole file.
    const shown: vscode.Diagnostic[][] = [];
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) shown.push(vscode.languages.getDiagnostics(uri));
    });
    await openDataset(uri);
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => diagnosticCode(x) === 'invalid-json' && x.range.start.line === lines.length - 1), 90000);
    listener.dispose();
    const quick = shown.find((d) => d.length > 0)!;
    const note = quick.find((d) => diagnosticCode(d) === 'checking');
    const headLines = Number(/^Checked the first (\d+) of/.exec(note?.message ?? '')?.[1]);
    // About 250 KB of lines: enough for several screens, small enough not to hold up the whole file.
    const headChars = lines.slice(0, headLines).reduce((n, l) => n + l.length + 1, 0);
    assert.ok(headChars >= 250_000 && headChars < 250_000 + 2000, `a quick look at the first 250 KB first: ${note?.message} (${headChars} characters)`);
    assert.ok(quick.every((d) => d.range.start.line < headLines), 'findings of the start only');
    assert.ok(quick.some((d) => diagnosticCode(d) === 'duplicate' && d.range.start.line === 20), 'the start\'s own findings');
    assert.ok(!ds.some((d) => diagnosticCode(d) === 'checking'), 'the note goes with the whole file\'s findings');
    const timing = (await api()).lintTiming(uri) as LintTiming | undefined;
    assert.ok(timing && timing.threads !== undefined && timing.threads > 1, `first lint on threads: ${JSON.stringify(timing)}`);
    assert.strictEqual(timing.fromFile, true, 'the worker read the unmodified document from its file, not from text the host built and sent');
    assert.deepStrictEqual(dupLines(ds), [20, late]);
    for (const line of dupLines(ds)) {
      const actions = await codeActions(uri, line);
      assert.ok(actions.some((a) => a.title === 'Delete duplicate record'), `delete fix on line ${line + 1}: ${actions.map((a) => a.title).join(', ')}`);
    }
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(5, 0), '{broken\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForDiagnostics(uri, brokenAt(5), 60000);
    const after = await wholeAnswer(uri);
    assert.strictEqual(after.incremental, true, 'the session built after the threaded lint re-checks the edit');
    // Built from what the threads worked out: every valid record's per-record work came from them (the last line is broken).
    assert.deepStrictEqual(after.session && { seeded: after.session.seeded, records: after.session.records }, { seeded: lines.length - 1, records: lines.length });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
  test('an edit made while a large dataset is first linted is answered at once from the threads\' result, then in full by the session', async function () {
    if (os.availableParallelism() < 2) this.skip();
    this.timeout(120000);
    // 24 MB: the threads take over a second, so the edit (VS Code takes a few hundred ms to apply it) comes while they run.
    const { lines, late } = largeDataset(24_000_000);
    const uri = writeDataset('large-edited-early.jsonl', lines);
    await openDataset(uri);
    // Edited as soon as the quick look at the file's start shows, while the threads lint the whole file.
    await waitForDiagnostics(uri, (d) => d.some((x) => diagnosticCode(x) === 'checking'), 60000);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(5, 0), '{broken\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    // The threads' answer is of the text before the edit: the worker answers the edited text from it while it builds
    // the session, with the new line's own finding and the duplicates moved down a line.
    const first = await waitForDiagnostics(uri, brokenAt(5), 60000);
    const provisional = (await api()).lintTiming(uri) as LintTiming;
    assert.strictEqual(provisional.provisional, true, `answered before the session was built: ${JSON.stringify(provisional)}`);
    assert.deepStrictEqual(dupLines(first), [21, late + 1]);
    assert.ok(first.some((d) => diagnosticCode(d) === 'invalid-json' && d.range.start.line === lines.length), 'the last line, moved');
    const after = await wholeAnswer(uri);
    assert.strictEqual(after.version, provisional.version, 'no edit since');
    assert.strictEqual(after.incremental, true);
    const whole = vscode.languages.getDiagnostics(uri);
    assert.ok(brokenAt(5)(whole));
    assert.deepStrictEqual(dupLines(whole), [21, late + 1]);
    const actions = await codeActions(uri, 21);
    assert.ok(actions.some((a) => a.title === 'Delete duplicate record'), actions.map((a) => a.title).join(', '));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

type LintTiming = { version: number; threads?: number; fromFile?: boolean; incremental: boolean; provisional?: boolean; session?: { seeded: number; records: number } };

/** Distinct records (over the size from which the worker's first lint uses threads, PARALLEL_FIRST_LINT_CHARS), two duplicates and a broken last line. */
function largeDataset(bytes: number): { lines: string[]; late: number } {
  const words = LONG_ANSWER.replace(/[,.]/g, '').split(' ');
  let seed = 12345, size = 0;
  const word = (): string => words[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % words.length] + (seed % 97);
  const lines: string[] = [];
  while (size < bytes) {
    const line = chat(Array.from({ length: 12 }, word).join(' ') + '?', Array.from({ length: 60 }, word).join(' ') + '.');
    lines.push(line);
    size += line.length + 1;
  }
  lines[20] = lines[3]; // a duplicate in the first thread's slice
  const late = lines.length - 10;
  lines[late] = lines[4]; // and one in the last thread's slice
  lines.push('{"messages": [');
  return { lines, late };
}

function dupLines(ds: readonly vscode.Diagnostic[]): number[] {
  return ds.filter((x) => diagnosticCode(x) === 'duplicate').map((x) => x.range.start.line).sort((a, b) => a - b);
}

function brokenAt(line: number): (ds: vscode.Diagnostic[]) => boolean {
  return (ds) => ds.some((x) => diagnosticCode(x) === 'invalid-json' && x.range.start.line === line);
}

/** The lint timing of the document's current version once its answer is whole (not provisional). */
async function wholeAnswer(uri: vscode.Uri): Promise<LintTiming> {
  const editorApi = await api();
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
  return poll('the whole answer', 60000, () => {
    const t = editorApi.lintTiming(uri) as LintTiming | undefined;
    return t && !t.provisional && t.version === doc.version ? t : undefined;
  });
}

suite('editor: hover, overview, training gate, files changing', () => {
  suiteSetup(async () => { await activeExtension(); });
  teardown(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('hover on a record: exact token count with the bundled tokenizer and the rendered chat template', async () => {
    const uri = workspaceFile('train.jsonl');
    await openDataset(uri);
    const text = await hoverText(uri, new vscode.Position(0, 5));
    assert.match(text, /\*\*\d+ tokens\*\* \(tokenizer of tunelab-tiny-llama\)/, `hover text: ${text.slice(0, 500)}`);
    assert.ok(text.includes('<|user|>') && text.includes('<|assistant|>'), `no rendered template in: ${text.slice(0, 500)}`);
  });

  test('hover inside a pretty-printed record of a JSON array shows that record', async () => {
    const records = [{ messages: [{ role: 'user', content: 'Boiling point of water at sea level?' }, { role: 'assistant', content: '100 degrees Celsius.' }] },
      { messages: [{ role: 'user', content: 'Freezing point?' }, { role: 'assistant', content: '0 degrees Celsius.' }] }];
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'pretty.json'));
    fs.writeFileSync(uri.fsPath, JSON.stringify(records, null, 2) + '\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('Freezing point?'));
    const text = await hoverText(uri, new vscode.Position(line, 8));
    assert.match(text, /\*\*\d+ tokens\*\*/, `hover text: ${text.slice(0, 500)}`);
    assert.ok(text.includes('Freezing point?') && !text.includes('Boiling point'), `the hover shows the second record: ${text.slice(0, 500)}`);
  });

  test('with tunelab.defaultModel set, conversations its chat template refuses are reported as they are typed; unset, they are not', async () => {
    const strict = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-strict-model-'));
    const bundled = path.join((await activeExtension()).extensionPath, 'models', 'tunelab-tiny-llama');
    fs.copyFileSync(path.join(bundled, 'tokenizer.json'), path.join(strict, 'tokenizer.json'));
    const config = JSON.parse(fs.readFileSync(path.join(bundled, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    config.chat_template = "{% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}"
      + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}[{{ m['role'] }}] {{ m['content'] }}{% endfor %}";
    fs.writeFileSync(path.join(strict, 'tokenizer_config.json'), JSON.stringify(config));
    const withSystem = JSON.stringify({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of Peru?' }, { role: 'assistant', content: 'Lima.' }] });
    const uri = writeDataset('strict-template.jsonl', [chat('Capital of Chile?', 'Santiago.'), withSystem]);
    const settings = vscode.workspace.getConfiguration('tunelab');
    await settings.update('defaultModel', strict, vscode.ConfigurationTarget.Global);
    try {
      await openDataset(uri);
      const ds = await waitForDiagnostics(uri, hasCode('role-order'));
      const d = ds.find((x) => diagnosticCode(x) === 'role-order')!;
      assert.strictEqual(d.range.start.line, 1);
      assert.match(d.message, new RegExp(`^the chat template of ${path.basename(strict)} cannot train on this conversation: .*Conversation roles must alternate`));
    } finally {
      await settings.update('defaultModel', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(uri, (ds) => !hasCode('role-order')(ds));
  });

  test('a lint asked for while the same text is being linted shares that lint instead of running a second', async () => {
    const record = (i: number): string => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer ${i}.` }] });
    const uri = writeDataset('asked-twice.jsonl', Array.from({ length: 40 }, (_, i) => record(i)));
    const a = await api();
    await vscode.workspace.openTextDocument(uri);
    await poll('asked-twice.jsonl to be linted', 20000, () => a.lintTiming(uri));
    const [first, second] = await Promise.all([a.lintNow(uri), a.lintNow(uri)]);
    assert.strictEqual(second, first, 'the second request ran a lint of its own');
  });

  test('"Show Dataset Overview" run just before its editor shows waits a moment for it instead of asking for a file', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = workspaceFile('dup.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri); // loaded, not shown: no active editor yet
    // As when the palette's command reaches the extension host before the news of the editor just opened.
    const shown = vscode.commands.executeCommand('tunelab.showDatasetOverview');
    await sleep(50);
    await vscode.window.showTextDocument(doc);
    const outcome = await Promise.race([Promise.resolve(shown).then(() => 'done'), sleep(10000).then(() => 'still waiting')]);
    if (outcome !== 'done') await vscode.commands.executeCommand('workbench.action.closeQuickOpen'); // a file picker
    assert.strictEqual(outcome, 'done', 'the command asked for a file instead of taking the editor that showed');
    assert.strictEqual((await api()).overviewPanelUri()?.toString(), uri.toString());
  });

  test('"Show Dataset Overview" opens one overview panel for the dataset, revealed again on a second call', async () => {
    const uri = workspaceFile('dup.jsonl');
    await openDataset(uri);
    await vscode.commands.executeCommand('tunelab.showDatasetOverview', uri);
    const a = await api();
    assert.strictEqual(a.overviewPanelUri()?.toString(), uri.toString());
    await vscode.commands.executeCommand('tunelab.showDatasetOverview', workspaceFile('bad.jsonl'));
    assert.strictEqual(a.overviewPanelUri()?.toString(), workspaceFile('bad.jsonl').toString(), 'the one panel shows the new dataset');
    // An open overview refreshes when diagnostics change, and must not make the document lint again on its own.
    const settled = await poll('bad.jsonl to be linted', 20000, () => a.lintTiming(workspaceFile('bad.jsonl')));
    await sleep(3000);
    assert.strictEqual(a.lintTiming(workspaceFile('bad.jsonl')), settled, 'the overview keeps relinting an unchanged document');
    const overviewTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('tunelab.datasetOverview'));
    await poll('the overview tab', 10000, () => (overviewTabs().length ? true : undefined)).catch(() => undefined);
    const tabs = overviewTabs();
    const all = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? t.input.viewType : typeof t.input})`);
    assert.strictEqual(tabs.length, 1, `one overview panel, not ${tabs.length}; tabs: ${all.join(', ')}`);
    await Promise.all(tabs.map((t) => vscode.window.tabGroups.close(t)));
    await poll('the panel to be let go', 5000, () => (a.overviewPanelUri() === undefined ? true : undefined));
  });

  test('training refuses a dataset with lint errors, lists them by code, and opens the first one', async () => {
    const runsDir = path.join(workspaceDir(), '.tunelab', 'runs');
    const before = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).length : 0;
    const uri = workspaceFile('bad.jsonl');
    const returned = await vscode.commands.executeCommand('tunelab.trainOnDataset', uri, { autoStart: true, overrides: { max_steps: 1 } });
    assert.strictEqual(returned, undefined, 'a dataset with errors must not start a run');
    const refusal = (await api()).lastTrainingRefusal();
    assert.ok(refusal, 'no refusal recorded');
    assert.strictEqual(refusal.uri.toString(), uri.toString());
    assert.ok(refusal.errors >= 1);
    assert.match(refusal.errorCodes, /invalid-json ×1/);
    assert.strictEqual(refusal.firstErrorLine, 2);
    assert.strictEqual(fs.existsSync(runsDir) ? fs.readdirSync(runsDir).length : 0, before, 'no run folder was created');
    // What "Open First Error" runs:
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('tunelab.revealFinding', uri, refusal.firstErrorLine);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    assert.strictEqual(editor?.selection.active.line, 1);
  });

  test('training refuses when the eval file holds a copy of a training record (leakage), naming the eval file', async () => {
    const runsDir = path.join(workspaceDir(), '.tunelab', 'runs');
    const before = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).length : 0;
    const records = Array.from({ length: 12 }, (_, i) => chat(`Which river flows past town number ${i} in the northern valley?`, `The river Aln${'e'.repeat(i % 3)} flows past town ${i}, then turns east.`));
    const train = writeDataset('leaky_train.jsonl', records);
    const held = writeDataset('leaky_eval.jsonl', [records[4], chat('What is the capital of the region?', 'The capital is Morpeth.')]);
    const returned = await vscode.commands.executeCommand('tunelab.trainOnDataset', train, { autoStart: true, overrides: { max_steps: 1, eval_file: held.fsPath } });
    assert.strictEqual(returned, undefined, 'a leaking eval file must not start a run');
    const refusal = (await api()).lastTrainingRefusal();
    assert.ok(refusal, 'no refusal recorded');
    assert.strictEqual(refusal.uri.toString(), held.toString());
    assert.match(refusal.errorCodes, /leakage ×1/);
    assert.strictEqual(refusal.firstErrorLine, 1);
    assert.strictEqual(fs.existsSync(runsDir) ? fs.readdirSync(runsDir).length : 0, before, 'no run folder was created');
    // the eval file's diagnostics show the leak, with the training record as related
    const d = vscode.languages.getDiagnostics(held).find((x) => diagnosticCode(x) === 'leakage');
    assert.ok(d, 'a leakage diagnostic on the eval file');
    assert.strictEqual(d.relatedInformation?.[0]?.location.uri.toString(), train.toString());
    assert.strictEqual(d.relatedInformation?.[0]?.location.range.start.line, 4);
  });

  test('an eval file shows leakage from the training file next to it as it is edited, and again when the training file changes on disk or in the editor', async () => {
    // every few words name the record: no two records share a 13-word span
    const records = Array.from({ length: 8 }, (_, i) => chat(`Which river${i} flows past town${i} in the northern valley${i} of the old kingdom${i}?`,
      `The river${i} flows past town${i}, then turns east${i} toward the sea, where the ferries${i} of the harbour${i} wait.`));
    const failures = (await api()).lintFailures();
    const train = writeDataset('live_train.jsonl', records);
    const held = writeDataset('live_eval.jsonl', [chat('Something new?', 'Yes.'), records[2]]);
    const leaks = (ds: vscode.Diagnostic[]): string => ds.filter((d) => diagnosticCode(d) === 'leakage')
      .map((d) => `${d.range.start.line}->${path.basename(d.relatedInformation![0].location.uri.fsPath)}:${d.relatedInformation![0].location.range.start.line}`).join(' ');
    const editor = await openDataset(held);
    await waitForDiagnostics(held, (ds) => leaks(ds) === '1->live_train.jsonl:2');
    const d = vscode.languages.getDiagnostics(held).find((x) => diagnosticCode(x) === 'leakage')!;
    assert.match(d.message, /^eval record is an exact copy of a training record \(live_train\.jsonl line 3\)/);
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);

    // typed into the eval file: checked as it is typed
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    assert.ok(await editor.edit((b) => b.insert(end, `${records[5]}\n`)));
    await waitForDiagnostics(held, (ds) => leaks(ds) === '1->live_train.jsonl:2 2->live_train.jsonl:5');

    // the training file rewritten on disk without the third record
    writeDataset('live_train.jsonl', records.filter((_, i) => i !== 2));
    await waitForDiagnostics(held, (ds) => leaks(ds) === '2->live_train.jsonl:4');

    // the training file edited in the editor, unsaved: the third record back at its end
    const trainEditor = await openDataset(train);
    const trainEnd = trainEditor.document.lineAt(trainEditor.document.lineCount - 1).range.end;
    assert.ok(await trainEditor.edit((b) => b.insert(trainEnd, `${records[2]}\n`)));
    await waitForDiagnostics(held, (ds) => leaks(ds) === '1->live_train.jsonl:7 2->live_train.jsonl:4');

    // Fix All Dataset Problems offers leakage on an eval file and deletes every leaked record in one edit; one undo restores them
    const beforeFix = editor.document.getText();
    const fixed = await vscode.commands.executeCommand<Record<string, number>>('tunelab.fixAllDatasetProblems', held, ['leakage']);
    assert.deepStrictEqual(fixed, { leakage: 2 });
    assert.strictEqual(editor.document.getText(), `${chat('Something new?', 'Yes.')}\n`);
    await waitForDiagnostics(held, (ds) => leaks(ds) === '');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await poll('one undo to restore the eval file', 5000, () => (editor.document.getText() === beforeFix ? true : undefined));
    await waitForDiagnostics(held, (ds) => leaks(ds) === '1->live_train.jsonl:7 2->live_train.jsonl:4');

    // the quick fix deletes the leaked eval record
    const actions = await codeActions(held, 1);
    const del = actions.find((x) => x.title === 'Delete the leaked eval record');
    assert.ok(del?.edit, `offered: ${actions.map((x) => x.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(del.edit));
    await waitForDiagnostics(held, (ds) => leaks(ds) === '1->live_train.jsonl:4');
    assert.strictEqual((await api()).lintFailures(), failures);
    await vscode.window.showTextDocument(trainEditor.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('an eval file a training run named keeps its leakage from that training file as it is edited, whatever the files are called', async () => {
    const records = Array.from({ length: 8 }, (_, i) => chat(`Which lake${i} lies past village${i} in the western hills${i} of the old duchy${i}?`,
      `The lake${i} lies past village${i}, then the road${i} climbs toward the pass, where the huts${i} of the shepherds${i} stand.`));
    const train = writeDataset('qa_pool.jsonl', records);
    const held = writeDataset('holdout_questions.jsonl', [chat('Something else?', 'No.'), records[3]]);
    const editor = await openDataset(held);
    assert.ok(!hasCode('leakage')([...await (await api()).lintNow(held)]), 'the names pair nothing');
    const returned = await vscode.commands.executeCommand('tunelab.trainOnDataset', train, { autoStart: true, overrides: { max_steps: 1, eval_file: held.fsPath } });
    assert.strictEqual(returned, undefined, 'a leaking eval file must not start a run');
    // typed into afterwards: the live lint compares it with the run's training file
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    assert.ok(await editor.edit((b) => b.insert(end, `${records[6]}\n`)));
    const ds = await waitForDiagnostics(held, (d) => d.filter((x) => diagnosticCode(x) === 'leakage').length === 2);
    assert.deepStrictEqual(ds.filter((x) => diagnosticCode(x) === 'leakage').map((x) => [x.range.start.line, x.relatedInformation?.[0]?.location.uri.fsPath, x.relatedInformation?.[0]?.location.range.start.line]),
      [[1, train.fsPath, 3], [2, train.fsPath, 6]]);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('a dataset deleted and rewritten on disk while it is linted causes no failure and no stale findings', async () => {
    const a = await api();
    const failuresBefore = a.lintFailures();
    const lines = Array.from({ length: 4000 }, (_, i) => chat(`Question number ${i} about item ${i * 7}?`, `Answer ${i}.`));
    lines.push('{"broken": ');
    const uri = writeDataset('churn.jsonl', lines);
    await openDataset(uri);
    await sleep(50); // the first lint is under way
    fs.unlinkSync(uri.fsPath);
    await sleep(300);
    fs.writeFileSync(uri.fsPath, [chat('Fresh?', 'Yes.'), chat('Fresh?', 'Yes.')].join('\n') + '\n');
    fs.writeFileSync(uri.fsPath, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
    fs.writeFileSync(uri.fsPath, [chat('Final?', 'Yes.'), chat('Final?', 'Yes.')].join('\n') + '\n');
    const ds = await waitForDiagnostics(uri, (d) => hasCode('duplicate')(d) && !hasCode('invalid-json')(d), 30000);
    assert.strictEqual(ds.find((d) => diagnosticCode(d) === 'duplicate')?.range.start.line, 1);
    // The Lint Dataset command on a file that is gone answers with a message, not an exception.
    const gone = vscode.Uri.file(path.join(workspaceDir(), 'gone.jsonl'));
    assert.strictEqual(await vscode.commands.executeCommand('tunelab.lintDataset', gone), undefined);
    assert.strictEqual(a.lintFailures(), failuresBefore, 'a lint failed (see the Tunelab log)');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    fs.rmSync(uri.fsPath, { force: true });
  });
  test('"Speed Up Editing Large Datasets" turns off merge-conflict\'s scans, and JSONL link detection and Unicode highlighting, in the workspace settings', async () => {
    const mergeConflict = vscode.workspace.getConfiguration('merge-conflict');
    const jsonlEditor = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('editor', { languageId: 'jsonl' });
    // merge-conflict is a built-in extension: its settings exist only while it is enabled.
    const mergeOn = ['decorators.enabled', 'codeLens.enabled'].filter((k) => mergeConflict.get(k) === true);
    const perLanguage = ['links', 'unicodeHighlight.ambiguousCharacters', 'unicodeHighlight.invisibleCharacters'];
    for (const k of perLanguage) assert.strictEqual(jsonlEditor().get(k), true, `${k} starts on`);
    const uri = writeDataset('speed.jsonl', [chat('Speed?', 'Up.')]);
    try {
      const changed = await vscode.commands.executeCommand<string[]>('tunelab.speedUpLargeDatasets', uri);
      assert.deepStrictEqual(changed, [...mergeOn.map((k) => `merge-conflict.${k}`), ...perLanguage.map((k) => `[jsonl] editor.${k}`)]);
      for (const k of mergeOn) assert.strictEqual(vscode.workspace.getConfiguration('merge-conflict').inspect(k)?.workspaceValue, false, k);
      for (const k of perLanguage) {
        assert.strictEqual(jsonlEditor().inspect(k)?.workspaceLanguageValue, false, k);
        assert.strictEqual(jsonlEditor().get(k), false, k);
        // Only JSON Lines: other files keep them.
        assert.strictEqual(vscode.workspace.getConfiguration('editor', { languageId: 'typescript' }).get(k), true, k);
        assert.strictEqual(vscode.workspace.getConfiguration('editor').inspect(k)?.workspaceValue, undefined, k);
      }
      const written = fs.readFileSync(path.join(workspaceDir(), '.vscode', 'settings.json'), 'utf8');
      assert.match(written, /"\[jsonl\]"/);
      assert.deepStrictEqual(await vscode.commands.executeCommand<string[]>('tunelab.speedUpLargeDatasets', uri), [], 'a second run changes nothing');
    } finally {
      for (const k of mergeOn) await vscode.workspace.getConfiguration('merge-conflict').update(k, undefined, vscode.ConfigurationTarget.Workspace);
      for (const k of perLanguage) await jsonlEditor().update(k, undefined, vscode.ConfigurationTarget.Workspace, true);
      fs.rmSync(uri.fsPath, { force: true });
    }
    for (const k of perLanguage) assert.strictEqual(jsonlEditor().get(k), true, `${k} restored`);
  });
});
