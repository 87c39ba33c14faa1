// Worker thread that lints dataset text off the extension host's main thread (bundled to dist/lintWorker.js).
// No `vscode` here: workers cannot reach the editor API.
import { parentPort } from 'node:worker_threads';
import { lintSource } from '../core/lint';
import type { LintRequest, LintResponse } from './lintProtocol';

parentPort?.on('message', (req: LintRequest) => {
  let response: LintResponse;
  try {
    const input = typeof req.input === 'string' ? req.input : Buffer.from(req.input);
    response = { id: req.id, result: lintSource(req.path, input, req.options) };
  } catch (err) {
    response = { id: req.id, error: err instanceof Error ? err.stack ?? err.message : String(err) };
  }
  parentPort?.postMessage(response);
});
