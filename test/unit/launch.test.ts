import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseEventLine } from '../../src/core/events';
import { formatEventLine } from '../../src/core/format';
import { describeConfigChanges, processCount, trainerArgs } from '../../src/core/launch';

test('one process runs the trainer module; several run it under torchrun with the same arguments', () => {
  assert.deepEqual(trainerArgs({ command: 'train', runDir: '/r' }), ['-m', 'tunelab_trainer', 'train', '--run-dir', '/r']);
  assert.deepEqual(trainerArgs({ command: 'train', runDir: '/r', resume: true, processes: 4 }), [
    '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '4',
    '-m', 'tunelab_trainer', 'train', '--run-dir', '/r', '--resume']);
  // eval never resumes and never needs torchrun.
  assert.deepEqual(trainerArgs({ command: 'eval', runDir: '/r', resume: true, processes: 4 }),
    ['-m', 'tunelab_trainer', 'eval', '--run-dir', '/r']);
});

test('one process per CUDA GPU, only when the run may use CUDA', () => {
  const twoGpus = { cuda: true, gpus: [{ name: 'H100', memory_gb: 80 }, { name: 'H100', memory_gb: 80 }] };
  assert.equal(processCount(twoGpus, 'auto'), 2);
  assert.equal(processCount(twoGpus, 'cuda'), 2);
  assert.equal(processCount(twoGpus, 'cpu'), 1);
  assert.equal(processCount({ cuda: true, gpus: [{ name: 'A10', memory_gb: 24 }] }, 'auto'), 1);
  assert.equal(processCount({ cuda: false, gpus: [] }, 'auto'), 1);
});

test('a resume event names every changed setting', () => {
  const line = JSON.stringify({
    type: 'resume', step: 40, checkpoint: '/run/checkpoints/step-40', time: 1,
    changed: [{ field: 'learning_rate', checkpoint: 0.0002, now: 0.0001 }, { field: 'eval_file', checkpoint: null, now: '/e.jsonl' }],
  });
  const event = parseEventLine(line);
  assert.equal(event?.type, 'resume');
  assert.equal(formatEventLine(event!),
    'resumed at step 40 from /run/checkpoints/step-40; settings changed since the checkpoint: '
    + 'learning_rate 0.0002 -> 0.0001, eval_file null -> "/e.jsonl"');
  assert.equal(describeConfigChanges([]), '');
  assert.equal(parseEventLine('{"type":"resume","checkpoint":"x"}'), undefined); // step is required
});
