/**
 * The lint settings of a training gate: the project's (setting, lint.json) plus what the run decides. The epochs
 * and effective batch weigh too-few-records; max_seq_length is too-long's limit and the model's own tokenizer and
 * chat template count the records exactly (the trainer truncates what is over), unless lint.json sets them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LintOptions } from './types';

export interface TrainingRun {
  epochs: number;
  effectiveBatchSize: number;
  maxSeqLength?: number;
  /** The model folder; its tokenizer.json (a fast tokenizer) counts tokens. */
  model?: string;
}

export function gateOptions(base: LintOptions, run: TrainingRun | undefined): LintOptions {
  if (!run) return base;
  const options: LintOptions = { ...base, training: { epochs: run.epochs, effectiveBatchSize: run.effectiveBatchSize } };
  if (options.maxTokens === undefined && run.maxSeqLength !== undefined) {
    options.maxTokens = run.maxSeqLength;
    if (options.tokenizer === undefined && run.model && existsSync(join(run.model, 'tokenizer.json'))) options.tokenizer = run.model;
  }
  return options;
}
