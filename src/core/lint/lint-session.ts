/**
 * Incremental lint of one editor document: createLintSession(path, options).update(text) gives what
 * lintText(path, text, options) gives, but re-reads only the lines an edit changed, and re-does only the part of the
 * whole-file rules that the changed records can affect.
 *
 * Each JSONL line keeps what the rules need of its record, not the parsed record: the findings of the per-record rules
 * (rule-groups.ts) and of schema's field checks (they depend on the record alone, line numbers relative to the
 * record), its content fingerprint id, answer key, length, format and roles, and its near-duplicate shingles and band
 * slots. A rule that needs the record itself (schema's format check of records of another format, answer-skew and
 * length-outlier when they may report) gets it parsed again from the line. An update finds the lines that changed
 * (common leading and trailing text; moved lines are found by their text), parses and checks only those, then:
 * - one pass over the cached lines numbers the records, finds exact duplicates (a typed-array lookup of each line's
 *   fingerprint id) and runs any whole-file rule this file does not know; formats and turns are counted as lines come
 *   and go (record-counts.ts);
 * - near-duplicate keeps its LSH index between updates and re-checks only the records whose candidates changed
 *   (lint-session-near.ts);
 * - schema's format check, answer-skew and length-outlier run over the records only when they may report: the
 *   session keeps the counts that tell (records per format, repeated answers, the sorted record lengths).
 * A JSON array and a CSV file are held the same way, record by record, each record at the line it starts on: an edit
 * splits only the text near it to find the records it changed (held-units.ts). Other text that is not plain JSONL
 * (pretty-printed records, a one-line array, a NUL character) is read in full each time, and its unchanged records
 * keep their findings and what the whole-file rules need (record-reuse.ts).
 */
import { csvRowRecordAt } from '../dataset/csv';
import { describeJsonError } from '../dataset/json-scan';
import type { Position, RecordFormat, SourceRecord } from '../dataset/types';
import { PieceText } from '../dataset/piece-text';
import { readsAsCsv } from '../dataset/read';
import { firstIndexWhere } from '../dataset/sorted-search';
import { applyChanges, type TextChange } from '../dataset/text-changes';
import { csvRecordAt, spliceHeld, type HeldLayout } from './held-units';
import { FileContext, type LintRule, type RecordView, type RuleVisitor } from './context';
import { NearDuplicateIndex, type NearEntry } from './lint-session-near';
import { emptyStats, fileResult, needsFingerprint, reportReadProblems, type RuleRun } from './lint-source';
import { RecordReuse } from './record-reuse';
import { commonPrefix, commonSuffix, copyOf } from './text-affixes';
import { RecordCounts, shapeOf, type RecordShape } from './record-counts';
import { movedFinding } from './finding-lines';
import { fingerprintId, fingerprintIdOf } from './record-features';
import { deleteRecordFix } from './rules/delete-record';
import { FirstLines, reportDuplicate } from './rules/duplicate';
import { answerKeyText } from './rules/answer-skew';
import { lengthFences, reportLengthOutliers } from './rules/length-outlier';
import { buildRecordView } from './record-view';
import { ruleGroups } from './rule-groups';
import { SessionSeeds, type LineSeed, type LintSeeds } from './session-seeds';
import type { ShardSummary } from './shard-summary';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD } from './rules/near-duplicate';
import { lshLayout } from './text/minhash';
import { trainingStrings } from './training-text';
import type { FileLintResult, Finding, LintCode, LintOptions } from './types';

export interface LintSession {
  readonly path: string;
  /**
   * Lints the document's whole text; equal to lintText(path, text, options). `unchanged`: lengths of a leading and a
   * trailing part of the text known to equal the previous update's (the editor's change events tell them), so that
   * the session need not compare the texts; any lower bound will do.
   */
  update(text: string, unchanged?: { prefix: number; suffix: number }): FileLintResult;
  /**
   * update(text) in steps: the generator pauses every few thousand lines and returns the result when done, so that a
   * caller can answer other requests while a large text is read (the editor's worker builds a session so). Nothing
   * else may be called on the session until it is done.
   */
  updateSteps(text: string): Generator<void, FileLintResult>;
  /**
   * Applies one change event's edits, in order (UTF-16 offsets in the text before each), to the text of the last
   * update, which the session holds while it is plain JSONL (line by line) or a JSON array or CSV file it holds record
   * by record (in pieces): an edit then costs the lines or records it touches, never a copy of the whole text. False
   * when it holds no text (call update) or the edited text can no longer be held so (the edits are applied: call
   * update(text()), which lints it in full).
   */
  edit(changes: readonly TextChange[]): boolean;
  /** Lints the text as edit() left it; equal to lintText(path, text(), options). */
  lint(): FileLintResult;
  /** The text the session holds (lines joined: a copy of the whole text, for the rare caller that needs it). */
  text(): string;
  /** Whether the session holds the document's text (edit() and lint() work). */
  readonly holdsText: boolean;
  /**
   * The valid record that covers 1-based `line` of the text last linted, as recordAtLine (dataset/read.ts) reads it
   * from that text, without reading the whole text again: `record` undefined when no valid record covers the line.
   * Undefined when the session cannot tell: text it reads in full at each update, or edits not linted yet.
   */
  recordAt(line: number): { record?: SourceRecord } | undefined;
  /**
   * Records (non-blank lines) parsed and checked by the last update, those taken from the cache, and of the checked
   * ones those whose per-record work came from seeds, and whether the whole text was read again (text held neither line
   * by line nor value by value: record-reuse.ts); for tests and benchmarks.
   */
  readonly lastUpdate: { linesChecked: number; linesReused: number; linesSeeded: number; full: boolean };
}

