// The dataset overview page: records by format and role, the token length histogram with p10/p50/p90, duplicate
// clusters and findings by code; every line number is a link that shows the record in the editor.
// Browser code only; talks to src/host/overviewPanel.ts through ./overviewProtocol.
// Stable ids for UI tests: #overview-title, #overview-status, #formats-table, #roles-table, #token-stats,
// #histogram[data-bins], #clusters, #findings, #leakage-check (an eval file), #fix-all-button (shown when a finding has a fix), and
// .record-link[data-line] for every link.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { DatasetOverview, DuplicateCluster, FindingGroup, HostToOverview, LeakageSummary, OverviewPanelState, OverviewToHost, TokenLengths } from './overviewProtocol';
import { byId, escapeHtml, vscodeApi } from './vscodeApi';

const vscode = vscodeApi<OverviewPanelState>();
const post = (message: OverviewToHost): void => vscode.postMessage(message);

byId('app').innerHTML = `
  <h1 id="overview-title">Dataset overview</h1>
  <div id="overview-status" class="status" role="status">Reading the dataset…</div>
  <div class="actions"><vscode-button id="refresh-button" secondary>Refresh</vscode-button>
    <vscode-button id="fix-all-button" hidden title="Fix the findings that have automatic fixes, as one undoable edit">Fix All…</vscode-button></div>
  <h2>Records</h2>
  <div class="overview-tables">
    <table id="formats-table" class="config"></table>
    <table id="roles-table" class="config"></table>
  </div>
  <h2>Token length per record</h2>
  <p id="token-stats" class="hint"></p>
  <div id="histogram" class="histogram" data-bins="0"></div>
  <h2>Duplicate clusters</h2>
  <div id="clusters"></div>
  <h2>Findings by code</h2>
  <p id="leakage-check" class="hint" hidden></p>
  <div id="findings"></div>`;

const nf = new Intl.NumberFormat('en');

const link = (line: number): string => `<a href="#" class="record-link" data-line="${line}" title="Show line ${line} in the editor">${line}</a>`;

function countsTable(title: string, counts: Record<string, number>): string {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (!rows.length) return `<caption>${escapeHtml(title)}</caption><tr><td>none</td></tr>`;
  return `<caption>${escapeHtml(title)}</caption>`
    + rows.map(([k, n]) => `<tr data-key="${escapeHtml(k)}"><th scope="row">${escapeHtml(k)}</th><td class="num">${nf.format(n)}</td></tr>`).join('');
}

function tokenStats(t: TokenLengths | undefined): string {
  if (!t) return 'No record has text to train on.';
  const approx = t.exact ? '' : '≈ ';
  return `${nf.format(t.counted)} records, ${t.exact ? 'counted exactly' : 'estimated'} (${escapeHtml(t.label)}): `
    + `p10 <b data-stat="p10">${approx}${nf.format(t.p10)}</b> · p50 <b data-stat="p50">${approx}${nf.format(t.p50)}</b> · `
    + `p90 <b data-stat="p90">${approx}${nf.format(t.p90)}</b> · min ${nf.format(t.min)} · max ${nf.format(t.max)} tokens.`;
}

/** An SVG bar chart (attributes only: the page's CSP allows no inline styles). */
function histogramSvg(t: TokenLengths | undefined): string {
  if (!t || !t.bins.length) return '';
  const w = 600, h = 140, pad = 18;
  const max = Math.max(...t.bins.map((b) => b.count));
  const bw = w / t.bins.length;
  const bars = t.bins.map((b, i) => {
    const bh = max ? Math.round((b.count / max) * (h - pad)) : 0;
    return `<rect class="bar" x="${(i * bw + 1).toFixed(1)}" y="${h - pad - bh}" width="${(bw - 2).toFixed(1)}" height="${bh}">`
      + `<title>${nf.format(b.from)}–${nf.format(b.to - 1)} tokens: ${nf.format(b.count)} records</title></rect>`;
  }).join('');
  const last = t.bins[t.bins.length - 1];
  const marks = (['p10', 'p50', 'p90'] as const).map((k) => {
    const x = (t[k] / last.to) * w;
    return `<line class="mark" x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="0" y2="${h - pad}"></line>`
      + `<text class="mark-label" x="${(x + 3).toFixed(1)}" y="10">${k}</text>`;
  }).join('');
  return `<svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="token length histogram">${bars}${marks}`
    + `<text class="axis" x="0" y="${h - 4}">0</text><text class="axis" x="${w}" y="${h - 4}" text-anchor="end">${nf.format(last.to)} tokens</text></svg>`;
}

