// What the dataset overview shows, computed from a document's text and its last lint result. No `vscode`: it runs
// in the lint worker and is tested with node:test.
import { openDataset } from '../core/dataset';
import { ESTIMATED_TOKENS, type FileLintResult, type Finding } from '../core/lint';
import { TOKENS_PER_MESSAGE } from '../core/lint/token-count';
import { EVAL_FIXABLE_CODES, FIXABLE_CODES } from '../core/lint/fix-text';
import { trainingInput } from '../core/tokenizer/training-input';
import type { DatasetOverview, DuplicateCluster, FindingGroup, HistogramBin, TokenLengths } from '../../webview/overviewProtocol';
import type { LeakageCheck } from './lintProtocol';

/** Counts one record's tokens: a number, or undefined when the trainer skips the record. */
export interface RecordCounter {
  exact: boolean;
  label: string;
  count(value: unknown): number | undefined;
}

/** Tokens of a record by estimate: each message's text plus what a chat template adds around it. */
export const ESTIMATED_RECORD_TOKENS: RecordCounter = {
  exact: false,
  label: 'estimate',
  count(value) {
    const input = trainingInput(value);
    if (input.kind === 'skip') return undefined;
    if (input.kind === 'text') return ESTIMATED_TOKENS.count(input.text);
    let n = 0;
    for (const m of input.messages) {
      n += ESTIMATED_TOKENS.count(m.content) + TOKENS_PER_MESSAGE;
      if (m.tool_calls) n += ESTIMATED_TOKENS.count(JSON.stringify(m.tool_calls));
    }
    if (input.tools) n += ESTIMATED_TOKENS.count(JSON.stringify(input.tools));
    return n;
  },
};

const MAX_CLUSTERS = 50;
const ITEMS_PER_CODE = 25;
const BINS = 20;

/** `clusterFindings`: every duplicate and near-duplicate finding when the lint kept only some (its per-code limit). */
export function computeOverview(uri: string, name: string, text: string, lint: FileLintResult, counter: RecordCounter = ESTIMATED_RECORD_TOKENS,
  clusterFindings: readonly Finding[] = lint.findings, leakage?: LeakageCheck): DatasetOverview {
  const lengths: number[] = [];
  openDataset(text, name).forEachRecord((rec) => { // by name: a .csv is read as CSV
    if (rec.error) return;
    const n = counter.count(rec.value);
    if (n !== undefined) lengths.push(n);
  });
  const { clusters, total } = duplicateClusters(clusterFindings);
  return {
    uri,
    name,
    format: lint.format,
    records: lint.records,
    invalidRecords: lint.stats.invalidRecords,
    formats: { ...lint.stats.formats },
    roles: { ...lint.stats.roles },
    tokens: tokenLengths(lengths, counter),
    duplicateClusters: clusters,
    totalClusters: total,
    findings: findingGroups(lint),
    leakage: leakage && {
      trainFiles: leakage.trainPaths.map((p) => p.split(/[\\/]/).pop() ?? p), trainingRecords: leakage.trainingRecords,
      findings: leakage.skipped ? 0 : lint.stats.findingsByCode.leakage ?? 0, skipped: leakage.skipped,
    },
  };
}

/** The value at quantile q (0..1) of sorted numbers, by the nearest-rank method. */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Equal-width bins from 0 to the maximum (rounded up to a whole width), at most `bins` of them. */
export function histogram(values: readonly number[], bins = BINS): HistogramBin[] {
  if (!values.length) return [];
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const width = Math.max(1, Math.ceil((max + 1) / bins));
  const out: HistogramBin[] = [];
  for (let i = 0; i * width <= max; i++) out.push({ from: i * width, to: (i + 1) * width, count: 0 });
  for (const v of values) out[Math.floor(v / width)].count++;
  return out;
}

function tokenLengths(lengths: number[], counter: RecordCounter): TokenLengths | undefined {
  if (!lengths.length) return undefined;
  const sorted = Float64Array.from(lengths).sort();
  const s = Array.from(sorted);
  return {
    exact: counter.exact, label: counter.label, counted: s.length,
    min: s[0], p10: quantile(s, 0.1), p50: quantile(s, 0.5), p90: quantile(s, 0.9), max: s[s.length - 1],
    bins: histogram(s),
  };
}

/** Records joined by duplicate and near-duplicate findings (each points at the record it repeats), largest first. */
export function duplicateClusters(findings: readonly Finding[]): { clusters: DuplicateCluster[]; total: number } {
  const parent = new Map<number, number>();
  const kindOf = new Map<number, DuplicateCluster['kind']>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const f of findings) {
    if (f.code !== 'duplicate' && f.code !== 'near-duplicate') continue;
    for (const rel of f.related) {
      if (rel.path !== f.path) continue;
      if (!parent.has(f.line)) parent.set(f.line, f.line);
      if (!parent.has(rel.line)) parent.set(rel.line, rel.line);
      const a = find(f.line), b = find(rel.line);
      const root = Math.min(a, b);
      parent.set(a, root);
      parent.set(b, root);
      // A cluster with one near copy in it is a near-duplicate cluster.
      if (f.code === 'near-duplicate' || kindOf.get(a) === 'near-duplicate' || kindOf.get(b) === 'near-duplicate') kindOf.set(root, 'near-duplicate');
      else kindOf.set(root, kindOf.get(root) ?? 'duplicate');
    }
  }
  const groups = new Map<number, number[]>();
  for (const line of parent.keys()) {
    const root = find(line);
    const g = groups.get(root);
    if (g) g.push(line);
    else groups.set(root, [line]);
  }
  const clusters = [...groups].map(([root, lines]) => ({ kind: kindOf.get(root) ?? 'duplicate', lines: lines.sort((x, y) => x - y) } as DuplicateCluster));
  clusters.sort((x, y) => y.lines.length - x.lines.length || x.lines[0] - y.lines[0]);
  return { clusters: clusters.slice(0, MAX_CLUSTERS), total: clusters.length };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function findingGroups(lint: FileLintResult): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of lint.findings) {
    let g = groups.get(f.code);
    if (!g) {
      g = { code: f.code, severity: f.severity, count: lint.stats.findingsByCode[f.code] ?? 0, items: [], fixable: FIXABLE_CODES.includes(f.code) };
      groups.set(f.code, g);
    }
    // leakage: only on an eval file compared with its training files, and only copies have a fix
    if (EVAL_FIXABLE_CODES.includes(f.code) && f.fixes?.length) g.fixable = true;
    if (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[g.severity]) g.severity = f.severity;
    if (g.items.length < ITEMS_PER_CODE) g.items.push({ line: f.line, text: f.message });
  }
  for (const g of groups.values()) g.count = Math.max(g.count, g.items.length);
  return [...groups.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.count - a.count);
}