/**
 * One line of the document that holds a record (valid JSON or not); blank lines are undefined. The parsed record is
 * not kept (on a 50 MB file it was most of the session's memory): what the rules need later is kept instead, and the
 * rare rule that needs the record itself gets it parsed again (viewOf).
 */
interface CachedLine extends NearEntry {
  /** The line as in the text, without its line break; the key that tells whether the line changed. */
  text: string;
  /** Its format and turns' roles (RecordCounts); undefined for an invalid record. */
  shape: RecordShape | undefined;
  /** Findings of the per-record rules, line numbers relative to the record's line. */
  own: Finding[];
  /** Findings of schema's field checks (all of schema but its format check), relative like `own`. */
  schema: Finding[];
  /** answer-skew's key of the final answer; undefined: none. */
  answer: string | undefined;
  /** length-outlier's length (characters of the non-system training text); -1 for an invalid record. */
  length: number;
  /** In a JSON array, where the record before it ends (its "delete" fix takes the comma from there); set by assemble. */
  previousEnd?: Position;
  /**
   * The line its record and findings were worked out at (1 when undefined): they move by the lines it lies below it. A
   * CSV row's map into its cells is not kept: the rules run over the records later place findings by the record's
   * span, not by its cells.
   */
  origin?: number;
}

/** Whole-file rules the session keeps up to date itself; any other whole-file rule runs over every record. */
const KEPT_CODES: ReadonlySet<LintCode> = new Set<LintCode>(['schema', 'duplicate', 'near-duplicate', 'answer-skew', 'length-outlier']);
/** updateSteps pauses after every PAUSE_LINES + 1 lines (a power of two): some milliseconds of work. */
const PAUSE_LINES = 255;
/** Probe visitors (see readLine) are made anew after this many lines, so that their own state stays small. */
const PROBE_LINES = 100_000;

/**
 * `seeds`: the slices' summaries of a threaded lint of the text the first update() gets (lintTextParallel's `seeds`),
 * so that the first update takes each record's per-record work from them instead of doing it again.
 */
export function createLintSession(path: string, options: LintOptions = {}, seeds?: LintSeeds): LintSession {
  return new IncrementalLint(path, options, seeds?.summaries.length ? seeds.summaries : undefined);
}

class IncrementalLint implements LintSession {
  private lines: (CachedLine | undefined)[] = [];
  /** Offset of each line in the text. */
  private lineStarts: number[] = [];
  /** Text of every line (records' and blank ones), without its line break: the document's copy. */
  private texts: string[] = [];
  /** The last update's text; undefined after edit() (text() joins the lines when one is needed). */
  private prevText: string | undefined;
  holdsText = false;
  /** Index of the first non-blank line (-1: none): an edit up to it may change how the reader takes the text. */
  private firstRecordLine = 0;
  private readonly capture: FileContext;
  private readonly perRecord: RuleVisitor[];
  private readonly rule = new Map<LintCode, LintRule>();
  private readonly fingerprint: boolean;
  /** Interned keys the whole-file rules keep between updates (FileContext.kept). */
  private readonly kept = new Map<string, unknown>();
  /** Visitors of schema and answer-skew run on each new line for what they work out per record (see readLine). */
  private probes: { schema?: RuleVisitor; answer?: RuleVisitor; lines: number } = { lines: 0 };
  private near: NearDuplicateIndex | undefined;
  /** Records per final-answer key and records with an answer (answer-skew). */
  private readonly answers = new Map<string, number>();
  private withAnswer = 0;
  /** Record lengths, sorted (length-outlier). */
  private readonly lengths = new SortedCounts();
  /** Formats, conversations and turns of the records held. */
  private readonly counts = new RecordCounts();
  /** duplicate's memory, kept between updates. */
  private readonly firstLines = new FirstLines();
  lastUpdate = { linesChecked: 0, linesReused: 0, linesSeeded: 0, full: false };
  /** edit() changed the lines since the last lint: the records' places are not known yet. */
  private edited = false;
  private seededLines = 0;

  /** Text that is not plain JSONL: the records kept from its last lint (record-reuse.ts). */
  private reuse: RecordReuse | undefined;
  /** A JSON array or CSV file held record by record (its records are in `lines`, at the line each starts on). */
  private held: HeldLayout | undefined;

  /** Read once, by the first update (see createLintSession). */
  private summaries: ShardSummary[] | undefined;
  private seeds: SessionSeeds | undefined;

