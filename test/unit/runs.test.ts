import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completeConfig } from '../../src/core/config';
import type { TrainerEvent } from '../../src/core/events';
import { createRun, followEvents, listRuns, readEvents, runsRoot, runStatus, summarizeRun } from '../../src/core/runs';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-runs-'));
const config = (train = '/data/My Data.jsonl') => completeConfig({ model: '/m', train_file: train });
const line = (e: object): string => JSON.stringify(e) + '\n';
const start = { type: 'start', run_id: 'r', model: '/m', device: 'cpu', dtype: 'float32', method: 'lora', task: 'sft', trainable_params: 1,
  total_params: 10, train_records: 4, eval_records: 1, total_steps: 6, effective_batch_size: 2, micro_batch_size: 1, grad_accum: 2, time: 1000 };
const step = (n: number, loss: number) => ({ type: 'step', step: n, total_steps: 6, epoch: n / 3, loss, lr: 1e-3, grad_norm: 1, tokens: n * 100, tokens_per_s: 50, time: 1000 + n });
const baseEval = { type: 'eval', step: 0, eval_loss: 3, perplexity: 20.09, eval_tokens: 50, which: 'base', time: 1000.5 };
const done = (status: 'completed' | 'stopped') => ({ type: 'done', status, adapter_path: '/a', base_eval_loss: 3, base_perplexity: 20.09,
  eval_loss: 1.5, perplexity: 4.48, steps: 6, duration_s: 9, time: 1010 });
const error = { type: 'error', kind: 'oom', message: 'CUDA out of memory', hint: 'lower micro_batch_size', time: 1005 };

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid as number;
}

function writeRun(ws: string, id: string, events: object[], pid?: number): string {
  const dir = path.join(runsRoot(ws), id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config()));
  fs.writeFileSync(path.join(dir, 'events.jsonl'), events.map(line).join(''));
  if (pid !== undefined) fs.writeFileSync(path.join(dir, 'pid'), `${pid}\n`);
  return dir;
}

test('runStatus: the last terminal event decides; without one, a live trainer means running', () => {
  const ev = (...e: object[]) => e as TrainerEvent[];
  assert.equal(runStatus(ev(start, step(1, 2), done('completed')), false), 'completed');
  assert.equal(runStatus(ev(start, done('stopped')), false), 'stopped');
  assert.equal(runStatus(ev(start, step(1, 2), error), false), 'failed');
  assert.equal(runStatus(ev(start, step(1, 2)), true), 'running');
  assert.equal(runStatus(ev(start, step(1, 2)), false), 'interrupted');
  assert.equal(runStatus([], false), 'interrupted', 'an empty folder never looks like a success');
  // Events after the terminal one (a later eval) do not change it.
  assert.equal(runStatus(ev(start, done('completed'), baseEval), false), 'completed');
});

test('summarizeRun derives each terminal case from the folder, including a dead pid', () => {
  const ws = tmp();
  const completed = summarizeRun(writeRun(ws, 'a', [start, baseEval, step(1, 2.5), step(6, 1.2), done('completed')]));
  assert.equal(completed.status, 'completed');
  assert.equal(completed.step, 6);
  assert.equal(completed.totalSteps, 6);
  assert.equal(completed.loss, 1.2);
  assert.equal(completed.baseEvalLoss, 3);
  assert.equal(completed.evalLoss, 1.5);
  assert.equal(completed.perplexity, 4.48);
  assert.equal(completed.startedAt, 1000);
  assert.equal(completed.config?.train_file, '/data/My Data.jsonl');

  assert.equal(summarizeRun(writeRun(ws, 'b', [start, done('stopped')])).status, 'stopped');

  const failed = summarizeRun(writeRun(ws, 'c', [start, step(1, 2), error]));
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.error, { kind: 'oom', message: 'CUDA out of memory', hint: 'lower micro_batch_size' });

  assert.equal(summarizeRun(writeRun(ws, 'd', [start, step(1, 2)], process.pid)).status, 'running', 'pid alive');
  assert.equal(summarizeRun(writeRun(ws, 'e', [start, step(1, 2)], deadPid())).status, 'interrupted', 'pid dead');
  assert.equal(summarizeRun(writeRun(ws, 'f', [start, step(1, 2)])).status, 'interrupted', 'no pid file');
  assert.equal(summarizeRun(writeRun(ws, 'g', [start, done('completed')], process.pid)).status, 'completed', 'done wins over a live pid');
});

