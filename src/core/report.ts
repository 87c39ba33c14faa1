// The run report: one self-contained HTML page (inline CSS, inline SVG, no scripts) built from the run's
// config, events and eval/metrics.json. Opened in a browser or shown in the editor's report panel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainerEvent, StepEvent, EvalEvent, StartEvent, DoneEvent } from './events';
import { readEvalMetrics, readEvents, REPORT_FILE, summarizeRun, type EvalMetrics, type RunSummary } from './runs';
import { earlyStopOf, formatDevice, formatEarlyStop, latestSamples, resumeLines } from './runFacts';

export type { EvalMetrics } from './runs';

export const METRIC_DEFINITIONS: Record<string, string> = {
  eval_loss: 'mean token negative log-likelihood over the assistant tokens of the eval split (text tokens for continued pre-training); lower is better',
  perplexity: 'exp(eval_loss): the model is as unsure as a uniform choice among this many tokens; lower is better',
};

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function formatNumber(v: unknown, digits = 4): string {
  if (!isNum(v)) return '–';
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** (tuned − base) / base, as a signed percentage. */
export function relativeChange(base: unknown, tuned: unknown): string {
  if (!isNum(base) || !isNum(tuned) || base === 0) return '–';
  const pct = ((tuned - base) / base) * 100;
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct).toFixed(1)}%`;
}

export function formatDuration(seconds: unknown): string {
  if (!isNum(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h ? `${h} h` : '', h || m ? `${m} min` : '', `${s % 60} s`].filter(Boolean);
  return parts.join(' ');
}

function runDuration(events: readonly TrainerEvent[]): number | undefined {
  const done = events.find((e): e is DoneEvent => e.type === 'done');
  if (done && isNum(done.duration_s)) return done.duration_s;
  const times = events.map((e) => e.time).filter(isNum);
  return times.length >= 2 ? Math.max(...times) - Math.min(...times) : undefined;
}

/** Evenly thins a series to at most `max` points, keeping the first and the last. */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  return out;
}

/** Training loss per step as an inline SVG line, with eval losses as dots. */
export function lossCurveSvg(events: readonly TrainerEvent[]): string {
  const steps = events.filter((e): e is StepEvent => e.type === 'step' && isNum(e.step) && isNum(e.loss));
  const evals = events.filter((e): e is EvalEvent => e.type === 'eval' && isNum(e.step) && isNum(e.eval_loss));
  if (steps.length === 0) return '<p class="muted">No training steps were recorded.</p>';
  const W = 640, H = 240, left = 56, right = 16, top = 12, bottom = 36;
  const xs = [...steps.map((s) => s.step), ...evals.map((e) => e.step)];
  const ys = [...steps.map((s) => s.loss), ...evals.map((e) => e.eval_loss)];
  const [x0, x1] = [Math.min(0, ...xs), Math.max(...xs, 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (x: number): number => left + ((x - x0) / (x1 - x0 || 1)) * (W - left - right);
  const py = (y: number): number => top + (1 - (y - y0) / (y1 - y0)) * (H - top - bottom);
  const f = (n: number): string => n.toFixed(1);
  const line = thin(steps, 600).map((s) => `${f(px(s.step))},${f(py(s.loss))}`).join(' ');
  const ticks = [y0 + pad, (y0 + y1) / 2, y1 - pad];
  const yTicks = ticks.map((t) => `<line x1="${left}" x2="${W - right}" y1="${f(py(t))}" y2="${f(py(t))}" class="grid"/>`
    + `<text x="${left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${escapeHtml(formatNumber(t, 3))}</text>`).join('');
  const xLabels = `<text x="${left}" y="${H - bottom + 16}" text-anchor="start">${x0}</text>`
    + `<text x="${W - right}" y="${H - bottom + 16}" text-anchor="end">${x1}</text>`
    + `<text x="${(left + W - right) / 2}" y="${H - 4}" text-anchor="middle">step</text>`;
  const dots = evals.map((e) => `<circle cx="${f(px(e.step))}" cy="${f(py(e.eval_loss))}" r="4" class="eval-${e.which === 'base' ? 'base' : 'tuned'}">`
    + `<title>${escapeHtml(`${e.which} eval loss ${formatNumber(e.eval_loss)} at step ${e.step}`)}</title></circle>`).join('');
  const legend = `<g class="legend"><line x1="${W - 300}" x2="${W - 280}" y1="${top + 6}" y2="${top + 6}" class="train"/>`
    + `<text x="${W - 276}" y="${top + 10}">training loss</text>`
    + (evals.some((e) => e.which === 'base') ? `<circle cx="${W - 186}" cy="${top + 6}" r="4" class="eval-base"/><text x="${W - 178}" y="${top + 10}">base eval</text>` : '')
    + (evals.some((e) => e.which !== 'base') ? `<circle cx="${W - 100}" cy="${top + 6}" r="4" class="eval-tuned"/><text x="${W - 92}" y="${top + 10}">tuned eval</text>` : '')
    + '</g>';
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="training loss by step">`
    + `${yTicks}<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" class="axis"/>`
    + `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" class="axis"/>${xLabels}`
    + `<polyline points="${line}" class="train"/>${dots}${legend}</svg>`;
}

