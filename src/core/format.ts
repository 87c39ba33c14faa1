// Plain-text renderings of runs, events and the environment check, for the CLI and log channels.
import * as path from 'node:path';
import type { EvalEvent, StartEvent, StepEvent, TrainerEvent } from './events';
import type { DoctorReport, PythonSource } from './python';
import { formatNumber, relativeChange } from './report';
import type { RunSummary } from './runs';
import { formatResumeLine } from './launch';

export function formatStepLine(e: StepEvent): string {
  const parts = [`step ${e.step}/${e.total_steps ?? '?'}`];
  if (typeof e.epoch === 'number') parts.push(`epoch ${e.epoch.toFixed(2)}`);
  parts.push(`loss ${formatNumber(e.loss)}`);
  if (typeof e.lr === 'number') parts.push(`lr ${e.lr.toExponential(2)}`);
  if (typeof e.tokens_per_s === 'number') parts.push(`${Math.round(e.tokens_per_s).toLocaleString('en')} tokens/s`);
  return parts.join('  ');
}

export function formatStartLine(e: StartEvent): string {
  const params = typeof e.trainable_params === 'number' && typeof e.total_params === 'number' && e.total_params > 0
    ? `, ${e.trainable_params.toLocaleString('en')} trainable parameters (${((100 * e.trainable_params) / e.total_params).toFixed(2)}%)`
    : '';
  return `training ${path.basename(String(e.model))} with ${e.method} on ${e.device} (${e.dtype}): `
    + `${e.train_records} train / ${e.eval_records} eval records, ${e.total_steps} steps${params}`;
}

export function formatEvalLine(e: EvalEvent): string {
  const who = e.which === 'base' ? 'base model' : `fine-tuned, step ${e.step}`;
  return `${who}: eval loss ${formatNumber(e.eval_loss)} (perplexity ${formatNumber(e.perplexity, 2)})`;
}

/** One line for every event but steps (those get the progress line); undefined for events not worth a line. */
export function formatEventLine(e: TrainerEvent): string | undefined {
  switch (e.type) {
    case 'start': return formatStartLine(e);
    case 'step': return formatStepLine(e);
    case 'eval': return formatEvalLine(e);
    case 'checkpoint': return `checkpoint at step ${e.step}: ${e.path}`;
    case 'error': return `error (${e.kind}): ${e.message}${e.hint ? `\n  what to do: ${e.hint}` : ''}`;
    case 'log': return `${e.level ?? 'info'}: ${e.message}`;
    case 'done': return undefined;
    case 'resume': return formatResumeLine(e);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** Base vs fine-tuned eval loss and perplexity with the relative change. */
export function formatEvalTable(s: Pick<RunSummary, 'baseEvalLoss' | 'evalLoss' | 'basePerplexity' | 'perplexity'>): string {
  return table([
    ['', 'base', 'fine-tuned', 'change'],
    ['eval loss', formatNumber(s.baseEvalLoss), formatNumber(s.evalLoss), relativeChange(s.baseEvalLoss, s.evalLoss)],
    ['perplexity', formatNumber(s.basePerplexity, 2), formatNumber(s.perplexity, 2), relativeChange(s.basePerplexity, s.perplexity)],
  ]);
}

export function formatRunsTable(runs: RunSummary[]): string {
  const rows = [['RUN', 'STATUS', 'STEPS', 'BASE LOSS', 'TUNED LOSS']];
  for (const r of runs) {
    const steps = r.step !== undefined ? `${r.step}/${r.totalSteps ?? '?'}` : r.totalSteps !== undefined ? `0/${r.totalSteps}` : '–';
    rows.push([r.id, r.status, steps, formatNumber(r.baseEvalLoss), formatNumber(r.evalLoss)]);
  }
  return table(rows);
}

const yesNo = (v: boolean | undefined): string => (v === undefined ? '–' : v ? 'yes' : 'no');

export function formatDoctorReport(r: DoctorReport, source?: PythonSource): string {
  const lines: string[] = [];
  const from = source ? `, from ${source}` : '';
  if (r.missing.includes('python') || (!r.pythonVersion && r.error)) {
    lines.push(`python        ${r.python ?? '?'}${from ? ` (${from.slice(2)})` : ''}`);
    lines.push('', `problem: ${r.error ?? 'Python could not be started'}`);
    if (r.fix) lines.push(`fix: ${r.fix}`);
    return lines.join('\n');
  }
  lines.push(table([
    ['python', `${r.python ?? '?'} (${r.pythonVersion ?? '?'}${from})`],
    ['torch', r.torch ?? 'missing'],
    ['CUDA', r.cuda ? `yes${r.cudaVersion ? ` (${r.cudaVersion})` : ''}` : yesNo(r.cuda)],
    ['GPUs', r.gpus.length ? r.gpus.map((g) => `${g.name} (${formatNumber(g.memory_gb, 1)} GB)`).join(', ') : 'none'],
    ['bf16', yesNo(r.bf16)],
    ['transformers', r.transformers ?? 'missing'],
    ['peft', r.peft ?? 'missing'],
    ['accelerate', r.accelerate ?? 'missing'],
  ]));
  if (r.error) lines.push('', `problem: ${r.error}`);
  if (r.missing.length) lines.push('', `missing: ${r.missing.join(', ')}`);
  if (r.fix) lines.push(`fix: ${r.fix}`);
  if (r.ok) lines.push('', r.cuda ? 'ready to train on the GPU' : 'ready to train (on the CPU: fine for the bundled model, slow for larger ones)');
  return lines.join('\n');
}
