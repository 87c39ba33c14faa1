// Tunelab's entry point: one log channel, one context object that owns every feature.
import * as vscode from 'vscode';
import { createTunelab, type TunelabApi } from './host/context';

export function activate(context: vscode.ExtensionContext): TunelabApi {
  const log = vscode.window.createOutputChannel('Tunelab', { log: true });
  context.subscriptions.push(log);
  try {
    const { api } = createTunelab(context, log);
    log.info(`Tunelab ${context.extension.packageJSON.version as string} activated`);
    return api;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`activation failed: ${err instanceof Error ? err.stack ?? message : message}`);
    void vscode.window.showErrorMessage(`Tunelab failed to start: ${message}`, 'Show Log').then((pick) => {
      if (pick) log.show();
    });
    throw err;
  }
}

export function deactivate(): void {
  // Everything is in context.subscriptions; detached trainers keep running on purpose.
}