const row = (label: string, value: string): string => `<tr><th scope="row">${escapeHtml(label)}</th><td>${value}</td></tr>`;

function runTable(summary: RunSummary, start: StartEvent | undefined, events: readonly TrainerEvent[]): string {
  const c = summary.config;
  const rows: string[] = [row('Run', `<code>${escapeHtml(summary.id)}</code>`), row('Status', `<span class="status ${escapeHtml(summary.status)}">${escapeHtml(summary.status)}</span>`)];
  if (c) {
    rows.push(row('Model', `<code>${escapeHtml(c.model)}</code>`));
    rows.push(row('Training data', `<code>${escapeHtml(c.train_file)}</code>${start ? ` (${escapeHtml(start.train_records)} records)` : ''}`));
    rows.push(row('Eval data', c.eval_file ? `<code>${escapeHtml(c.eval_file)}</code>${start ? ` (${escapeHtml(start.eval_records)} records)` : ''}`
      : `${escapeHtml(formatNumber((c.eval_fraction ?? 0) * 100, 1))}% held out of the training data${start ? ` (${escapeHtml(start.eval_records)} records)` : ''}`));
    const modules = Array.isArray(c.target_modules) ? c.target_modules.join(', ') : c.target_modules;
    rows.push(row('Method', `${escapeHtml(c.method)} (r ${escapeHtml(c.lora_r)}, alpha ${escapeHtml(c.lora_alpha)}, dropout ${escapeHtml(c.lora_dropout)}, modules ${escapeHtml(modules)})`));
    rows.push(row('Task', escapeHtml(start?.task ?? c.task)));
    rows.push(row('Optimisation', `learning rate ${escapeHtml(c.learning_rate)} (${escapeHtml(c.lr_scheduler)}, warmup ${escapeHtml(c.warmup_ratio)}), `
      + `${escapeHtml(c.max_steps ?? `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`)}${c.max_steps ? ' steps max' : ''}, batch ${escapeHtml(c.effective_batch_size)} `
      + `(micro ${escapeHtml(c.micro_batch_size)}), max ${escapeHtml(c.max_seq_length)} tokens, seed ${escapeHtml(c.seed)}`));
  }
  if (start) {
    rows.push(row('Device', escapeHtml(formatDevice(start))));
    if (isNum(start.trainable_params) && isNum(start.total_params) && start.total_params > 0) {
      rows.push(row('Trainable parameters', `${escapeHtml(start.trainable_params.toLocaleString('en'))} of ${escapeHtml(start.total_params.toLocaleString('en'))} `
        + `(${escapeHtml(formatNumber((100 * start.trainable_params) / start.total_params, 3))}%)`));
    }
  }
  if (summary.step !== undefined) rows.push(row('Steps', `${escapeHtml(summary.step)}${summary.totalSteps !== undefined ? ` of ${escapeHtml(summary.totalSteps)}` : ''}`));
  if (summary.startedAt !== undefined) rows.push(row('Started', escapeHtml(new Date(summary.startedAt * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))));
  rows.push(row('Duration', escapeHtml(formatDuration(runDuration(events)))));
  const done = events.filter((e): e is DoneEvent => e.type === 'done').pop();
  const early = done && earlyStopOf(done, events);
  if (early) rows.push(row('Early stopping', escapeHtml(formatEarlyStop(early))));
  const resumes = resumeLines(events);
  if (resumes.length) rows.push(row('Resumed', resumes.map((l) => escapeHtml(l)).join('<br>')));
  return `<table class="facts">${rows.join('')}</table>`;
}

function metricsTable(summary: RunSummary, metrics: EvalMetrics | undefined): string {
  const base = { loss: metrics?.base?.eval_loss ?? summary.baseEvalLoss, ppl: metrics?.base?.perplexity ?? summary.basePerplexity };
  const tuned = { loss: metrics?.tuned?.eval_loss ?? summary.evalLoss, ppl: metrics?.tuned?.perplexity ?? summary.perplexity };
  if (!isNum(base.loss) && !isNum(tuned.loss)) return '<p class="muted">No evaluation was recorded for this run.</p>';
  const better = (b: unknown, t: unknown): string => (isNum(b) && isNum(t) ? (t < b ? ' class="better"' : t > b ? ' class="worse"' : '') : '');
  const line = (name: string, b: unknown, t: unknown, digits: number): string =>
    `<tr><th scope="row">${name}</th><td>${escapeHtml(formatNumber(b, digits))}</td><td>${escapeHtml(formatNumber(t, digits))}</td>`
    + `<td${better(b, t)}>${escapeHtml(relativeChange(b, t))}</td></tr>`;
  const size = metrics && isNum(metrics.eval_records)
    ? `<p class="muted">${escapeHtml(metrics.eval_records)} eval records, ${escapeHtml(isNum(metrics.eval_tokens) ? metrics.eval_tokens.toLocaleString('en') : '–')} scored tokens.</p>`
    : '';
  return '<table class="metrics"><thead><tr><th>Metric</th><th>Base model</th><th>Fine-tuned</th><th>Change</th></tr></thead><tbody>'
    + line('eval loss', base.loss, tuned.loss, 4) + line('perplexity', base.ppl, tuned.ppl, 2) + `</tbody></table>${size}`;
}

