// Trainer events: one JSON object per line on the trainer's stdout and in events.jsonl.
// Mirrors trainer/tunelab_trainer/events.py (see docs/architecture.md, "Events").
import { StringDecoder } from 'node:string_decoder';

interface EventBase {
  time: number; // Unix seconds
}

export interface StartEvent extends EventBase {
  type: 'start';
  run_id: string;
  model: string;
  device: string;
  dtype: string;
  method: string;
  task: string;
  trainable_params: number;
  total_params: number;
  train_records: number;
  eval_records: number;
  total_steps: number;
  effective_batch_size: number;
  micro_batch_size: number;
  grad_accum: number; // per process: effective = micro x grad_accum x processes
  processes?: number;
  packing?: boolean;
  eval_source?: 'file' | 'carved' | 'none';
  resumed_from_step?: number | null;
}

export interface StepEvent extends EventBase {
  type: 'step';
  step: number;
  total_steps: number;
  epoch: number;
  loss: number;
  lr: number;
  grad_norm: number;
  tokens: number; // cumulative trained tokens
  tokens_per_s: number;
}

export interface EvalEvent extends EventBase {
  type: 'eval';
  step: number;
  eval_loss: number;
  perplexity: number;
  eval_tokens: number;
  which: 'base' | 'tuned';
  samples?: { prompt: string; completion: string }[]; // greedy generations for the first eval prompts
}

export interface CheckpointEvent extends EventBase {
  type: 'checkpoint';
  step: number;
  path: string;
}

export interface DoneEvent extends EventBase {
  type: 'done';
  status: 'completed' | 'stopped';
  adapter_path: string;
  base_eval_loss: number | null;
  base_perplexity: number | null;
  eval_loss: number | null;
  perplexity: number | null;
  steps: number;
  duration_s: number;
  early_stopped?: boolean;
  best_step?: number | null; // early stopping: the step whose adapter was kept
}

export type ErrorKind = 'config' | 'data' | 'environment' | 'oom' | 'nan' | 'internal';

export interface ErrorEvent extends EventBase {
  type: 'error';
  kind: ErrorKind;
  message: string;
  hint: string;
}

export interface ConfigChange { field: string; checkpoint: unknown; now: unknown }

/** A run continued from a checkpoint (`tunelab train --resume`); changed lists every setting that differs from it. */
export interface ResumeEvent extends EventBase {
  type: 'resume';
  step: number;
  checkpoint: string;
  changed: ConfigChange[];
}

export interface LogEvent extends EventBase {
  type: 'log';
  level: string;
  message: string;
}

export type TrainerEvent = StartEvent | StepEvent | EvalEvent | CheckpointEvent | DoneEvent | ErrorEvent | LogEvent | ResumeEvent;
export type TrainerEventType = TrainerEvent['type'];

/** Fields an event must carry, with their JSON type, for the rest of the code to rely on them. */
const REQUIRED: Record<TrainerEventType, Record<string, 'number' | 'string'>> = {
  start: { total_steps: 'number' },
  step: { step: 'number', loss: 'number' },
  eval: { eval_loss: 'number', which: 'string' },
  checkpoint: { step: 'number', path: 'string' },
  done: { status: 'string' },
  error: { message: 'string' },
  log: { message: 'string' },
  resume: { step: 'number', checkpoint: 'string' },
};

/** One line of trainer output as an event; undefined for anything else (human text, garbage, unknown types). */
export function parseEventLine(line: string): TrainerEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  if (typeof obj.type !== 'string' || !Object.prototype.hasOwnProperty.call(REQUIRED, obj.type)) return undefined;
  for (const [field, kind] of Object.entries(REQUIRED[obj.type as TrainerEventType])) {
    if (typeof obj[field] !== kind) return undefined;
  }
  return obj as unknown as TrainerEvent;
}

/**
 * Splits a stream of chunks into complete lines: a partial last line waits for the rest, and
 * multi-byte UTF-8 characters split across Buffer chunks are decoded whole.
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl = this.pending.indexOf('\n');
    while (nl >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.onLine(line);
      nl = this.pending.indexOf('\n');
    }
  }

  /** Emits a last line that had no newline (at the end of a stream). */
  flush(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest !== '') this.onLine(rest.replace(/\r$/, ''));
  }
}
