// Which Python runs the trainer: tunelab.pythonPath (machine scope, so a workspace cannot redirect it),
// else the Python extension's active environment, else what core resolvePython falls back to.
import * as vscode from 'vscode';
import { resolvePython, type PythonSource } from '../core/python';
import { expandPathSetting } from './commandLine';

/** The parts of the ms-python.python API used here (duck-typed, so the extension stays optional). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined };
}

const PYTHON_EXTENSION_TIMEOUT_MS = 10_000;

function withTimeout<T>(p: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, () => { clearTimeout(timer); resolve(undefined); });
  });
}

async function pythonFromExtension(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await withTimeout(ext.activate(), PYTHON_EXTENSION_TIMEOUT_MS);
    const envPath = api?.environments?.getActiveEnvironmentPath?.(resource);
    if (envPath && api?.environments?.resolveEnvironment) {
      const env = await withTimeout(api.environments.resolveEnvironment(envPath), PYTHON_EXTENSION_TIMEOUT_MS);
      const exe = env?.executable?.uri?.fsPath;
      if (exe) return exe;
    }
    return api?.settings?.getExecutionDetails?.(resource)?.execCommand?.[0] ?? envPath?.path;
  } catch (err) {
    log.warn(`the Python extension did not give an environment: ${String(err)}`);
    return undefined;
  }
}

export async function findPython(log: vscode.LogOutputChannel, resource?: vscode.Uri): Promise<{ python: string; source: PythonSource }> {
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  // Only the user (machine) value counts: the setting is machine-scoped, and reading inspect() makes that explicit.
  const inspected = vscode.workspace.getConfiguration('tunelab').inspect<string>('pythonPath');
  const setting = expandPathSetting(inspected?.globalValue ?? '', folder?.uri.fsPath);
  const fromExtension = setting ? undefined : await pythonFromExtension(folder?.uri, log);
  const resolved = resolvePython({ setting, pythonExtension: fromExtension, env: process.env });
  log.info(`Python: ${resolved.python} (from ${resolved.source})`);
  return resolved;
}
