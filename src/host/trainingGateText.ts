// What the training gate says about a dataset's lint result: errors stop a run, warnings are summed up by code.
// No `vscode`: tested with node:test.
import type { FileLintResult, Finding, Severity, TrainingRun } from '../core/lint';
import type { FormConfig } from '../../webview/protocol';

export interface GateVerdict {
  ok: boolean;
  errors: number;
  warnings: number;
  /** The error findings the lint kept (at most its per-code limit each), in line order. */
  errorFindings: Finding[];
  /** "invalid-json ×2, schema ×1" over every finding of the severity, including those beyond the limit. */
  errorCodes: string;
  warningCodes: string;
}

/** "code ×n, …", most frequent first. */
export function codesSummary(result: FileLintResult, severity: Severity): string {
  const byCode = new Map<string, number>();
  for (const f of result.findings) if (f.severity === severity) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  // Codes past the per-code limit: stats count them all.
  for (const [code, n] of byCode) byCode.set(code, Math.max(n, result.stats.findingsByCode[code as keyof typeof result.stats.findingsByCode] ?? 0));
  return [...byCode].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ×${n}`).join(', ');
}

export function judgeForTraining(result: FileLintResult): GateVerdict {
  const errorFindings = result.findings.filter((f) => f.severity === 'error').sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = Math.max(result.stats.findingsBySeverity.error, errorFindings.length);
  const warnings = Math.max(result.stats.findingsBySeverity.warning, result.findings.filter((f) => f.severity === 'warning').length);
  return { ok: errors === 0, errors, warnings, errorFindings, errorCodes: codesSummary(result, 'error'), warningCodes: codesSummary(result, 'warning') };
}

export function refusalText(name: string, v: GateVerdict): string {
  const first = v.errorFindings[0];
  return `Tunelab: ${name} has ${v.errors} error${v.errors === 1 ? '' : 's'} to fix before training (${v.errorCodes})`
    + (first ? `. First: line ${first.line}: ${first.message}` : '.');
}

export function warningText(name: string, v: GateVerdict): string {
  return `Tunelab: ${name} has ${v.warnings} warning${v.warnings === 1 ? '' : 's'} (${v.warningCodes}); training goes ahead.`;
}

/**
 * The run a training form asks for, as the gate weighs it: epochs and effective batch when both are valid numbers
 * (too-few-records), and max_seq_length and the model folder when given (too-long).
 */
export function trainingOfForm(config: FormConfig): TrainingRun | undefined {
  const epochs = Number(config.epochs), effectiveBatchSize = Number(config.effective_batch_size);
  if (!(epochs > 0 && Number.isFinite(epochs) && Number.isInteger(effectiveBatchSize) && effectiveBatchSize > 0)) return undefined;
  const run: TrainingRun = { epochs, effectiveBatchSize };
  const maxSeqLength = Number(config.max_seq_length);
  if (Number.isInteger(maxSeqLength) && maxSeqLength > 0) run.maxSeqLength = maxSeqLength;
  if (typeof config.model === 'string' && config.model) run.model = config.model;
  return run;
}
