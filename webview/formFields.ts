// The fields of the training form and the conversion between their text and config values.
// Pure: used by the page and tested with node:test. Values that do not convert are passed on as
// typed, so that validateConfig (on the host) names the field and says what to fix.
import type { FormConfig } from './protocol';

export type FieldKind = 'path' | 'optional-path' | 'int' | 'optional-int' | 'number' | 'boolean' | 'select';

export interface FormField {
  key: keyof FormConfig;
  label: string;
  kind: FieldKind;
  hint?: string;
  options?: { value: string; label: string }[];
  browse?: boolean;
  group: 'data' | 'lora' | 'optimization';
}

export const FORM_FIELDS: readonly FormField[] = [
  { key: 'model', label: 'Model folder', kind: 'path', browse: true, group: 'data', hint: 'Hugging Face model folder holding config.json' },
  { key: 'train_file', label: 'Training data', kind: 'path', browse: true, group: 'data', hint: 'JSONL file' },
  { key: 'eval_file', label: 'Evaluation data', kind: 'optional-path', browse: true, group: 'data', hint: 'empty: hold out a fraction of the training data' },
  { key: 'method', label: 'Method', kind: 'select', group: 'lora', options: [{ value: 'lora', label: 'LoRA' }] },
  { key: 'lora_r', label: 'Rank (r)', kind: 'int', group: 'lora', hint: 'higher: more capacity, more memory' },
  { key: 'lora_alpha', label: 'Alpha', kind: 'number', group: 'lora', hint: 'update scale = alpha / r' },
  { key: 'lora_dropout', label: 'Dropout', kind: 'number', group: 'lora', hint: '0 to below 1' },
  { key: 'learning_rate', label: 'Learning rate', kind: 'number', group: 'optimization', hint: 'LoRA usually 1e-4 to 3e-4' },
  { key: 'epochs', label: 'Epochs', kind: 'number', group: 'optimization' },
  { key: 'max_steps', label: 'Max steps', kind: 'optional-int', group: 'optimization', hint: 'empty: no limit' },
  { key: 'effective_batch_size', label: 'Effective batch size', kind: 'int', group: 'optimization', hint: 'a multiple of the micro-batch; accumulation = effective / micro' },
  { key: 'micro_batch_size', label: 'Micro-batch size', kind: 'int', group: 'optimization', hint: 'records per forward pass; lower it if memory runs out' },
  { key: 'max_seq_length', label: 'Max sequence length', kind: 'int', group: 'optimization', hint: 'tokens; longer records are truncated' },
  { key: 'gradient_checkpointing', label: 'Gradient checkpointing', kind: 'boolean', group: 'optimization', hint: 'less memory, about a third slower' },
  {
    key: 'device', label: 'Device', kind: 'select', group: 'optimization',
    options: [{ value: 'auto', label: 'Auto' }, { value: 'cuda', label: 'CUDA GPU' }, { value: 'mps', label: 'Apple GPU (MPS)' }, { value: 'cpu', label: 'CPU' }],
  },
];

export type FormValues = Record<string, string | boolean>;

/** The text (or checkbox state) each field shows for a config. */
export function configToValues(config: FormConfig): FormValues {
  const values: FormValues = {};
  for (const field of FORM_FIELDS) {
    const v = config[field.key];
    if (field.kind === 'boolean') values[field.key] = v === true;
    else values[field.key] = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v);
  }
  return values;
}

/** A number if the text is one; otherwise the text itself, for validateConfig to report. */
function toNumber(text: string): number | string {
  const n = text === '' ? NaN : Number(text);
  return Number.isFinite(n) ? n : text;
}

/** The config after the form's values: the fields the form shows replace those of `base`, others stay. */
export function valuesToConfig(base: FormConfig, values: FormValues): FormConfig {
  const config: FormConfig = { ...base };
  const set = (key: keyof FormConfig, value: unknown): void => {
    (config as Record<string, unknown>)[key] = value;
  };
  for (const field of FORM_FIELDS) {
    const raw = values[field.key];
    if (raw === undefined) continue;
    if (field.kind === 'boolean') {
      set(field.key, raw === true || raw === 'true');
      continue;
    }
    const text = String(raw).trim();
    switch (field.kind) {
      case 'path':
      case 'select':
        set(field.key, text);
        break;
      case 'optional-path':
        set(field.key, text === '' ? null : text);
        break;
      case 'int':
      case 'number':
        set(field.key, toNumber(text));
        break;
      case 'optional-int':
        set(field.key, text === '' ? null : toNumber(text));
        break;
    }
  }
  return config;
}
