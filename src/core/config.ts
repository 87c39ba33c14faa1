// Run configuration: the `config.json` of a run folder (snake_case; written here, read by
// trainer/tunelab_trainer). Keys, defaults and ranges follow docs/architecture.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { METHODS, methodProblems, type Method } from './methods';

export interface RunConfig {
  version: 1;
  model: string;
  train_file: string;
  eval_file: string | null;
  eval_fraction: number;
  task: 'auto' | 'sft' | 'cpt';
  method: Method;
  lora_r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string | string[];
  num_virtual_tokens: number;
  prompt_init_text: string | null;
  learning_rate: number;
  epochs: number;
  max_steps: number | null;
  effective_batch_size: number;
  micro_batch_size: number;
  max_seq_length: number;
  gradient_checkpointing: boolean;
  weight_decay: number;
  warmup_ratio: number;
  lr_scheduler: 'cosine' | 'linear' | 'constant';
  max_grad_norm: number;
  eval_every: number;
  save_every: number;
  packing: 'auto' | boolean; // several examples per sequence; auto = where exact (trainer/tunelab_trainer/packing.py)
  early_stopping_patience: number; // evals without improvement before stopping; 0 = off
  early_stopping_min_delta: number;
  eval_samples: number; // greedy generations of the first eval prompts at each eval
  sample_max_new_tokens: number;
  seed: number;
  device: 'auto' | 'cpu' | 'cuda' | 'mps';
  trust_remote_code: boolean;
}

export const CONFIG_DEFAULTS: Omit<RunConfig, 'model' | 'train_file'> = {
  version: 1,
  eval_file: null,
  eval_fraction: 0.1, // used only when eval_file is null
  task: 'auto', // auto | sft | cpt
  method: 'lora', // lora | rslora | dora | qlora | prefix | prompt | ia3 | full (src/core/methods.ts)
  lora_r: 8,
  lora_alpha: 16,
  lora_dropout: 0.05,
  target_modules: 'all-linear',
  num_virtual_tokens: 20, // prefix and prompt tuning
  prompt_init_text: null, // prompt tuning: start the soft prompt from this text (null = random)
  learning_rate: 0.0002,
  epochs: 3,
  max_steps: null,
  effective_batch_size: 32, // gradient accumulation = effective / micro
  micro_batch_size: 4,
  max_seq_length: 512,
  gradient_checkpointing: false,
  weight_decay: 0.0,
  warmup_ratio: 0.03,
  lr_scheduler: 'cosine', // cosine | linear | constant
  max_grad_norm: 1.0,
  eval_every: 0, // steps; 0 = at the end of each epoch
  save_every: 50, // steps; 0 = only at the end. On by default so a killed run can resume
  packing: 'auto',
  early_stopping_patience: 0,
  early_stopping_min_delta: 0.0,
  eval_samples: 3,
  sample_max_new_tokens: 32,
  seed: 42,
  device: 'auto', // auto | cpu | cuda | mps
  trust_remote_code: false,
};

export interface ConfigProblem {
  field: string;
  message: string; // says what to fix
}

/** Defaults filled in, keys in the documented order (unknown keys kept at the end, for validateConfig to name). */
export function completeConfig(partial: Partial<RunConfig> & { model: string; train_file: string }): RunConfig {
  const merged: Record<string, unknown> = { ...CONFIG_DEFAULTS, ...partial };
  const ordered: Record<string, unknown> = {};
  for (const key of [...CONFIG_KEYS, ...Object.keys(merged)]) if (key in merged && !(key in ordered)) ordered[key] = merged[key];
  return ordered as unknown as RunConfig;
}

