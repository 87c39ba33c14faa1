// The fine-tuning methods by name, with no Node imports: the webview form bundles this for the browser,
// while src/core/methods.ts (which reads model files) re-exports it for the host, the CLI and the tests.

export const METHODS = ['lora', 'rslora', 'dora', 'qlora', 'prefix', 'prompt', 'ia3', 'full'] as const;
export type Method = (typeof METHODS)[number];

/** Labels for pickers, with the trade-off in a few words. */
export const METHOD_LABELS: Record<Method, string> = {
  lora: 'LoRA',
  rslora: 'rsLoRA (LoRA scaled by alpha/√r: stable at high rank)',
  dora: 'DoRA (LoRA + magnitude; not served by vLLM unless merged)',
  qlora: 'QLoRA (LoRA on a 4-bit base: least memory, CUDA only)',
  prefix: 'Prefix tuning (key/value prefixes)',
  prompt: 'Prompt tuning (soft prompt tokens)',
  ia3: 'IA3 (learned scaling vectors: fewest parameters)',
  full: 'Full fine-tuning (small models only)',
};

export const LORA_METHODS: readonly Method[] = ['lora', 'rslora', 'dora', 'qlora'];
export const VIRTUAL_TOKEN_METHODS: readonly Method[] = ['prefix', 'prompt'];