test('eval/metrics.json, when present, gives the eval numbers', () => {
  const dir = writeRun(tmp(), 'a', [start, done('completed')]);
  fs.mkdirSync(path.join(dir, 'eval'));
  fs.writeFileSync(path.join(dir, 'eval', 'metrics.json'), JSON.stringify({ eval_records: 1, eval_tokens: 5,
    base: { eval_loss: 2.8, perplexity: 16.44 }, tuned: { eval_loss: 1.2, perplexity: 3.32 } }));
  const s = summarizeRun(dir);
  assert.equal(s.baseEvalLoss, 2.8);
  assert.equal(s.evalLoss, 1.2);
  assert.equal(s.perplexity, 3.32);
});

test('readEvents skips garbage and an unfinished last line', () => {
  const dir = path.join(tmp(), 'run');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'events.jsonl'), line(start) + 'not json\n\n' + line(step(1, 2)) + '{"type":"step","st');
  assert.deepEqual(readEvents(dir).map((e) => e.type), ['start', 'step']);
  assert.deepEqual(readEvents(path.join(dir, 'missing')), []);
});

test('createRun names the folder by time and dataset, writes config.json, and adds a suffix on collision', () => {
  const ws = tmp();
  const now = new Date(2025, 0, 2, 3, 4, 5);
  const cfg = config();
  const first = createRun(ws, cfg, now);
  assert.equal(first.id, '20250102-030405-My-Data');
  assert.equal(first.dir, path.join(ws, '.tunelab', 'runs', first.id));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(first.dir, 'config.json'), 'utf8')), cfg);
  assert.equal(createRun(ws, cfg, now).id, '20250102-030405-My-Data-2');
  assert.equal(createRun(ws, cfg, now).id, '20250102-030405-My-Data-3');
  assert.equal(createRun(ws, config('/x/.jsonl'), now).id, '20250102-030405-run', 'a name with no stem still gives an id');
});

test('listRuns lists newest first, and collision suffixes after their base', () => {
  const ws = tmp();
  assert.deepEqual(listRuns(ws), [], 'no runs folder yet');
  const times = [new Date(2025, 5, 1, 12, 0, 0), new Date(2024, 11, 31, 23, 59, 59), new Date(2025, 5, 1, 9, 30, 0)];
  for (const t of times) createRun(ws, config('/d/train.jsonl'), t);
  for (let i = 0; i < 10; i++) createRun(ws, config('/d/train.jsonl'), times[0]);
  fs.writeFileSync(path.join(runsRoot(ws), 'stray-file.txt'), 'not a run');
  const ids = listRuns(ws).map((r) => r.id);
  assert.deepEqual(ids, [
    ...[11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((n) => `20250601-120000-train-${n}`),
    '20250601-120000-train', '20250601-093000-train', '20241231-235959-train',
  ]);
  assert.ok(listRuns(ws).every((r) => r.status === 'interrupted'), 'folders without events never look successful');
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('followEvents replays what is there, then tails appended lines, including one written in pieces', async () => {
  const dir = path.join(tmp(), 'run');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'events.jsonl');
  fs.writeFileSync(file, line(start) + line(step(1, 2.5)));
  const seen: TrainerEvent[] = [];
  const follower = followEvents(dir, (e) => seen.push(e), { pollMs: 20 });
  try {
    assert.deepEqual(seen.map((e) => e.type), ['start', 'step'], 'replayed synchronously');
    const next = line(step(2, 2.1));
    fs.appendFileSync(file, next.slice(0, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(seen.length, 2, 'a partial line is not an event yet');
    fs.appendFileSync(file, next.slice(20) + 'garbage line\n' + line(done('completed')));
    await waitFor(() => seen.length === 4);
    assert.deepEqual(seen.map((e) => e.type), ['start', 'step', 'step', 'done']);
    assert.equal(seen[2].type === 'step' && seen[2].loss, 2.1);
  } finally {
    follower.dispose();
  }
  fs.appendFileSync(file, line(baseEval));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(seen.length, 4, 'nothing arrives after dispose');
});

test('followEvents waits for an events file that does not exist yet', async () => {
  const dir = path.join(tmp(), 'run');
  fs.mkdirSync(dir);
  const seen: string[] = [];
  const follower = followEvents(dir, (e) => seen.push(e.type), { pollMs: 20 });
  try {
    fs.writeFileSync(path.join(dir, 'events.jsonl'), line(start));
    await waitFor(() => seen.length === 1);
    assert.deepEqual(seen, ['start']);
  } finally {
    follower.dispose();
  }
});