/** The latest tuned eval's greedy generations: what the fine-tuned model writes for eval prompts. */
export function samplesTable(events: readonly TrainerEvent[]): string {
  const samples = latestSamples(events);
  if (!samples.length) return '';
  const rows = samples.map((x) => `<tr><td>${escapeHtml(x.step)}</td><td><pre>${escapeHtml(x.prompt)}</pre></td><td><pre>${escapeHtml(x.completion)}</pre></td></tr>`).join('');
  return `<h2>Eval samples (greedy, step ${escapeHtml(samples[0].step)})</h2>`
    + `<table class="metrics samples"><thead><tr><th>Step</th><th>Prompt</th><th>Completion</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE = `
:root { color-scheme: light dark; }
body { font: 14px/1.5 var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-editor-foreground, #1f2328);
  background: var(--vscode-editor-background, #fff); max-width: 900px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 4px 12px 4px 0; vertical-align: top; }
table.metrics th, table.metrics td { border-bottom: 1px solid rgba(128,128,128,.35); padding: 6px 16px 6px 0; }
table.metrics td { font-variant-numeric: tabular-nums; }
table.facts th { font-weight: 600; white-space: nowrap; }
code { font-family: var(--vscode-editor-font-family, ui-monospace, monospace); font-size: 13px; word-break: break-all; }
.muted { opacity: .75; } .better { color: #1a7f37; font-weight: 600; } .worse { color: #cf222e; font-weight: 600; }
.status { font-weight: 600; } .status.completed { color: #1a7f37; } .status.failed, .status.interrupted { color: #cf222e; }
.error { border-left: 4px solid #cf222e; padding: 8px 12px; background: rgba(207,34,46,.08); }
svg.chart { max-width: 100%; height: auto; font-size: 11px; }
svg text { fill: currentColor; } .axis { stroke: currentColor; stroke-width: 1; opacity: .6; } .grid { stroke: currentColor; opacity: .12; }
.train { fill: none; stroke: #0969da; stroke-width: 1.8; } .eval-tuned { fill: #bf8700; } .eval-base { fill: #8250df; }
table.samples pre { white-space: pre-wrap; margin: 0; font: inherit; }
dt { font-weight: 600; } dd { margin: 0 0 8px 16px; }
`;

/** The whole report page. Every piece of user or trainer text is escaped. */
export function renderReportHtml(summary: RunSummary, metrics: EvalMetrics | undefined, events: TrainerEvent[]): string {
  const start = events.find((e): e is StartEvent => e.type === 'start');
  const definitions = { ...METRIC_DEFINITIONS, ...(metrics?.definitions ?? {}) };
  const errorBlock = summary.error
    ? `<section class="error"><h2>Error (${escapeHtml(summary.error.kind)})</h2><p>${escapeHtml(summary.error.message)}</p>`
      + (summary.error.hint ? `<p><strong>What to do:</strong> ${escapeHtml(summary.error.hint)}</p>` : '') + '</section>'
    : summary.status === 'interrupted'
      ? '<section class="error"><h2>Interrupted</h2><p>The trainer stopped without finishing or reporting an error (the process was killed or the machine restarted). See trainer.log in the run folder.</p></section>'
      : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tunelab report: ${escapeHtml(summary.id)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Tunelab run report</h1>
<p class="muted"><code>${escapeHtml(summary.dir)}</code></p>
${errorBlock}
<h2>Evaluation: base model vs fine-tuned</h2>
${metricsTable(summary, metrics)}
<h2>Training loss</h2>
${lossCurveSvg(events)}
${samplesTable(events)}
<h2>Run</h2>
${runTable(summary, start, events)}
<h2>Definitions</h2>
<dl>${Object.entries(definitions).map(([k, v]) => `<dt>${escapeHtml(k.replace(/_/g, ' '))}</dt><dd>${escapeHtml(v)}</dd>`).join('')}
<dt>change</dt><dd>(fine-tuned − base) / base; negative means the fine-tuned model is better on loss and perplexity</dd></dl>
</body>
</html>
`;
}

/** Writes `<run>/eval/report.html` and returns its path. */
export function writeReport(runDir: string): string {
  const events = readEvents(runDir);
  const html = renderReportHtml(summarizeRun(runDir, events), readEvalMetrics(runDir), events);
  const file = path.join(runDir, REPORT_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, html);
  return file;
}
