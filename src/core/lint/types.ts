/** The lint interface of docs/architecture.md: findings, per-file results and the CLI JSON shape. */
import type { DatasetFormat, RecordFormat } from '../dataset/types';

/** The fixed codes of the lint interface (docs/architecture.md). */
export type RecordLintCode = 'invalid-json' | 'schema' | 'unknown-role' | 'role-order' | 'empty-content' | 'missing-assistant'
  | 'duplicate' | 'near-duplicate' | 'pii' | 'markup-noise' | 'encoding' | 'too-long' | 'leakage';

/** Codes of the dataset-level rules, added to the fixed list (the interface allows new dataset-level codes). */
export type DatasetLintCode = 'answer-skew' | 'too-few-records' | 'length-outlier' | 'low-quality-text';

export type LintCode = RecordLintCode | DatasetLintCode;

export const DATASET_LINT_CODES: readonly DatasetLintCode[] = ['answer-skew', 'too-few-records', 'length-outlier', 'low-quality-text'];

/** Every code a finding can carry: the fixed list, then the dataset-level codes. */
export const LINT_CODES: readonly LintCode[] = ['invalid-json', 'schema', 'unknown-role', 'role-order', 'empty-content',
  'missing-assistant', 'duplicate', 'near-duplicate', 'pii', 'markup-noise', 'encoding', 'too-long', 'leakage', ...DATASET_LINT_CODES];

export type Severity = 'error' | 'warning' | 'info';

/** An edit in the file; lines and columns are 1-based, UTF-16 columns, exclusive end. */
export interface TextEdit { line: number; column: number; endLine: number; endColumn: number; newText: string }

export interface Fix { title: string; edits: TextEdit[] }

export interface RelatedLocation { path: string; line: number; message: string }

/** One problem. Lines and columns are 1-based; columns count UTF-16 code units; the end is exclusive. */
export interface Finding {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: LintCode;
  severity: Severity;
  message: string;
  related: RelatedLocation[];
  fixes?: Fix[];
}

/** A finding as the CLI prints it in JSON: without fixes. */
export type Diagnostic = Omit<Finding, 'fixes'>;

export interface LintOptions {
  /** Severity per code; 'off' turns the rule off. Unset codes keep their rule's severities. */
  severity?: Partial<Record<LintCode, Severity | 'off'>>;
  /** Roles (chat) and `from` values (sharegpt) accepted besides the standard ones. */
  extraRoles?: string[];
  /** Findings of one code kept per file; the rest are counted in stats and summed up in one info finding. Default 1000. */
  maxFindingsPerCode?: number;
  /** too-long: records over this many tokens are reported; without it the rule is off (the limit depends on the model and run). */
  maxTokens?: number;
  /** too-long: a model folder (or its tokenizer.json) for exact counts with its tokenizer and chat template (src/core/tokenizer). */
  tokenizer?: string;
  /**
   * role-order: a model folder whose chat template conversations are checked against when `tokenizer` is not set
   * (the editor's default model). Unlike `tokenizer` it leaves too-long's counts estimated: probing a template costs
   * a render per conversation shape, counting every record exactly would cost the editor seconds per edit.
   */
  templateModel?: string;
  /** too-long: counts tokens exactly; without it counts are estimated from characters. Not serialisable: in-process only. */
  tokenCounter?: TokenCounter;
  /** near-duplicate and leakage: the word 5-gram Jaccard similarity from which two records count as near copies. Default 0.8. */
  nearDuplicateThreshold?: number;
  /** too-few-records: files with fewer records than this get an info finding. Default 50. */
  minRecords?: number;
  /**
   * too-few-records: the training run the file is for (the training gate passes it). Then the rule also weighs the
   * examples the run will see, records × epochs, and the optimizer steps they make.
   */
  training?: { epochs: number; effectiveBatchSize: number };
}

/** Counts the tokens of a text, exactly (a tokenizer) or by estimate; `label` names it in messages. */
export interface TokenCounter {
  readonly exact: boolean;
  /** "estimate", or the tokenizer's name. */
  readonly label: string;
  count(text: string): number;
}

export interface FileStats {
  /** Non-blank records, including those that are not valid JSON. */
  records: number;
  invalidRecords: number;
  /** Records per detected format. */
  formats: Partial<Record<RecordFormat, number>>;
  /** Turns per role (chat `role`, sharegpt `from`). */
  roles: Record<string, number>;
  /** Records with a list of turns (chat, sharegpt) and the turns in them. */
  conversations: number;
  messages: number;
  minMessages: number | null;
  maxMessages: number | null;
  /** Every finding, including those beyond maxFindingsPerCode (the limit's own info finding is not counted). */
  findingsByCode: Partial<Record<LintCode, number>>;
  findingsBySeverity: Record<Severity, number>;
}

export interface FileLintResult {
  path: string;
  records: number;
  format: DatasetFormat;
  findings: Finding[];
  /** Not in the CLI's `files` entries; lintFiles sums these into `stats`. */
  stats: FileStats;
}

export interface LintStats {
  files: number;
  emptyFiles: number;
  records: number;
  invalidRecords: number;
  /** Every finding, including those beyond maxFindingsPerCode. */
  findings: number;
  findingsByCode: Partial<Record<LintCode, number>>;
  findingsBySeverity: Record<Severity, number>;
  formats: Partial<Record<RecordFormat, number>>;
  roles: Record<string, number>;
  conversations: number;
  messages: number;
  messagesPerConversation: { min: number; mean: number; max: number } | null;
  ioErrors: number;
}

/** What `tunelab lint --format json` prints, plus `ioErrors` (files that could not be read: exit code 2). */
export interface LintOutput {
  files: { path: string; records: number; format: DatasetFormat }[];
  diagnostics: Diagnostic[];
  stats: LintStats;
  ioErrors: { path: string; message: string }[];
}
