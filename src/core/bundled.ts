// What ships with Tunelab: the small pretrained model, the sample dataset, and the demo settings.
import * as path from 'node:path';
import type { RunConfig } from './config';

/** The bundled model (made by scripts/make_bundled_model.py); the default when no model is given. */
export function bundledModelDir(extensionOrRepoRoot: string): string {
  return path.join(extensionOrRepoRoot, 'models', 'tunelab-tiny-llama');
}

/** The bundled chat dataset (made by scripts/make_sample_data.py). */
export function sampleData(extensionOrRepoRoot: string): { train: string; eval: string } {
  return {
    train: path.join(extensionOrRepoRoot, 'samples', 'train.jsonl'),
    eval: path.join(extensionOrRepoRoot, 'samples', 'eval.jsonl'),
  };
}

/**
 * `tunelab demo`: a short run of the bundled model on the sample data that should end with a tuned
 * eval loss clearly below the base one, in minutes on a CPU.
 */
export const DEMO_SETTINGS: Partial<RunConfig> = {
  lora_r: 8,
  lora_alpha: 16,
  learning_rate: 2e-3, // high for LoRA, fine for a tiny model and few steps
  epochs: 3,
  effective_batch_size: 16,
  micro_batch_size: 8,
  max_seq_length: 256,
};
