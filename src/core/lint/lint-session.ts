/**
 * Incremental lint of one editor document: createLintSession(path, options).update(text) gives what
 * lintText(path, text, options) gives, but re-reads only the lines an edit changed.
 *
 * Each JSONL line keeps its parsed record, its record view (content fingerprint, shingles and MinHash signature are
 * cached on it) and the findings of the per-record rules (rule-groups.ts), with line numbers relative to the record.
 * An update finds the lines that changed (common leading and trailing lines; moved lines are found by their text),
 * parses and checks only those, then runs the rules that compare records or sum up the file (duplicate,
 * near-duplicate, schema's format check, answer-skew, length-outlier, too-few-records) over all the cached views,
 * which costs hash-table work per record and no parsing. Text that is not plain JSONL (a JSON array, pretty-printed
 * records, a NUL character, a .csv file) is linted in full each time.
 */
import { describeJsonError } from '../dataset/json-scan';
import type { SourceRecord } from '../dataset/types';
import { FileContext, type RecordView, type RuleVisitor } from './context';
import { emptyStats, fileResult, lintSource, needsFingerprint, visitRecord, type RuleRun } from './lint-source';
import { buildRecordView } from './record-view';
import { ruleGroups } from './rule-groups';
import type { FileLintResult, Finding, LintOptions } from './types';

export interface LintSession {
  readonly path: string;
  /** Lints the document's whole text; equal to lintText(path, text, options). */
  update(text: string): FileLintResult;
  /** Records (non-blank lines) parsed and checked by the last update, and those taken from the cache; for tests and benchmarks. */
  readonly lastUpdate: { linesChecked: number; linesReused: number; full: boolean };
}

/** One line of the document: a record (valid JSON or not) or a blank line (undefined). */
interface CachedLine {
  /** The line as in the text, without its line break; the key that tells whether the line changed. */
  text: string;
  rec: SourceRecord;
  view: RecordView | undefined;
  /** Findings of the per-record rules, line numbers relative to the record's line. */
  own: Finding[];
}

export function createLintSession(path: string, options: LintOptions = {}): LintSession {
  return new IncrementalLint(path, options);
}

class IncrementalLint implements LintSession {
  private lines: (CachedLine | undefined)[] = [];
  /** Offset of each line in prevText. */
  private lineStarts: number[] = [];
  private prevText: string | undefined;
  /** Index of the first non-blank line (-1: none): an edit up to it may change how the reader takes the text. */
  private firstRecordLine = 0;
  private readonly capture: FileContext;
  private readonly perRecord: RuleVisitor[];
  private readonly groups;
  private readonly fingerprint: boolean;
  /** Interned keys the whole-file rules keep between updates (FileContext.kept). */
  private readonly kept = new Map<string, unknown>();
  lastUpdate = { linesChecked: 0, linesReused: 0, full: false };

  constructor(readonly path: string, private readonly options: LintOptions) {
    this.groups = ruleGroups(options, false);
    // Per-record rules keep no state across records, so one set of visitors serves every update; their findings
    // land here, every one of them (the per-code limit applies when the file's findings are put together).
    this.capture = new FileContext(path, { ...options, maxFindingsPerCode: Infinity });
    this.perRecord = this.groups.perRecord.filter((r) => !this.capture.isOff(r.code)).map((r) => r.create(this.capture));
    this.fingerprint = needsFingerprint(this.capture, this.groups.wholeFile);
  }

  update(text: string): FileLintResult {
    const prev = this.prevText;
    // The lines an edit touched: between the text's common prefix and common suffix with the previous text, found by
    // comparing 64K chunks (memcmp speed), so an edit costs no split and no comparison of the whole document.
    let p = 0, q = 0;
    if (prev !== undefined) {
      p = commonPrefix(prev, text);
      q = commonSuffix(prev, text, Math.min(prev.length, text.length) - p);
    }
    const first = prev === undefined ? 0 : this.lineAt(p);
    const firstStart = prev === undefined ? 0 : this.lineStarts[first];
    const plain = /\.csv$/i.test(this.path) ? false // the reader takes .csv files as CSV (dataset/read.ts)
      : prev === undefined || first <= this.firstRecordLine
      ? plainJsonl(text)
      : !text.slice(firstStart, text.length - q).includes('\0'); // the lines before did not change
    if (!plain) {
      this.reset();
      this.lastUpdate = { linesChecked: 0, linesReused: 0, full: true };
      return lintSource(this.path, text, this.options);
    }
    // Old lines first..last are replaced by the new text's lines from firstStart to the line break after the change.
    let last = this.lineStarts.length - 1, regionEnd = text.length;
    if (prev !== undefined) {
      const nl = prev.indexOf('\n', prev.length - q);
      if (nl !== -1) {
        last = this.lineAt(nl);
        regionEnd = nl + text.length - prev.length;
      }
    }
    const texts = text.slice(firstStart, regionEnd).split('\n');
    this.replaceLines(first, prev === undefined ? -1 : last, texts, firstStart, text.length - (prev?.length ?? 0));
    this.prevText = text;
    return this.assemble(this.lines.length);
  }

  /** Forgets the lines: the next update reads every line. */
  private reset(): void {
    this.prevText = undefined;
    this.lines = [];
    this.lineStarts = [];
    this.firstRecordLine = 0;
  }