  constructor(readonly path: string, private readonly options: LintOptions, summaries?: ShardSummary[]) {
    this.summaries = summaries;
    const groups = ruleGroups(options, false);
    // Per-record rules keep no state across records, so one set of visitors serves every update; their findings
    // land here, every one of them (the per-code limit applies when the file's findings are put together).
    this.capture = new FileContext(path, { ...options, maxFindingsPerCode: Infinity }, undefined, this.kept);
    this.perRecord = groups.perRecord.filter((r) => !this.capture.isOff(r.code)).map((r) => r.create(this.capture));
    for (const r of groups.wholeFile) if (!this.capture.isOff(r.code)) this.rule.set(r.code, r);
    this.fingerprint = needsFingerprint(this.capture, groups.wholeFile);
    this.reset();
  }

  update(text: string, unchanged?: { prefix: number; suffix: number }): FileLintResult {
    return finish(this.updateSteps(text, unchanged));
  }

  *updateSteps(text: string, unchanged?: { prefix: number; suffix: number }): Generator<void, FileLintResult> {
    // Seeds are of the text the first update gets, and of no later one.
    const summaries = this.summaries;
    this.summaries = undefined;
    if (!this.holdsText && !this.held && this.lines.length) this.reset(); // edit() left text that is not plain JSONL
    const prev = this.holdsText && !this.held ? (this.prevText ??= this.text()) : undefined;
    // The lines an edit touched: between the text's common prefix and common suffix with the previous text, found by
    // comparing 64K chunks (memcmp speed) unless the caller knows them.
    let p = 0, q = 0;
    if (prev !== undefined) {
      const most = Math.min(prev.length, text.length);
      p = unchanged ? Math.min(unchanged.prefix, most) : commonPrefix(prev, text);
      q = Math.min(unchanged ? unchanged.suffix : commonSuffix(prev, text, most - p), most - p);
    }
    const first = prev === undefined ? 0 : this.lineAt(p);
    const firstStart = prev === undefined ? 0 : this.lineStarts[first];
    const plain = readsAsCsv(this.path) ? false // the reader takes .csv files as CSV (dataset/read.ts)
      : prev === undefined || first <= this.firstRecordLine
      ? plainJsonl(text)
      : !text.slice(firstStart, text.length - q).includes('\0'); // the lines before did not change
    if (!plain) {
      const held = yield* this.updateHeld(text, unchanged, summaries);
      if (held) return held;
      this.reset();
      this.reuse ??= new RecordReuse(this.path, this.options);
      const result = this.reuse.lint(text);
      const { checked, reused } = this.reuse.lastLint;
      this.lastUpdate = { linesChecked: checked, linesReused: reused, linesSeeded: 0, full: true };
      return result;
    }
    this.reuse = undefined; // plain JSONL again: the lines keep what the records need
    if (this.held) this.reset(); // its lines are another layout's records
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
    if (prev === undefined) this.near?.reserve(texts.length);
    if (summaries && prev === undefined) {
      this.seeds = new SessionSeeds(this.path, summaries, texts.length, lshLayout(this.options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD).bands);
    }
    try {
      // The first update reads every line of `text`: its lines may share that text's storage, which the session then
      // holds in place of the document (copying 65,000 lines of a 50 MB file was a quarter of the build, in GC).
      const shared = prev === undefined;
      yield* this.replaceLines(first, prev === undefined ? -1 : last, texts, firstStart, text.length - (prev?.length ?? 0), shared);
    } finally {
      this.seeds = undefined;
    }
    this.prevText = text;
    this.holdsText = true;
    return yield* this.assemble(this.lines.length);
  }

  /**
   * A JSON array or a CSV file held record by record (held-units.ts): an edit reads only the records it changed, found by
   * splitting the text near it, and the whole-file rules go on as for JSONL lines. Undefined: text the reader takes
   * otherwise, or two records starting on one line (the caller reads the text in full). The first update reads all.
   */
  private *updateHeld(text: string, unchanged?: { prefix: number; suffix: number }, summaries?: ShardSummary[]): Generator<void, FileLintResult | undefined> {
    const old = this.held;
    if (!old && this.lines.length) this.reset(); // JSONL lines
    // After a byte order mark, as the reader reads the text (offsets and the first line's columns count from there).
    const bom = text.charCodeAt(0) === 0xfeff;
    const body = bom ? text.slice(1) : text;
    let same = 0, sameEnd = 0;
    if (old) {
      const prev = old.text.toString(), most = Math.min(prev.length, body.length);
      const hint = unchanged && old.bom === bom ? unchanged : undefined;
      same = hint ? Math.min(Math.max(hint.prefix - (bom ? 1 : 0), 0), most) : commonPrefix(prev, body);
      sameEnd = Math.min(hint ? hint.suffix : commonSuffix(prev, body, most - same), most - same);
    }
    const pieces = PieceText.of(body);
    // The first update of a threaded lint's text takes each record's per-record work from its parts' summaries.
    if (summaries && !old) this.seeds = new SessionSeeds(this.path, summaries, 1 + pieces.countNewlines(0, pieces.length), lshLayout(this.options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD).bands);
    let spliced: boolean;
    try {
      spliced = yield* this.spliceSteps(pieces, bom, same, sameEnd);
    } finally {
      this.seeds = undefined;
    }
    return spliced ? yield* this.assemble(this.lines.length) : undefined;
  }

