// The status line and chart series the training panel folds from trainer events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainerEvent } from '../../src/core/events';
import { RunProgress, formatChange, formatDuration, formatStatus, relativeChange } from '../../webview/progress';

const start = (total: number, time = 100): TrainerEvent => ({
  type: 'start', run_id: 'r', model: 'm', device: 'cpu', dtype: 'float32', method: 'lora', task: 'sft', trainable_params: 1,
  total_params: 2, train_records: 10, eval_records: 2, total_steps: total, effective_batch_size: 8, micro_batch_size: 8, grad_accum: 1, time,
});
const step = (n: number, loss: number, time: number, total = 10): TrainerEvent => ({
  type: 'step', step: n, total_steps: total, epoch: 0, loss, lr: 1e-4, grad_norm: 1, tokens: n * 1000, tokens_per_s: 1234.4, time,
});
const evalEv = (n: number, loss: number, which: 'base' | 'tuned'): TrainerEvent => ({
  type: 'eval', step: n, eval_loss: loss, perplexity: Math.exp(loss), eval_tokens: 100, which, time: 0,
});

test('steps give the loss series, the status line and an ETA from the pace since the first step', () => {
  const p = new RunProgress();
  for (const e of [start(10), step(1, 3.0, 110), step(2, 2.5, 112), step(3, 2.0, 114)]) p.apply(e);
  assert.deepEqual(p.loss, [{ x: 1, y: 3 }, { x: 2, y: 2.5 }, { x: 3, y: 2 }]);
  assert.equal(p.state.status, 'running');
  assert.equal(p.state.etaS, 14); // 2 s per step, 7 steps left
  assert.equal(formatStatus(p.state), 'Training · step 3/10 · loss 2.0000 · 1,234 tokens/s · ETA 14s');
});

test('eval points, then done: the status line says completed and shows base → tuned eval loss', () => {
  const p = new RunProgress();
  for (const e of [start(2), evalEv(0, 2.9, 'base'), step(1, 2.5, 101, 2), step(2, 1.5, 102, 2), evalEv(2, 1.1, 'tuned')]) p.apply(e);
  p.apply({ type: 'done', status: 'completed', adapter_path: '/a', base_eval_loss: 2.9, base_perplexity: 18.2, eval_loss: 1.1, perplexity: 3, steps: 2, duration_s: 5, time: 103 });
  assert.deepEqual(p.evalBase, [{ x: 0, y: 2.9 }]);
  assert.deepEqual(p.evalTuned, [{ x: 2, y: 1.1 }]);
  assert.equal(p.state.status, 'completed');
  assert.equal(formatStatus(p.state), 'Completed · step 2/2 · loss 1.5000 · eval loss 2.9000 → 1.1000');
});

test('an error event makes the run failed and keeps kind, message and hint', () => {
  const p = new RunProgress();
  p.apply(start(5));
  p.apply({ type: 'error', kind: 'oom', message: 'CUDA out of memory', hint: 'lower micro_batch_size', time: 1 });
  assert.equal(p.state.status, 'failed');
  assert.deepEqual(p.state.error, { kind: 'oom', message: 'CUDA out of memory', hint: 'lower micro_batch_size' });
});

test('replaying the same events gives the same state as watching them live', () => {
  const events = [start(4), step(1, 3, 1), evalEv(1, 2.8, 'tuned'), step(2, 2, 2)];
  const live = new RunProgress();
  for (const e of events) live.apply(e);
  const replay = new RunProgress();
  events.forEach((e) => replay.apply(e));
  assert.deepEqual(replay.state, live.state);
  assert.deepEqual(replay.loss, live.loss);
});

test('durations and relative changes read well', () => {
  assert.equal(formatDuration(45), '45s');
  assert.equal(formatDuration(185), '3m 05s');
  assert.equal(formatDuration(3725), '1h 02m');
  assert.equal(relativeChange(2, 1), -50);
  assert.equal(formatChange(relativeChange(2, 1)), '−50.0%');
  assert.equal(formatChange(relativeChange(1, 1.25)), '+25.0%');
  assert.equal(relativeChange(undefined, 1), undefined);
  assert.equal(formatChange(undefined), '–');
});
