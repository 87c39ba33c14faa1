// The training panel page: the run form, Start/Stop, the live loss chart and the status line.
// Browser code only; talks to src/host/trainingPanel.ts through the messages in ./protocol.
// Stable ids for UI tests: #start-button, #stop-button, #loss-chart[data-points], #status[data-state], #error,
// #row-<key> (hidden when the method does not use it), #problem-<key>, #problems, #accumulation, #estimate.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { ConfigProblem } from '../src/core/config';
import type { TrainerEvent } from '../src/core/events';
import type { RunStatus } from '../src/core/runs';
import {
  FORM_FIELDS, accumulationText, configToValues, isFieldShown, placeProblems, startAllowed, valuesToConfig,
  type FormField, type FormValues,
} from './formFields';
import { LossChart } from './lossChart';
import { RunProgress, formatStatus, type ProgressStatus } from './progress';
import { renderRunFacts, runFactsSkeleton } from './runFactsView';
import type { FormConfig, HostToTraining, Notice, TrainingPanelState, TrainingToHost } from './protocol';
import { byId, escapeHtml, vscodeApi } from './vscodeApi';

const vscode = vscodeApi<TrainingPanelState>();
const post = (message: TrainingToHost): void => vscode.postMessage(message);

const GROUPS: { id: FormField['group']; title: string }[] = [
  { id: 'data', title: 'Model and data' },
  { id: 'method', title: 'Method' },
  { id: 'optimization', title: 'Optimization' },
];

function fieldHtml(f: FormField): string {
  const id = `field-${f.key}`;
  let control: string;
  if (f.kind === 'boolean') {
    control = `<vscode-checkbox id="${id}" label="${escapeHtml(f.label)}"></vscode-checkbox>`;
  } else if (f.kind === 'select') {
    const options = (f.options ?? []).map((o) => `<vscode-option value="${escapeHtml(o.value)}">${escapeHtml(o.label)}</vscode-option>`).join('');
    control = `<vscode-single-select id="${id}">${options}</vscode-single-select>`;
  } else {
    control = `<vscode-textfield id="${id}"></vscode-textfield>`;
    if (f.browse) control += `<vscode-button secondary id="browse-${f.key}">Browse…</vscode-button>`;
  }
  const label = f.kind === 'boolean' ? '' : `<vscode-label for="${id}">${escapeHtml(f.label)}</vscode-label>`;
  return `<div class="field field-${f.kind}" id="row-${f.key}">${label}<div class="control">${control}</div>`
    + (f.hint ? `<div class="hint">${escapeHtml(f.hint)}</div>` : '')
    + (f.key === 'micro_batch_size' ? '<div class="hint derived" id="accumulation"></div>' : '')
    + `<div class="problem" id="problem-${f.key}" hidden></div></div>`;
}

function renderSkeleton(): void {
  const groups = GROUPS.map((g) => `<fieldset class="group" data-group="${g.id}"><legend>${g.title}</legend>`
    + FORM_FIELDS.filter((f) => f.group === g.id).map(fieldHtml).join('') + '</fieldset>').join('');
  byId('app').innerHTML = `
    <div id="trust-banner" class="banner" hidden>This workspace is not trusted: training runs Python code and model files, so it is disabled. Trust the workspace to train.</div>
    <form id="run-form">${groups}</form>
    <div id="problems" class="problems" hidden></div>
    <div class="actions">
      <vscode-button id="start-button">Start training</vscode-button>
      <vscode-button id="stop-button" secondary disabled>Stop</vscode-button>
      <vscode-button id="report-button" secondary hidden>Show Report</vscode-button>
    </div>
    <div id="estimate" class="hint" hidden></div>
    <div id="status" class="status" data-state="idle" role="status" aria-live="polite">Ready</div>
    <div id="error" class="error" role="alert" hidden><span class="error-kind"></span><span class="error-message"></span><div class="error-hint"></div></div>
    <div class="chart-box"><canvas id="loss-chart" data-points="0" aria-label="training and eval loss per step"></canvas></div>
    ${runFactsSkeleton()}`;
}

renderSkeleton();
const chart = new LossChart(byId<HTMLCanvasElement>('loss-chart'));
const startButton = byId<VscodeButton>('start-button');
const stopButton = byId<VscodeButton>('stop-button');
const reportButton = byId<VscodeButton>('report-button');
const statusEl = byId('status');
const errorEl = byId('error');