  /**
   * A held document's edits: the records they changed are read now (lint() assembles them), from the text in pieces.
   * False when the edited text is not held that way, or an edit takes in the byte order mark: the session then keeps
   * the whole edited text for update().
   */
  private editHeld(changes: readonly TextChange[]): boolean {
    for (let k = 0; k < changes.length; k++) {
      const c = changes[k], held = this.held!, skip = held.bom ? 1 : 0, size = held.text.length + skip;
      if (!(c.offset >= 0 && c.length >= 0 && c.offset + c.length <= size)) {
        throw new RangeError(`edit at ${c.offset}+${c.length} is outside the text (${size} characters)`);
      }
      const at = c.offset - skip;
      const text = at >= 0 ? held.text.edit(at, c.length, c.text) : undefined;
      this.edited = true;
      if (text && finish(this.spliceSteps(text, held.bom === true, at, held.text.length - at - c.length))) continue;
      // Kept as one string until update() reads it in full (this change and the later ones applied to it).
      this.prevText = applyChanges(this.text(), changes.slice(k));
      this.holdsText = false;
      return false;
    }
    return true;
  }

  /**
   * Splices `text` (what follows the mark, if `bom`) into the held records; it equals the held text in its first `same`
   * and last `sameEnd` characters. The records the edit replaced leave, the new ones are read. False, and nothing
   * changed, when the text is not held that way.
   */
  private *spliceSteps(text: PieceText, bom: boolean, same: number, sameEnd: number): Generator<void, boolean> {
    const old = this.held;
    const splice = yield* spliceHeld(readsAsCsv(this.path) ? 'csv' : 'json-array', text, old, same, sameEnd);
    if (!splice) return false;
    const { layout, first, fresh, whole } = splice;
    const resumed = old && !whole ? splice.resumed : old?.lines.length ?? 0;
    // The records the edit replaced leave; one that comes back unchanged (same text, same column) keeps its work, unless
    // a CSV header changed (the same row is another record under another header).
    const moved = new Map<string, CachedLine[]>();
    const comesBack = old?.csv?.columns.text === layout.csv?.columns.text;
    for (let k = whole ? 0 : first; old && k < resumed; k++) {
      const c = this.lines[old.lines[k]]!;
      this.leave(c);
      if (!comesBack) continue;
      const list = moved.get(c.text);
      if (list) list.push(c); else moved.set(c.text, [c]);
    }
    const keepHead = whole || !first ? 0 : layout.lines[first - 1] + 1;
    const tailFrom = old && !whole && resumed < old.lines.length ? old.lines[resumed] : undefined;
    const after = first + fresh.length; // the new index of the first record of the tail
    const middleEnd = after < layout.lines.length ? layout.lines[after] : fresh.length ? fresh[fresh.length - 1].line + 1 : keepHead;
    const middle: (CachedLine | undefined)[] = new Array(middleEnd - keepHead);
    let checked = 0;
    for (let k = 0; k < fresh.length; k++) {
      if ((k & PAUSE_LINES) === PAUSE_LINES) yield;
      const f = fresh[k];
      let c = moved.size ? moved.get(f.key)?.pop() : undefined;
      if (!c) {
        const { rec, origin } = f.read();
        const seed = this.seeds?.at(f.line + 1);
        if (seed && seed.column === rec.column) c = this.seededLine(f.key, rec, seed, origin);
        else {
          checked++;
          c = this.readRecord(f.key, rec);
        }
        c.origin = origin;
        // Its findings are placed: the map into its cells and its row text, which hold a copy of the row, are not kept,
        // nor a CSV row's record text (about as much memory as the rest of the session): viewOf makes it again.
        rec.fileMap = rec.sourceText = undefined;
        if (layout.csv && c.valid) rec.text = '';
      }
      middle[f.line - keepHead] = c;
      this.enter(c);
    }
    const gone = (tailFrom ?? this.lines.length) - keepHead;
    // In place for an edit's few lines (a spread of many would overflow the call's arguments).
    if (middle.length < 10_000 && gone < 10_000 && tailFrom !== undefined) this.lines.splice(keepHead, gone, ...middle);
    else this.lines = this.lines.slice(0, keepHead).concat(middle, tailFrom === undefined ? [] : this.lines.slice(tailFrom));
    this.held = { ...layout, bom };
    this.reuse = undefined;
    this.prevText = undefined;
    this.holdsText = true;
    this.lastUpdate = { linesChecked: checked + this.seededLines, linesReused: layout.lines.length - checked - this.seededLines, linesSeeded: this.seededLines, full: false };
    this.seededLines = 0;
    return true;
  }

