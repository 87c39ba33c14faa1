// Messages from the webview pages are untrusted input to the host: the guards must pass the real
// messages and drop everything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isFormConfig, isRunId, parseReportMessage, parseReportState, parseTrainingMessage, parseTrainingState,
} from '../../webview/protocol';

test('training messages: every valid kind passes, reduced to its known fields', () => {
  assert.deepEqual(parseTrainingMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseTrainingMessage({ type: 'stop', extra: 1 }), { type: 'stop' });
  assert.deepEqual(parseTrainingMessage({ type: 'showReport' }), { type: 'showReport' });
  assert.deepEqual(parseTrainingMessage({ type: 'browse', field: 'eval_file' }), { type: 'browse', field: 'eval_file' });
  const config = { model: '/m', train_file: '/t.jsonl', lora_r: 8, eval_file: null, gradient_checkpointing: true, target_modules: ['q_proj'] };
  assert.deepEqual(parseTrainingMessage({ type: 'start', config }), { type: 'start', config });
  assert.deepEqual(parseTrainingMessage({ type: 'edit', config }), { type: 'edit', config });
});

test('training messages: unknown types, wrong shapes and non-objects are dropped', () => {
  for (const bad of [
    null, undefined, 'ready', 42, [], {}, { type: 'Ready' }, { type: 'exec', command: 'rm' },
    { type: 'browse', field: 'output_dir' }, { type: 'browse' },
    { type: 'start' }, { type: 'edit' }, { type: 'start', config: 'lora_r=8' }, { type: 'start', config: [1, 2] },
    { type: 'start', config: { lora_r: { nested: true } } }, { type: 'start', config: { lr: Infinity } },
    { type: 'start', config: { model: 'x'.repeat(5000) } },
  ]) {
    assert.equal(parseTrainingMessage(bad), undefined, `accepted ${JSON.stringify(bad)}`);
  }
});

test('a config with too many keys is refused; unknown keys of reasonable size pass for validateConfig to name', () => {
  const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
  assert.equal(isFormConfig(many), false);
  assert.equal(isFormConfig({ lorra_r: 8 }), true);
});

test('report messages', () => {
  for (const type of ['ready', 'revealFolder', 'openLog', 'openTraining']) assert.deepEqual(parseReportMessage({ type }), { type });
  assert.equal(parseReportMessage({ type: 'start', config: {} }), undefined);
  assert.equal(parseReportMessage(null), undefined);
});

test('run ids: folder names only, never paths', () => {
  assert.ok(isRunId('20250101-120000-train'));
  assert.ok(isRunId('20250101-120000-my.data-2'));
  for (const bad of ['', '..', '../x', 'a/b', 'a\\b', '/abs', '.hidden', 'x'.repeat(300), 5]) assert.equal(isRunId(bad), false, String(bad));
});

test('panel states from a reload: valid ones are restored, tampered ones rejected', () => {
  const config = { train_file: '/d/train.jsonl', lora_r: 16 };
  assert.deepEqual(parseTrainingState({ version: 1, config }), { version: 1, config });
  assert.deepEqual(parseTrainingState({ version: 1, config, runId: '20250101-120000-train' }), { version: 1, config, runId: '20250101-120000-train' });
  assert.equal(parseTrainingState({ version: 1, config, runId: '../../etc' }), undefined);
  assert.equal(parseTrainingState({ version: 2, config }), undefined);
  assert.equal(parseTrainingState({ config }), undefined);
  assert.deepEqual(parseReportState({ version: 1, runId: 'r1' }), { version: 1, runId: 'r1' });
  assert.equal(parseReportState({ version: 1, runId: '/tmp/x' }), undefined);
});
