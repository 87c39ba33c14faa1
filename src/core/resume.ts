// Whether a run can be continued from a checkpoint (`train --resume`): the trainer resumes from the latest
// complete `checkpoints/step-N/` (checkpoint.py renames a folder into that name only once it is complete).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunStatus } from './runs';

export const CHECKPOINTS_DIR = 'checkpoints';

/** The highest N of `checkpoints/step-N/` folders, or undefined when there is none. */
export function latestCheckpointStep(runDir: string): number | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(runDir, CHECKPOINTS_DIR));
  } catch {
    return undefined;
  }
  let best: number | undefined;
  for (const name of names) {
    const m = /^step-(\d+)$/.exec(name);
    if (!m) continue;
    const n = Number(m[1]);
    if (best === undefined || n > best) best = n;
  }
  return best;
}

export type Resumability = { ok: true; step: number } | { ok: false; reason: string };

/** Stopped, failed and interrupted runs with a checkpoint can go on; completed and running ones cannot. */
export function resumability(status: RunStatus, checkpointStep: number | undefined): Resumability {
  if (status === 'running') return { ok: false, reason: 'it is still training: stop it first' };
  if (status === 'completed') return { ok: false, reason: 'it has already completed: start a new run to train further' };
  if (checkpointStep === undefined) {
    return { ok: false, reason: 'it saved no checkpoint (checkpoints/step-N): set save_every below the steps it ran to be able to resume' };
  }
  return { ok: true, step: checkpointStep };
}