  recordAt(line: number): { record?: SourceRecord } | undefined {
    if (this.edited || line < 1) return undefined;
    const held = this.held;
    if (!held) {
      if (!this.holdsText) return undefined;
      const c = this.lines[line - 1];
      return { record: c?.valid ? { ...c.rec, span: { ...c.rec.span }, value: JSON.parse(c.rec.text) } : undefined };
    }
    // The record starting last at or before the line, and the one before it, which may end on the line it starts on.
    const lo = firstIndexWhere(held.lines.length, (k) => held.lines[k] > line - 1);
    for (const k of [lo - 2, lo - 1]) {
      const c = k >= 0 ? this.lines[held.lines[k]] : undefined;
      if (!c?.valid || c.rec.span.endLine < line) continue;
      return { record: this.recordOf(held, k, c) };
    }
    return { record: undefined };
  }

  /** Held record k (`c`), read from the text as the reader reads it: parsed, a CSV row's record with its map into its cells. */
  private recordOf(held: HeldLayout, k: number, c: CachedLine): SourceRecord {
    const rec = c.rec;
    if (!held.csv) return { ...rec, index: k, span: { ...rec.span }, offset: held.starts[k], value: JSON.parse(rec.text) };
    return csvRecordAt(held, k, rec.line);
  }

  edit(changes: readonly TextChange[]): boolean {
    if (this.held && this.holdsText) return this.editHeld(changes);
    if (!this.holdsText) return false;
    this.edited = true;
    this.prevText = undefined;
    let plain = true;
    for (const c of changes) {
      const n = this.texts.length - 1, size = this.lineStarts[n] + this.texts[n].length;
      if (!(c.offset >= 0 && c.length >= 0 && c.offset + c.length <= size)) {
        throw new RangeError(`edit at ${c.offset}+${c.length} is outside the text (${size} characters)`);
      }
      const first = this.lineAt(c.offset), last = this.lineAt(c.offset + c.length);
      const start = this.lineStarts[first];
      const region = first === last ? this.texts[first] : this.texts.slice(first, last + 1).join('\n');
      const at = c.offset - start;
      const next = region.slice(0, at) + c.text + region.slice(at + c.length);
      const touchesStart = first <= this.firstRecordLine;
      finish(this.replaceLines(first, last, next.split('\n'), start, c.text.length - c.length));
      // As plainJsonl tells: no NUL, and the first record a JSON object on its line.
      if (next.includes('\0') || (touchesStart && !this.plainStart())) plain = false;
    }
    if (!plain) this.holdsText = false; // text() still gives the edited text, until the next update
    return plain;
  }

  lint(): FileLintResult {
    if (!this.holdsText) throw new Error('the lint session holds no text: call update(text)');
    return finish(this.assemble(this.lines.length));
  }

  text(): string {
    const held = this.held;
    return this.prevText ?? (held ? `${held.bom ? '\ufeff' : ''}${held.text.toString()}` : this.texts.join('\n'));
  }

  /** The first record of the held lines starts with `{` and parses. */
  private plainStart(): boolean {
    const c = this.lines[this.firstRecordLine];
    return !!c && !c.rec.error && c.text.charCodeAt(c.rec.span.column - 1) === 0x7b;
  }