  /** Index of the line holding offset `at` of the previous text. */
  private lineAt(at: number): number {
    const starts = this.lineStarts;
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Replaces lines first..last (none when last < first) by `texts`, which start at offset `start`; later lines move by
   * `delta` characters. Lines of the replaced range whose text comes back (moved lines) keep their cached work.
   */
  private replaceLines(first: number, last: number, texts: string[], start: number, delta: number): void {
    const moved = new Map<string, CachedLine[]>();
    for (let i = first; i <= last; i++) {
      const c = this.lines[i];
      if (c) moved.set(c.text, [...(moved.get(c.text) ?? []), c]);
    }
    const middle: (CachedLine | undefined)[] = [];
    const starts: number[] = [];
    let checked = 0, at = start;
    for (const t of texts) {
      starts.push(at);
      at += t.length + 1;
      const again = moved.get(t)?.pop();
      if (again) { middle.push(again); continue; }
      const line = this.readLine(t);
      middle.push(line);
      if (line) checked++;
    }
    const after = last + 1;
    this.lines = this.lines.slice(0, first).concat(middle, this.lines.slice(after));
    const later = this.lineStarts.slice(after);
    for (let i = 0; i < later.length; i++) later[i] += delta;
    this.lineStarts = this.lineStarts.slice(0, first).concat(starts, later);
    this.firstRecordLine = this.lines.findIndex((c) => c !== undefined);
    let records = 0;
    for (const c of this.lines) if (c) records++;
    this.lastUpdate = { linesChecked: checked, linesReused: records - checked, full: false };
  }

  /** A line not seen before: its record, parsed, viewed and checked by the per-record rules. */
  private readLine(lineText: string): CachedLine | undefined {
    const e = lineText.endsWith('\r') ? lineText.length - 1 : lineText.length;
    let lead = 0;
    while (lead < e && isBlank(lineText.charCodeAt(lead))) lead++;
    if (lead === e) return undefined;
    // A copy: a slice would keep the whole document text of this update alive for as long as the line is cached.
    const own = (' ' + lineText).slice(1);
    const recText = own.slice(0, e);
    let trail = recText.length;
    while (trail > 0 && isBlank(recText.charCodeAt(trail - 1))) trail--;
    const rec: SourceRecord = {
      index: 0, text: recText, line: 1, column: 1, span: { line: 1, column: lead + 1, endLine: 1, endColumn: trail + 1 },
      byteOffset: 0, byteEnd: 0, newlineAfter: false, // byte offsets: not known for editor text, and no rule reads them
    };
    try {
      rec.value = JSON.parse(recText);
    } catch (err) {
      rec.error = describeJsonError(err, recText);
    }
    const view = rec.error ? undefined : buildRecordView(rec, { fingerprint: this.fingerprint });
    for (const v of this.perRecord) {
      if (view) v.record?.(view);
      else v.invalidRecord?.(rec);
    }
    const found = this.capture.findings.splice(0); // line 1: the findings' lines are already relative (+1)
    return { text: own, rec, view, own: found };
  }

  /** Numbers the records, runs the whole-file rules over the cached views and puts the findings together. */
  private assemble(lineCount: number): FileLintResult {
    const ctx = new FileContext(this.path, this.options, undefined, this.kept);
    ctx.container = 'jsonl';
    const visitors = this.groups.wholeFile.filter((r) => !ctx.isOff(r.code)).map((r) => r.create(ctx));
    const perCtx = new FileContext(this.path, this.options);
    const stats = emptyStats();
    let index = 0;
    for (let i = 0; i < lineCount; i++) {
      const c = this.lines[i];
      if (!c) continue;
      const line = i + 1;
      const rec = c.rec;
      rec.index = index++;
      rec.line = line;
      rec.span.line = rec.span.endLine = line;
      rec.newlineAfter = i < lineCount - 1;
      visitRecord(ctx, stats, visitors, rec, c.view);
      for (const f of c.own) perCtx.add(moved(f, line - 1, this.path));
    }
    for (const v of visitors) v.finish?.();
    stats.records = index;
    const run: RuleRun = { ctx, stats, records: index, container: 'jsonl', problems: [] };
    return fileResult(run, perCtx);
  }
}

/** A copy of a cached finding with its lines (and its fixes' and same-file related lines) moved down by `d`. */
function moved(f: Finding, d: number, path: string): Finding {
  const out: Finding = {
    ...f, line: f.line + d, endLine: f.endLine + d,
    related: f.related.map((r) => (r.path === path ? { ...r, line: r.line + d } : r)),
  };
  if (f.fixes) out.fixes = f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, line: e.line + d, endLine: e.endLine + d })) }));
  return out;
}

const CHUNK = 1 << 16;

/** Length of the common prefix of a and b. */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix of a and b, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let k = 0;
  while (k + CHUNK <= limit && a.slice(a.length - k - CHUNK, a.length - k) === b.slice(b.length - k - CHUNK, b.length - k)) k += CHUNK;
  while (k < limit && a.charCodeAt(a.length - 1 - k) === b.charCodeAt(b.length - 1 - k)) k++;
  return k;
}

/**
 * Text the reader takes as JSONL with no file-level problem: its first non-blank character opens an object whose line
 * parses, no byte order mark, no NUL (binary). Anything else goes through the full reader.
 */
function plainJsonl(text: string): boolean {
  let i = 0;
  while (i < text.length && (isBlank(text.charCodeAt(i)) || text.charCodeAt(i) === 10)) i++;
  if (i === text.length || text.charCodeAt(i) !== 0x7b || text.includes('\0')) return false;
  const nl = text.indexOf('\n', i);
  try {
    JSON.parse(text.slice(i, nl === -1 ? text.length : nl));
    return true;
  } catch {
    return false;
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}
