// The training form: config values shown as text and read back, with bad input kept for validateConfig;
// the fields each method uses, the accumulation line, where problems show and when Start may be pressed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_DEFAULTS, validateConfig } from '../../src/core/config';
import { METHOD_LABELS, METHODS } from '../../src/core/methods';
import {
  FORM_FIELDS, accumulationText, configToValues, placeProblems, shownKeys, startAllowed, valuesToConfig,
} from '../../webview/formFields';

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

// ---- methods: the picker, the fields each method uses, and what reaches the config ----

test('the method picker offers every method, labelled with METHOD_LABELS', () => {
  const field = FORM_FIELDS.find((f) => f.key === 'method')!;
  assert.equal(field.kind, 'select');
  assert.deepEqual(field.options, METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] })));
});

test('each method shows only the fields it uses', () => {
  const methodFields = ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules', 'num_virtual_tokens', 'prompt_init_text'];
  const expected: Record<string, string[]> = {
    lora: ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules'],
    rslora: ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules'],
    dora: ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules'],
    qlora: ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules'],
    prefix: ['num_virtual_tokens'],
    prompt: ['num_virtual_tokens', 'prompt_init_text'],
    ia3: [],
    full: [],
  };
  for (const method of METHODS) {
    const shown = shownKeys(method);
    assert.deepEqual(shown.filter((k) => methodFields.includes(k)), expected[method], method);
    for (const k of ['model', 'train_file', 'method', 'learning_rate', 'effective_batch_size', 'micro_batch_size'] as const) {
      assert.ok(shown.includes(k), `${method} hides ${k}`);
    }
  }
  // A method the form does not know (an old saved state) hides nothing, so every value stays in view.
  assert.deepEqual(shownKeys('lorra'), FORM_FIELDS.map((f) => f.key));
});

test('every method with the form defaults gives a valid config', () => {
  for (const method of METHODS) {
    const values = { ...configToValues(base), method };
    assert.deepEqual(validateConfig(valuesToConfig(base, values)), [], method);
  }
});

test('hidden fields keep their value; the prompt text is cleared for other methods (they refuse it)', () => {
  const values = { ...configToValues(base), method: 'ia3', lora_r: 'eight', prompt_init_text: 'Answer the question:' };
  const ia3 = valuesToConfig(base, values);
  assert.equal(ia3.method, 'ia3');
  assert.equal(ia3.lora_r, 8, 'a hidden field does not take the text typed while it was shown');
  assert.equal(ia3.prompt_init_text, null);
  const prompt = valuesToConfig(base, { ...values, method: 'prompt', num_virtual_tokens: '16' });
  assert.equal(prompt.prompt_init_text, 'Answer the question:', 'switching back to prompt brings the text back');
  assert.equal(prompt.num_virtual_tokens, 16);
  assert.deepEqual(validateConfig(prompt), []);
});

test('target modules: all-linear, or a comma list of module names', () => {
  const v = configToValues(base);
  assert.equal(v.target_modules, 'all-linear');
  assert.deepEqual(valuesToConfig(base, { ...v, target_modules: 'q_proj, v_proj,' }).target_modules, ['q_proj', 'v_proj']);
  assert.equal(configToValues({ ...base, target_modules: ['q_proj', 'v_proj'] }).target_modules, 'q_proj,v_proj');
  assert.equal(valuesToConfig(base, { ...v, target_modules: ' all-linear ' }).target_modules, 'all-linear');
});

test('the accumulation line follows the batch sizes', () => {
  const v = configToValues(base);
  assert.equal(accumulationText(v), 'Gradient accumulation: 8 micro-batches of 4 per optimizer step (32 records)');
  assert.equal(accumulationText({ ...v, effective_batch_size: '8', micro_batch_size: '8' }), 'Gradient accumulation: 1 micro-batch of 8 per optimizer step (8 records)');
  assert.equal(accumulationText({ ...v, effective_batch_size: '30', micro_batch_size: '4' }), 'Gradient accumulation: 30 is not a multiple of 4');
  for (const bad of ['', 'four', '2.5', '0']) assert.equal(accumulationText({ ...v, micro_batch_size: bad }), '', bad);
});

test('problems go next to the fields shown, all at once; the others are listed with their setting named', () => {
  const cfg = valuesToConfig(base, { ...configToValues(base), method: 'prefix', lora_r: '8', gradient_checkpointing: true, num_virtual_tokens: '0', learning_rate: 'fast' });
  const problems = [...validateConfig(cfg), { field: 'lora_r', message: 'lora_r must be an integer from 1 to 1024 (got 0)' }, { field: 'seed', message: 'must be an integer' }];
  const { byField, general } = placeProblems(problems, 'prefix');
  assert.deepEqual([...byField.keys()].sort(), ['gradient_checkpointing', 'learning_rate', 'num_virtual_tokens']);
  assert.match(byField.get('gradient_checkpointing')![0], /method prefix does not work with gradient_checkpointing/);
  assert.deepEqual(general, ['lora_r must be an integer from 1 to 1024 (got 0)', 'seed: must be an integer']);
  const lora = placeProblems(problems, 'lora');
  assert.ok(lora.byField.has('lora_r'), 'rank is shown for lora, so its problem goes next to it');
  assert.ok(lora.general.some((m) => m.startsWith('num_virtual_tokens')), 'virtual tokens are hidden for lora');
});

test('Start is blocked by problems only while they are the verdict on the form as it is now', () => {
  const problem = [{ field: 'lora_r', message: 'lora_r must be an integer from 1 to 1024 (got 0)' }];
  assert.equal(startAllowed({ trusted: true, busy: false, problems: [], verdictCurrent: true }), true);
  assert.equal(startAllowed({ trusted: true, busy: false, problems: problem, verdictCurrent: true }), false);
  assert.equal(startAllowed({ trusted: true, busy: false, problems: problem, verdictCurrent: false }), true, 'an edit is on its way: the host judges the start');
  assert.equal(startAllowed({ trusted: false, busy: false, problems: [], verdictCurrent: true }), false);
  assert.equal(startAllowed({ trusted: true, busy: true, problems: [], verdictCurrent: true }), false);
});
