/**
 * The parallel lint's split of the whole-file rules (lint-parallel.ts). Each thread lints a slice of the file with the
 * per-record rules and schema's per-record checks, and sums up each valid record in flat typed arrays (ShardSummary):
 * its span, content fingerprint, near-duplicate shingles and LSH band keys, final-answer key, text length and format.
 * The main thread then feeds those, slice after slice in file order, to the cores of duplicate, near-duplicate,
 * answer-skew, length-outlier and schema's file-level check (ShardMerger): no record is parsed twice, and the findings
 * are those of one serial pass.
 */
import { csvHeaderColumns, csvPartRecords, csvRowRecordAt, type CsvColumns } from '../dataset/csv';
import { isJsonObject } from '../dataset/format';
import { openArrayPart, openDataset, type OpenedDataset } from '../dataset/read';
import type { DatasetContainer, RecordFormat, SourceRecord, Span } from '../dataset/types';
import { FileContext, type RecordView, type ShardFindings } from './context';
import { hex64 } from '../dataset/canonical';
import { filteredGrams, type FileRole, type LeakageIndex } from './leakage-index';
import { emptyStats, fileResult, visitRecord } from './lint-source';
import { buildRecordView } from './record-view';
import { shiftShardFindings } from './finding-lines';
import { appendRecordShingles } from './record-features';
import { RULES } from './rules';
import { answerKey, answerPreview, AnswerTally } from './rules/answer-skew';
import { deleteRecordSpanFix } from './rules/delete-record';
import { FirstLines, reportDuplicate } from './rules/duplicate';
import { reportLengthOutliers, trainingLength } from './rules/length-outlier';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, NearDuplicateIndex, reportNearDuplicate } from './rules/near-duplicate';
import { nestedRecordsHint, reportFormatProblems, type UnknownRecord } from './rules/schema';
import { tooFewRecordsRule } from './rules/too-few-records';
import { shapeKey } from './record-counts';
import { IntList } from './text/int-list';
import { BandHeads } from './text/band-heads';
import { KeyIndex } from './text/key-index';
import { bandKeys, lshLayout, minhashSignature, PERMUTATIONS } from './text/minhash';
import type { FileLintResult, FileStats, Fix, LintCode, LintOptions } from './types';

/** The whole-file rules whose per-record half the threads work out; the main thread finishes them (ShardMerger). */
export const SUMMED_CODES: readonly LintCode[] = ['schema', 'duplicate', 'near-duplicate', 'answer-skew', 'length-outlier', 'too-few-records'];

/**
 * Initial sizes of a slice's lists, per byte of the slice: generous guesses for chat data (the benchmark's records
 * average about 770 bytes and 110 shingles), so that the lists seldom grow.
 */
const BYTES_PER_RECORD = 512, BYTES_PER_SHINGLE = 5;

/** Per-record flags. */
export const HAS_FINGERPRINT = 1, HAS_ANSWER = 2, HAS_SIGNATURE = 4, NEWLINE_AFTER = 8;
/** Formats by number, for `format` (-1: not an object of a known format). */
const FORMATS: RecordFormat[] = ['chat', 'sharegpt', 'instruction', 'prompt-completion', 'text'];

/** What one slice's thread found: structured-cloneable, its typed arrays transferable. Lines and bytes are the file's. */
export interface ShardSummary {
  /** Records in the slice, invalid ones included, and its valid ones (`valid`: the length of the per-record arrays). */
  records: number;
  valid: number;
  findings: ShardFindings;
  stats: FileStats;
  formatCounts: [RecordFormat, number][];
  firstRecordSpan: Span | undefined;
  /** line, column, endLine, endColumn per valid record. */
  spans: Int32Array;
  /** Start and end byte offsets in the file per valid record (to read a record again, rarely). */
  bytes: Int32Array;
  flags: Uint8Array;
  /** Two 32-bit lanes of the content fingerprint, and of the final answer's key, per valid record. */
  fingerprints: Int32Array;
  answers: Int32Array;
  lengths: Int32Array;
  format: Int8Array;
  /** near-duplicate: the band keys (layout.bands per valid record), and each record's shingles in `shingles` from offsets[i] to offsets[i + 1]. */
  bandKeys: Int32Array;
  shingles: Int32Array;
  offsets: Int32Array;
  unknownRecords: UnknownRecord[];
  /** Asked for (SummaryWants.shapes): each valid record's shape (record-counts.ts shapeKey), as an index into `keys`. */
  shapes?: { keys: string[]; of: Int32Array };
  /**
   * Asked for (SummaryWants.gramFilter): each valid record's 13-grams that pass the eval records' filter (leakage-index.ts
   * filteredGrams' pairs), from offsets[i] to offsets[i + 1] of `pairs`.
   */
  grams?: { pairs: Int32Array; offsets: Int32Array };
  /**
   * A part of a JSON array: where the record before each valid one ends (endLine, endColumn; 0, 0 when that record is
   * in an earlier part), which its "delete this record" fix starts from, and where the part's last record ends.
   */
  previousEnds?: Int32Array;
  lastEnd?: [number, number];
}

