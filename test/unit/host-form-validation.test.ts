// The host judges every form the training page sends (on each edit and again on Start) with validateConfig and
// the files checked, so a page cannot start an invalid run; edits carry a seq that the verdict echoes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { completeConfig, type RunConfig } from '../../src/core/config';
import { formProblems } from '../../src/host/formValidation';
import { parseTrainingMessage, type FormConfig } from '../../webview/protocol';

const root = path.resolve(__dirname, '..', '..', '..');
const model = path.join(root, 'models', 'tunelab-tiny-llama');
const train = path.join(root, 'samples', 'train.jsonl');
const complete = (form: FormConfig): RunConfig => completeConfig(form as Partial<RunConfig> & { model: string; train_file: string });

test('a valid form with the bundled model and sample data has no problems, for every LoRA-family and other method', () => {
  for (const method of ['lora', 'dora', 'prompt', 'ia3'] as const) {
    assert.deepEqual(formProblems({ model, train_file: train, method, device: 'cpu' }, complete), [], method);
  }
});

test('every problem of a start message is found at once, files and method rules included', () => {
  const form: FormConfig = {
    model, train_file: path.join(root, 'samples', 'missing.jsonl'), method: 'prefix', gradient_checkpointing: true,
    num_virtual_tokens: 1000, max_seq_length: 512, effective_batch_size: 30, micro_batch_size: 4, prompt_init_text: 'Hi',
  };
  const problems = formProblems(form, complete);
  const fields = problems.map((p) => p.field).sort();
  assert.deepEqual(fields, ['effective_batch_size', 'gradient_checkpointing', 'num_virtual_tokens', 'prompt_init_text', 'train_file']);
  assert.match(problems.find((p) => p.field === 'num_virtual_tokens')!.message, /more than the model's 1024 positions/);
  assert.match(problems.find((p) => p.field === 'train_file')!.message, /train_file not found/);
});

test('qlora on CPU and an unknown method are refused with what to fix', () => {
  assert.match(formProblems({ model, train_file: train, method: 'qlora', device: 'cpu' }, complete)[0].message, /needs a CUDA GPU/);
  assert.match(formProblems({ model, train_file: train, method: 'lorra' }, complete)[0].message, /method must be one of lora, rslora, dora/);
});

test('a form the host cannot complete gives a problem, not an exception', () => {
  const problems = formProblems({ model }, () => { throw new Error('no workspace'); });
  assert.deepEqual(problems, [{ field: '', message: 'the form could not be read: no workspace' }]);
});

test('edit messages may carry a seq (a whole number), which the host echoes in its verdict', () => {
  const config = { model, method: 'dora' };
  assert.deepEqual(parseTrainingMessage({ type: 'edit', config, seq: 3 }), { type: 'edit', config, seq: 3 });
  assert.deepEqual(parseTrainingMessage({ type: 'edit', config }), { type: 'edit', config });
  for (const seq of [-1, 1.5, '3', null, Infinity]) assert.equal(parseTrainingMessage({ type: 'edit', config, seq }), undefined, String(seq));
  assert.deepEqual(parseTrainingMessage({ type: 'start', config, seq: 3 }), { type: 'start', config });
});