function clustersHtml(clusters: DuplicateCluster[], total: number): string {
  if (!clusters.length) return '<p class="hint">No duplicates or near-duplicates.</p>';
  const more = total > clusters.length ? `<p class="hint">The ${clusters.length} largest of ${nf.format(total)} clusters.</p>` : '';
  return `${more}<ul class="clusters">` + clusters.map((c) =>
    `<li data-kind="${c.kind}">${c.lines.length} ${c.kind === 'duplicate' ? 'identical records' : 'near-identical records'}: lines `
    + c.lines.slice(0, 30).map(link).join(', ') + (c.lines.length > 30 ? ', …' : '') + '</li>').join('') + '</ul>';
}

function findingsHtml(groups: FindingGroup[]): string {
  if (!groups.length) return '<p class="hint">No findings.</p>';
  return groups.map((g) => `<details class="finding-group" data-code="${escapeHtml(g.code)}" data-severity="${g.severity}" open>`
    + `<summary><span class="code">${escapeHtml(g.code)}</span> · ${g.severity} · ${nf.format(g.count)}</summary><ul>`
    + g.items.map((it) => `<li>line ${link(it.line)}: ${escapeHtml(it.text)}</li>`).join('')
    + (g.count > g.items.length ? `<li class="hint">… and ${nf.format(g.count - g.items.length)} more</li>` : '')
    + '</ul></details>').join('');
}

/** An eval file: what its records were compared with for leakage. */
function leakageHtml(l: LeakageSummary): string {
  const files = l.trainFiles.map((f) => `<b>${escapeHtml(f)}</b>`).join(', ');
  if (l.skipped) return `Not checked for leakage from ${files}: ${escapeHtml(l.skipped)}.`;
  return `Checked for leakage from ${files} (${nf.format(l.trainingRecords)} training records): `
    + (l.findings ? `${nf.format(l.findings)} eval record${l.findings === 1 ? '' : 's'} leak.` : 'no eval record leaks.');
}

function render(o: DatasetOverview): void {
  byId('overview-title').textContent = `Dataset overview: ${o.name}`;
  const status = byId('overview-status');
  status.dataset.state = 'ready';
  status.textContent = `${nf.format(o.records)} records, format ${o.format}`
    + (o.invalidRecords ? `, ${nf.format(o.invalidRecords)} not valid JSON` : '') + '.';
  byId('formats-table').innerHTML = countsTable('Records by format', o.formats);
  byId('roles-table').innerHTML = countsTable('Messages by role', o.roles);
  byId('token-stats').innerHTML = tokenStats(o.tokens);
  const hist = byId('histogram');
  hist.innerHTML = histogramSvg(o.tokens);
  hist.dataset.bins = String(o.tokens?.bins.length ?? 0);
  byId('clusters').innerHTML = clustersHtml(o.duplicateClusters, o.totalClusters);
  byId('findings').innerHTML = findingsHtml(o.findings);
  const leakage = byId('leakage-check');
  leakage.hidden = !o.leakage;
  leakage.innerHTML = o.leakage ? leakageHtml(o.leakage) : '';
  byId('fix-all-button').hidden = !o.findings.some((g) => g.fixable);
}

window.addEventListener('message', (event: MessageEvent<HostToOverview>) => {
  const msg = event.data;
  const status = byId('overview-status');
  if (msg.type === 'overview') {
    vscode.setState({ version: 1, uri: msg.overview.uri });
    render(msg.overview);
  } else if (msg.type === 'busy') {
    status.dataset.state = 'busy';
    status.textContent = msg.message;
  } else if (msg.type === 'notice') {
    status.dataset.state = msg.level;
    status.textContent = msg.message;
  }
});

document.addEventListener('click', (event) => {
  const a = (event.target as Element | null)?.closest<HTMLElement>('.record-link');
  if (!a) return;
  event.preventDefault();
  post({ type: 'reveal', line: Number(a.dataset.line) });
});
byId('refresh-button').addEventListener('click', () => post({ type: 'refresh' }));
byId('fix-all-button').addEventListener('click', () => post({ type: 'fixAll' }));
post({ type: 'ready' });