let config: FormConfig = vscode.getState()?.config ?? {};
let runId: string | undefined = vscode.getState()?.runId;
let hostStatus: RunStatus | undefined;
let trusted = true;
let progress = new RunProgress();
/** Why the last Start did not start a run: shown on the status line (data-state) until the next Start. */
let refusal: { state: 'invalid' | 'refused'; text: string } | undefined;
/** The host's last verdict on the form, and whether it is about what the form holds now (no edit since). */
let problems: ConfigProblem[] = [];
let verdictCurrent = false;
let editSeq = 0;
let awaitedSeq: number | undefined;
/** An edit waiting for typing to pause before it goes to the host. */
let editTimer: ReturnType<typeof setTimeout> | undefined;

// ---- form ----

function control(f: FormField): HTMLElement {
  return byId(`field-${f.key}`);
}

function readValues(): FormValues {
  const values: FormValues = {};
  for (const f of FORM_FIELDS) {
    const el = control(f);
    values[f.key] = f.kind === 'boolean' ? (el as VscodeCheckbox).checked : (el as VscodeTextfield | VscodeSingleSelect).value;
  }
  return values;
}

function writeValues(values: FormValues): void {
  for (const f of FORM_FIELDS) {
    const el = control(f);
    const v = values[f.key];
    if (f.kind === 'boolean') (el as VscodeCheckbox).checked = v === true;
    else (el as VscodeTextfield | VscodeSingleSelect).value = String(v ?? '');
  }
}

function formConfig(): FormConfig {
  config = valuesToConfig(config, readValues());
  return config;
}

function saveState(): void {
  vscode.setState(runId ? { version: 1, config, runId } : { version: 1, config });
}

/** Shows the fields the chosen method uses and the accumulation the batch sizes give. */
function showMethodFields(): void {
  const values = readValues();
  for (const f of FORM_FIELDS) byId(`row-${f.key}`).hidden = !isFieldShown(f, values.method);
  byId('accumulation').textContent = accumulationText(values);
}

/** Every problem at once: next to its field, or listed under the form. `scroll` brings the first into view (after a refused Start). */
function showProblems(list: ConfigProblem[], scroll = false): void {
  const { byField, general } = placeProblems(list, readValues().method);
  for (const f of FORM_FIELDS) {
    const el = byId(`problem-${f.key}`);
    const mine = byField.get(f.key) ?? [];
    el.textContent = mine.join('; ');
    el.hidden = mine.length === 0;
    const input = control(f) as HTMLElement & { invalid?: boolean };
    if ('invalid' in input) input.invalid = mine.length > 0;
  }
  const box = byId('problems');
  box.innerHTML = general.map((m) => `<div>${escapeHtml(m)}</div>`).join('');
  box.hidden = general.length === 0;
  if (scroll && list.length) {
    const first = FORM_FIELDS.find((f) => byField.has(f.key));
    if (first) byId(`row-${first.key}`).scrollIntoView({ block: 'center' });
    else box.scrollIntoView({ block: 'center' });
  }
}

// ---- run state ----

function displayedStatus(): ProgressStatus {
  const s = progress.state.status;
  // The host knows when a trainer died without a final event; the events alone would say "running".
  if ((s === 'running' || s === 'starting' || s === 'idle') && hostStatus === 'interrupted') return 'interrupted';
  return s;
}

function showNotice(notice: Notice | undefined): void {
  errorEl.hidden = !notice;
  errorEl.dataset.level = notice?.level ?? '';
  errorEl.querySelector('.error-kind')!.textContent = notice?.kind ? `${notice.kind} error: ` : '';
  errorEl.querySelector('.error-message')!.textContent = notice?.message ?? '';
  errorEl.querySelector('.error-hint')!.textContent = notice?.hint ?? '';
}

function render(): void {
  const status = displayedStatus();
  if (refusal && status === 'idle') {
    statusEl.dataset.state = refusal.state;
    statusEl.textContent = refusal.text;
  } else if (status === 'idle' && verdictCurrent && problems.length) {
    statusEl.dataset.state = status;
    statusEl.textContent = `Fix the ${problems.length === 1 ? 'problem' : `${problems.length} problems`} marked in the form to start.`;
  } else {
    statusEl.dataset.state = status;
    statusEl.textContent = formatStatus({ ...progress.state, status });
  }
  const busy = status === 'running' || status === 'starting';
  startButton.disabled = !startAllowed({ trusted, busy, problems, verdictCurrent });
  startButton.title = verdictCurrent && problems.length && !busy
    ? `Fix the ${problems.length === 1 ? 'problem' : `${problems.length} problems`} marked in the form first` : '';
  stopButton.disabled = !busy || !runId;
  reportButton.hidden = !runId || busy;
  for (const f of FORM_FIELDS) {
    (control(f) as HTMLElement & { disabled: boolean }).disabled = busy;
    const browse = document.getElementById(`browse-${f.key}`) as VscodeButton | null;
    if (browse) browse.disabled = busy;
  }
  renderRunFacts(progress.state);
  const err = progress.state.error;
  if (err) showNotice({ level: 'error', kind: err.kind, message: err.message, hint: err.hint });
}

