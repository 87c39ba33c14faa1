import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LineSplitter, parseEventLine } from '../../src/core/events';

const t = 1732750000.5;
const VALID = [
  { type: 'start', run_id: 'r', model: '/m', device: 'cpu', dtype: 'float32', method: 'lora', task: 'sft', trainable_params: 10, total_params: 100,
    train_records: 8, eval_records: 2, total_steps: 6, effective_batch_size: 4, micro_batch_size: 2, grad_accum: 2, time: t },
  { type: 'step', step: 1, total_steps: 6, epoch: 0.17, loss: 2.5, lr: 0.001, grad_norm: 1.2, tokens: 512, tokens_per_s: 900.5, time: t },
  { type: 'eval', step: 0, eval_loss: 2.9, perplexity: 18.17, eval_tokens: 100, which: 'base', time: t },
  { type: 'checkpoint', step: 3, path: '/run/checkpoints/step-3', time: t },
  { type: 'done', status: 'completed', adapter_path: '/run/adapter', base_eval_loss: 2.9, base_perplexity: 18.17, eval_loss: 1.1,
    perplexity: 3.0, steps: 6, duration_s: 12.5, time: t },
  { type: 'error', kind: 'data', message: 'no valid records', hint: 'fix the dataset', time: t },
  { type: 'log', level: 'info', message: 'hello', time: t },
];

test('parses a valid line of each event type', () => {
  for (const event of VALID) {
    assert.deepEqual(parseEventLine(JSON.stringify(event)), event, event.type);
  }
  assert.deepEqual(parseEventLine(`  ${JSON.stringify(VALID[1])}\r`), VALID[1], 'surrounding blanks and CR are ignored');
  // Nulls the trainer writes for non-finite numbers keep the event.
  assert.equal(parseEventLine(JSON.stringify({ ...VALID[4], eval_loss: null }))?.type, 'done');
});

test('garbage, unknown types and events without their key fields give undefined', () => {
  const garbage = ['', '   ', 'Loading checkpoint shards: 100%', '{', '{"type": "step", "step": 1', 'null', '42', '"step"', '[{"type":"log"}]',
    '{"type": "nope", "time": 1}', '{"step": 1, "loss": 2}', '{"type": "toString"}', '{"type": "__proto__"}', '{"type": 5}',
    '{"type": "step", "step": "1", "loss": 2}', '{"type": "eval", "which": "base"}', '{"type": "error"}', '{"type": "done"}'];
  for (const line of garbage) assert.equal(parseEventLine(line), undefined, line);
});

test('LineSplitter joins partial lines and keeps the unfinished last line', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const text = VALID.map((e) => JSON.stringify(e)).join('\n');
  // Feed in awkward pieces: 7 bytes at a time.
  for (let i = 0; i < text.length; i += 7) s.push(text.slice(i, i + 7));
  assert.equal(lines.length, VALID.length - 1, 'the last line has no newline yet');
  s.push('\n');
  assert.deepEqual(lines.map((l) => parseEventLine(l)), VALID);
  s.push('{"type":"log","level":"info","message":"tail","time":1}');
  s.flush();
  assert.equal(parseEventLine(lines.at(-1) as string)?.type, 'log', 'flush emits the unterminated line');
});

test('LineSplitter decodes multi-byte characters split across Buffers and CRLF endings', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const bytes = Buffer.from('{"type":"log","level":"info","message":"Grüße 🚀","time":1}\r\nnext\n', 'utf8');
  const cut = bytes.indexOf(Buffer.from('ü')) + 1; // inside the two bytes of ü
  const cut2 = bytes.indexOf(Buffer.from('🚀')) + 2; // inside the four bytes of the emoji
  s.push(bytes.subarray(0, cut));
  s.push(bytes.subarray(cut, cut2));
  s.push(bytes.subarray(cut2));
  assert.deepEqual(lines, ['{"type":"log","level":"info","message":"Grüße 🚀","time":1}', 'next']);
  assert.equal(parseEventLine(lines[0])?.type, 'log');
});
