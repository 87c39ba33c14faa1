// `tunelab estimate RUN`: the memory estimate next to the GPUs found (real Python when the Tunelab venv has torch).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatEstimate } from '../../src/cli/estimate';
import { completeConfig } from '../../src/core/config';
import { tunelabVenvPython } from '../../src/core/python';
import { runCli, type CliResult } from './support/run-cli';

const REPO = path.join(__dirname, '..', '..', '..');
const PYTHON = process.env.TUNELAB_PYTHON || tunelabVenvPython();
const hasTorch = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { timeout: 60_000 }).status === 0;

function tunelab(args: string[]): Promise<CliResult> {
  return runCli(args, { env: { TUNELAB_PYTHON: PYTHON }, timeoutMs: 90_000 });
}

test('the estimate in words: GPUs, where it fits, the parts', () => {
  const text = formatEstimate({
    gpus: [{ name: 'Tesla T4', memory_gb: 15.6 }],
    memory: {
      summary: 'needs about 19.5 GB: needs QLoRA on Tesla T4 (15.6 GB)', needs_gb: 19.5, alternatives_gb: { QLoRA: 9.1 },
      estimate: { weights: 2 * 1024 ** 3, trainable: 0, gradients: 0, optimizer: 0, activations: 1024 ** 3, logits: 0, overhead: 0.5 * 1024 ** 3 },
    },
  });
  assert.equal(text.split('\n')[0], 'GPUs: Tesla T4 (15.6 GB)');
  assert.equal(text.split('\n')[1], 'needs about 19.5 GB: needs QLoRA on Tesla T4 (15.6 GB)');
  assert.match(text, /^ {2}weights {5}2\.00 GB$/m);
  assert.match(text, /^ {2}with QLoRA: 9\.1 GB$/m);
  assert.equal(formatEstimate({ gpus: [], memory: { error: 'config.json has 1 problem' } }),
    'GPUs: none found (common sizes below)\nno estimate: config.json has 1 problem');
});

test('tunelab estimate RUN on the bundled model', { skip: !hasTorch && 'no Python with torch' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-estimate-'));
  const data = path.join(dir, 'train.jsonl');
  fs.writeFileSync(data, '{"text": "hello"}\n');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(completeConfig({ model: path.join(REPO, 'models', 'tunelab-tiny-llama'), train_file: data })));
  const r = await tunelab(['estimate', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { gpus: unknown[]; memory: { summary: string; estimate: { method: string; total_params: number } } };
  assert.equal(result.memory.estimate.method, 'lora');
  assert.ok(result.memory.estimate.total_params > 1e6);
  assert.match(result.memory.summary, /^needs about \d+\.\d GB: fits on 1x /);
  const missing = await tunelab(['estimate', path.join(dir, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no run ".*nope"/);
});