function resetRun(): void {
  progress = new RunProgress();
  chart.clear();
  showNotice(undefined);
}

function applyEvents(events: TrainerEvent[]): void {
  const before = [progress.loss.length, progress.evalBase.length, progress.evalTuned.length];
  for (const e of events) progress.apply(e);
  chart.append(progress.loss.slice(before[0]), progress.evalBase.slice(before[1]), progress.evalTuned.slice(before[2]));
  render();
}

function onMessage(msg: HostToTraining): void {
  switch (msg.type) {
    case 'init':
      refusal = undefined;
      config = msg.config;
      writeValues(configToValues(config));
      showMethodFields();
      problems = [];
      verdictCurrent = false;
      awaitedSeq = undefined; // the verdict that follows init carries no seq
      showProblems([]);
      resetRun();
      runId = msg.run?.id;
      hostStatus = msg.run?.status;
      trusted = msg.trusted;
      if (hostStatus === 'running') progress.setStatus('starting'); // until its events arrive
      byId('trust-banner').hidden = trusted;
      saveState();
      break;
    case 'run':
      if (msg.run.id !== runId) {
        resetRun();
        runId = msg.run.id;
        progress.setStatus('starting');
      }
      hostStatus = msg.run.status;
      saveState();
      break;
    case 'events':
      if (msg.runId === runId) applyEvents(msg.events);
      return;
    case 'validation':
      if (msg.seq !== awaitedSeq) return; // about an older state of the form
      problems = msg.problems;
      verdictCurrent = editTimer === undefined;
      showProblems(problems);
      break;
    case 'estimate':
      byId('estimate').textContent = msg.text;
      byId('estimate').hidden = msg.text === '';
      return;
    case 'problems':
      problems = msg.problems;
      verdictCurrent = editTimer === undefined;
      showProblems(msg.problems, true);
      if (msg.problems.length && progress.state.status === 'starting') {
        progress.setStatus('idle');
        const n = msg.problems.length;
        refusal = { state: 'invalid', text: `Not started: fix the ${n === 1 ? 'problem' : `${n} problems`} marked in the form.` };
      }
      break;
    case 'notice':
      showNotice(msg.notice);
      if (msg.notice.level === 'error' && progress.state.status === 'starting') {
        progress.setStatus('idle');
        refusal = { state: 'refused', text: `Not started: ${msg.notice.message}` };
      }
      break;
    case 'picked':
      (byId(`field-${msg.field}`) as VscodeTextfield).value = msg.path;
      sendEdit();
      break;
  }
  render();
}

window.addEventListener('message', (event: MessageEvent<HostToTraining>) => onMessage(event.data));

startButton.addEventListener('click', () => {
  if (startButton.disabled) return;
  showProblems([]);
  showNotice(undefined);
  refusal = undefined;
  progress.setStatus('starting');
  render();
  post({ type: 'start', config: formConfig() });
  saveState();
});
stopButton.addEventListener('click', () => {
  if (stopButton.disabled) return;
  stopButton.disabled = true;
  statusEl.textContent = 'Stopping: saving a checkpoint…';
  post({ type: 'stop' });
});
reportButton.addEventListener('click', () => post({ type: 'showReport' }));
function sendEdit(): void {
  clearTimeout(editTimer);
  editTimer = undefined;
  verdictCurrent = false;
  awaitedSeq = ++editSeq;
  post({ type: 'edit', config: formConfig(), seq: awaitedSeq });
  saveState();
  showMethodFields();
  render();
}
for (const f of FORM_FIELDS) {
  control(f).addEventListener('change', sendEdit);
  control(f).addEventListener('input', () => {
    clearTimeout(editTimer);
    editTimer = setTimeout(sendEdit, 300);
    verdictCurrent = false; // Start stays pressable until the host has judged the new values
    showMethodFields();
    render();
  });
  document.getElementById(`browse-${f.key}`)?.addEventListener('click', () => {
    if (f.key === 'model' || f.key === 'train_file' || f.key === 'eval_file') post({ type: 'browse', field: f.key });
  });
}
byId('run-form').addEventListener('submit', (e) => e.preventDefault());

writeValues(configToValues(config));
showMethodFields();
render();
post({ type: 'ready' });
