import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { StepEvent } from '../../src/core/events';
import { formatDoctorReport, formatEvalTable, formatEventLine, formatStepLine } from '../../src/core/format';

test('the progress line shows step/total, loss and tokens per second', () => {
  const step: StepEvent = { type: 'step', step: 12, total_steps: 60, epoch: 0.6, loss: 2.345678, lr: 0.002, grad_norm: 1, tokens: 1, tokens_per_s: 12345.6, time: 1 };
  assert.equal(formatStepLine(step), 'step 12/60  epoch 0.60  loss 2.3457  lr 2.00e-3  12,346 tokens/s');
});

test('error events carry their hint; done events print nothing (the summary follows)', () => {
  assert.equal(formatEventLine({ type: 'error', kind: 'oom', message: 'CUDA out of memory', hint: 'lower micro_batch_size', time: 1 }),
    'error (oom): CUDA out of memory\n  what to do: lower micro_batch_size');
  assert.equal(formatEventLine({ type: 'done', status: 'completed', adapter_path: '/a', base_eval_loss: 1, base_perplexity: 1, eval_loss: 1,
    perplexity: 1, steps: 1, duration_s: 1, time: 1 }), undefined);
});

test('the eval table puts base and fine-tuned side by side with the relative change', () => {
  assert.equal(formatEvalTable({ baseEvalLoss: 2.5, evalLoss: 1.25, basePerplexity: 12.18, perplexity: 3.49 }), [
    '            base    fine-tuned  change',
    'eval loss   2.5000  1.2500      −50.0%',
    'perplexity  12.18   3.49        −71.3%',
  ].join('\n'));
});

test('the doctor text lists versions, GPUs with memory, bf16, and the fix for what is missing', () => {
  const text = formatDoctorReport({ ok: false, python: '/usr/bin/python3', pythonVersion: '3.11.7', torch: '2.5.0', cuda: true,
    gpus: [{ name: 'NVIDIA H100 80GB HBM3', memory_gb: 79.1 }, { name: 'NVIDIA H100 80GB HBM3', memory_gb: 79.1 }], bf16: true,
    transformers: '4.46.0', missing: ['peft'], fix: 'python3 -m pip install peft' }, 'PATH');
  assert.match(text, /^python\s+\/usr\/bin\/python3 \(3\.11\.7, from PATH\)$/m);
  assert.match(text, /^torch\s+2\.5\.0$/m);
  assert.match(text, /^CUDA\s+yes$/m);
  assert.match(text, /^GPUs\s+NVIDIA H100 80GB HBM3 \(79\.1 GB\), NVIDIA H100 80GB HBM3 \(79\.1 GB\)$/m);
  assert.match(text, /^bf16\s+yes$/m);
  assert.match(text, /^peft\s+missing$/m);
  assert.match(text, /^missing: peft\nfix: python3 -m pip install peft$/m);
  assert.doesNotMatch(text, /ready to train/);
  const ok = formatDoctorReport({ ok: true, python: '/p', pythonVersion: '3.12.1', torch: '2.5.0', cuda: false, gpus: [], bf16: false,
    transformers: '4.46.0', peft: '0.13.0', accelerate: '1.0.0', missing: [] });
  assert.match(ok, /^GPUs\s+none$/m);
  assert.match(ok, /ready to train \(on the CPU/);
});
