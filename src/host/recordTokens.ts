// A record's token count by estimate, for the hover when the model's tokenizer cannot be used. No `vscode`.
import type { RecordTokensInfo } from './lintProtocol';
import { ESTIMATED_RECORD_TOKENS } from './overviewData';
import { trainingInput, type TrainingInput } from '../core/tokenizer/training-input';

/** Records longer than this (characters) get no hover: tokenizing them would take seconds (too-long covers them). */
export const MAX_HOVER_RECORD_CHARS = 200_000;

export function estimateRecordTokens(value: unknown, label: string, input: TrainingInput = trainingInput(value)): RecordTokensInfo {
  if (input.kind === 'skip') return { exact: false, label, skipped: input.reason };
  return { exact: false, label, tokens: ESTIMATED_RECORD_TOKENS.count(value), contextOnly: contextOnly(input) };
}

/** The assistant messages a record keeps as context without loss (weight 0), 1-based; undefined when none. */
export function contextOnly(input: TrainingInput): number[] | undefined {
  return input.kind === 'chat' && input.untrained?.length ? input.untrained.map((i) => i + 1) : undefined;
}