type FieldKind =
  | { kind: 'int' | 'number'; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { kind: 'enum'; values: readonly (string | number | boolean)[] }
  | { kind: 'boolean' }
  | { kind: 'path'; nullable: boolean }
  | { kind: 'modules' }
  | { kind: 'text'; nullable: true }
  | { kind: 'optional-int'; min: number };

const num = (kind: 'int' | 'number', min?: number, max?: number, ex: { minExclusive?: boolean; maxExclusive?: boolean } = {}): FieldKind =>
  ({ kind, min, max, ...ex });

/** Every key of config.json with the values it accepts; drives validation and `--set` parsing. */
const FIELDS: Record<keyof RunConfig, FieldKind> = {
  version: { kind: 'enum', values: [1] },
  model: { kind: 'path', nullable: false },
  train_file: { kind: 'path', nullable: false },
  eval_file: { kind: 'path', nullable: true },
  eval_fraction: num('number', 0, 1, { maxExclusive: true }),
  task: { kind: 'enum', values: ['auto', 'sft', 'cpt'] },
  method: { kind: 'enum', values: METHODS },
  lora_r: num('int', 1, 1024),
  lora_alpha: num('number', 0, undefined, { minExclusive: true }),
  lora_dropout: num('number', 0, 1, { maxExclusive: true }),
  target_modules: { kind: 'modules' },
  num_virtual_tokens: num('int', 1, 1024),
  prompt_init_text: { kind: 'text', nullable: true },
  learning_rate: num('number', 0, 1, { minExclusive: true }),
  epochs: num('number', 0, 1000, { minExclusive: true }),
  max_steps: { kind: 'optional-int', min: 1 },
  effective_batch_size: num('int', 1),
  micro_batch_size: num('int', 1),
  max_seq_length: num('int', 16, 131072),
  gradient_checkpointing: { kind: 'boolean' },
  weight_decay: num('number', 0),
  warmup_ratio: num('number', 0, 1),
  lr_scheduler: { kind: 'enum', values: ['cosine', 'linear', 'constant'] },
  max_grad_norm: num('number', 0), // 0 turns clipping off
  eval_every: num('int', 0),
  save_every: num('int', 0),
  packing: { kind: 'enum', values: ['auto', true, false] },
  early_stopping_patience: num('int', 0),
  early_stopping_min_delta: num('number', 0),
  eval_samples: num('int', 0, 16),
  sample_max_new_tokens: num('int', 1, 1024),
  seed: num('int'),
  device: { kind: 'enum', values: ['auto', 'cpu', 'cuda', 'mps'] },
  trust_remote_code: { kind: 'boolean' },
};

export const CONFIG_KEYS = Object.keys(FIELDS) as (keyof RunConfig)[];

/** Names people type for these settings in other tools. */
const ALIASES: Record<string, keyof RunConfig> = {
  lr: 'learning_rate', rank: 'lora_r', r: 'lora_r', alpha: 'lora_alpha', dropout: 'lora_dropout',
  batch_size: 'effective_batch_size', per_device_train_batch_size: 'micro_batch_size', num_train_epochs: 'epochs',
  max_length: 'max_seq_length', scheduler: 'lr_scheduler', train: 'train_file', eval: 'eval_file', dataset: 'train_file',
};

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The known key an unknown one was probably meant to be, if any is close. */
export function suggestKey(unknown: string): keyof RunConfig | undefined {
  const key = unknown.toLowerCase().replace(/-/g, '_');
  if (key in FIELDS) return key as keyof RunConfig;
  if (ALIASES[key]) return ALIASES[key];
  let best: keyof RunConfig | undefined;
  let bestDistance = Infinity;
  for (const candidate of CONFIG_KEYS) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best && bestDistance <= Math.max(2, Math.floor(best.length / 3))) return best;
  return CONFIG_KEYS.find((k) => key.length >= 3 && (k.includes(key) || key.includes(k)));
}

function unknownKeyMessage(key: string): string {
  const suggestion = suggestKey(key);
  return suggestion
    ? `unknown setting "${key}": did you mean "${suggestion}"?`
    : `unknown setting "${key}": remove it (known settings: ${CONFIG_KEYS.join(', ')})`;
}

