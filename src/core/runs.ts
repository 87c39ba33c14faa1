// Run folders: `<workspace>/.tunelab/runs/<run-id>/` (layout in docs/architecture.md, "Run folder").
// Status is derived from events.jsonl and the pid file, never stored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from './config';
import { LineSplitter, parseEventLine, type TrainerEvent } from './events';

export const CONFIG_FILE = 'config.json';
export const EVENTS_FILE = 'events.jsonl';
export const TRAINER_LOG_FILE = 'trainer.log';
export const PID_FILE = 'pid';
export const METRICS_FILE = path.join('eval', 'metrics.json');
export const REPORT_FILE = path.join('eval', 'report.html');

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface RunSummary {
  id: string;
  dir: string;
  status: RunStatus;
  config?: RunConfig;
  startedAt?: number;
  step?: number;
  totalSteps?: number;
  loss?: number;
  baseEvalLoss?: number;
  evalLoss?: number;
  basePerplexity?: number;
  perplexity?: number;
  error?: { kind: string; message: string; hint: string };
}

/** eval/metrics.json, written by `python -m tunelab_trainer eval` (mirrors trainer/tunelab_trainer/evaluate.py). */
export interface EvalMetrics {
  eval_records: number;
  eval_tokens: number;
  base?: { eval_loss: number; perplexity: number };
  tuned?: { eval_loss: number; perplexity: number };
  definitions?: Record<string, string>;
}

