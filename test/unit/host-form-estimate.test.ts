// The form's GPU memory line: the trainer's real estimate (tunelab venv Python, bundled tiny model), the words
// when there is none, and the queue that runs one estimate at a time for the latest form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { completeConfig, type RunConfig } from '../../src/core/config';
import { tunelabVenvPython, trainerRoot } from '../../src/core/python';
import { ESTIMATING_TEXT, EstimateQueue, estimateForConfig, estimateLine } from '../../src/host/formEstimate';

const root = path.resolve(__dirname, '..', '..', '..');
const config = (over: Partial<RunConfig> = {}): RunConfig => completeConfig({
  model: path.join(root, 'models', 'tunelab-tiny-llama'), train_file: path.join(root, 'samples', 'train.jsonl'), ...over,
});
const python = process.env.TUNELAB_PYTHON ?? tunelabVenvPython();

test('the trainer estimates a DoRA run of the bundled model, and full fine-tuning needs more', { skip: !fs.existsSync(python) && `no trainer Python at ${python}` }, async () => {
  const dora = await estimateForConfig(python, trainerRoot(root), config({ method: 'dora' }));
  assert.match(dora, /^GPU memory: needs about [\d.]+ [KMG]B: fits on /);
  const needs = (line: string): number => Number(/needs about ([\d.]+)/.exec(line)![1]);
  const full = await estimateForConfig(python, trainerRoot(root), config({ method: 'full', micro_batch_size: 32, effective_batch_size: 32 }));
  assert.ok(needs(full) > needs(dora), `${full} vs ${dora}`);
});

test('no Python, or a trainer that gives nothing, is said in the line instead of thrown', async () => {
  assert.equal(await estimateForConfig('/nonexistent/python3', trainerRoot(root), config()),
    'GPU memory: no estimate (Python not found: /nonexistent/python3; set tunelab.pythonPath)');
  assert.match(await estimateForConfig(process.execPath, trainerRoot(root), config()), /^GPU memory: no estimate \(/);
  assert.equal(estimateLine({ memory: { error: 'model config.json not found' } }), 'GPU memory: no estimate (model config.json not found)');
  assert.equal(estimateLine({}), 'GPU memory: no estimate (the trainer gave none)');
});

test('the queue shows "estimating…", runs one at a time for the latest form, skips repeats and drops a cleared one', async () => {
  const shown: string[] = [];
  const ran: number[] = [];
  const pending: (() => void)[] = [];
  const queue = new EstimateQueue((c) => new Promise((resolve) => {
    ran.push(c.lora_r);
    pending.push(() => resolve(`r=${c.lora_r}`));
  }), (line) => shown.push(line));
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  queue.request(config({ lora_r: 1 }));
  queue.request(config({ lora_r: 2 }));
  queue.request(config({ lora_r: 3 })); // replaces 2 while 1 runs
  pending.shift()!();
  await settle();
  pending.shift()!();
  await settle();
  assert.deepEqual(ran, [1, 3]);
  assert.deepEqual(shown, [ESTIMATING_TEXT, ESTIMATING_TEXT, ESTIMATING_TEXT, 'r=3']);
  queue.request(config({ lora_r: 3 }));
  assert.deepEqual(ran, [1, 3], 'the same form is not estimated again');
  assert.equal(shown.at(-1), 'r=3');
  queue.request(config({ lora_r: 4 }));
  queue.clear(); // the form turned invalid while 4 ran
  pending.shift()!();
  await settle();
  assert.deepEqual(shown.slice(-2), [ESTIMATING_TEXT, '']);
});
