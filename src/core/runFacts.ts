// What the training page and the report say about device, resume, eval samples and early stopping.
// Pure, with no Node imports: the training page bundles it (webview/runFactsView.ts), report.ts reuses it.
import type { DoneEvent, EvalEvent, ResumeEvent, StartEvent, TrainerEvent } from './events';
import { formatResumeLine } from './launch';

export interface EvalSample { step: number; prompt: string; completion: string }
export interface EarlyStop { stoppedAt: number; bestStep: number; bestEvalLoss?: number }

/** "cuda (bfloat16) · 2 processes" */
export function formatDevice(e: Pick<StartEvent, 'device' | 'dtype' | 'processes'>): string {
  const n = Math.max(1, Math.floor(e.processes ?? 1));
  return `${e.device}${e.dtype ? ` (${e.dtype})` : ''} · ${n} process${n === 1 ? '' : 'es'}`;
}

/** The generations of the latest tuned eval that carried samples (base evals show the untrained model). */
export function latestSamples(events: readonly TrainerEvent[]): EvalSample[] {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'eval' && e.which !== 'base' && Array.isArray(e.samples) && e.samples.length) return samplesOf(e);
  }
  return [];
}

export function samplesOf(e: EvalEvent): EvalSample[] {
  return (e.samples ?? [])
    .filter((s) => s && typeof s === 'object')
    .map((s) => ({ step: e.step, prompt: String(s.prompt ?? ''), completion: String(s.completion ?? '') }));
}

/** The early stop a done event reports, with the eval loss of the kept step when an eval event has it. */
export function earlyStopOf(done: DoneEvent, events: readonly TrainerEvent[]): EarlyStop | undefined {
  if (done.early_stopped !== true || typeof done.best_step !== 'number') return undefined;
  const best = events.find((e): e is EvalEvent => e.type === 'eval' && e.which !== 'base' && e.step === done.best_step);
  return { stoppedAt: done.steps, bestStep: done.best_step, bestEvalLoss: best?.eval_loss };
}

/** "stopped early at step 40; best eval loss 1.2345 at step 20 restored" */
export function formatEarlyStop(s: EarlyStop): string {
  const loss = typeof s.bestEvalLoss === 'number' && Number.isFinite(s.bestEvalLoss) ? `best eval loss ${s.bestEvalLoss.toFixed(4)}` : 'best eval loss';
  return `stopped early at step ${s.stoppedAt}; ${loss} at step ${s.bestStep} restored`;
}

/** Every resume of the run, as lines naming the changed settings. */
export function resumeLines(events: readonly TrainerEvent[]): string[] {
  return events.filter((e): e is ResumeEvent => e.type === 'resume').map(formatResumeLine);
}

/** Long generations are cut for the table; the full text stays in events.jsonl. */
export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