export function runsRoot(workspaceDir: string): string {
  return path.join(workspaceDir, '.tunelab', 'runs');
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYYMMDD-HHMMSS-<dataset stem>` in local time. */
export function runIdBase(trainFile: string, now: Date = new Date()): string {
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const stem = path.basename(trainFile).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 48);
  return `${stamp}-${stem || 'run'}`;
}

/** Creates a new run folder with its config.json; a `-2`, `-3`… suffix keeps ids unique. */
export function createRun(workspaceDir: string, config: RunConfig, now: Date = new Date()): { id: string; dir: string } {
  const root = runsRoot(workspaceDir);
  fs.mkdirSync(root, { recursive: true });
  const base = runIdBase(config.train_file, now);
  for (let n = 1; n < 10000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = path.join(root, id);
    try {
      fs.mkdirSync(dir); // not recursive: fails if another run took the id, even concurrently
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    fs.writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n');
    return { id, dir };
  }
  throw new Error(`too many runs named ${base} in ${root}`);
}

export function readEvents(runDir: string): TrainerEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(runDir, EVENTS_FILE), 'utf8');
  } catch {
    return [];
  }
  const events: TrainerEvent[] = [];
  for (const line of text.split('\n')) {
    const event = parseEventLine(line);
    if (event) events.push(event);
  }
  return events;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function readRunPid(runDir: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(runDir, PID_FILE), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The status the events imply: the last terminal event decides; without one, a live trainer means running. */
export function runStatus(events: readonly TrainerEvent[], trainerAlive: boolean): RunStatus {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'done') return e.status === 'stopped' ? 'stopped' : 'completed';
    if (e.type === 'error') return 'failed';
  }
  return trainerAlive ? 'running' : 'interrupted';
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readEvalMetrics(runDir: string): EvalMetrics | undefined {
  const value = readJson(path.join(runDir, METRICS_FILE));
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as EvalMetrics) : undefined;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function findLast<T extends TrainerEvent['type']>(events: readonly TrainerEvent[], type: T, where?: (e: Extract<TrainerEvent, { type: T }>) => boolean): Extract<TrainerEvent, { type: T }> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === type && (!where || where(e as Extract<TrainerEvent, { type: T }>))) return e as Extract<TrainerEvent, { type: T }>;
  }
  return undefined;
}

export function summarizeRun(runDir: string, events: readonly TrainerEvent[] = readEvents(runDir)): RunSummary {
  const pid = readRunPid(runDir);
  const summary: RunSummary = {
    id: path.basename(runDir),
    dir: runDir,
    status: runStatus(events, pid !== undefined && isProcessAlive(pid)),
  };
  const config = readJson(path.join(runDir, CONFIG_FILE));
  if (typeof config === 'object' && config !== null) summary.config = config as RunConfig;

  const start = findLast(events, 'start');
  const lastStep = findLast(events, 'step');
  const done = findLast(events, 'done');
  const baseEval = findLast(events, 'eval', (e) => e.which === 'base');
  const tunedEval = findLast(events, 'eval', (e) => e.which === 'tuned');
  summary.startedAt = finite(start?.time) ?? finite(events[0]?.time);
  summary.step = finite(lastStep?.step) ?? finite(done?.steps);
  summary.totalSteps = finite(lastStep?.total_steps) ?? finite(start?.total_steps);
  summary.loss = finite(lastStep?.loss);

  // eval/metrics.json is the latest evaluation (`tunelab eval` rewrites it); events fill in before it exists.
  const metrics = readEvalMetrics(runDir);
  summary.baseEvalLoss = finite(metrics?.base?.eval_loss) ?? finite(done?.base_eval_loss) ?? finite(baseEval?.eval_loss);
  summary.basePerplexity = finite(metrics?.base?.perplexity) ?? finite(done?.base_perplexity) ?? finite(baseEval?.perplexity);
  summary.evalLoss = finite(metrics?.tuned?.eval_loss) ?? finite(done?.eval_loss) ?? finite(tunedEval?.eval_loss);
  summary.perplexity = finite(metrics?.tuned?.perplexity) ?? finite(done?.perplexity) ?? finite(tunedEval?.perplexity);

  const error = findLast(events, 'error');
  if (summary.status === 'failed' && error) {
    summary.error = { kind: String(error.kind ?? 'internal'), message: error.message, hint: String(error.hint ?? '') };
  }
  for (const key of Object.keys(summary) as (keyof RunSummary)[]) {
    if (summary[key] === undefined) delete summary[key];
  }
  return summary;
}

/** Orders run ids newest first: ids start with a timestamp, and a numeric compare ranks `-10` above `-9`. */
function compareNewestFirst(a: string, b: string): number {
  const stamped = (id: string): boolean => /^\d{8}-\d{6}/.test(id);
  if (stamped(a) !== stamped(b)) return stamped(a) ? -1 : 1;
  return b.localeCompare(a, 'en', { numeric: true });
}

/** Every run folder of the workspace, newest first. */
export function listRuns(workspaceDir: string): RunSummary[] {
  const root = runsRoot(workspaceDir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort(compareNewestFirst)
    .map((name) => summarizeRun(path.join(root, name)));
}

export interface FileTail {
  /** Reads what was appended since the last read, now. */
  poll(): void;
  dispose(): void;
}

/**
 * Calls onData with the bytes appended to `file` (from its start, or from its current end with
 * `fromEnd`) until dispose(). fs.watch on the folder gives prompt updates and works before the file
 * exists; polling covers file systems where watching is unreliable. A truncated file is read again
 * from its start, after onReset.
 */
export function tailFile(file: string, onData: (chunk: Buffer) => void, opts: { pollMs?: number; fromEnd?: boolean; onReset?: () => void } = {}): FileTail {
  let offset = 0;
  if (opts.fromEnd) {
    try {
      offset = fs.statSync(file).size;
    } catch {
      // not there yet: everything written later is new
    }
  }
  let disposed = false;
  const buffer = Buffer.alloc(64 * 1024);

  const poll = (): void => {
    if (disposed) return;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return; // not written yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < offset) {
        offset = 0;
        opts.onReset?.();
      }
      while (!disposed && offset < size) {
        const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
        if (n <= 0) break;
        offset += n;
        onData(buffer.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
  };

  poll();
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(path.dirname(file), (_kind, name) => {
      if (!name || name === path.basename(file)) poll();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  const timer = setInterval(poll, opts.pollMs ?? 500);
  return {
    poll,
    dispose(): void {
      disposed = true;
      clearInterval(timer);
      watcher?.close();
    },
  };
}

/**
 * Calls onEvent for every event already in events.jsonl, then for each line appended later, until
 * dispose(). A partial last line waits until its newline arrives.
 */
export function followEvents(runDir: string, onEvent: (e: TrainerEvent) => void, opts: { pollMs?: number } = {}): { dispose(): void } {
  const onLine = (line: string): void => {
    const event = parseEventLine(line);
    if (event) onEvent(event);
  };
  let splitter = new LineSplitter(onLine);
  const tail = tailFile(path.join(runDir, EVENTS_FILE), (chunk) => splitter.push(chunk), {
    pollMs: opts.pollMs,
    onReset: () => { splitter = new LineSplitter(onLine); },
  });
  return { dispose: () => tail.dispose() };
}