/**
 * How a slice is read: as JSONL lines (no PartRead), or as a part of a JSON array's or a CSV file's records that
 * record-parts.ts cut (`csvHeader`: the file's header row as written).
 */
export interface PartRead { container: 'json-array' | 'csv'; first: boolean; last: boolean; csvHeader?: string }

/** The per-record halves that the options leave on. */
interface Needs { fingerprint: boolean; near: boolean; answer: boolean; length: boolean; schema: boolean }

/**
 * What a summary carries besides what the options need: `shapes` for an editor session to start from; for a training
 * file's comparison with eval files (leakage), the 13-grams that pass the eval records' `gramFilter`, with the content
 * fingerprint, shingles and band keys.
 */
export interface SummaryWants { shapes?: boolean; gramFilter?: Int32Array }

function needs(options: LintOptions): Needs {
  const on = (code: LintCode): boolean => options.severity?.[code] !== 'off';
  return { fingerprint: on('duplicate') || on('near-duplicate'), near: on('near-duplicate'), answer: on('answer-skew'), length: on('length-outlier'), schema: on('schema') };
}

/**
 * Lints the slice `buf` of a file, which starts at line lineOffset + 1 and byte byteOffset: the rules of `codes` (per-record
 * rules and schema, whose file-level check is left to ShardMerger) and the summary of every valid record.
 * `readsAsWhole`: false when the slice did not read as the whole file reads there (the caller then lints the file
 * serially): not plain JSONL, or a part that is not clean (`part`).
 */
export function summarizeShard(path: string, buf: Buffer, codes: readonly LintCode[], options: LintOptions, lineOffset: number, byteOffset: number, wants: SummaryWants = {},
  part?: PartRead): { readsAsWhole: boolean; summary: ShardSummary } {
  const ctx = new FileContext(path, options);
  const stats = emptyStats();
  const opened = openSlice(path, buf, lineOffset + 1, part);
  const dataset = opened.dataset;
  ctx.container = dataset.container;
  ctx.readProblems = dataset.problems;
  // A part's records have the file's line numbers already (their messages quote them); a JSONL slice's are moved.
  const d = part ? 0 : lineOffset;
  // schema's finish (the file-level check) is ShardMerger's work; per-record rules have none.
  const visitors = RULES.filter((r) => codes.includes(r.code) && !ctx.isOff(r.code)).map((r) => r.create(ctx));
  const need = needs(options);
  if (wants.gramFilter) need.fingerprint = true; // an exact copy of an eval record is told by it
  const b = new SummaryBuilder(need, options, d, byteOffset, buf.length, wants, part?.container === 'json-array');
  const records = dataset.forEachRecord((rec) => {
    const view = rec.error ? undefined : buildRecordView(rec, { fingerprint: need.fingerprint });
    visitRecord(ctx, stats, visitors, rec, view);
    b.passed(rec, view);
  });
  stats.records = records;
  const shard = ctx.shardFindings();
  if (d) shiftShardFindings(shard, d, path);
  const first = ctx.firstRecordSpan && { ...ctx.firstRecordSpan, line: ctx.firstRecordSpan.line + d, endLine: ctx.firstRecordSpan.endLine + d };
  return { readsAsWhole: opened.readsAsWhole(), summary: b.finish(records, shard, stats, [...ctx.formatCounts], first) };
}

/** The slice's records as summarizeShard reads them, and whether they read as the whole file's there (asked after them). */
export function openSlice(path: string, buf: Buffer, firstLine: number, part: PartRead | undefined): { dataset: OpenedDataset; readsAsWhole: () => boolean } {
  if (!part) {
    const dataset = openDataset(buf, path);
    return { dataset, readsAsWhole: () => dataset.container === 'jsonl' && dataset.problems.length === 0 };
  }
  if (part.container === 'json-array') {
    const { clean, dataset } = openArrayPart(buf, firstLine, part.first, part.last);
    return { dataset, readsAsWhole: () => clean };
  }
  const { clean, records } = csvPartRecords(buf, part.csvHeader ?? '', firstLine, part.last);
  return { dataset: { container: 'csv', problems: [], forEachRecord: (cb) => { records.forEach(cb); return records.length; } }, readsAsWhole: () => clean };
}

