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
 * records, a NUL character) is linted in full each time.
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
  private lineTexts: string[] = [];
  private readonly capture: FileContext;
  private readonly perRecord: RuleVisitor[];
  private readonly groups;
  private readonly fingerprint: boolean;
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
    if (!plainJsonl(text)) {
      this.lines = [];
      this.lineTexts = [];
      this.lastUpdate = { linesChecked: 0, linesReused: 0, full: true };
      return lintSource(this.path, text, this.options);
    }
    const texts = text.split('\n');
    this.reuse(texts);
    return this.assemble(texts.length);
  }

  /** Brings this.lines in step with the new lines: same leading and trailing lines kept, the rest looked up by text or read. */
  private reuse(texts: string[]): void {
    const old = this.lineTexts, oldLines = this.lines;
    const n = texts.length, m = old.length;
    let head = 0;
    while (head < n && head < m && texts[head] === old[head]) head++;
    let tail = 0;
    while (tail < n - head && tail < m - head && texts[n - 1 - tail] === old[m - 1 - tail]) tail++;
    const moved = new Map<string, CachedLine[]>();
    for (let i = head; i < m - tail; i++) {
      const c = oldLines[i];
      if (c) moved.set(c.text, [...(moved.get(c.text) ?? []), c]);
    }
    const middle: (CachedLine | undefined)[] = [];
    let checked = 0;
    for (let i = head; i < n - tail; i++) {
      const t = texts[i];
      const again = moved.get(t)?.pop();
      if (again) { middle.push(again); continue; }
      const line = this.readLine(t);
      middle.push(line);
      if (line) checked++;
    }
    this.lines = [...oldLines.slice(0, head), ...middle, ...oldLines.slice(m - tail)];
    // Kept for the next comparison: the cached lines' own copies where there are some, so old texts can be freed.
    this.lineTexts = texts.map((t, i) => this.lines[i]?.text ?? t);
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
    const ctx = new FileContext(this.path, this.options);
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
