// Runs core lints in a worker thread so a large dataset never freezes the editor. If the worker
// cannot start (the bundle is missing, as when the sources run unbundled), lints run inline.
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { lintSource, type FileLintResult, type LintOptions } from '../core/lint';
import type { LintRequest, LintResponse } from './lintProtocol';

export class Linter implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: FileLintResult) => void; reject: (e: Error) => void }>();
  private workerBroken = false;

  constructor(private readonly workerScript: string, private readonly log: vscode.LogOutputChannel) {}

  lint(path: string, input: string | Buffer, options?: LintOptions): Promise<FileLintResult> {
    const worker = this.ensureWorker();
    if (!worker) {
      try {
        return Promise.resolve(lintSource(path, input, options));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const id = this.nextId++;
    return new Promise<FileLintResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: LintRequest = { id, path, input, options };
      worker.postMessage(request);
    });
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.workerBroken) return this.worker;
    if (!fs.existsSync(this.workerScript)) {
      this.workerBroken = true;
      this.log.warn(`lint worker ${this.workerScript} not found: linting on the main thread`);
      return undefined;
    }
    const worker = new Worker(this.workerScript);
    worker.unref();
    worker.on('message', (msg: LintResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('result' in msg) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    const fail = (why: string): void => {
      this.log.error(`lint worker ${why}`);
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`lint worker ${why}`));
      this.pending.clear();
    };
    worker.on('error', (err) => fail(`failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => { if (this.worker === worker) fail(`exited with code ${code}`); });
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.workerBroken = true;
    void worker?.terminate();
  }
}