  /** Forgets the lines and what the whole-file rules keep: the next update reads every line. */
  private reset(): void {
    this.prevText = undefined;
    this.holdsText = false;
    this.lines = [];
    this.lineStarts = [];
    this.texts = [];
    this.firstRecordLine = 0;
    this.held = undefined;
    this.near = this.rule.has('near-duplicate') && this.fingerprint ? new NearDuplicateIndex(this.options.nearDuplicateThreshold) : undefined;
    this.answers.clear();
    this.withAnswer = 0;
    this.lengths.clear();
    this.counts.clear();
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
  private *replaceLines(first: number, last: number, texts: string[], start: number, delta: number, shared = false): Generator<void, void> {
    const moved = new Map<string, CachedLine[]>();
    for (let i = first; i <= last; i++) {
      const c = this.lines[i];
      if (!c) continue;
      this.leave(c);
      moved.set(c.text, [...(moved.get(c.text) ?? []), c]);
    }
    const middle: (CachedLine | undefined)[] = [];
    const starts: number[] = [];
    const own: string[] = [];
    let checked = 0, at = start;
    for (let k = 0; k < texts.length; k++) {
      if ((k & PAUSE_LINES) === PAUSE_LINES) yield;
      const t = texts[k];
      starts.push(at);
      at += t.length + 1;
      // (A lookup hashes the whole line: none when nothing was replaced, as in the first update.)
      const line = (moved.size ? moved.get(t)?.pop() : undefined) ?? this.readLine(t, shared, this.seeds?.at(first + k + 1));
      middle.push(line);
      // The cached line's text; a blank line's copied too, unless shared (a slice would keep the whole text alive).
      own.push(line ? line.text : t.length && !shared ? copyOf(t) : t);
      if (!line) continue;
      if (line.pos === -1) checked++; // new: readLine marks it
      this.enter(line);
    }
    const after = last + 1;
    this.lines = this.lines.slice(0, first).concat(middle, this.lines.slice(after));
    this.texts = this.texts.slice(0, first).concat(own, this.texts.slice(after));
    const later = this.lineStarts.slice(after);
    for (let i = 0; i < later.length; i++) later[i] += delta;
    this.lineStarts = this.lineStarts.slice(0, first).concat(starts, later);
    this.firstRecordLine = this.lines.findIndex((c) => c !== undefined);
    let records = 0;
    for (const c of this.lines) if (c) records++;
    this.lastUpdate = { linesChecked: checked, linesReused: records - checked, linesSeeded: this.seededLines, full: false };
    this.seededLines = 0;
  }

  /** A record comes into the document: the whole-file rules' counts take it in. */
  private enter(c: CachedLine): void {
    this.near?.add(c);
    if (c.answer !== undefined) {
      this.withAnswer++;
      this.answers.set(c.answer, (this.answers.get(c.answer) ?? 0) + 1);
    }
    if (c.length >= 0) this.lengths.add(c.length);
    if (c.shape) this.counts.add(c.shape);
  }

  /** A record leaves the document (a moved one comes back through enter). */
  private leave(c: CachedLine): void {
    this.near?.remove(c);
    if (c.answer !== undefined) {
      this.withAnswer--;
      const n = this.answers.get(c.answer)! - 1;
      if (n) this.answers.set(c.answer, n); else this.answers.delete(c.answer);
    }
    if (c.length >= 0) this.lengths.remove(c.length);
    if (c.shape) this.counts.remove(c.shape);
  }

  /**
   * A line not seen before: its record, parsed, viewed and checked by the per-record rules; with a seed (a threaded
   * lint of the same text read a record there), what the rules work out per record is taken from it instead.
   */
  private readLine(lineText: string, shared: boolean, seed?: LineSeed): CachedLine | undefined {
    const e = lineText.endsWith('\r') ? lineText.length - 1 : lineText.length;
    let lead = 0;
    while (lead < e && isBlank(lineText.charCodeAt(lead))) lead++;
    if (lead === e) return undefined;
    // A copy unless shared: a slice would keep the whole text of an update that read a few lines alive.
    const own = shared ? lineText : copyOf(lineText);
    const recText = own.slice(0, e);
    let trail = recText.length;
    while (trail > 0 && isBlank(recText.charCodeAt(trail - 1))) trail--;
    const rec: SourceRecord = {
      index: 0, text: recText, line: 1, column: 1, span: { line: 1, column: lead + 1, endLine: 1, endColumn: trail + 1 },
      byteOffset: 0, byteEnd: 0, newlineAfter: false, // byte offsets: not known for editor text, and no rule reads them
    };
    // The threads parsed this very line (the seeds are of this text) and handed on what the rules need: no parse here.
    if (seed && seed.column === lead + 1) return this.seededLine(own, rec, seed);
    return this.readRecord(own, rec);
  }

  /** A record not seen before (`rec` at line 1; `key` its text as the document has it): parsed, viewed and checked. */
  private readRecord(key: string, rec: SourceRecord): CachedLine {
    const recText = rec.text;
    // A CSV row's record comes parsed, or with the reason it is invalid.
    if (rec.value === undefined && !rec.error) {
      try {
        rec.value = JSON.parse(recText);
      } catch (err) {
        rec.error = describeJsonError(err, recText);
      }
    }
    const view = rec.error ? undefined : buildRecordView(rec, { fingerprint: this.fingerprint });
    const line: CachedLine = { text: key, rec, valid: !!view, shape: undefined, own: [], schema: [], pos: -1, fid: -1, answer: undefined, length: -1 };
    if (view) {
      line.shape = shapeOf(view);
      this.near?.prepare(line, view);
      // Schema's record() does its field checks (findings that depend on this record alone) and notes the record for
      // its format check, which the session does itself (assemble); answer-skew's record() leaves the answer's key on
      // the view. One visitor each serves many lines; their notes are dropped every PROBE_LINES lines.
      if (++this.probes.lines > PROBE_LINES) this.probes = { lines: 1 };
      const schema = this.rule.get('schema'), answer = this.rule.get('answer-skew');
      if (schema) {
        (this.probes.schema ??= schema.create(this.capture)).record!(view);
        line.schema = this.capture.findings.splice(0);
      }
      if (answer) {
        (this.probes.answer ??= answer.create(this.capture)).record?.(view);
        const key = view.cache.answer?.key;
        if (key) line.answer = answerKeyText(key);
      }
      if (this.rule.has('length-outlier')) {
        // As length-outlier counts: characters of the non-system training strings.
        let n = 0;
        for (const s of trainingStrings(view)) if (!s.system) n += s.text.length;
        line.length = n;
      }
      if (this.fingerprint) line.fid = fingerprintId(this.capture, view) ?? -1;
    }
    for (const v of this.perRecord) {
      if (view) v.record?.(view);
      else v.invalidRecord?.(rec);
    }
    line.own = this.capture.findings.splice(0); // line 1: the findings' lines are already relative (+1)
    rec.value = undefined; // the parsed record goes (see CachedLine)
    return line;
  }

  /** readLine's result for a valid record, from its seed: as the rules would have found it. */
  private seededLine(text: string, rec: SourceRecord, seed: LineSeed, origin = 1): CachedLine {
    this.seededLines++;
    const line: CachedLine = { text, rec, valid: true, shape: seed.shape, own: [], schema: [], pos: -1, fid: -1, answer: undefined, length: -1 };
    // The seed's findings are at line 1 and below; a CSV row read alone starts at `origin`, under its header.
    const placed = (fs: Finding[]): Finding[] => (origin === 1 ? fs : fs.map((f) => movedFinding(f, origin - 1, this.path)));
    if (this.rule.has('schema')) line.schema = placed(seed.schema);
    if (this.rule.has('answer-skew')) line.answer = seed.answer;
    if (this.rule.has('length-outlier')) line.length = seed.length;
    if (this.fingerprint && seed.fingerprint !== undefined) line.fid = fingerprintIdOf(this.capture, seed.fingerprint);
    if (this.perRecord.length) line.own = placed(seed.own);
    this.near?.seed(line, seed.bandKeys, seed.shingles);
    return line;
  }

  /**
   * The per-record rules' findings of a held record that is invalid, where it now is: an array's invalid-json message
   * and a CSV row's reason name lines. A row is read again from the text.
   */
  private invalidFindings(held: HeldLayout, rec: SourceRecord): Finding[] {
    if (held.csv) rec = { ...csvRecordAt(held, rec.index, rec.line), span: rec.span };
    this.capture.container = held.kind;
    for (const v of this.perRecord) v.invalidRecord?.(rec);
    this.capture.container = 'jsonl';
    return this.capture.findings.splice(0);
  }

  /** The shapes of lines [0, lineCount), in order. */
  private *shapes(lineCount: number): Generator<RecordShape | undefined> {
    for (let i = 0; i < lineCount; i++) yield this.lines[i]?.shape;
  }

  /**
   * The view of a valid record, parsed again from its line, for a rule that needs the record itself (after the
   * records are numbered: the view's record is a copy that shares the line's span). Not kept.
   */
  /** length-outlier from the kept lengths and spans: no record is parsed again. */
  private reportLengthOutliers(ctx: FileContext, lineCount: number): void {
    const lengths = new Int32Array(lineCount), spans = new Int32Array(4 * lineCount);
    let n = 0;
    for (let i = 0; i < lineCount; i++) {
      const c = this.lines[i];
      if (!c?.valid) continue;
      const sp = c.rec.span;
      lengths[n] = c.length;
      spans.set([sp.line, sp.column, sp.endLine, sp.endColumn], 4 * n);
      n++;
    }
    reportLengthOutliers(ctx, lengths, n, spans);
  }

  private viewOf(c: CachedLine): RecordView {
    const csv = this.held?.csv;
    if (csv && c.origin !== undefined) {
      const { text, value } = csvRowRecordAt(c.text, 2, csv.columns); // as updateHeld read it
      return buildRecordView({ ...c.rec, text, value }, { fingerprint: false });
    }
    return buildRecordView({ ...c.rec, value: JSON.parse(c.rec.text) }, { fingerprint: false });
  }

  /** Numbers the records, runs or updates the whole-file rules and puts the findings together. */
  private *assemble(lineCount: number): Generator<void, FileLintResult> {
    this.edited = false;
    const ctx = new FileContext(this.path, this.options, undefined, this.kept);
    const held = this.held, array = held?.kind === 'json-array';
    ctx.container = held?.kind ?? 'jsonl';
    ctx.readProblems = held?.problems ?? [];
    let previousEnd: Position | undefined;
    const visitors = [...this.rule.values()].filter((r) => !KEPT_CODES.has(r.code)).map((r) => r.create(ctx));
    // Whole-file rules of no file in the session (leakage) or that only finish (too-few-records) take no records.
    const takesRecords = visitors.some((v) => v.record);
    // duplicate, as its rule does it, from the fingerprint ids the lines keep: fid -> line of its first record (0: none yet).
    const duplicates = this.rule.has('duplicate');
    if (duplicates) this.firstLines.clear();
    const perCtx = new FileContext(this.path, this.options);
    const stats = emptyStats();
    const schemaFindings: Finding[] = [];
    let index = 0;
    // A held document's records are at the lines its layout lists (a pretty-printed array has some 15 lines per record).
    const count = held ? held.lines.length : lineCount;
    for (let k = 0; k < count; k++) {
      if ((k & PAUSE_LINES) === PAUSE_LINES) yield;
      const i = held ? held.lines[k] : k;
      const c = this.lines[i];
      if (!c) continue;
      const line = i + 1, moved = line - (c.origin ?? 1);
      const rec = c.rec;
      c.pos = i;
      rec.index = index++;
      rec.span.endLine = line + rec.span.endLine - rec.span.line; // a held record may span lines
      rec.line = rec.span.line = line;
      if (!held) rec.newlineAfter = i < lineCount - 1; // a held record's is as it was read
      if (array) c.previousEnd = previousEnd;
      previousEnd = { line: rec.span.endLine, column: rec.span.endColumn };
      ctx.records++;
      ctx.firstRecordSpan ??= rec.span;
      if (!c.valid) {
        stats.invalidRecords++;
        for (const v of visitors) v.invalidRecord?.(rec);
      } else {
        if (duplicates && c.fid >= 0) {
          const first = this.firstLines.firstOf(c.fid, line);
          if (first !== 0) reportDuplicate(ctx, rec.span, first, deleteRecordFix(ctx, rec, c.previousEnd, 'Delete duplicate record'));
        }
        if (takesRecords) {
          const view = this.viewOf(c);
          for (const v of visitors) v.record?.(view);
        }
      }
      for (const f of c.schema) schemaFindings.push(movedFinding(f, moved, this.path));
      if (held && !c.valid) for (const f of this.invalidFindings(held, rec)) perCtx.add(f);
      else for (const f of c.own) perCtx.add(movedFinding(f, moved, this.path));
    }
    this.counts.fill(stats, ctx.formatCounts, this.shapes(lineCount));
    // In the order a full lint reports them (per-code limits keep the first ones): schema's field checks record by
    // record, then its format check; the others record by record.
    for (const f of schemaFindings) ctx.add(f);
    if (this.rule.has('schema')) this.formatCheck(ctx, lineCount);
    if (this.near) for (const e of yield* this.near.settleSteps()) this.near.report(ctx, e, (e as CachedLine).previousEnd);
    const runOver = (code: LintCode): void => {
      const v = this.rule.get(code)!.create(ctx);
      for (let i = 0; i < lineCount; i++) {
        const c = this.lines[i];
        if (c?.valid) v.record?.(this.viewOf(c));
      }
      v.finish?.();
    };
    if (this.rule.has('answer-skew') && this.mayBeSkewed()) runOver('answer-skew');
    if (this.rule.has('length-outlier') && this.lengths.mayHaveOutliers()) this.reportLengthOutliers(ctx, lineCount);
    for (const v of visitors) v.finish?.();
    if (held) reportReadProblems(perCtx, held.problems);
    stats.records = index;
    const run: RuleRun = { ctx, stats, records: index, container: ctx.container, problems: ctx.readProblems };
    return fileResult(run, perCtx);
  }

  /**
   * Schema's format check (records of no known format, or of another format than most of the file): the schema rule
   * itself, over those records only, told the file's format counts; only what its finish() reports is kept (the
   * field checks of those records are cached per line).
   */
  private formatCheck(ctx: FileContext, lineCount: number): void {
    const majority = ctx.fileFormat();
    let others = false;
    for (const format of ctx.formatCounts.keys()) if (format !== majority) others = true;
    if (!others) return;
    const check = new FileContext(this.path, { ...this.options, maxFindingsPerCode: Infinity }, undefined, this.kept);
    const v = this.rule.get('schema')!.create(check);
    for (let i = 0; i < lineCount; i++) {
      const c = this.lines[i];
      if (c?.shape && c.shape.format !== majority) v.record!(this.viewOf(c));
    }
    check.findings.length = 0;
    for (const [format, n] of ctx.formatCounts) check.formatCounts.set(format as RecordFormat, n);
    check.records = ctx.records;
    check.container = ctx.container;
    check.firstRecordSpan = ctx.firstRecordSpan;
    v.finish!();
    for (const f of check.findings) ctx.add(f);
  }

  /** False when answer-skew cannot report: no answer is shared by more than 5% of 10 or more records (it needs > 10% of 20). */
  private mayBeSkewed(): boolean {
    if (this.withAnswer < 10) return false;
    for (const n of this.answers.values()) if (n > 0.05 * this.withAnswer) return true;
    return false;
  }
}

/** Record lengths, kept sorted under small changes; many changes wait and are merged in at the next question. */
class SortedCounts {
  private sorted: number[] = [];
  private added: number[] = [];
  private removed: number[] = [];

