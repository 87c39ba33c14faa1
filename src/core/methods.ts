// Fine-tuning methods and the checks that depend on the method (mirrors validate_method() in
// trainer/tunelab_trainer/methods.py; the messages are the same, so the form, the CLI and the trainer agree).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { METHODS, VIRTUAL_TOKEN_METHODS, type Method } from './methodList';

// Defined without Node imports in ./methodList so the webview form can bundle them; re-exported for everyone else.
export { LORA_METHODS, METHOD_LABELS, METHODS, VIRTUAL_TOKEN_METHODS, type Method } from './methodList';

/** Full fine-tuning keeps fp32 weights, gradients and two AdamW moments: 16 bytes per parameter. */
export const FULL_MAX_PARAMS = 3_000_000_000;

export interface MethodProblem { field: string; message: string }

/** Parameters of a Llama-style decoder from its config.json (exact for q/k/v/o + gate/up/down models), else undefined. */
export function paramsFromModelConfig(config: Record<string, unknown>): number | undefined {
  const c = typeof config.text_config === 'object' && config.text_config !== null
    ? { ...config, ...(config.text_config as Record<string, unknown>) } : config;
  const n = (key: string): number | undefined => (typeof c[key] === 'number' ? (c[key] as number) : undefined);
  const h = n('hidden_size'), i = n('intermediate_size'), layers = n('num_hidden_layers'), vocab = n('vocab_size'), heads = n('num_attention_heads');
  if (h === undefined || i === undefined || layers === undefined || vocab === undefined || heads === undefined) return undefined;
  const headDim = n('head_dim') ?? Math.floor(h / heads);
  const q = heads * headDim;
  const k = (n('num_key_value_heads') ?? heads) * headDim;
  const linear = h * q + 2 * h * k + q * h + 3 * h * i;
  const bias = (c.attention_bias === true || c.model_type === 'qwen2' ? q + 2 * k : 0) + (c.mlp_bias === true ? 2 * i + h : 0);
  const head = c.tie_word_embeddings === true ? 0 : vocab * h;
  return layers * (linear + 2 * h + bias) + vocab * h + head + h;
}

function readModelConfig(model: unknown): Record<string, unknown> | undefined {
  if (typeof model !== 'string' || model.trim() === '') return undefined;
  try {
    const data: unknown = JSON.parse(fs.readFileSync(path.join(model, 'config.json'), 'utf8'));
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Problems that come from the method and its fields together (each field's own range is checked by validateConfig).
 * `checkPaths` also reads the model's config.json: position limit for virtual tokens, model size for full fine-tuning.
 */
export function methodProblems(cfg: Record<string, unknown>, opts: { checkPaths?: boolean } = {}): MethodProblem[] {
  const problems: MethodProblem[] = [];
  const method = cfg.method as Method;
  if (!METHODS.includes(method)) return problems; // validateConfig names the allowed methods
  const bad = (field: string, message: string): void => { problems.push({ field, message }); };

  if (method === 'qlora' && (cfg.device === 'cpu' || cfg.device === 'mps')) {
    bad('device', `method qlora needs a CUDA GPU (bitsandbytes 4-bit weights), but device is ${cfg.device}: `
      + 'set device to auto or cuda, or use method lora');
  }
  if (method !== 'prompt' && typeof cfg.prompt_init_text === 'string' && cfg.prompt_init_text.trim() !== '') {
    bad('prompt_init_text', `prompt_init_text is used only by method prompt (method is ${method}): set it to null`);
  }
  if (method === 'prefix' && cfg.gradient_checkpointing === true) {
    bad('gradient_checkpointing', 'method prefix does not work with gradient_checkpointing: set it to false or use method prompt or lora');
  }
  if (!opts.checkPaths) return problems;
  const modelConfig = readModelConfig(cfg.model);
  if (!modelConfig) return problems;
  const limit = modelConfig.max_position_embeddings;
  const seq = cfg.max_seq_length;
  const virtual = cfg.num_virtual_tokens;
  if (VIRTUAL_TOKEN_METHODS.includes(method) && Number.isInteger(limit) && Number.isInteger(seq) && Number.isInteger(virtual)
    && (seq as number) + (virtual as number) > (limit as number)) {
    bad('num_virtual_tokens', `max_seq_length (${seq}) + num_virtual_tokens (${virtual}) is more than the model's ${limit} positions: lower one of them`);
  }
  if (method === 'full') {
    const params = paramsFromModelConfig(modelConfig);
    if (params !== undefined && params > FULL_MAX_PARAMS) {
      bad('method', `method full is for models up to ${FULL_MAX_PARAMS / 1e9}B parameters; this one has about ${(params / 1e9).toFixed(1)}B: use lora or qlora`);
    }
  }
  return problems;
}
