import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_DEFAULTS, CONFIG_KEYS, completeConfig, modelFolderProblem, parseAssignment, suggestKey, validateConfig, type RunConfig } from '../../src/core/config';

function fixturePaths(): { model: string; train_file: string; eval_file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-config-'));
  fs.mkdirSync(path.join(dir, 'model'));
  fs.writeFileSync(path.join(dir, 'model', 'config.json'), '{"model_type": "llama"}');
  fs.writeFileSync(path.join(dir, 'model', 'model.safetensors'), '');
  fs.writeFileSync(path.join(dir, 'model', 'tokenizer.json'), '{}');
  fs.writeFileSync(path.join(dir, 'train.jsonl'), '{"text": "a"}\n');
  fs.writeFileSync(path.join(dir, 'eval.jsonl'), '{"text": "b"}\n');
  return { model: path.join(dir, 'model'), train_file: path.join(dir, 'train.jsonl'), eval_file: path.join(dir, 'eval.jsonl') };
}

const base = (): RunConfig => completeConfig({ model: '/m', train_file: '/t.jsonl' });
const fieldsOf = (cfg: unknown): string[] => validateConfig(cfg).map((p) => p.field);

test('defaults fill every key and form a valid config', () => {
  const cfg = base();
  assert.deepEqual(Object.keys(cfg).sort(), [...CONFIG_KEYS].sort());
  assert.equal(cfg.lora_r, 8);
  assert.equal(cfg.learning_rate, 0.0002);
  assert.equal(cfg.effective_batch_size % cfg.micro_batch_size, 0);
  assert.deepEqual(validateConfig(cfg), []);
  assert.deepEqual(validateConfig(completeConfig(fixturePaths()), { checkPaths: true }), []);
  assert.ok(!('model' in CONFIG_DEFAULTS) && !('train_file' in CONFIG_DEFAULTS));
});

test('given values override defaults', () => {
  const cfg = completeConfig({ model: '/m', train_file: '/t', lora_r: 64, eval_file: '/e' });
  assert.equal(cfg.lora_r, 64);
  assert.equal(cfg.eval_file, '/e');
  assert.equal(cfg.lora_alpha, CONFIG_DEFAULTS.lora_alpha);
});

// [field, values outside the range, values at or inside its edges]
const RANGES: [keyof RunConfig, unknown[], unknown[]][] = [
  ['lora_r', [0, 1025, 2.5, '8', null], [1, 1024]],
  ['lora_alpha', [0, -1, 'x'], [0.5, 1000]],
  ['lora_dropout', [-0.1, 1, 1.5], [0, 0.99]],
  ['learning_rate', [0, -1e-4, 1.01, Number.NaN, Infinity], [1e-8, 1]],
  ['epochs', [0, 1001, -1], [0.5, 1000]],
  ['max_steps', [0, -5, 1.5, 'all'], [null, 1, 100000]],
  ['micro_batch_size', [0, 1.5], [1, 4]],
  ['max_seq_length', [15, 131073, 100.5], [16, 131072]],
  ['weight_decay', [-0.01], [0, 0.1]],
  ['warmup_ratio', [-0.1, 1.1], [0, 1]],
  ['eval_fraction', [-0.1, 1], [0, 0.5]],
  ['max_grad_norm', [-1], [0, 1]],
  ['eval_every', [-1, 0.5], [0, 50]],
  ['save_every', [-1, 2.5], [0, 50]],
  ['seed', [1.5, '42'], [0, 1234]],
  ['lr_scheduler', ['step', 1], ['cosine', 'linear', 'constant']],
  ['task', ['chat'], ['auto', 'sft', 'cpt']],
  ['method', ['lorra', 'adapter', 1], ['lora', 'rslora', 'dora', 'qlora', 'prefix', 'prompt', 'ia3', 'full']],
  ['num_virtual_tokens', [0, 1025, 2.5, '20'], [1, 1024]],
  ['prompt_init_text', ['', '  ', 3], [null]],
  ['device', ['gpu'], ['auto', 'cpu', 'cuda', 'mps']],
  ['version', [2, '1'], [1]],
  ['gradient_checkpointing', ['yes', 1], [true, false]],
  ['trust_remote_code', ['true'], [false, true]],
  ['target_modules', ['', [], [''], [1]], ['all-linear', ['q_proj', 'v_proj']]],
  ['eval_file', ['', 3], [null, '/e.jsonl']],
  ['model', ['', null], ['/m']],
];

for (const [field, bad, good] of RANGES) {
  test(`range of ${field}`, () => {
    for (const value of bad) {
      const problems = validateConfig({ ...base(), [field]: value }).filter((p) => p.field === field);
      assert.equal(problems.length, 1, `${field}=${JSON.stringify(value)} should be rejected`);
      assert.match(problems[0].message, new RegExp(`^${field} `), 'the message names the setting');
    }
    for (const value of good) {
      assert.deepEqual(validateConfig({ ...base(), [field]: value }), [], `${field}=${JSON.stringify(value)} should be accepted`);
    }
  });
}

test('effective_batch_size must be a multiple of micro_batch_size, and the message suggests one', () => {
  const problems = validateConfig({ ...base(), effective_batch_size: 30, micro_batch_size: 8 });
  assert.equal(problems.length, 1);
  assert.equal(problems[0].field, 'effective_batch_size');
  assert.match(problems[0].message, /multiple of micro_batch_size \(8\): use 24 or 32/);
  assert.deepEqual(validateConfig({ ...base(), effective_batch_size: 0, micro_batch_size: 4 }).map((p) => p.field), ['effective_batch_size']);
});