  clear(): void {
    this.sorted = [];
    this.added = [];
    this.removed = [];
  }

  add(n: number): void {
    if (this.buffering()) this.added.push(n);
    else this.sorted.splice(lowerBound(this.sorted, n), 0, n);
  }

  remove(n: number): void {
    if (this.buffering()) this.removed.push(n);
    else this.sorted.splice(lowerBound(this.sorted, n), 1);
  }

  /** A splice moves the whole array: past a few hundred changes (or filling it), one sort is cheaper. */
  private buffering(): boolean {
    return this.added.length > 0 || this.removed.length > 0 || this.sorted.length === 0 || ++this.changes > 256;
  }

  private changes = 0;

  /** False when length-outlier cannot report: the shortest and longest records are within its fences. */
  mayHaveOutliers(): boolean {
    this.merge();
    const s = this.sorted;
    const f = lengthFences(s);
    return f !== undefined && (s[s.length - 1] > f.longFence || s[0] < f.shortFence);
  }

  private merge(): void {
    this.changes = 0;
    if (!this.added.length && !this.removed.length) return;
    const all = Float64Array.from([...this.sorted, ...this.added]).sort();
    const gone = Float64Array.from(this.removed).sort();
    const out: number[] = [];
    let g = 0;
    for (const n of all) {
      while (g < gone.length && gone[g] < n) g++;
      if (g < gone.length && gone[g] === n) { g++; continue; }
      out.push(n);
    }
    this.sorted = out;
    this.added = [];
    this.removed = [];
  }
}

function lowerBound(a: number[], n: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < n) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Runs a generator of steps to its end. */
function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
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
