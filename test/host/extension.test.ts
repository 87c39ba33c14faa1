import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeExtension, EXTENSION_ID } from './helpers';

const COMMANDS = ['tunelab.trainOnDataset', 'tunelab.openTrainingPanel', 'tunelab.showReport', 'tunelab.stopRun',
  'tunelab.lintDataset', 'tunelab.doctor', 'tunelab.refreshRuns'];

// Files the installed extension cannot work without; a .vscodeignore that drops one must fail here.
const PACKAGED_FILES = ['package.json', 'dist/extension.js', 'trainer/requirements.txt',
  'trainer/tunelab_trainer/__main__.py', 'trainer/tunelab_trainer/__init__.py', 'models/tunelab-tiny-llama/config.json'];

suite('installed extension', () => {
  test('is the one installed from the .vsix, and activates', async () => {
    const extensionsDir = process.env.TUNELAB_E2E_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'TUNELAB_E2E_EXTENSIONS_DIR is not set: run these suites through test/e2e/run.js');
    const ext = await activeExtension();
    const rel = path.relative(fs.realpathSync(extensionsDir), fs.realpathSync(ext.extensionPath));
    assert.ok(!rel.startsWith('..') && !path.isAbsolute(rel),
      `${EXTENSION_ID} was loaded from ${ext.extensionPath}, not from the extensions dir ${extensionsDir}`);
    assert.strictEqual(ext.isActive, true);
  });

  test('registers every command it contributes', async () => {
    const ext = await activeExtension();
    const contributed = (ext.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of COMMANDS) {
      assert.ok(contributed.includes(id), `package.json does not contribute ${id}`);
      assert.ok(registered.has(id), `${id} is contributed but activate() did not register it`);
    }
    const unregistered = contributed.filter((id: string) => !registered.has(id));
    assert.deepStrictEqual(unregistered, [], 'contributed commands without a handler');
  });

  test('ships the bundle, the trainer and the bundled model, and no sources', async () => {
    const root = (await activeExtension()).extensionPath;
    const missing = PACKAGED_FILES.filter((f) => !fs.existsSync(path.join(root, f)));
    assert.deepStrictEqual(missing, [], `missing from the installed extension (check .vscodeignore): ${missing.join(', ')}`);
    const shipped = ['src', 'test', 'node_modules', 'trainer/tests', 'webview'].filter((f) => fs.existsSync(path.join(root, f)));
    assert.deepStrictEqual(shipped, [], `the package carries development folders: ${shipped.join(', ')}`);
  });
});
