// `tunelab export`: usage errors, the trainer's refusal to merge prefix/prompt adapters (real Python when the
// Tunelab venv exists), and the text for people. The merge itself is tested in trainer/tests/test_export.py.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatExportResult } from '../../src/cli/export';
import { completeConfig } from '../../src/core/config';
import { tunelabVenvPython } from '../../src/core/python';
import { runCli, type CliResult } from './support/run-cli';

const REPO = path.join(__dirname, '..', '..', '..');
const VENV_PYTHON = process.env.TUNELAB_PYTHON || tunelabVenvPython();

function tunelab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, { env, timeoutMs: 60_000 });
}

function run(method: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-export-'));
  const data = path.join(dir, 'train.jsonl');
  fs.writeFileSync(data, '{"text": "hello"}\n');
  const config = completeConfig({ model: path.join(REPO, 'models', 'tunelab-tiny-llama'), train_file: data, method: method as 'lora', max_seq_length: 128 });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.mkdirSync(path.join(dir, 'adapter'));
  return dir;
}

test('export usage errors say what to give', async () => {
  const none = await tunelab(['export']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /tunelab: name one run/);
  const unknown = await tunelab(['export', '/nonexistent/run-1']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no run "\/nonexistent\/run-1": give a run id/);
  const outOnly = await tunelab(['export', run('lora'), '--out', '/tmp/x']);
  assert.equal(outOnly.code, 2);
  assert.match(outOnly.stderr, /--out is the folder of the merged model: add --merge/);
});

test('prefix and prompt tuning adapters are not merged, with a clear message', { skip: !fs.existsSync(VENV_PYTHON) && 'no Tunelab venv' }, async () => {
  for (const method of ['prefix', 'prompt']) {
    const r = await tunelab(['export', run(method), '--merge'], { TUNELAB_PYTHON: VENV_PYTHON });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`tunelab: A ${method} tuning adapter cannot be merged into the model`));
    assert.match(r.stderr, /PeftModel\.from_pretrained/);
  }
});

test('the result in words: merged path, and each convention problem by tool', () => {
  const text = formatExportResult({
    type: 'export', path: '/runs/r1/merged', method: 'dora', dtype: 'bfloat16', adapter: '/runs/r1/adapter',
    conventions: [{ tool: 'vllm', level: 'error', message: 'vLLM does not load DoRA adapters' }],
  });
  assert.equal(text, 'merged model (dora, bfloat16): /runs/r1/merged\nadapter: /runs/r1/adapter\nerror (vllm): vLLM does not load DoRA adapters');
  assert.match(formatExportResult({ type: 'export', path: null, adapter: '/a', conventions: [] }), /loads in PEFT, vLLM and llama\.cpp/);
});
