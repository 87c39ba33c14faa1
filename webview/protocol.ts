// Messages between the extension host (src/host/trainingPanel.ts, src/host/reportPanel.ts) and the
// webview panels (webview/trainingPanel.ts, webview/reportPanel.ts). Declared once here and imported by
// both sides; pure types and guards, no `vscode`, no Node. The host checks every incoming message with
// the parse* functions below and ignores (and logs) anything else.
import type { ConfigProblem, RunConfig } from '../src/core/config';
import type { TrainerEvent } from '../src/core/events';
import type { EvalMetrics, RunStatus, RunSummary } from '../src/core/runs';

/** A run configuration as the form holds it: known keys, values possibly not valid yet (validateConfig judges). */
export type FormConfig = { [K in keyof RunConfig]?: RunConfig[K] | string | null };

/** Fields the webview may ask the host to pick a path for. */
export const BROWSE_FIELDS = ['model', 'train_file', 'eval_file'] as const;
export type BrowseField = (typeof BROWSE_FIELDS)[number];

export interface RunRef {
  id: string;
  status: RunStatus;
}

/** Something the user must see that is not a trainer event: refused start, trainer that died silently. */
export interface Notice {
  level: 'error' | 'warning' | 'info';
  kind?: string;
  message: string;
  hint?: string;
}

// ---- training panel ----

export type HostToTraining =
  /** Sent after every `ready`: the page resets to this and, if `run` is set, events of that run follow. */
  | { type: 'init'; config: FormConfig; run?: RunRef; trusted: boolean }
  /** Why the last Start was refused (the page says "Not started"). */
  | { type: 'problems'; problems: ConfigProblem[] }
  /** validateConfig's verdict on the form as it is now: after `init` (no seq) and after each `edit` (its seq). */
  | { type: 'validation'; problems: ConfigProblem[]; seq?: number }
  /** The GPU memory line of a valid form: "GPU memory: estimating…", then the estimate; empty: none. */
  | { type: 'estimate'; text: string }
  | { type: 'events'; runId: string; events: TrainerEvent[] }
  | { type: 'run'; run: RunRef }
  | { type: 'notice'; notice: Notice }
  | { type: 'picked'; field: BrowseField; path: string };

export type TrainingToHost =
  | { type: 'ready' }
  | { type: 'start'; config: FormConfig }
  /** The form changed: the host keeps it (a page that reloads gets it back) and answers with `validation`. */
  | { type: 'edit'; config: FormConfig; seq?: number }
  | { type: 'stop' }
  | { type: 'browse'; field: BrowseField }
  | { type: 'showReport' };

/** What the training page keeps with vscode.setState; the host revives a panel from it after a reload. */
export interface TrainingPanelState {
  version: 1;
  config: FormConfig;
  runId?: string;
}

// ---- report panel ----

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ReportData {
  summary: RunSummary;
  metrics?: EvalMetrics;
  loss: ChartPoint[];
  evalLoss: { base: ChartPoint[]; tuned: ChartPoint[] };
}

export type HostToReport = { type: 'report'; report: ReportData } | { type: 'notice'; notice: Notice };

export type ReportToHost =
  | { type: 'ready' }
  | { type: 'revealFolder' }
  | { type: 'openLog' }
  | { type: 'openTraining' };

export interface ReportPanelState {
  version: 1;
  runId: string;
}

// ---- guards ----

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Run ids are folder names made by createRun: no separators, no `..`. */
export function isRunId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 && /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(v);
}

const MAX_CONFIG_KEYS = 64;

function isConfigValue(v: unknown): boolean {
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return v.length <= 4096;
  return Array.isArray(v) && v.length <= 256 && v.every((x) => typeof x === 'string' && x.length <= 256);
}

/** A form config: a flat object of JSON scalars (or string lists). Unknown keys pass here; validateConfig names them. */
export function isFormConfig(v: unknown): v is FormConfig {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return keys.length <= MAX_CONFIG_KEYS && keys.every((k) => k.length <= 64 && isConfigValue(v[k]));
}

export function parseTrainingMessage(v: unknown): TrainingToHost | undefined {
  if (!isRecord(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'stop':
    case 'showReport':
      return { type: v.type };
    case 'start':
      return isFormConfig(v.config) ? { type: v.type, config: v.config } : undefined;
    case 'edit':
      if (!isFormConfig(v.config)) return undefined;
      if (v.seq === undefined) return { type: 'edit', config: v.config };
      return Number.isSafeInteger(v.seq) && (v.seq as number) >= 0 ? { type: 'edit', config: v.config, seq: v.seq as number } : undefined;
    case 'browse':
      return (BROWSE_FIELDS as readonly unknown[]).includes(v.field) ? { type: 'browse', field: v.field as BrowseField } : undefined;
    default:
      return undefined;
  }
}

export function parseReportMessage(v: unknown): ReportToHost | undefined {
  if (!isRecord(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'revealFolder':
    case 'openLog':
    case 'openTraining':
      return { type: v.type };
    default:
      return undefined;
  }
}

export function parseTrainingState(v: unknown): TrainingPanelState | undefined {
  if (!isRecord(v) || v.version !== 1 || !isFormConfig(v.config)) return undefined;
  if (v.runId !== undefined && !isRunId(v.runId)) return undefined;
  return v.runId === undefined ? { version: 1, config: v.config } : { version: 1, config: v.config, runId: v.runId as string };
}

export function parseReportState(v: unknown): ReportPanelState | undefined {
  return isRecord(v) && v.version === 1 && isRunId(v.runId) ? { version: 1, runId: v.runId } : undefined;
}
