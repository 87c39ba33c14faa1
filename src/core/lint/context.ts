/**
 * What every rule shares for one file: where to report, how to find a value's span, the record view with
 * its turns worked out once. Rules are small modules that create a visitor per file from this context.
 */
import { fileFormat } from '../dataset/format';
import { locateValue, type JsonPath } from '../dataset/json-scan';
import { editInRecord, spanInRecord } from '../dataset/position';
import type { DatasetContainer, DatasetFormat, ReadProblem, RecordFormat, SourceRecord, Span } from '../dataset/types';
import type { FileRole } from './leakage-index';
import type { RecordFeatures } from './record-features';
import type { TrainingString } from './training-text';
import type { Finding, Fix, LintCode, LintOptions, RelatedLocation, Severity, TextEdit } from './types';

/** A normalised role: sharegpt's human/gpt become user/assistant. */
export type RoleKind = 'system' | 'user' | 'assistant' | 'tool';

/** One turn of a chat (`messages`) or sharegpt (`conversations`) record. */
export interface Turn {
  index: number;
  /** JSON path of the turn in the record, e.g. ['messages', 2]. */
  path: JsonPath;
  /** "messages[2]", for messages. */
  label: string;
  raw: unknown;
  /** The role (`from` for sharegpt) when it is a string. */
  role: string | undefined;
  kind: RoleKind | undefined;
  roleKey: 'role' | 'from';
  contentKey: 'content' | 'value';
  /** Text of the content: the string, or the text parts joined; undefined when absent or not text. */
  content: string | undefined;
  /** Carries tool_calls or function_call, so empty content is expected. */
  callsTool: boolean;
}

export interface RecordView {
  source: SourceRecord;
  value: unknown;
  format: RecordFormat;
  /** The chat or sharegpt turns when that field is an array. */
  turns: Turn[] | undefined;
  /**
   * Canonical content fingerprint (duplicate, near-duplicate, leakage), computed once when the view is built;
   * undefined when the value is nested too deep to walk.
   */
  fingerprint: string | undefined;
  /** Values derived from the record that several rules share (see training-text.ts, record-features.ts). */
  cache: RecordCache;
}

export interface RecordCache {
  strings?: TrainingString[];
  features?: RecordFeatures;
  words?: Int32Array;
  /** near-duplicate's LSH band slots: ids of the record's band keys in `index` (a KeyIndex kept by the context). */
  bandSlots?: { index: object; slots: Int32Array };
  /** The fingerprint's dense id in `ids` (a map kept by the context): duplicate and near-duplicate index by it. */
  fingerprintId?: { ids: object; id: number };
  /** answer-skew's key of the final answer (undefined inside: no answer). */
  answer?: { key: [number, number] | undefined };
}

export interface RuleVisitor {
  /** A record that is valid JSON. */
  record?(r: RecordView): void;
  /** A record that JSON.parse rejected. */
  invalidRecord?(rec: SourceRecord): void;
  /** After the last record. */
  finish?(): void;
}

export interface LintRule {
  code: LintCode;
  create(ctx: FileContext): RuleVisitor;
}

export interface Report {
  code: LintCode;
  /** The rule's own severity; LintOptions.severity overrides it. */
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedLocation[];
  fixes?: Fix[];
  /** Reported even when its rule is off: a file that cannot be read at all would otherwise lint as 0 clean records. */
  evenWhenOff?: boolean;
}

const DEFAULT_MAX_PER_CODE = 1000;

/** A shard's findings in report order with its counts, for FileContext.absorb; structured-cloneable. */
export interface ShardFindings {
  findings: Finding[];
  found: [LintCode, number][];
  foundBySeverity: Record<Severity, number>;
  firstDropped: [LintCode, Span][];
}

/**
 * Findings by position; at one position in the order of the rules (RULE_ORDER), so that the order does not depend on
 * which thread or pass reported them (lint-parallel.ts), then in report order (the sort is stable).
 */
export function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || (RULE_ORDER.get(a.code) ?? 0) - (RULE_ORDER.get(b.code) ?? 0);
}

/** Set by rules/index.ts: each code's position in RULES. */
export const RULE_ORDER = new Map<LintCode, number>();

export class FileContext {
  readonly findings: Finding[] = [];
  /** Findings per code and per severity, including those beyond the per-code limit. */
  readonly found = new Map<LintCode, number>();
  readonly foundBySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  /** Records per detected format, in first-seen order. */
  readonly formatCounts = new Map<RecordFormat, number>();
  records = 0;
  container: DatasetContainer = 'jsonl';
  private readonly maxPerCode: number;
  private readonly firstDropped = new Map<LintCode, Span>();

  /** File-level read problems (invalid UTF-8 and so on), known before the first record. */
  readProblems: readonly ReadProblem[] = [];
  /** Span of the first record, where dataset-level findings go. */
  firstRecordSpan: Span | undefined;

  /**
   * `file`: set by lintFiles, which knows training files from eval files. `kept`: state that outlives one lint of the
   * file (see kept()); the editor's session (lint-session.ts) passes the same map at every update.
   */
  constructor(readonly path: string, readonly options: LintOptions = {}, readonly file?: FileRole, private readonly keptState = new Map<string, unknown>()) {
    this.maxPerCode = options.maxFindingsPerCode ?? DEFAULT_MAX_PER_CODE;
  }

