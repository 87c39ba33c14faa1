// Renders the run facts under the loss chart: device/processes, resume lines, early stop, eval samples.
// Ids for UI tests: #run-facts, #run-device, #run-resumes, #early-stop, #eval-samples (rows: tr[data-step]).
import type { ProgressState } from './progress';
import { clip, formatEarlyStop } from '../src/core/runFacts';

export function runFactsSkeleton(): string {
  return `<div id="run-facts" class="run-facts">
    <div id="run-device" class="hint" hidden></div>
    <ul id="run-resumes" class="hint" hidden></ul>
    <div id="early-stop" class="hint" hidden></div>
    <table id="eval-samples" class="samples" hidden><caption>Eval samples (greedy)</caption>
      <thead><tr><th>Step</th><th>Prompt</th><th>Completion</th></tr></thead><tbody></tbody></table>
  </div>`;
}

function el<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** Updates the facts in place; textContent only, so trainer text is never parsed as HTML. */
export function renderRunFacts(s: ProgressState): void {
  const device = el('run-device');
  device.hidden = !s.device;
  device.textContent = s.device ? `Device: ${s.device}` : '';
  const resumes = el('run-resumes');
  resumes.hidden = !s.resumes?.length;
  resumes.replaceChildren(...(s.resumes ?? []).map((line) => Object.assign(document.createElement('li'), { textContent: line })));
  const early = el('early-stop');
  early.hidden = !s.earlyStop;
  early.textContent = s.earlyStop ? `Early stopping: ${formatEarlyStop(s.earlyStop)}` : '';
  const table = el<HTMLTableElement>('eval-samples');
  const samples = s.samples ?? [];
  table.hidden = samples.length === 0;
  table.tBodies[0].replaceChildren(...samples.map((x) => {
    const tr = document.createElement('tr');
    tr.dataset.step = String(x.step);
    for (const text of [String(x.step), clip(x.prompt), clip(x.completion)]) tr.appendChild(Object.assign(document.createElement('td'), { textContent: text }));
    return tr;
  }));
}
