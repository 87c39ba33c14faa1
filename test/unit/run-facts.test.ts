// Resume, processes, eval samples and early stopping: what the training page, the runs view and the report say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainerEvent } from '../../src/core/events';
import { renderReportHtml } from '../../src/core/report';
import { latestCheckpointStep, resumability } from '../../src/core/resume';
import { earlyStopOf, formatDevice, formatEarlyStop, latestSamples } from '../../src/core/runFacts';
import type { RunSummary } from '../../src/core/runs';
import { RunProgress, formatStatus } from '../../webview/progress';

const start = (extra: object = {}): TrainerEvent => ({
  type: 'start', run_id: 'r', model: 'm', device: 'cuda', dtype: 'bfloat16', method: 'lora', task: 'sft', trainable_params: 1,
  total_params: 2, train_records: 10, eval_records: 2, total_steps: 60, effective_batch_size: 8, micro_batch_size: 2, grad_accum: 2, time: 100, ...extra,
} as TrainerEvent);
const evalEv = (n: number, loss: number, samples?: { prompt: string; completion: string }[]): TrainerEvent => ({
  type: 'eval', step: n, eval_loss: loss, perplexity: Math.exp(loss), eval_tokens: 100, which: 'tuned', time: 100 + n, ...(samples ? { samples } : {}),
});
const done = (extra: object): TrainerEvent => ({
  type: 'done', status: 'completed', adapter_path: '/a', base_eval_loss: 3, base_perplexity: 20, eval_loss: 1.1, perplexity: 3, steps: 40, duration_s: 9, time: 200, ...extra,
} as TrainerEvent);
const resume: TrainerEvent = { type: 'resume', step: 20, checkpoint: '/run/checkpoints/step-20', changed: [{ field: 'learning_rate', checkpoint: 0.0002, now: 0.0001 }], time: 150 };

test('resumability: stopped, failed and interrupted runs with a checkpoint go on; the others say why not', () => {
  assert.deepEqual(resumability('stopped', 20), { ok: true, step: 20 });
  assert.deepEqual(resumability('failed', 5), { ok: true, step: 5 });
  assert.deepEqual(resumability('interrupted', 0), { ok: true, step: 0 });
  const none = resumability('stopped', undefined);
  assert.ok(!none.ok && /no checkpoint.*save_every/.test(none.reason), JSON.stringify(none));
  const completed = resumability('completed', 40);
  assert.ok(!completed.ok && /already completed/.test(completed.reason));
  const running = resumability('running', 40);
  assert.ok(!running.ok && /stop it first/.test(running.reason));
});

test('latestCheckpointStep: the highest complete step-N folder; temporary names and a missing folder do not count', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-resume-'));
  assert.equal(latestCheckpointStep(dir), undefined);
  for (const name of ['step-5', 'step-20', 'step-9', 'best', 'step-30.tmp', '.step-40-partial']) fs.mkdirSync(path.join(dir, 'checkpoints', name), { recursive: true });
  assert.equal(latestCheckpointStep(dir), 20);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('device line names the processes (one per GPU under torchrun)', () => {
  assert.equal(formatDevice({ device: 'cuda', dtype: 'bfloat16', processes: 2 }), 'cuda (bfloat16) · 2 processes');
  assert.equal(formatDevice({ device: 'cpu', dtype: 'float32' }), 'cpu (float32) · 1 process');
});

test('progress: device, resume lines, latest tuned samples and the early stop with its restored best step', () => {
  const p = new RunProgress();
  const events: TrainerEvent[] = [
    start({ processes: 2 }), evalEv(20, 1.1, [{ prompt: 'Hi?', completion: 'Hello.' }]), evalEv(40, 1.3),
    resume, start({ processes: 2, resumed_from_step: 20 }), done({ early_stopped: true, best_step: 20 }),
  ];
  for (const e of events) p.apply(e);
  const s = p.state;
  assert.equal(s.device, 'cuda (bfloat16) · 2 processes');
  assert.deepEqual(s.samples, [{ step: 20, prompt: 'Hi?', completion: 'Hello.' }]);
  assert.deepEqual(s.resumes, ['resumed at step 20 from /run/checkpoints/step-20; settings changed since the checkpoint: learning_rate 0.0002 -> 0.0001']);
  assert.deepEqual(s.earlyStop, { stoppedAt: 40, bestStep: 20, bestEvalLoss: 1.1 });
  assert.match(formatStatus(s), /stopped early at step 40; best eval loss 1\.1000 at step 20 restored/);
});

test('early stop only when the done event says so; samples of base evals are not shown as the tuned model', () => {
  assert.equal(earlyStopOf(done({}) as never, []), undefined);
  assert.equal(formatEarlyStop({ stoppedAt: 8, bestStep: 4 }), 'stopped early at step 8; best eval loss at step 4 restored');
  const base = { ...evalEv(0, 3, [{ prompt: 'p', completion: 'base says' }]), which: 'base' } as TrainerEvent;
  assert.deepEqual(latestSamples([base]), []);
  assert.deepEqual(latestSamples([base, evalEv(10, 2, [{ prompt: 'p', completion: 'tuned says' }]), evalEv(20, 1.9)]), [{ step: 10, prompt: 'p', completion: 'tuned says' }]);
});

test('report: samples table (escaped), early stopping, resumes and processes', () => {
  const summary: RunSummary = { id: 'r1', dir: '/runs/r1', status: 'completed', step: 40, totalSteps: 60 };
  const events = [start({ processes: 2 }), evalEv(20, 1.1, [{ prompt: '<b>Hi</b>', completion: 'Hello & bye' }]), resume, done({ early_stopped: true, best_step: 20 })];
  const html = renderReportHtml(summary, undefined, events);
  assert.match(html, /Eval samples \(greedy, step 20\)/);
  assert.match(html, /&lt;b&gt;Hi&lt;\/b&gt;/);
  assert.ok(!html.includes('<b>Hi</b>'));
  assert.match(html, /Hello &amp; bye/);
  assert.match(html, /stopped early at step 40; best eval loss 1\.1000 at step 20 restored/);
  assert.match(html, /learning_rate 0\.0002 -&gt; 0\.0001/);
  assert.match(html, /cuda \(bfloat16\) · 2 processes/);
});