/** Words for a numeric range, the same as trainer/tunelab_trainer/config.py uses. */
function describeRange(spec: { kind: 'int' | 'number'; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }): string {
  const { min, max } = spec;
  const integer = spec.kind === 'int' ? 'an integer ' : '';
  if (min !== undefined && max !== undefined) {
    if (!spec.minExclusive && !spec.maxExclusive) return `${integer}from ${min} to ${max}`;
    return `${integer}${spec.minExclusive ? `greater than ${min}` : `at least ${min}`} and ${spec.maxExclusive ? `below ${max}` : `at most ${max}`}`;
  }
  if (min !== undefined) return spec.minExclusive ? `${integer}greater than ${min}` : `${integer}${integer ? 'of ' : ''}at least ${min}`;
  if (max !== undefined) return `${integer}${spec.maxExclusive ? `below ${max}` : `at most ${max}`}`;
  return spec.kind === 'int' ? 'an integer' : 'a number';
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

function checkValue(field: string, spec: FieldKind, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const inRange = typeof value === 'number' && Number.isFinite(value) && (spec.kind === 'number' || Number.isInteger(value))
        && (spec.min === undefined || (spec.minExclusive ? value > spec.min : value >= spec.min))
        && (spec.max === undefined || (spec.maxExclusive ? value < spec.max : value <= spec.max));
      return inRange ? undefined : `${field} must be ${describeRange(spec)} (got ${show(value)})`;
    }
    case 'optional-int':
      return value === null || (typeof value === 'number' && Number.isInteger(value) && value >= spec.min)
        ? undefined
        : `${field} must be null or an integer of at least ${spec.min} (got ${show(value)})`;
    case 'enum':
      if (spec.values.includes(value as string | number | boolean)) return undefined;
      return spec.values.length === 1
        ? `${field} must be ${spec.values[0]} (got ${show(value)})`
        : `${field} must be one of ${spec.values.join(', ')} (got ${show(value)})`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${field} must be true or false (got ${show(value)})`;
    case 'path':
      if (value === null && spec.nullable) return undefined;
      return typeof value === 'string' && value.trim() !== ''
        ? undefined
        : `${field} must be a file path${spec.nullable ? ' or null' : ''} (got ${show(value)})`;
    case 'modules': {
      const ok = (typeof value === 'string' && value.trim() !== '')
        || (Array.isArray(value) && value.length > 0 && value.every((m) => typeof m === 'string' && m.trim() !== ''));
      return ok ? undefined : `${field} must be "all-linear" or a list of module names (got ${show(value)})`;
    }
    case 'text':
      return value === null || (typeof value === 'string' && value.trim() !== '')
        ? undefined
        : `${field} must be text or null (got ${show(value)})`;
  }
}

const WEIGHT_SUFFIXES = ['.safetensors', '.bin', '.safetensors.index.json', '.bin.index.json', '.gguf', '.pt', '.pth'];
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer.model', 'tokenizer_config.json', 'vocab.json', 'vocab.txt', 'spiece.model'];

/**
 * Why `model` is not a Hugging Face model folder, found without loading it (undefined if it looks like one).
 * Mirrors model_folder_problem() in trainer/tunelab_trainer/config.py.
 */
export function modelFolderProblem(model: string): string | undefined {
  if (!isDirectory(model)) return `model folder not found: ${model}`;
  const configPath = path.join(model, 'config.json');
  if (!isFile(configPath)) return `model folder has no config.json, so it is not a Hugging Face model: ${model}`;
  let modelConfig: unknown;
  try {
    modelConfig = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  } catch {
    return `model folder's config.json is not valid JSON: ${configPath}`;
  }
  if (typeof modelConfig !== 'object' || modelConfig === null || typeof (modelConfig as { model_type?: unknown }).model_type !== 'string') {
    return `model folder's config.json has no model_type, so it is not a Hugging Face model config: ${model}`;
  }
  const names = fs.readdirSync(model);
  if (!names.some((n) => WEIGHT_SUFFIXES.some((suffix) => n.endsWith(suffix)))) {
    return `model folder has no weights (*.safetensors or pytorch_model.bin): ${model}`;
  }
  if (!names.some((n) => TOKENIZER_FILES.includes(n))) {
    return `model folder has no tokenizer files (tokenizer.json or tokenizer.model): ${model}`;
  }
  return undefined;
}

