// The fields of the training form, which of them a method uses, and the conversion between their text and
// config values. Pure: used by the page and tested with node:test. Values that do not convert are passed on
// as typed, so that validateConfig (on the host) names the field and says what to fix.
import type { ConfigProblem } from '../src/core/config';
import { LORA_METHODS, METHOD_LABELS, METHODS, VIRTUAL_TOKEN_METHODS, type Method } from '../src/core/methodList';
import type { FormConfig } from './protocol';

export type FieldKind = 'path' | 'optional-path' | 'int' | 'optional-int' | 'number' | 'boolean' | 'select' | 'modules' | 'optional-text';

export interface FormField {
  key: keyof FormConfig;
  label: string;
  kind: FieldKind;
  hint?: string;
  options?: { value: string; label: string }[];
  browse?: boolean;
  group: 'data' | 'method' | 'optimization';
  /** The methods that read this setting; absent: all of them. The form hides it for the others. */
  usedBy?: readonly Method[];
}

export const FORM_FIELDS: readonly FormField[] = [
  { key: 'model', label: 'Model folder', kind: 'path', browse: true, group: 'data', hint: 'Hugging Face model folder holding config.json' },
  { key: 'train_file', label: 'Training data', kind: 'path', browse: true, group: 'data', hint: 'JSONL file' },
  { key: 'eval_file', label: 'Evaluation data', kind: 'optional-path', browse: true, group: 'data', hint: 'empty: hold out a fraction of the training data' },
  { key: 'method', label: 'Method', kind: 'select', group: 'method', options: METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] })) },
  { key: 'lora_r', label: 'Rank (r)', kind: 'int', group: 'method', usedBy: LORA_METHODS, hint: 'higher: more capacity, more memory' },
  { key: 'lora_alpha', label: 'Alpha', kind: 'number', group: 'method', usedBy: LORA_METHODS, hint: 'update scale = alpha / r (rsLoRA: alpha / √r)' },
  { key: 'lora_dropout', label: 'Dropout', kind: 'number', group: 'method', usedBy: LORA_METHODS, hint: '0 to below 1' },
  {
    key: 'target_modules', label: 'Target modules', kind: 'modules', group: 'method', usedBy: LORA_METHODS,
    hint: 'all-linear, or module names separated by commas (q_proj,v_proj)',
  },
  { key: 'num_virtual_tokens', label: 'Virtual tokens', kind: 'int', group: 'method', usedBy: VIRTUAL_TOKEN_METHODS, hint: 'learned tokens put before every record; they count against the model\'s positions' },
  { key: 'prompt_init_text', label: 'Initial prompt text', kind: 'optional-text', group: 'method', usedBy: ['prompt'], hint: 'empty: random start; text: the soft prompt starts from its tokens' },
  { key: 'learning_rate', label: 'Learning rate', kind: 'number', group: 'optimization', hint: 'LoRA usually 1e-4 to 3e-4; full fine-tuning lower' },
  { key: 'epochs', label: 'Epochs', kind: 'number', group: 'optimization' },
  { key: 'max_steps', label: 'Max steps', kind: 'optional-int', group: 'optimization', hint: 'empty: no limit' },
  { key: 'effective_batch_size', label: 'Effective batch size', kind: 'int', group: 'optimization', hint: 'records per optimizer step; a multiple of the micro-batch' },
  { key: 'micro_batch_size', label: 'Micro-batch size', kind: 'int', group: 'optimization', hint: 'records per forward pass; lower it if memory runs out' },
  { key: 'max_seq_length', label: 'Max sequence length', kind: 'int', group: 'optimization', hint: 'tokens; longer records are truncated' },
  { key: 'gradient_checkpointing', label: 'Gradient checkpointing', kind: 'boolean', group: 'optimization', hint: 'less memory, about a third slower' },
  {
    key: 'device', label: 'Device', kind: 'select', group: 'optimization',
    options: [{ value: 'auto', label: 'Auto' }, { value: 'cuda', label: 'CUDA GPU' }, { value: 'mps', label: 'Apple GPU (MPS)' }, { value: 'cpu', label: 'CPU' }],
  },
];

export type FormValues = Record<string, string | boolean>;

/** Whether the form shows `field` for `method` (an unknown method shows everything, so nothing typed is lost from view). */
export function isFieldShown(field: FormField, method: unknown): boolean {
  return !field.usedBy || !METHODS.includes(method as Method) || field.usedBy.includes(method as Method);
}

/** The keys the form shows for a method, in form order. */
export function shownKeys(method: unknown): (keyof FormConfig)[] {
  return FORM_FIELDS.filter((f) => isFieldShown(f, method)).map((f) => f.key);
}

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

/**
 * The config after the form's values: the fields shown for the chosen method replace those of `base`; hidden
 * ones keep the base value (their text stays in the form for when the method is switched back), except the
 * prompt text, which any other method refuses, so it is cleared.
 */
export function valuesToConfig(base: FormConfig, values: FormValues): FormConfig {
  const config: FormConfig = { ...base };
  const set = (key: keyof FormConfig, value: unknown): void => {
    (config as Record<string, unknown>)[key] = value;
  };
  const method = values.method === undefined ? base.method : String(values.method).trim();
  for (const field of FORM_FIELDS) {
    const raw = values[field.key];
    if (raw === undefined || !isFieldShown(field, method)) continue;
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
      case 'optional-text':
        set(field.key, text === '' ? null : text);
        break;
      case 'modules':
        set(field.key, text.includes(',') ? text.split(',').map((m) => m.trim()).filter(Boolean) : text);
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
  if (method !== 'prompt' && METHODS.includes(method as Method)) set('prompt_init_text', null);
  return config;
}

/** The line under the batch fields: how many micro-batches make one optimizer step (empty until both are whole numbers). */
export function accumulationText(values: FormValues): string {
  const effective = Number(String(values.effective_batch_size ?? '').trim() || NaN);
  const micro = Number(String(values.micro_batch_size ?? '').trim() || NaN);
  if (!Number.isInteger(effective) || !Number.isInteger(micro) || effective < 1 || micro < 1) return '';
  if (effective % micro !== 0) return `Gradient accumulation: ${effective} is not a multiple of ${micro}`;
  const steps = effective / micro;
  return `Gradient accumulation: ${steps} micro-batch${steps === 1 ? '' : 'es'} of ${micro} per optimizer step (${effective} records)`;
}

/**
 * Where each problem is shown: next to its field when the form shows that field, else in the list under
 * the form (settings the form has no field for, or that the chosen method hides), with the setting named.
 */
export function placeProblems(problems: readonly ConfigProblem[], method: unknown): { byField: Map<string, string[]>; general: string[] } {
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  const shown = new Set<string>(shownKeys(method));
  for (const p of problems) {
    if (shown.has(p.field)) byField.set(p.field, [...(byField.get(p.field) ?? []), p.message]);
    else general.push(p.message.startsWith(p.field) || !p.field ? p.message : `${p.field}: ${p.message}`);
  }
  return { byField, general };
}

/**
 * Whether Start may be pressed. Problems block it only while they are the verdict on what the form holds now;
 * while an edit is on its way to the host the verdict is stale, so Start stays pressable and the host,
 * which validates every start on arrival, refuses an invalid one.
 */
export function startAllowed(s: { trusted: boolean; busy: boolean; problems: readonly ConfigProblem[]; verdictCurrent: boolean }): boolean {
  return s.trusted && !s.busy && (!s.verdictCurrent || s.problems.length === 0);
}
