import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completeConfig } from '../../src/core/config';
import type { TrainerEvent } from '../../src/core/events';
import { escapeHtml, relativeChange, renderReportHtml, writeReport } from '../../src/core/report';
import type { RunSummary } from '../../src/core/runs';

const EVIL = '<script>alert("x")</script>&';
const events = [
  { type: 'start', run_id: 'r', model: '/m', device: 'cpu', dtype: 'float32', method: 'lora', task: 'sft', trainable_params: 1000,
    total_params: 100000, train_records: 40, eval_records: 8, total_steps: 30, effective_batch_size: 16, micro_batch_size: 8, grad_accum: 2, time: 100 },
  { type: 'eval', step: 0, eval_loss: 2.9, perplexity: 18.17, eval_tokens: 500, which: 'base', time: 101 },
  ...Array.from({ length: 30 }, (_, i) => ({ type: 'step', step: i + 1, total_steps: 30, epoch: (i + 1) / 10, loss: 3 - i * 0.06, lr: 2e-3,
    grad_norm: 1, tokens: (i + 1) * 1000, tokens_per_s: 800, time: 102 + i })),
  { type: 'eval', step: 30, eval_loss: 1.45, perplexity: 4.26, eval_tokens: 500, which: 'tuned', time: 133 },
  { type: 'done', status: 'completed', adapter_path: '/r/adapter', base_eval_loss: 2.9, base_perplexity: 18.17, eval_loss: 1.45,
    perplexity: 4.26, steps: 30, duration_s: 3725, time: 134 },
] as TrainerEvent[];

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    id: `run-${EVIL}`, dir: `/ws/.tunelab/runs/${EVIL}`, status: 'completed', startedAt: 100, step: 30, totalSteps: 30, loss: 1.26,
    baseEvalLoss: 2.9, evalLoss: 1.45, basePerplexity: 18.17, perplexity: 4.26,
    config: completeConfig({ model: `/models/${EVIL}`, train_file: `/data/${EVIL}.jsonl`, lora_r: 8, learning_rate: 2e-3 }),
    ...over,
  };
}

test('escapeHtml escapes the five HTML specials', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('relativeChange is signed and relative to the base', () => {
  assert.equal(relativeChange(2, 1), '−50.0%');
  assert.equal(relativeChange(2, 3), '+50.0%');
  assert.equal(relativeChange(undefined, 3), '–');
  assert.equal(relativeChange(0, 3), '–');
});

test('the report escapes user text and runs no scripts', () => {
  const html = renderReportHtml(summary({ status: 'failed', error: { kind: 'data', message: EVIL, hint: `hint ${EVIL}` } }), undefined, events);
  assert.ok(!html.includes('<script'), 'no raw script tag anywhere');
  assert.ok(!html.includes(EVIL));
  assert.ok(html.includes(escapeHtml(`/models/${EVIL}`)), 'the model path is shown, escaped');
  assert.ok(html.includes(escapeHtml(`/data/${EVIL}.jsonl`)));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
  assert.match(html, /<section class="error"><h2>Error \(data\)<\/h2><p>&lt;script&gt;/);
  assert.ok(!/<link|src=|https?:\/\//.test(html), 'self-contained: nothing loaded from elsewhere');
});

test('the report shows base vs tuned metrics, the change, definitions, hyperparameters and duration', () => {
  const metrics = { eval_records: 8, eval_tokens: 500, base: { eval_loss: 2.9, perplexity: 18.17 }, tuned: { eval_loss: 1.45, perplexity: 4.26 },
    definitions: { eval_loss: 'mean token NLL over assistant tokens', perplexity: 'exp(eval_loss)' } };
  const html = renderReportHtml(summary(), metrics, events);
  const metricsRow = (name: string): string => (html.match(new RegExp(`<tr><th scope="row">${name}</th>(.*?)</tr>`)) ?? [''])[0];
  assert.match(metricsRow('eval loss'), /<td>2\.9000<\/td><td>1\.4500<\/td><td class="better">−50\.0%<\/td>/);
  assert.match(metricsRow('perplexity'), /<td>18\.17<\/td><td>4\.26<\/td><td class="better">−76\.6%<\/td>/);
  assert.match(html, /mean token NLL over assistant tokens/);
  assert.match(html, /exp\(eval_loss\)/);
  assert.match(html, /8 eval records, 500 scored tokens/);
  assert.match(html, /lora \(r 8, alpha 16, dropout 0\.05, modules all-linear\)/);
  assert.match(html, /learning rate 0\.002 \(cosine/);
  assert.match(html, /1 h 2 min 5 s/);
  assert.match(html, /class="status completed">completed</);
  assert.match(html, /1,000 of 100,000/);
  assert.ok(!html.includes('class="error"'), 'no error block for a completed run');
});

test('the loss curve is an inline SVG with one point per step and the eval losses as dots', () => {
  const html = renderReportHtml(summary(), undefined, events);
  const points = (html.match(/<polyline points="([^"]+)"/) ?? [])[1];
  assert.ok(points, 'has a polyline');
  const xy = points.split(' ').map((p) => p.split(',').map(Number));
  assert.equal(xy.length, 30);
  assert.ok(xy.every(([x, y], i) => i === 0 || (x > xy[i - 1][0] && y > xy[i - 1][1])), 'x grows with step; falling loss goes down the page (y grows)');
  assert.equal((html.match(/<circle cx=/g) ?? []).length, 2 + 2, 'base and tuned eval dots plus their legend dots');
  const noSteps = renderReportHtml(summary(), undefined, events.filter((e) => e.type !== 'step'));
  assert.match(noSteps, /No training steps were recorded/);
});

test('writeReport writes eval/report.html from the run folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-report-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(completeConfig({ model: '/m', train_file: '/t.jsonl' })));
  fs.writeFileSync(path.join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const file = writeReport(dir);
  assert.equal(file, path.join(dir, 'eval', 'report.html'));
  const html = fs.readFileSync(file, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<td>2\.9000<\/td><td>1\.4500<\/td>/, 'metrics from the done event when there is no metrics.json');
  assert.ok(html.includes(`<code>${path.basename(dir)}</code>`));
});