function checkPaths(cfg: Record<string, unknown>, problems: ConfigProblem[]): void {
  const model = cfg.model;
  if (typeof model === 'string' && model.trim() !== '') {
    const problem = modelFolderProblem(model);
    if (problem) problems.push({ field: 'model', message: problem });
  }
  for (const field of ['train_file', 'eval_file'] as const) {
    const file = cfg[field];
    if (typeof file === 'string' && file.trim() !== '' && !isFile(file)) {
      problems.push({ field, message: `${field} not found: ${file}` });
    }
  }
}

function isDirectory(p: string): boolean {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

function isFile(p: string): boolean {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}

/** Every problem of a config at once, each saying what to fix. `checkPaths` also checks model and data files exist. */
export function validateConfig(cfg: unknown, opts: { checkPaths?: boolean } = {}): ConfigProblem[] {
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) {
    return [{ field: '', message: 'the configuration must be a JSON object of settings' }];
  }
  const record = cfg as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(record)) {
    if (!(key in FIELDS)) problems.push({ field: key, message: unknownKeyMessage(key) });
  }
  for (const field of CONFIG_KEYS) {
    if (!(field in record)) {
      const fix = field === 'model' ? 'give a Hugging Face model folder'
        : field === 'train_file' ? 'give a JSONL dataset file'
          : `default: ${show((CONFIG_DEFAULTS as Record<string, unknown>)[field])}`;
      problems.push({ field, message: `${field} is missing (${fix})` });
      continue;
    }
    const message = checkValue(field, FIELDS[field], record[field]);
    if (message) problems.push({ field, message });
  }
  const eff = record.effective_batch_size;
  const micro = record.micro_batch_size;
  if (Number.isInteger(eff) && Number.isInteger(micro) && (micro as number) >= 1 && (eff as number) >= 1 && (eff as number) % (micro as number) !== 0) {
    const lower = Math.max(micro as number, Math.floor((eff as number) / (micro as number)) * (micro as number));
    problems.push({
      field: 'effective_batch_size',
      message: `effective_batch_size (${eff}) must be a multiple of micro_batch_size (${micro}): use ${lower} or ${lower + (micro as number)}`,
    });
  }
  problems.push(...methodProblems(record, opts));
  if (opts.checkPaths) checkPaths(record, problems);
  return problems;
}

/**
 * Parses one `key=value` assignment (the CLI's `--set`) into a typed value, using the key's kind:
 * numbers and booleans are converted, `null` clears nullable keys, comma lists become module lists.
 * Unconvertible values are kept as given so that validateConfig reports them.
 */
export function parseAssignment(assignment: string): { key: string; value: unknown } | { error: string } {
  const eq = assignment.indexOf('=');
  if (eq <= 0) return { error: `"${assignment}" is not key=value (for example --set lora_r=16)` };
  const key = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1).trim();
  const spec = FIELDS[key as keyof RunConfig];
  if (!spec) return { error: unknownKeyMessage(key) };
  switch (spec.kind) {
    case 'int':
    case 'number':
    case 'optional-int': {
      if (spec.kind === 'optional-int' && raw === 'null') return { key, value: null };
      const n = raw === '' ? NaN : Number(raw);
      return { key, value: Number.isNaN(n) ? raw : n };
    }
    case 'enum':
      if (key === 'version' && raw === '1') return { key, value: 1 };
      return { key, value: spec.values.includes(true) && (raw === 'true' || raw === 'false') ? raw === 'true' : raw };
    case 'boolean':
      return { key, value: raw === 'true' ? true : raw === 'false' ? false : raw };
    case 'path':
      return { key, value: spec.nullable && raw === 'null' ? null : raw };
    case 'modules':
      return { key, value: raw.includes(',') ? raw.split(',').map((m) => m.trim()).filter(Boolean) : raw };
    case 'text':
      return { key, value: raw === 'null' ? null : raw };
  }
}
