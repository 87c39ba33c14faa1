// How the trainer is launched: one process, or one per GPU under torchrun (data parallel).
// The trainer side is trainer/tunelab_trainer/distributed.py; docs/multi-gpu.md explains multi-node runs.
import type { DoctorReport } from './python';
import type { ConfigChange, ResumeEvent } from './events';

export interface LaunchOptions {
  command: 'train' | 'eval';
  runDir: string;
  /** Continue from the run's latest checkpoint (train only). */
  resume?: boolean;
  /** Processes on this machine; more than 1 launches `torch.distributed.run` (torchrun) with one per GPU. */
  processes?: number;
}

/** Arguments after the Python executable. torchrun keeps the config: the trainer divides accumulation by the processes. */
export function trainerArgs(opts: LaunchOptions): string[] {
  const trainer = ['-m', 'tunelab_trainer', opts.command, '--run-dir', opts.runDir];
  if (opts.command === 'train' && opts.resume) trainer.push('--resume');
  const processes = opts.command === 'train' ? Math.max(1, Math.floor(opts.processes ?? 1)) : 1;
  if (processes === 1) return trainer;
  return ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', String(processes), ...trainer];
}

/** One process per visible CUDA GPU when the run may use CUDA; 1 otherwise (CPU, MPS, a single GPU). */
export function processCount(report: Pick<DoctorReport, 'cuda' | 'gpus'>, device: string): number {
  if (device !== 'auto' && device !== 'cuda') return 1;
  return report.cuda && report.gpus.length > 1 ? report.gpus.length : 1;
}

const show = (v: unknown): string => JSON.stringify(v) ?? 'unset';

/** "learning_rate 0.0002 -> 0.0001, epochs 3 -> 5": every changed setting by name. */
export function describeConfigChanges(changed: readonly ConfigChange[]): string {
  return changed.map((c) => `${c.field} ${show(c.checkpoint)} -> ${show(c.now)}`).join(', ');
}

export function formatResumeLine(e: ResumeEvent): string {
  const changes = e.changed?.length
    ? `; settings changed since the checkpoint: ${describeConfigChanges(e.changed)}`
    : '; no setting changed since the checkpoint';
  return `resumed at step ${e.step} from ${e.checkpoint}${changes}`;
}
