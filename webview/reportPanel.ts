// The run report page: base vs fine-tuned eval loss and perplexity, the loss curve, the configuration,
// and the error of a failed run. Browser code only; data comes from src/host/reportPanel.ts.
// Stable ids for UI tests: #report-title, #metrics-table, #loss-chart[data-points], #config-table, #error.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { RunConfig } from '../src/core/config';
import { LossChart } from './lossChart';
import { formatChange, formatLoss, relativeChange } from './progress';
import type { HostToReport, Notice, ReportData, ReportPanelState, ReportToHost } from './protocol';
import { byId, escapeHtml, vscodeApi } from './vscodeApi';

const vscode = vscodeApi<ReportPanelState>();
const post = (message: ReportToHost): void => vscode.postMessage(message);

byId('app').innerHTML = `
  <h1 id="report-title">Run report</h1>
  <div id="report-status" class="status"></div>
  <div id="error" class="error" role="alert" hidden><span class="error-kind"></span><span class="error-message"></span><div class="error-hint"></div></div>
  <h2>Evaluation</h2>
  <table id="metrics-table" class="metrics"></table>
  <p id="metric-definitions" class="hint"></p>
  <h2>Loss</h2>
  <div class="chart-box"><canvas id="loss-chart" data-points="0" aria-label="training and eval loss per step"></canvas></div>
  <h2>Configuration</h2>
  <table id="config-table" class="config"></table>
  <div class="actions">
    <vscode-button id="reveal-button" secondary>Reveal Run Folder</vscode-button>
    <vscode-button id="log-button" secondary>Open Trainer Log</vscode-button>
    <vscode-button id="training-button" secondary hidden>Open Training Panel</vscode-button>
  </div>`;

const chart = new LossChart(byId<HTMLCanvasElement>('loss-chart'));

const STATUS_TEXT: Record<string, string> = {
  running: 'Training…',
  completed: 'Completed',
  stopped: 'Stopped before the end (the adapter holds the last checkpoint)',
  failed: 'Failed',
  interrupted: 'Interrupted: the trainer ended without reporting (see the trainer log)',
};

function showError(notice: Notice | undefined): void {
  const el = byId('error');
  el.hidden = !notice;
  el.querySelector('.error-kind')!.textContent = notice?.kind ? `${notice.kind} error: ` : '';
  el.querySelector('.error-message')!.textContent = notice?.message ?? '';
  el.querySelector('.error-hint')!.textContent = notice?.hint ?? '';
}

function metricRow(name: string, base: number | undefined, tuned: number | undefined, lowerIsBetter = true): string {
  const change = relativeChange(base, tuned);
  const better = change === undefined ? '' : (change < 0) === lowerIsBetter ? 'better' : change === 0 ? '' : 'worse';
  return `<tr data-metric="${escapeHtml(name)}"><th scope="row">${escapeHtml(name)}</th><td class="num">${formatLoss(base)}</td>`
    + `<td class="num">${formatLoss(tuned)}</td><td class="num change ${better}">${formatChange(change)}</td></tr>`;
}

const CONFIG_ROWS: [keyof RunConfig, string][] = [
  ['model', 'Model'], ['train_file', 'Training data'], ['eval_file', 'Evaluation data'], ['method', 'Method'],
  ['lora_r', 'Rank (r)'], ['lora_alpha', 'Alpha'], ['lora_dropout', 'Dropout'], ['target_modules', 'Target modules'],
  ['learning_rate', 'Learning rate'], ['lr_scheduler', 'Scheduler'], ['epochs', 'Epochs'], ['max_steps', 'Max steps'],
  ['effective_batch_size', 'Effective batch size'], ['micro_batch_size', 'Micro-batch size'],
  ['max_seq_length', 'Max sequence length'], ['gradient_checkpointing', 'Gradient checkpointing'], ['device', 'Device'], ['seed', 'Seed'],
];

function render(report: ReportData): void {
  const { summary, metrics } = report;
  byId('report-title').textContent = `Run ${summary.id}`;
  const status = byId('report-status');
  status.dataset.state = summary.status;
  const steps = summary.step !== undefined ? ` · ${summary.step}${summary.totalSteps ? `/${summary.totalSteps}` : ''} steps` : '';
  const started = summary.startedAt ? ` · started ${new Date(summary.startedAt * 1000).toLocaleString()}` : '';
  status.textContent = `${STATUS_TEXT[summary.status] ?? summary.status}${steps}${started}`;
  showError(summary.error ? { level: 'error', kind: summary.error.kind, message: summary.error.message, hint: summary.error.hint } : undefined);

  const baseLoss = metrics?.base?.eval_loss ?? summary.baseEvalLoss;
  const tunedLoss = metrics?.tuned?.eval_loss ?? summary.evalLoss;
  const basePpl = metrics?.base?.perplexity ?? summary.basePerplexity;
  const tunedPpl = metrics?.tuned?.perplexity ?? summary.perplexity;
  const table = byId('metrics-table');
  if (baseLoss === undefined && tunedLoss === undefined) {
    table.innerHTML = '<tr><td>No evaluation yet: the trainer evaluates the base model before training and the fine-tuned one at the end.</td></tr>';
  } else {
    table.innerHTML = '<thead><tr><th></th><th scope="col">Base model</th><th scope="col">Fine-tuned</th><th scope="col">Change</th></tr></thead><tbody>'
      + metricRow('eval loss', baseLoss, tunedLoss) + metricRow('perplexity', basePpl, tunedPpl) + '</tbody>';
  }
  const definitions = metrics?.definitions ?? {
    eval_loss: 'mean token negative log-likelihood over the tokens that carry loss (assistant tokens for chat data)',
    perplexity: 'exp(eval loss)',
  };
  const counts = metrics ? ` Measured on ${metrics.eval_records} records, ${metrics.eval_tokens} tokens.` : '';
  byId('metric-definitions').textContent = Object.entries(definitions).map(([k, v]) => `${k.replace('_', ' ')}: ${v}.`).join(' ') + counts;

  chart.setSeries(report.loss, report.evalLoss.base, report.evalLoss.tuned);

  const cfg = summary.config;
  byId('config-table').innerHTML = cfg
    ? CONFIG_ROWS.map(([key, label]) => {
      const v = cfg[key];
      const text = v === null || v === undefined ? '–' : Array.isArray(v) ? v.join(', ') : String(v);
      return `<tr data-key="${key}"><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(text)}</td></tr>`;
    }).join('')
    : '<tr><td>config.json is missing or unreadable.</td></tr>';
  byId('training-button').hidden = summary.status !== 'running';
}

window.addEventListener('message', (event: MessageEvent<HostToReport>) => {
  const msg = event.data;
  if (msg.type === 'report') {
    vscode.setState({ version: 1, runId: msg.report.summary.id });
    render(msg.report);
  } else if (msg.type === 'notice') {
    showError(msg.notice);
  }
});
byId('reveal-button').addEventListener('click', () => post({ type: 'revealFolder' }));
byId('log-button').addEventListener('click', () => post({ type: 'openLog' }));
byId('training-button').addEventListener('click', () => post({ type: 'openTraining' }));
post({ type: 'ready' });