/** The typed-array buffers of a summary, to transfer them to another thread instead of copying. */
export function transferList(s: ShardSummary): ArrayBuffer[] {
  const arrays = [s.spans, s.bytes, s.flags, s.fingerprints, s.answers, s.lengths, s.format, s.bandKeys, s.shingles, s.offsets];
  if (s.shapes) arrays.push(s.shapes.of);
  if (s.grams) arrays.push(s.grams.pairs, s.grams.offsets);
  if (s.previousEnds) arrays.push(s.previousEnds);
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

class SummaryBuilder {
  private n = 0;
  private spans: IntList;
  private bytes: IntList;
  private flags: Uint8Array;
  private fingerprints: IntList;
  private answers: IntList;
  private lengths: IntList;
  private format: Int8Array;
  private bandKeys: IntList;
  private shingles: IntList;
  private offsets: IntList;
  /** Shingles and band keys are worked out: for near-duplicate, or for leakage (`gramFilter`). */
  private readonly features: boolean;
  private readonly gramFilter: Int32Array | undefined;
  private readonly words = new IntList(1024);
  private readonly grams: IntList | undefined;
  private readonly gramOffsets: IntList | undefined;
  private readonly unknownRecords: UnknownRecord[] = [];
  private readonly shapeIds: Map<string, number> | undefined;
  private readonly shapes: IntList | undefined;
  private readonly signature = new Int32Array(PERMUTATIONS);
  private readonly bands: number;
  private readonly layout;
  private readonly previousEnds: IntList | undefined;
  /** Where the last record passed ends (endLine, endColumn; 0: none yet). */
  private lastEndLine = 0;
  private lastEndColumn = 0;

  /** `sliceBytes`: the slice's size, which the lists are sized for (most then never grow). */
  constructor(private readonly need: Needs, options: LintOptions, private readonly lineOffset: number, private readonly byteOffset: number, sliceBytes: number, wants: SummaryWants,
    withPreviousEnds: boolean) {
    this.layout = lshLayout(options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD);
    this.bands = this.layout.bands;
    const records = Math.max(64, Math.ceil(sliceBytes / BYTES_PER_RECORD));
    this.spans = new IntList(4 * records);
    this.bytes = new IntList(2 * records);
    this.flags = new Uint8Array(records);
    this.fingerprints = new IntList(2 * records);
    this.answers = new IntList(2 * records);
    this.lengths = new IntList(need.length ? records : 16);
    this.format = new Int8Array(records);
    this.features = need.near || !!wants.gramFilter;
    this.gramFilter = wants.gramFilter;
    this.bandKeys = new IntList(this.features ? this.bands * records : 16);
    this.shingles = new IntList(this.features ? Math.max(1024, Math.ceil(sliceBytes / BYTES_PER_SHINGLE)) : 16);
    this.offsets = new IntList(this.features ? records + 1 : 16);
    this.offsets.push(0);
    if (wants.gramFilter) {
      this.grams = new IntList(1024);
      this.gramOffsets = new IntList(records + 1);
      this.gramOffsets.push(0);
    }
    if (wants.shapes) {
      this.shapeIds = new Map();
      this.shapes = new IntList(records);
    }
    if (withPreviousEnds) this.previousEnds = new IntList(2 * records);
  }

  /** Every record of the slice in order, valid (`view`) or not. */
  passed(rec: SourceRecord, view: RecordView | undefined): void {
    if (view) {
      this.previousEnds?.push(this.lastEndLine);
      this.previousEnds?.push(this.lastEndColumn);
      this.add(view);
    }
    this.lastEndLine = rec.span.endLine + this.lineOffset;
    this.lastEndColumn = rec.span.endColumn;
  }

  private add(r: RecordView): void {
    const i = this.n++;
    if (i === this.flags.length) { this.flags = growBytes(this.flags); this.format = growBytes(this.format); }
    const rec: SourceRecord = r.source;
    const sp = rec.span, d = this.lineOffset;
    this.spans.push(sp.line + d); this.spans.push(sp.column); this.spans.push(sp.endLine + d); this.spans.push(sp.endColumn);
    this.bytes.push(rec.byteOffset + this.byteOffset); this.bytes.push(rec.byteEnd + this.byteOffset);
    let flags = rec.newlineAfter ? NEWLINE_AFTER : 0;
    const fp = r.fingerprint;
    if (fp !== undefined) {
      flags |= HAS_FINGERPRINT;
      this.fingerprints.push(parseInt(fp.slice(0, 8), 16) | 0);
      this.fingerprints.push(parseInt(fp.slice(8), 16) | 0);
    } else {
      this.fingerprints.push(0); this.fingerprints.push(0);
    }
    if (this.features) {
      const before = this.shingles.length;
      if (this.gramFilter) {
        this.words.clear();
        appendRecordShingles(r, this.shingles, this.words);
        filteredGrams(this.words.items(), this.gramFilter, this.grams!);
        this.gramOffsets!.push(this.grams!.length);
      } else {
        appendRecordShingles(r, this.shingles);
      }
      const n = this.shingles.length - before;
      this.offsets.push(this.shingles.length);
      this.bandKeys.reserve(this.bands);
      if (n > 0) {
        flags |= HAS_SIGNATURE;
        minhashSignature(this.shingles.data.subarray(before), n, this.signature);
        bandKeys(this.signature, this.layout, this.bandKeys.data.subarray(this.bandKeys.length));
      }
      this.bandKeys.length += this.bands;
    }
    const key = this.need.answer ? answerKey(r) : undefined;
    if (key) { flags |= HAS_ANSWER; this.answers.push(key[0]); this.answers.push(key[1]); } else { this.answers.push(0); this.answers.push(0); }
    if (this.need.length) this.lengths.push(trainingLength(r));
    let format = -1;
    if (this.need.schema && isJsonObject(r.value)) {
      if (r.format === 'unknown') {
        this.unknownRecords.push({ span: { ...sp, line: sp.line + d, endLine: sp.endLine + d }, fields: Object.keys(r.value), nested: nestedRecordsHint(r.value) });
      } else format = FORMATS.indexOf(r.format);
    }
    this.format[i] = format;
    this.flags[i] = flags;
    if (this.shapeIds) {
      const key = shapeKey(r);
      let id = this.shapeIds.get(key);
      if (id === undefined) this.shapeIds.set(key, (id = this.shapeIds.size));
      this.shapes!.push(id);
    }
  }

  finish(records: number, findings: ShardFindings, stats: FileStats, formatCounts: [RecordFormat, number][], firstRecordSpan: Span | undefined): ShardSummary {
    const n = this.n;
    return {
      records, valid: n, findings, stats, formatCounts, firstRecordSpan,
      spans: this.spans.items(), bytes: this.bytes.items(), flags: this.flags.subarray(0, n), fingerprints: this.fingerprints.items(),
      answers: this.answers.items(), lengths: this.lengths.items(), format: this.format.subarray(0, n),
      bandKeys: this.bandKeys.items(), shingles: this.shingles.items(), offsets: this.offsets.items(), unknownRecords: this.unknownRecords,
      shapes: this.shapeIds && { keys: [...this.shapeIds.keys()], of: this.shapes!.items() },
      grams: this.grams && { pairs: this.grams.items(), offsets: this.gramOffsets!.items() },
      previousEnds: this.previousEnds?.items(), lastEnd: this.lastEndLine ? [this.lastEndLine, this.lastEndColumn] : undefined,
    };
  }
}

/**
 * The file's result from its slices' summaries, taken one slice at a time in file order (so that the main thread can
 * take in the first slices while the workers still lint the last ones, lint-parallel.ts): their findings as one pass
 * would have made them, then the whole-file rules fed record by record. `buf`: the file's bytes (a record is read
 * again for the text answer-skew quotes).
 */
export class ShardMerger {
  private readonly ctx: FileContext;
  private readonly stats = emptyStats();
  private records = 0;
  private readonly shards: ShardSummary[] = [];
  private readonly need: Needs;
  private readonly duplicates: boolean;
  private readonly ids: KeyIndex; // content fingerprint -> dense id
  private readonly firstLines: FirstLines;
  private readonly bandHeads: BandHeads;
  /** The slice's records that near-duplicate indexes. */
  private readonly toIndex = new IntList(1024);
  private readonly near: NearDuplicateIndex | undefined;
  private readonly answers: AnswerTally | undefined;
  /** A CSV file's columns, to read a row again. */
  private readonly csv: CsvColumns | undefined;
  /** Where the last record of the slices taken in so far ends (a JSON array's next record's delete fix starts there). */
  private lastEnd: [number, number] | undefined;
  /** A training file's: the eval records its records are compared with (leakage), and the LSH bands per record. */
  private readonly leakage: LeakageIndex | undefined;
  private readonly bands: number;

  /**
   * `expectedValid`: about how many valid records the file holds. The hash tables are sized for that many up front:
   * growing a table of millions of keys rehashes them all each time (it still grows when the guess is short).
   * `container`: what the slices are parts of (a CSV file's come with its header row as written).
   */
  constructor(path: string, private readonly buf: Buffer, options: LintOptions, role: FileRole | undefined, expectedValid: number,
    private readonly container: DatasetContainer = 'jsonl', csvHeader?: string) {
    this.ctx = new FileContext(path, options, role);
    this.ctx.container = container;
    this.csv = csvHeader === undefined ? undefined : csvHeaderColumns(csvHeader);
    this.need = needs(options);
    this.duplicates = !this.ctx.isOff('duplicate');
    const threshold = options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
    const { bands } = lshLayout(threshold);
    this.bands = bands;
    this.leakage = role?.role === 'train' ? role.leakage : undefined;
    this.ids = new KeyIndex(expectedValid + 16);
    this.firstLines = new FirstLines(expectedValid + 16);
    this.bandHeads = new BandHeads(this.need.near ? bands : 0, expectedValid);
    // Its band slot index stays empty: the merge chains records by band key (chainKeys).
    this.near = this.need.near ? new NearDuplicateIndex(threshold, bands, new KeyIndex(16)) : undefined;
    this.answers = this.need.answer ? new AnswerTally() : undefined;
  }

  /** Takes in the next slice's summary (slices in file order). */
  add(s: ShardSummary): void {
    const { ctx, need, ids, bandHeads, near, answers } = this;
    const toIndex = this.toIndex;
    toIndex.clear();
    this.shards.push(s);
    ctx.absorb(s.findings);
    this.records += s.records;
    for (const [format, n] of s.formatCounts) ctx.formatCounts.set(format, (ctx.formatCounts.get(format) ?? 0) + n);
    ctx.firstRecordSpan ??= s.firstRecordSpan;
    addStats(this.stats, s.stats);
    for (let i = 0; i < s.valid; i++) {
      const flags = s.flags[i];
      const line = s.spans[4 * i];
      if (this.leakage) this.compareWithEval(this.leakage, s, i);
      let fid: number | undefined;
      if (flags & HAS_FINGERPRINT && need.fingerprint) {
        fid = ids.intern(s.fingerprints[2 * i], s.fingerprints[2 * i + 1]);
        if (this.duplicates) {
          const first = this.firstLines.firstOf(fid, line);
          if (first !== 0) reportDuplicate(ctx, spanAt(s.spans, i), first, this.deleteFix(s, i, 'Delete duplicate record'));
        }
      }
      if (near && near.firstOfItsContent(fid) && flags & HAS_SIGNATURE) toIndex.push(i);
      if (answers && flags & HAS_ANSWER) {
        const second = answers.add(s.answers[2 * i], s.answers[2 * i + 1], line);
        if (second) second.text = answerPreview(this.reread(s, i));
      }
    }
    // near-duplicate after the slice's other findings: each code's findings still come in file order.
    if (!near) return;
    near.chainKeys(s.bandKeys, toIndex.data, toIndex.length, bandHeads);
    for (let j = 0; j < toIndex.length; j++) {
      const i = toIndex.data[j];
      const line = s.spans[4 * i];
      const m = near.addChained(s.shingles, s.offsets[i], s.offsets[i + 1], line);
      if (m) reportNearDuplicate(ctx, spanAt(s.spans, i), m, this.deleteFix(s, i, 'Delete near-duplicate record'));
    }
    this.lastEnd = s.lastEnd ?? this.lastEnd;
  }

  /**
   * Compares valid record i of slice `s` with the eval records, as the leakage rule's addTrain does from the record's
   * view: its content fingerprint, band keys, filtered 13-grams and (for a near-copy candidate) shingles, from the summary.
   */
  private compareWithEval(leakage: LeakageIndex, s: ShardSummary, i: number): void {
    const flags = s.flags[i], n = this.bands, grams = s.grams!;
    const fingerprint = flags & HAS_FINGERPRINT ? hex64(s.fingerprints[2 * i], s.fingerprints[2 * i + 1]) : undefined;
    const bands = flags & HAS_SIGNATURE ? s.bandKeys.subarray(n * i, n * (i + 1)) : undefined;
    leakage.compareFiltered(this.ctx.path, s.spans[4 * i], fingerprint, bands, grams.pairs.subarray(grams.offsets[i], grams.offsets[i + 1]),
      () => s.shingles.subarray(s.offsets[i], s.offsets[i + 1]));
  }

  /** The serial rules' "delete this record" fix (deleteRecordFix) for valid record i of a slice. */
  private deleteFix(s: ShardSummary, i: number, title: string): Fix {
    const ends = s.previousEnds;
    const previous = ends?.[2 * i] ? [ends[2 * i], ends[2 * i + 1]] : this.lastEnd;
    const length = (): number => this.buf.toString('utf8', s.bytes[2 * i], s.bytes[2 * i + 1]).length;
    return deleteRecordSpanFix(this.container, spanAt(s.spans, i), (s.flags[i] & NEWLINE_AFTER) !== 0, length, previous && { line: previous[0], column: previous[1] }, title);
  }

  /** The view of valid record i of a slice, read again from the file's bytes. */
  private reread(s: ShardSummary, i: number): RecordView {
    const start = s.bytes[2 * i], end = s.bytes[2 * i + 1];
    const text = this.buf.toString('utf8', start, end);
    const line = s.spans[4 * i];
    const rec: SourceRecord = this.csv
      ? csvRowRecordAt(text, line, this.csv)
      : { index: 0, text, line, column: 1, span: spanAt(s.spans, i), byteOffset: start, byteEnd: end, newlineAfter: true, value: JSON.parse(text) };
    return buildRecordView(rec, { fingerprint: false });
  }

  /** The file's result, once every slice is in. */
  finish(): FileLintResult {
    const { ctx, stats, records, need, shards } = this;
    ctx.records = records;
    stats.records = records;
    const on = (code: LintCode): boolean => !ctx.isOff(code);
    // The rest report from finish(), after every record, as the serial pass does.
    if (on('schema')) schemaCheck(ctx, shards);
    this.answers?.report(ctx);
    if (on('too-few-records')) tooFewRecordsRule.create(ctx).finish?.();
    if (need.length) {
      const lengths = concat(shards.map((s) => s.lengths));
      reportLengthOutliers(ctx, lengths, lengths.length, concat(shards.map((s) => s.spans)));
    }
    return fileResult({ ctx, stats, records, container: this.container, problems: [] });
  }
}

/** schema's file-level check from the slices' formats. */
function schemaCheck(ctx: FileContext, shards: ShardSummary[]): void {
  const spansByFormat = new Map<RecordFormat, number[]>();
  for (const s of shards) {
    for (let i = 0; i < s.valid; i++) {
      const f = s.format[i];
      if (f < 0) continue;
      let spans = spansByFormat.get(FORMATS[f]);
      if (!spans) spansByFormat.set(FORMATS[f], (spans = []));
      spans.push(s.spans[4 * i], s.spans[4 * i + 1], s.spans[4 * i + 2], s.spans[4 * i + 3]);
    }
  }
  reportFormatProblems(ctx, shards.flatMap((s) => s.unknownRecords), spansByFormat);
}

function spanAt(spans: Int32Array, i: number): Span {
  return { line: spans[4 * i], column: spans[4 * i + 1], endLine: spans[4 * i + 2], endColumn: spans[4 * i + 3] };
}

function addStats(to: FileStats, from: FileStats): void {
  to.invalidRecords += from.invalidRecords;
  to.conversations += from.conversations;
  to.messages += from.messages;
  if (from.minMessages !== null) to.minMessages = to.minMessages === null ? from.minMessages : Math.min(to.minMessages, from.minMessages);
  if (from.maxMessages !== null) to.maxMessages = to.maxMessages === null ? from.maxMessages : Math.max(to.maxMessages, from.maxMessages);
  for (const [role, n] of Object.entries(from.roles)) to.roles[role] = (to.roles[role] ?? 0) + n;
}

function concat(parts: Int32Array[]): Int32Array {
  if (parts.length === 1) return parts[0];
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function growBytes<T extends Uint8Array | Int8Array>(a: T): T {
  const next = new (a.constructor as new (n: number) => T)(a.length * 2);
  next.set(a);
  return next;
}
