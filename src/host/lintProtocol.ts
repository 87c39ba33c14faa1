// Messages between src/host/linter.ts and its worker, src/host/lintWorker.ts. The worker keeps a copy of every open
// dataset document, kept current by the edits the host forwards, so an edit costs a small message instead of
// sending the whole text again.
import type { Span } from '../core/dataset/types';
import type { FileLintResult, LintCode, LintOptions, TextEdit } from '../core/lint';
import type { StringCleanup } from './stringValueFixes';
import type { DatasetOverview } from '../../webview/overviewProtocol';
import type { DocumentFacts } from './documentFile';
import type { TextChange } from '../core/dataset/text-changes';

/** One change of a document, as onDidChangeTextDocument reports it (UTF-16 offsets in the text before it). */
export type { TextChange };

/** Token count and rendered chat template of one record, for the hover. */
export interface RecordTokensInfo {
  /** Undefined when the record is not trained on (`skipped` says why). */
  tokens?: number;
  /** True: counted with the model's own tokenizer; false: estimated from characters. */
  exact: boolean;
  /** "tokenizer of tunelab-tiny-llama" or "estimate (…why…)". */
  label: string;
  /** The conversation as the chat template renders it; undefined for text records or without a template. */
  rendered?: string;
  skipped?: string;
  /** 1-based numbers of the assistant messages with weight 0: context, no loss on them. */
  contextOnly?: number[];
}

export interface PairInput { path: string; input: string | Uint8Array }

/** A training file an eval document is checked for leakage against; `doc`: the worker's copy of it, when it is open. */
export interface TrainingRef { path: string; doc?: string }

/** How an eval document was compared with its training files (DocLintResult.leakage). */
export interface LeakageCheck {
  /** The training files compared with, in order. */
  trainPaths: string[];
  /** Their valid records. */
  trainingRecords: number;
  /** True when the training files were read for this answer (first time, or they changed); else their kept features served. */
  read: boolean;
  /** The comparison's time in the worker, reading included. */
  ms: number;
  /** Set when the comparison was not made, saying why (the findings then hold no leakage). */
  skipped?: string;
}

export type WorkerRequest =
  /** Lints a file that is not open (its bytes: encoding problems are found too) or a text, once. */
  | { type: 'lint'; id: number; path: string; input: string | Uint8Array; options?: LintOptions }
  /** Lints a training file and its eval file together: the eval file's records are checked for leakage too. */
  | { type: 'lintPair'; id: number; train: PairInput; eval: PairInput; options?: LintOptions }
  /** Starts (or restarts) the worker's copy of a document. */
  | { type: 'open'; doc: string; path: string; version: number; text: string }
  /**
   * Starts the copy from the document's file, read by the worker, when the file matches `facts` (documentFile.ts);
   * otherwise the worker keeps no copy and the next lintDoc fails as for an unknown document.
   */
  | { type: 'openFile'; doc: string; path: string; version: number; facts: DocumentFacts }
  /** Applies one change event's edits, in order, to the copy. */
  | { type: 'edit'; doc: string; version: number; changes: TextChange[] }
  | { type: 'close'; doc: string }
  /**
   * Lints the worker's copy (re-checking only what changed where the core lint can). While a large document's session
   * is being built, the answer is provisional (DocLintResult.provisional) unless `wait`: then it waits for the session.
   * With `leakageFrom` the document is an eval file: its records are also compared with those training files, whose
   * features the worker keeps; when it must read them first, the answer is provisional (without leakage) unless `wait`.
   */
  | { type: 'lintDoc'; id: number; doc: string; options?: LintOptions; wait?: boolean; leakageFrom?: TrainingRef[] }
  /**
   * Lints the worker's copy once with these options, outside its session (fix-all past the per-code limit), when the
   * copy is at `version`; undefined when it is not. `leakageFrom`: an eval document's training files, compared too.
   */
  | { type: 'lintDocOnce'; id: number; doc: string; version: number; options: LintOptions; leakageFrom?: TrainingRef[] }
  /**
   * The fixes of every finding of `codes` in the copy, passes until none applies (core/lint/fix-text.ts), as edits of
   * the copy at `version`; undefined when the copy is at another version. With `leakageFrom` (an eval document's
   * training files) leakage can be among the codes.
   */
  | { type: 'fixAll'; id: number; doc: string; version: number; codes: LintCode[]; options: LintOptions; leakageFrom?: TrainingRef[] }
  /** The dataset overview of the copy (from its last lint). */
  | { type: 'overview'; id: number; doc: string; modelDir?: string }
  /** Edits of a clean-up (stringValueFixes.ts recordStringEdits) on the worker's copy: the row covering `line`, or all. */
  | { type: 'stringEdits'; id: number; doc: string; cleanup: StringCleanup; line?: number }
  /** A Parquet file's rows as JSONL text (the rows view): decoded here, not on the extension host's thread. */
  | { type: 'parquetRows'; id: number; bytes: Uint8Array; maxBytes: number }
  /** Token count and rendered template of one record's JSON text. */
  | { type: 'recordTokens'; id: number; modelDir?: string; recordText: string }
  /**
   * recordTokens of the record that covers 1-based `line` of the worker's copy of a document (a CSV row, a record of a
   * JSON array spanning lines: found by reading the whole text, which must not hold up the extension host), with its span.
   */
  | { type: 'recordTokensAt'; id: number; doc: string; line: number; modelDir?: string };

/** A Parquet file's rows as JSON Lines text, or why they cannot be read. */
export type ParquetRows = { text: string } | { problem: string };

/** What building a document's session took, and how many of its records took their per-record work from a threaded lint. */
export interface SessionBuild { ms: number; records: number; seeded: number }

export interface DocLintResult {
  version: number;
  result: FileLintResult;
  /** The lint's time in the worker; `editMs`: applying the edits since the previous lint. */
  ms: number;
  editMs?: number;
  incremental: boolean;
  /** Threads the lint ran on (a large document's first lint); absent: the worker's one. */
  threads?: number;
  /** How the incremental session that gave an incremental answer was built. */
  session?: SessionBuild;
  /**
   * The session was still being built: the last full result, with the edited lines' own findings (core/lint/
   * provisional.ts). Ask again with `wait` for the whole answer.
   */
  provisional?: boolean;
  /** The comparison with the training files (a lintDoc with leakageFrom); absent while provisional. */
  leakage?: LeakageCheck;
  /** The copy was read from the document's file (openFile), not sent by the host; set on its first lint. */
  fromFile?: boolean;
  /** When the worker started and ended the lint, in ms since the epoch (performance.timeOrigin + now(): comparable across threads). */
  startedAt?: number;
  endedAt?: number;
}

/** What each request with an id answers. */
export interface WorkerAnswers {
  lint: FileLintResult;
  lintPair: { train: FileLintResult; eval: FileLintResult };
  lintDoc: DocLintResult;
  lintDocOnce: FileLintResult | undefined;
  fixAll: { edits: TextEdit[]; fixed: Partial<Record<LintCode, number>> } | undefined;
  parquetRows: ParquetRows;
  stringEdits: TextEdit[];
  overview: DatasetOverview;
  recordTokens: RecordTokensInfo;
  recordTokensAt: { info: RecordTokensInfo; span: Span } | undefined;
}

/** `unknownDoc`: the worker has no copy of that document (the host then sends its text). */
export type WorkerResponse = { id: number; value: unknown } | { id: number; error: string; unknownDoc?: string };