test('every problem is listed at once, with the value that was given', () => {
  const problems = validateConfig({ ...base(), lora_r: 0, learning_rate: 5, max_seq_length: 8, lr_scheduler: 'step', extra: 1 });
  assert.deepEqual(problems.map((p) => p.field).sort(), ['extra', 'learning_rate', 'lora_r', 'lr_scheduler', 'max_seq_length']);
  const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
  assert.equal(byField.lora_r, 'lora_r must be an integer from 1 to 1024 (got 0)');
  assert.equal(byField.learning_rate, 'learning_rate must be greater than 0 and at most 1 (got 5)');
  assert.equal(byField.lr_scheduler, 'lr_scheduler must be one of cosine, linear, constant (got "step")');
});

test('unknown keys are rejected with a "did you mean"', () => {
  const [typo] = validateConfig({ ...base(), learning_rat: 0.1 });
  assert.equal(typo.field, 'learning_rat');
  assert.match(typo.message, /unknown setting "learning_rat": did you mean "learning_rate"\?/);
  assert.match(validateConfig({ ...base(), lr: 0.1 })[0].message, /did you mean "learning_rate"/);
  assert.match(validateConfig({ ...base(), lora_rank: 4 })[0].message, /did you mean "lora_r"/);
  const [far] = validateConfig({ ...base(), zzzzzz: 1 });
  assert.match(far.message, /unknown setting "zzzzzz": remove it/);
  assert.equal(suggestKey('num_train_epochs'), 'epochs');
  assert.equal(suggestKey('micro-batch-size'), 'micro_batch_size');
});

test('missing keys and non-objects are problems', () => {
  assert.deepEqual(fieldsOf([]), ['']);
  assert.deepEqual(fieldsOf(null), ['']);
  const rest: Record<string, unknown> = { ...base() };
  delete rest.lora_r;
  assert.deepEqual(fieldsOf(rest), ['lora_r']);
  assert.match(validateConfig({ ...CONFIG_DEFAULTS, train_file: '/t' })[0].message, /^model is missing/);
});

test('checkPaths reports a missing model folder, a folder without config.json, and missing data files', () => {
  const paths = fixturePaths();
  const missing = validateConfig(completeConfig({ ...paths, model: '/nonexistent/model', train_file: '/nonexistent/train.jsonl' }), { checkPaths: true });
  assert.deepEqual(missing.map((p) => p.message), [
    'model folder not found: /nonexistent/model',
    'train_file not found: /nonexistent/train.jsonl',
  ]);
  const noConfig = path.dirname(paths.model); // a folder, but no config.json in it
  assert.match(validateConfig(completeConfig({ ...paths, model: noConfig }), { checkPaths: true })[0].message, /has no config.json/);
  const modelProblem = (): string | undefined => modelFolderProblem(paths.model);
  assert.equal(modelProblem(), undefined);
  fs.unlinkSync(path.join(paths.model, 'tokenizer.json'));
  assert.match(modelProblem() ?? '', /^model folder has no tokenizer files/);
  fs.unlinkSync(path.join(paths.model, 'model.safetensors'));
  assert.match(modelProblem() ?? '', /^model folder has no weights/);
  fs.writeFileSync(path.join(paths.model, 'config.json'), '{"hidden_size": 8}');
  assert.match(modelProblem() ?? '', /has no model_type/);
  fs.writeFileSync(path.join(paths.model, 'config.json'), '{"model_type":');
  assert.match(modelProblem() ?? '', /config.json is not valid JSON/);
  assert.deepEqual(validateConfig(completeConfig({ ...fixturePaths(), eval_file: '/nope.jsonl' }), { checkPaths: true }).map((p) => p.message),
    ['eval_file not found: /nope.jsonl']);
  // Without checkPaths the file system is not consulted.
  assert.deepEqual(validateConfig(completeConfig({ model: '/nonexistent', train_file: '/nonexistent' })), []);
});

test('parseAssignment converts by the setting\'s kind', () => {
  assert.deepEqual(parseAssignment('lora_r=16'), { key: 'lora_r', value: 16 });
  assert.deepEqual(parseAssignment('learning_rate=1e-4'), { key: 'learning_rate', value: 1e-4 });
  assert.deepEqual(parseAssignment('gradient_checkpointing=true'), { key: 'gradient_checkpointing', value: true });
  assert.deepEqual(parseAssignment('max_steps=null'), { key: 'max_steps', value: null });
  assert.deepEqual(parseAssignment('eval_file=null'), { key: 'eval_file', value: null });
  assert.deepEqual(parseAssignment('target_modules=q_proj, v_proj'), { key: 'target_modules', value: ['q_proj', 'v_proj'] });
  assert.deepEqual(parseAssignment('model=123'), { key: 'model', value: '123' });
  assert.deepEqual(parseAssignment('version=1'), { key: 'version', value: 1 });
  // Unconvertible values stay as given, so that validation names them.
  assert.deepEqual(parseAssignment('lora_r=big'), { key: 'lora_r', value: 'big' });
  assert.match(validateConfig({ ...base(), lora_r: 'big' })[0].message, /got "big"/);
  const unknown = parseAssignment('lora_alfa=3');
  assert.ok('error' in unknown && /did you mean "lora_alpha"/.test(unknown.error));
  const noEquals = parseAssignment('lora_r');
  assert.ok('error' in noEquals && /not key=value/.test(noEquals.error));
});
