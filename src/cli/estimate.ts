// `tunelab estimate RUN`: the run's GPU memory estimate next to the GPUs this machine has
// (python -m tunelab_trainer doctor --run-dir RUN; formula in trainer/tunelab_trainer/memory.py).
import * as path from 'node:path';
import { pythonMissingMessage, resolvePython, runTrainerModule, trainerRoot } from '../core/python';
import { CliError, formatOption, parseCommand, resolveRun } from './common';

export const ESTIMATE_USAGE = `usage: tunelab estimate RUN [--workspace DIR] [--format text|json]

Estimates the GPU memory a run needs (weights, adapter, gradients, AdamW states, activations, logits) from
its config.json and the model's config.json, and says where it fits: on the GPUs found, or on common sizes
("needs about 19.5 GB: fits on 1x 24 GB, needs QLoRA on 12 GB"). RUN is a run id or a folder with config.json.
Exit code: 0 done, 1 no estimate (the message says why), 2 usage.`;

export interface MemoryEstimate {
  summary: string;
  needs_gb: number;
  alternatives_gb: Record<string, number>;
  estimate: Record<string, number | string>;
}
interface DoctorWithMemory { gpus?: { name: string; memory_gb: number }[]; memory?: MemoryEstimate | { error: string }; error?: string }

const PARTS = ['weights', 'trainable', 'gradients', 'optimizer', 'activations', 'logits', 'overhead'] as const;

/** The estimate for people: GPUs, the summary, and the parts in GB. */
export function formatEstimate(report: DoctorWithMemory): string {
  const gpus = report.gpus?.length ? report.gpus.map((g) => `${g.name} (${g.memory_gb} GB)`).join(', ') : 'none found (common sizes below)';
  const lines = [`GPUs: ${gpus}`];
  const memory = report.memory;
  if (!memory || 'error' in memory) return [...lines, `no estimate: ${memory?.error ?? report.error ?? 'the trainer gave none'}`].join('\n');
  lines.push(memory.summary);
  const gb = (n: number | string): string => `${(Number(n) / 1024 ** 3).toFixed(2)} GB`;
  lines.push(PARTS.map((p) => `  ${p.padEnd(12)}${gb(memory.estimate[p])}`).join('\n'));
  for (const [change, needs] of Object.entries(memory.alternatives_gb)) lines.push(`  with ${change}: ${needs} GB`);
  return lines.join('\n');
}

export async function estimateCommand(args: string[], packageRoot: string): Promise<number> {
  const { values, positionals } = parseCommand(args, { workspace: { type: 'string' }, format: { type: 'string' } }, ESTIMATE_USAGE);
  if (values.help) {
    process.stdout.write(ESTIMATE_USAGE + '\n');
    return 0;
  }
  const format = formatOption(values.format);
  if (positionals.length !== 1) throw new CliError(`name one run\n\n${ESTIMATE_USAGE}`);
  const runDir = resolveRun(positionals[0], path.resolve(values.workspace ?? '.'));

  const { python } = resolvePython({ env: process.env });
  const r = await runTrainerModule(python, trainerRoot(packageRoot), ['doctor', '--run-dir', runDir]);
  if (r.spawnError) throw new CliError(pythonMissingMessage(python));
  let report: DoctorWithMemory;
  try {
    report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as DoctorWithMemory;
  } catch {
    process.stderr.write(`tunelab: the estimate failed (exit code ${r.code ?? 'none'}): ${r.stderr.trim().split('\n').slice(-3).join('\n')}\n`);
    return 1;
  }
  process.stdout.write((format === 'json' ? JSON.stringify({ gpus: report.gpus ?? [], memory: report.memory }, null, 2) : formatEstimate(report)) + '\n');
  return report.memory && !('error' in report.memory) ? 0 : 1;
}
