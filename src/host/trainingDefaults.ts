// What a new training form starts with: the defaults of core config, the model from the settings
// (or the bundled one), and the dataset with its eval split when one sits next to it.
import * as vscode from 'vscode';
import { bundledModelDir } from '../core/bundled';
import { CONFIG_DEFAULTS } from '../core/config';
import type { FormConfig } from '../../webview/protocol';
import { expandPathSetting } from './commandLine';
import { detectEvalFile } from '../core/dataset/split-files';

export function defaultModel(extensionPath: string, resource?: vscode.Uri): string {
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  const setting = vscode.workspace.getConfiguration('tunelab', resource).get<string>('defaultModel', '');
  return expandPathSetting(setting, folder?.uri.fsPath) || bundledModelDir(extensionPath);
}

export function initialFormConfig(extensionPath: string, dataset?: vscode.Uri): FormConfig {
  const trainFile = dataset?.scheme === 'file' ? dataset.fsPath : '';
  return {
    ...CONFIG_DEFAULTS,
    model: defaultModel(extensionPath, dataset),
    train_file: trainFile,
    eval_file: trainFile ? detectEvalFile(trainFile) ?? null : null,
  };
}
