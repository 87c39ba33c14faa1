/**
 * What every rule shares for one file: where to report, how to find a value's span, the record view with
 * its turns worked out once. Rules are small modules that create a visitor per file from this context.
 */
import { fileFormat } from '../dataset/format';
import { locateValue, type JsonPath } from '../dataset/json-scan';
import { spanInRecord } from '../dataset/position';
import type { DatasetContainer, DatasetFormat, ReadProblem, RecordFormat, SourceRecord, Span } from '../dataset/types';
import type { FileRole } from './leakage-index';
import type { RecordFeatures } from './record-features';
import type { TrainingString } from './training-text';
import type { Finding, Fix, LintCode, LintOptions, RelatedLocation, Severity } from './types';

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
  /** Values derived from the record that several rules share (see training-text.ts, record-features.ts). */
  cache: RecordCache;
}

export interface RecordCache {
  strings?: TrainingString[];
  /** null: nested too deep to fingerprint. */
  fingerprint?: string | null;
  features?: RecordFeatures;
  words?: Int32Array;
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
}

const DEFAULT_MAX_PER_CODE = 1000;

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

  /** `file`: set by lintFiles, which knows training files from eval files. */
  constructor(readonly path: string, readonly options: LintOptions = {}, readonly file?: FileRole) {
    this.maxPerCode = options.maxFindingsPerCode ?? DEFAULT_MAX_PER_CODE;
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
    const configured = this.options.severity?.[r.code];
    if (configured === 'off') return;
    const severity = configured ?? r.severity;
    const n = (this.found.get(r.code) ?? 0) + 1;
    this.found.set(r.code, n);
    this.foundBySeverity[severity]++;
    if (n > this.maxPerCode) {
      if (!this.firstDropped.has(r.code)) this.firstDropped.set(r.code, r.span);
      return;
    }
    const f: Finding = { path: this.path, ...r.span, code: r.code, severity, message: r.message, related: r.related ?? [] };
    if (r.fixes?.length) f.fixes = r.fixes;
    this.findings.push(f);
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
    return this.findings.sort((a, b) => a.line - b.line || a.column - b.column);
  }
}
