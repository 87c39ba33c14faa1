// The GPU memory line of the training form: the trainer's own estimate (python -m tunelab_trainer doctor
// --run-dir, formula in trainer/tunelab_trainer/memory.py, the same as `tunelab estimate`) for the form's config,
// written to a scratch run folder that is removed afterwards. No shell; no `vscode`, so it is unit-tested.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunConfig } from '../core/config';
import { runTrainerModule } from '../core/python';

export const ESTIMATING_TEXT = 'GPU memory: estimating…';
const TIMEOUT_MS = 60_000;

/** The line for a doctor report's `memory` (or why there is none). */
export function estimateLine(report: unknown): string {
  const memory = typeof report === 'object' && report !== null ? (report as { memory?: unknown }).memory : undefined;
  if (typeof memory === 'object' && memory !== null) {
    const m = memory as { summary?: unknown; error?: unknown };
    if (typeof m.summary === 'string') return `GPU memory: ${m.summary}`;
    if (typeof m.error === 'string') return `GPU memory: no estimate (${m.error})`;
  }
  return 'GPU memory: no estimate (the trainer gave none)';
}

/** Runs the trainer's estimate for `config`; never throws: failures come back as a line that says what went wrong. */
export async function estimateForConfig(python: string, trainerDir: string, config: RunConfig): Promise<string> {
  let dir: string | undefined;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-estimate-'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const r = await runTrainerModule(python, trainerDir, ['doctor', '--run-dir', dir], { timeoutMs: TIMEOUT_MS });
    if (r.spawnError) return `GPU memory: no estimate (Python not found: ${python}; set tunelab.pythonPath)`;
    if (r.timedOut) return `GPU memory: no estimate (the trainer took more than ${TIMEOUT_MS / 1000} s)`;
    const last = r.stdout.trim().split('\n').pop() ?? '';
    try {
      return estimateLine(JSON.parse(last));
    } catch {
      const why = r.stderr.trim().split('\n').pop() || `exit code ${r.code ?? 'none'}`;
      return `GPU memory: no estimate (${why})`;
    }
  } catch (err) {
    return `GPU memory: no estimate (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One estimate at a time, for the latest config: a config asked for while one runs waits and replaces any
 * other waiting; a repeat of the config last estimated is not run again. `show` gets "estimating…", then the line.
 */
export class EstimateQueue {
  private running = false;
  private waiting: RunConfig | undefined;
  private lastKey: string | undefined;
  private lastLine = '';
  /** Bumped by clear(): an estimate that was running when the form turned invalid is not shown. */
  private generation = 0;

  constructor(private readonly estimate: (config: RunConfig) => Promise<string>, private readonly show: (line: string) => void) {}

  request(config: RunConfig): void {
    const key = JSON.stringify(config);
    if (key === this.lastKey && !this.running && !this.waiting) {
      this.show(this.lastLine);
      return;
    }
    this.waiting = config;
    this.show(ESTIMATING_TEXT);
    if (!this.running) void this.drain();
  }

  /** The form is invalid: no line, and nothing waiting. */
  clear(): void {
    this.waiting = undefined;
    this.lastKey = undefined;
    this.generation++;
    this.show('');
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting) {
      const config = this.waiting;
      this.waiting = undefined;
      const generation = this.generation;
      const line = await this.estimate(config);
      if (generation !== this.generation) continue;
      this.lastKey = JSON.stringify(config);
      this.lastLine = line;
      if (!this.waiting) this.show(line); // a newer config is on its way: its line replaces this one
    }
    this.running = false;
  }
}
