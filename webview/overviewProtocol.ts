// Messages between the dataset overview page (webview/datasetOverviewPanel.ts) and its host side
// (src/host/overviewPanel.ts); the data is computed by src/host/overviewData.ts in the lint worker.
// Pure types and guards: no `vscode`, no Node. The host checks every incoming message with parseOverviewMessage.

export interface HistogramBin {
  /** Token counts from `from` up to, not including, `to`. */
  from: number;
  to: number;
  count: number;
}

export interface TokenLengths {
  /** Counted with the model's tokenizer (true) or estimated from characters (false). */
  exact: boolean;
  /** How they were counted, shown next to the figures: "tokenizer of tunelab-tiny-llama", "estimate". */
  label: string;
  /** Records that were counted (records the trainer skips are not). */
  counted: number;
  min: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
  bins: HistogramBin[];
}

/** A place in the dataset the page can ask the editor to show. */
export interface RecordLink {
  line: number;
  text: string;
}

export interface DuplicateCluster {
  kind: 'duplicate' | 'near-duplicate';
  /** 1-based lines of the records in the cluster, first occurrence first. */
  lines: number[];
}

export interface FindingGroup {
  code: string;
  severity: 'error' | 'warning' | 'info';
  /** Every finding of the code, including those beyond the per-code limit. */
  count: number;
  /** The first ones, each a link to its record. */
  items: RecordLink[];
  /** Its findings carry fixes that Fix All Dataset Problems applies. */
  fixable: boolean;
}

export interface DatasetOverview {
  /** The document the overview is of (a URI string) and its file name. */
  uri: string;
  name: string;
  format: string;
  records: number;
  invalidRecords: number;
  formats: Record<string, number>;
  roles: Record<string, number>;
  tokens?: TokenLengths;
  duplicateClusters: DuplicateCluster[];
  /** Clusters in all; only the largest are in duplicateClusters. */
  totalClusters: number;
  findings: FindingGroup[];
  /** An eval file: how its records were compared with its training files for leakage. Absent for other files. */
  leakage?: LeakageSummary;
}

export interface LeakageSummary {
  /** The training files' names. */
  trainFiles: string[];
  trainingRecords: number;
  /** Leakage findings in the eval file (all of them, past the per-code limit too). */
  findings: number;
  /** Why they were not compared; the counts are then 0. */
  skipped?: string;
}

export type HostToOverview =
  | { type: 'overview'; overview: DatasetOverview }
  | { type: 'busy'; message: string }
  | { type: 'notice'; level: 'error' | 'warning' | 'info'; message: string };

export type OverviewToHost =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Show this line of the dataset in the editor. */
  | { type: 'reveal'; line: number }
  /** Run Fix All Dataset Problems on the dataset. */
  | { type: 'fixAll' };

export interface OverviewPanelState {
  version: 1;
  uri: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseOverviewMessage(v: unknown): OverviewToHost | undefined {
  if (!isRecord(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'refresh':
    case 'fixAll':
      return { type: v.type };
    case 'reveal':
      return Number.isSafeInteger(v.line) && (v.line as number) >= 1 ? { type: 'reveal', line: v.line as number } : undefined;
    default:
      return undefined;
  }
}

export function parseOverviewState(v: unknown): OverviewPanelState | undefined {
  return isRecord(v) && v.version === 1 && typeof v.uri === 'string' && v.uri.length > 0 && v.uri.length <= 4096
    ? { version: 1, uri: v.uri } : undefined;
}
