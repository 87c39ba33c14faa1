// The training form: config values shown as text and read back, with bad input kept for validateConfig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_DEFAULTS, validateConfig } from '../../src/core/config';
import { FORM_FIELDS, configToValues, valuesToConfig } from '../../webview/formFields';

const base = { ...CONFIG_DEFAULTS, model: '/models/tiny', train_file: '/data/train.jsonl' };

test('the form shows every field the brief asks for', () => {
  const keys = FORM_FIELDS.map((f) => f.key);
  for (const k of ['model', 'train_file', 'eval_file', 'method', 'lora_r', 'lora_alpha', 'lora_dropout', 'learning_rate', 'epochs',
    'effective_batch_size', 'micro_batch_size', 'max_seq_length', 'gradient_checkpointing'] as const) {
    assert.ok(keys.includes(k), `no field for ${k}`);
  }
});

test('values round-trip: config → form text → config gives the same config', () => {
  const values = configToValues(base);
  assert.equal(values.lora_r, '8');
  assert.equal(values.eval_file, '');
  assert.equal(values.max_steps, '');
  assert.equal(values.gradient_checkpointing, false);
  assert.deepEqual(valuesToConfig(base, values), base);
  assert.deepEqual(validateConfig(valuesToConfig(base, values)), []);
});

test('typed text becomes numbers, empties become null where the setting allows it', () => {
  const values = { ...configToValues(base), learning_rate: ' 1e-4 ', max_steps: '50', eval_file: '/data/eval.jsonl', gradient_checkpointing: true };
  const cfg = valuesToConfig(base, values);
  assert.equal(cfg.learning_rate, 0.0001);
  assert.equal(cfg.max_steps, 50);
  assert.equal(cfg.eval_file, '/data/eval.jsonl');
  assert.equal(cfg.gradient_checkpointing, true);
  assert.equal(valuesToConfig(base, { ...values, max_steps: '', eval_file: '  ' }).max_steps, null);
});

test('text that is not a number reaches validateConfig as typed, which names the field', () => {
  const cfg = valuesToConfig(base, { ...configToValues(base), lora_r: 'eight', epochs: '' });
  assert.equal(cfg.lora_r, 'eight');
  const problems = validateConfig(cfg);
  assert.deepEqual(problems.map((p) => p.field).sort(), ['epochs', 'lora_r']);
  assert.match(problems.find((p) => p.field === 'lora_r')!.message, /integer/);
});

test('settings the form does not show are kept from the base config', () => {
  const cfg = valuesToConfig({ ...base, warmup_ratio: 0.1, seed: 7 }, configToValues(base));
  assert.equal(cfg.warmup_ratio, 0.1);
  assert.equal(cfg.seed, 7);
});
