// Method-specific checks (src/core/methods.ts) give the same problems, in the same words, as
// trainer/tunelab_trainer/methods.py (trainer/tests/test_methods.py checks the Python side with these strings).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completeConfig, parseAssignment, validateConfig, type RunConfig } from '../../src/core/config';
import { METHOD_LABELS, METHODS, paramsFromModelConfig } from '../../src/core/methods';

const base = (over: Partial<RunConfig> = {}): RunConfig => completeConfig({ model: '/m', train_file: '/t.jsonl', ...over });
const byField = (cfg: unknown, checkPaths = false): Record<string, string> =>
  Object.fromEntries(validateConfig(cfg, { checkPaths }).map((p) => [p.field, p.message]));

const LLAMA_8B = {
  model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32,
  num_key_value_heads: 8, vocab_size: 128256,
};

function modelFolder(config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-methods-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'model.safetensors'), '');
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
  fs.writeFileSync(path.join(dir, 'train.jsonl'), '{"text": "a"}\n');
  return dir;
}

test('every method is valid with its defaults and has a label', () => {
  for (const method of METHODS) {
    assert.deepEqual(validateConfig(base({ method })), [], method);
    assert.ok(METHOD_LABELS[method].length > 0);
  }
});

test('each method checks its fields, and every problem is listed at once', () => {
  const found = byField({ ...base(), method: 'qlora', device: 'cpu', prompt_init_text: 'Answer:', num_virtual_tokens: 0, lora_r: 0 });
  assert.equal(found.device, 'method qlora needs a CUDA GPU (bitsandbytes 4-bit weights), but device is cpu: set device to auto or cuda, or use method lora');
  assert.equal(found.prompt_init_text, 'prompt_init_text is used only by method prompt (method is qlora): set it to null');
  assert.equal(found.num_virtual_tokens, 'num_virtual_tokens must be an integer from 1 to 1024 (got 0)');
  assert.equal(found.lora_r, 'lora_r must be an integer from 1 to 1024 (got 0)');
  assert.equal(Object.keys(found).length, 4);

  assert.deepEqual(byField(base({ method: 'qlora', device: 'mps' })).device.startsWith('method qlora needs a CUDA GPU'), true);
  assert.equal(byField(base({ method: 'prefix', gradient_checkpointing: true })).gradient_checkpointing,
    'method prefix does not work with gradient_checkpointing: set it to false or use method prompt or lora');
  assert.deepEqual(validateConfig(base({ method: 'prompt', prompt_init_text: 'Answer the question:' })), []);
  assert.equal(byField(base({ method: 'prompt', prompt_init_text: '  ' })).prompt_init_text, 'prompt_init_text must be text or null (got "  ")');
  assert.equal(byField(base({ method: 'lorra' as RunConfig['method'] })).method,
    'method must be one of lora, rslora, dora, qlora, prefix, prompt, ia3, full (got "lorra")');
});

test('checks that read the model config: positions for virtual tokens, size for full fine-tuning', () => {
  const tiny = modelFolder({ model_type: 'llama', hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
    num_key_value_heads: 2, vocab_size: 320, max_position_embeddings: 512 });
  const cfg = base({ model: tiny, train_file: path.join(tiny, 'train.jsonl'), method: 'prompt', max_seq_length: 500, num_virtual_tokens: 20 });
  assert.deepEqual(byField(cfg, true), {
    num_virtual_tokens: "max_seq_length (500) + num_virtual_tokens (20) is more than the model's 512 positions: lower one of them",
  });
  assert.deepEqual(byField({ ...cfg, max_seq_length: 492 }, true), {});
  assert.deepEqual(byField({ ...cfg, method: 'full' }, true), {}); // a small model may be fully tuned

  const big = modelFolder(LLAMA_8B);
  assert.deepEqual(byField(base({ model: big, train_file: path.join(big, 'train.jsonl'), method: 'full' }), true), {
    method: 'method full is for models up to 3B parameters; this one has about 8.0B: use lora or qlora',
  });
});

test('parameter counts from config.json agree with the trainer (memory.py, checked there against real models)', () => {
  assert.equal(paramsFromModelConfig(LLAMA_8B), 8_030_261_248);
  assert.equal(paramsFromModelConfig({ hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
    num_key_value_heads: 2, vocab_size: 320 }), 39_072);
  assert.equal(paramsFromModelConfig({ model_type: 'bert' }), undefined);
});

test('--set parses the method fields', () => {
  assert.deepEqual(parseAssignment('method=dora'), { key: 'method', value: 'dora' });
  assert.deepEqual(parseAssignment('num_virtual_tokens=16'), { key: 'num_virtual_tokens', value: 16 });
  assert.deepEqual(parseAssignment('prompt_init_text=Answer briefly:'), { key: 'prompt_init_text', value: 'Answer briefly:' });
  assert.deepEqual(parseAssignment('prompt_init_text=null'), { key: 'prompt_init_text', value: null });
});