  /**
   * A value rules keep across lints of the same document, made on first use: interned keys (fingerprint ids, LSH band
   * slots) whose ids the record views cache, so that a re-lint of unchanged records does no hashing. Never results:
   * those are worked out again by each lint.
   */
  kept<T>(name: string, make: () => T): T {
    let v = this.keptState.get(name) as T | undefined;
    if (v === undefined) this.keptState.set(name, (v = make()));
    return v;
  }

  /** A one-character range at the start of the first record (line 1 of most files), for findings about the whole file. */
  fileSpan(): Span {
    const s = this.firstRecordSpan;
    return s ? { line: s.line, column: s.column, endLine: s.line, endColumn: s.column + 1 } : { line: 1, column: 1, endLine: 1, endColumn: 2 };
  }

  isOff(code: LintCode): boolean {
    return this.options.severity?.[code] === 'off';
  }

  report(r: Report): void {
    let configured = this.options.severity?.[r.code];
    if (configured === 'off') {
      if (!r.evenWhenOff) return;
      configured = undefined;
    }
    // Parquet records are decoded rows: a range inside them, or an edit, would point at text the file lacks.
    const table = this.container === 'parquet';
    const span = table ? { line: r.span.line, column: 1, endLine: r.span.line, endColumn: 2 } : r.span;
    const f: Finding = { path: this.path, ...span, code: r.code, severity: configured ?? r.severity, message: r.message, related: r.related ?? [] };
    if (r.fixes?.length && !table) f.fixes = r.fixes;
    this.add(f);
  }

  /** Counts a finding and keeps it unless its code is over the limit. */
  add(f: Finding): void {
    const n = (this.found.get(f.code) ?? 0) + 1;
    this.found.set(f.code, n);
    this.foundBySeverity[f.severity]++;
    if (n > this.maxPerCode) {
      if (!this.firstDropped.has(f.code)) this.firstDropped.set(f.code, { line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn });
      return;
    }
    this.findings.push(f);
  }

  /** What a shard of this file's records found (see lint-parallel.ts), before sorting and the per-code limit. */
  shardFindings(): ShardFindings {
    return { findings: this.findings, found: [...this.found], foundBySeverity: { ...this.foundBySeverity }, firstDropped: [...this.firstDropped] };
  }

  /**
   * Takes in a shard's findings, shards in file order, as if its records had been linted here: same counts, same
   * findings kept under the per-code limit, the same first dropped finding.
   */
  absorb(shard: ShardFindings): void {
    const kept = new Map<LintCode, number>();
    const keptBySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
    for (const f of shard.findings) {
      kept.set(f.code, (kept.get(f.code) ?? 0) + 1);
      keptBySeverity[f.severity]++;
      this.add(f);
    }
    for (const s of ['error', 'warning', 'info'] as const) this.foundBySeverity[s] += shard.foundBySeverity[s] - keptBySeverity[s];
    const firstDropped = new Map(shard.firstDropped);
    for (const [code, n] of shard.found) {
      const dropped = n - (kept.get(code) ?? 0);
      if (dropped <= 0) continue;
      this.found.set(code, (this.found.get(code) ?? 0) + dropped);
      if (!this.firstDropped.has(code)) this.firstDropped.set(code, firstDropped.get(code)!);
    }
  }

  /** The file's format so far (final once every record is seen). */
  fileFormat(): DatasetFormat {
    return fileFormat(this.formatCounts, this.records);
  }

  /** Span of the value at `path` in the record, or the whole record when it cannot be found. */
  valueSpan(rec: SourceRecord, path: JsonPath): Span {
    const loc = rec.error ? undefined : locateValue(rec.text, path);
    return loc ? spanInRecord(rec, loc.start, loc.end) : rec.span;
  }

  /** The edit replacing the value at `path` with `json`; undefined when there is no such value or the file cannot take it. */
  valueEdit(rec: SourceRecord, path: JsonPath, json: string): TextEdit | undefined {
    const loc = rec.error ? undefined : locateValue(rec.text, path);
    return loc && editInRecord(rec, loc.start, loc.end, json);
  }

  /** Span of the key of the member at `path` (`"foo"` in `"foo": 1`), or the whole record. */
  keySpan(rec: SourceRecord, path: JsonPath): Span {
    const loc = rec.error ? undefined : locateValue(rec.text, path);
    return loc?.keyStart !== undefined && loc.keyEnd !== undefined ? spanInRecord(rec, loc.keyStart, loc.keyEnd) : rec.span;
  }

  /** Findings sorted by position, with one info finding per code whose findings passed the limit. */
  finalFindings(): Finding[] {
    for (const [code, span] of this.firstDropped) {
      const dropped = (this.found.get(code) ?? 0) - this.maxPerCode;
      this.findings.push({
        path: this.path, ...span, code, severity: 'info', related: [],
        message: `${dropped} more ${code} finding${dropped === 1 ? '' : 's'} from here on are not listed (limit: ${this.maxPerCode} per code and file)`,
      });
    }
    this.firstDropped.clear();
    return this.findings.sort(byPosition);
  }
}
