// What the training page shows about a run, folded from its events: status line, chart series, error.
// Pure: used by the pages and the host, tested with node:test.
import type { TrainerEvent } from '../src/core/events';
import type { RunStatus } from '../src/core/runs';
import type { ChartPoint } from './protocol';
import { formatDevice, formatEarlyStop, samplesOf, type EarlyStop, type EvalSample } from '../src/core/runFacts';
import { formatResumeLine } from '../src/core/launch';

export type ProgressStatus = 'idle' | 'starting' | RunStatus;

export interface ProgressState {
  status: ProgressStatus;
  step?: number;
  totalSteps?: number;
  loss?: number;
  tokensPerS?: number;
  etaS?: number;
  baseEvalLoss?: number;
  evalLoss?: number;
  error?: { kind: string; message: string; hint: string };
  /** "cuda (bfloat16) · 2 processes", from the start event. */
  device?: string;
  /** Greedy generations of the latest tuned eval that had them. */
  samples?: EvalSample[];
  earlyStop?: EarlyStop;
  /** One line per resume, naming the settings changed since the checkpoint. */
  resumes?: string[];
}

/** Folds events one at a time; replaying a run's events.jsonl gives the same state as watching it live. */
export class RunProgress {
  readonly loss: ChartPoint[] = [];
  readonly evalBase: ChartPoint[] = [];
  readonly evalTuned: ChartPoint[] = [];
  private current: ProgressState;
  private firstStep?: { step: number; time: number };
  private lastStepTime?: number;

  constructor(status: ProgressStatus = 'idle') {
    this.current = { status };
  }

  get state(): ProgressState {
    return this.current;
  }

  setStatus(status: ProgressStatus): void {
    this.current = { ...this.current, status };
  }

  apply(e: TrainerEvent): void {
    const s = { ...this.current };
    switch (e.type) {
      case 'start':
        s.status = 'running';
        s.totalSteps = e.total_steps;
        s.step = e.resumed_from_step ?? 0;
        if (typeof e.device === 'string') s.device = formatDevice(e);
        break;
      case 'resume':
        s.resumes = [...(s.resumes ?? []), formatResumeLine(e)];
        break;
      case 'step':
        s.status = 'running';
        s.step = e.step;
        s.totalSteps = e.total_steps ?? s.totalSteps;
        s.loss = e.loss;
        s.tokensPerS = e.tokens_per_s;
        this.loss.push({ x: e.step, y: e.loss });
        this.firstStep ??= { step: e.step, time: e.time };
        this.lastStepTime = e.time;
        s.etaS = this.eta(e.step, s.totalSteps);
        break;
      case 'eval':
        if (e.which === 'base') {
          s.baseEvalLoss = e.eval_loss;
          this.evalBase.push({ x: e.step, y: e.eval_loss });
        } else {
          s.evalLoss = e.eval_loss;
          this.evalTuned.push({ x: e.step, y: e.eval_loss });
          if (Array.isArray(e.samples) && e.samples.length) s.samples = samplesOf(e);
        }
        break;
      case 'done':
        s.status = e.status === 'stopped' ? 'stopped' : 'completed';
        s.step = e.steps ?? s.step;
        s.etaS = undefined;
        if (typeof e.eval_loss === 'number') s.evalLoss = e.eval_loss;
        if (typeof e.base_eval_loss === 'number') s.baseEvalLoss = e.base_eval_loss;
        if (e.early_stopped === true && typeof e.best_step === 'number') {
          s.earlyStop = { stoppedAt: e.steps, bestStep: e.best_step, bestEvalLoss: this.evalTuned.find((p) => p.x === e.best_step)?.y };
        }
        break;
      case 'error':
        s.status = 'failed';
        s.etaS = undefined;
        s.error = { kind: String(e.kind ?? 'internal'), message: e.message, hint: String(e.hint ?? '') };
        break;
      default:
        return;
    }
    this.current = s;
  }

  /** Seconds left at the average pace since the first step (model loading is not part of it). */
  private eta(step: number, total: number | undefined): number | undefined {
    if (!total || !this.firstStep || this.lastStepTime === undefined || step <= this.firstStep.step) return undefined;
    const perStep = (this.lastStepTime - this.firstStep.time) / (step - this.firstStep.step);
    return Math.max(0, perStep * (total - step));
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatLoss(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

const STATUS_WORDS: Record<ProgressStatus, string> = {
  idle: 'Ready',
  starting: 'Starting…',
  running: 'Training',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
  interrupted: 'Interrupted (the trainer ended without reporting)',
};

/** One status line: "Training · step 12/100 · loss 1.2345 · 1,234 tokens/s · ETA 1m 20s". */
export function formatStatus(s: ProgressState): string {
  const parts = [STATUS_WORDS[s.status]];
  if (s.step !== undefined) parts.push(s.totalSteps ? `step ${s.step}/${s.totalSteps}` : `step ${s.step}`);
  if (s.loss !== undefined) parts.push(`loss ${formatLoss(s.loss)}`);
  if (s.evalLoss !== undefined) {
    parts.push(s.baseEvalLoss !== undefined ? `eval loss ${formatLoss(s.baseEvalLoss)} → ${formatLoss(s.evalLoss)}` : `eval loss ${formatLoss(s.evalLoss)}`);
  } else if (s.baseEvalLoss !== undefined) {
    parts.push(`base eval loss ${formatLoss(s.baseEvalLoss)}`);
  }
  if (s.status === 'running' && s.tokensPerS !== undefined) parts.push(`${Math.round(s.tokensPerS).toLocaleString('en-US')} tokens/s`);
  if (s.status === 'running' && s.etaS !== undefined) parts.push(`ETA ${formatDuration(s.etaS)}`);
  if (s.earlyStop) parts.push(formatEarlyStop(s.earlyStop));
  return parts.join(' · ');
}

/** Relative change from base to tuned in percent (negative = lower), or undefined without both. */
export function relativeChange(base: number | undefined | null, tuned: number | undefined | null): number | undefined {
  if (typeof base !== 'number' || typeof tuned !== 'number' || !Number.isFinite(base) || !Number.isFinite(tuned) || base === 0) return undefined;
  return ((tuned - base) / Math.abs(base)) * 100;
}

export function formatChange(pct: number | undefined): string {
  if (pct === undefined) return '–';
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${sign}${Math.abs(pct).toFixed(1)}%`;
}
