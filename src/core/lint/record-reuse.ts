/**
 * Re-linting an editor document that the incremental session (lint-session.ts) cannot hold line by line or record by
 * record (pretty-printed records, a JSON array with several records on one line, text with a NUL, a CSV file whose
 * header has a problem). The text is read again in full at each edit, but a
 * record whose source text is unchanged keeps its per-record findings (moved to its new line) and what the whole-file
 * rules worked out for it before (content fingerprint, shingles and MinHash signature, LSH band slots, answer key):
 * only the records an edit changed are checked again. The result equals lintSource's.
 *
 * A record is known again by where it sits: outside the span where the new text differs from the previous one, at the
 * same place or shifted by the edit's length (records read from bytes line by line, which carry no offset, by their
 * text). Looking records up by their text hashed the whole document twice per edit.
 */
import { openDataset } from '../dataset/read';
import type { KnownCsvRow } from '../dataset/csv';
import type { SourceRecord } from '../dataset/types';
import { FileContext, type RecordCache, type RecordView } from './context';
import { movedFinding } from './finding-lines';
import { commonPrefix, commonSuffix } from './text-affixes';
import { emptyStats, fileResult, needsFingerprint, reportReadProblems, visitRecord } from './lint-source';
import { buildRecordView } from './record-view';
import { ruleGroups } from './rule-groups';
import type { FileLintResult, Finding, LintOptions } from './types';

/** What is kept of a valid record between lints. */
interface KeptRecord {
  /** Its source text's offset and length in the text (SourceRecord.offset), when it has one. */
  offset?: number;
  length: number;
  /** Taken by a record of the current lint (RecordReuse.take). */
  taken?: boolean;
  /** A CSV row: the line breaks inside it (KnownCsvRow.lines). */
  csvLines?: number;
  /** Where it was: its findings are moved by the lines it moved. */
  line: number;
  column: number;
  fingerprint: string | undefined;
  cache: RecordCache;
  /** The per-record rules' findings, at `line`. */
  own: Finding[];
  /** A CSV row's record and record text, which the reader takes instead of parsing the row's cells again. */
  csv?: { value: Record<string, unknown>; text: string };
}

export class RecordReuse {
  /** Kept records with an offset (SourceRecord.offset), in file order. */
  private placed: KeptRecord[] = [];
  /**
   * Kept records by source text, several when it repeats (exact duplicates): those without an offset, and for a lint
   * those with one that sat in the span the edit changed (a record moved or re-split there is still found).
   */
  private keptByText = new Map<string, KeptRecord[]>();
  /** Kept records without an offset, by source text (keptByText starts from them). */
  private unplaced = new Map<string, KeptRecord[]>();
  /** The text of the last lint (held between lints only). */
  private prevText: string | undefined;
  /** The new text equals the previous one before `same` and in its last `sameEnd` characters (offsets after any BOM). */
  private same = 0;
  private sameEnd = 0;
  /** New text length minus the previous one's, and the new text's length after any BOM. */
  private delta = 0;
  private textEnd = 0;
  /** The CSV header of the last lint: a row's record follows from it and the row, so another header forgets them all. */
  private csvHeader: string | undefined;
  /** Where that header row ends (offsets after any BOM). */
  private csvHeaderEnd = Infinity;
  /** The interned keys the whole-file rules keep between lints (FileContext.kept), which the views' caches refer to. */
  private readonly state = new Map<string, unknown>();
  /** Records checked by the last lint, and taken from the previous one; for tests. */
  lastLint = { checked: 0, reused: 0 };

  constructor(private readonly path: string, private readonly options: LintOptions) {}

  lint(text: string): FileLintResult {
    const { path, options, state } = this;
    const groups = ruleGroups(options, false);
    this.diffFrom(text);
    const dataset = openDataset(text, path, {
      csvReuse: (start, end, header) => (header !== this.csvHeader ? undefined
        : (this.byPlace(start, end - start) ?? this.keptByText.get(text.slice(start, end))?.[0])?.csv),
      csvRows: (start, csv) => this.knownRow(start, csv),
    });
    if (dataset.csvHeader !== this.csvHeader) {
      this.placed = [];
      this.keptByText.clear();
    }
    this.csvHeader = dataset.csvHeader;
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.csvHeaderEnd = dataset.csvHeader === undefined ? Infinity : text.indexOf(dataset.csvHeader, bom) - bom + dataset.csvHeader.length;
    const ctx = new FileContext(path, options, undefined, state);
    // The per-record rules report every finding into `capture`, each record's are kept, and `own` takes them in file
    // order under the per-code limit, as one context of a full lint would.
    const capture = new FileContext(path, { ...options, maxFindingsPerCode: Infinity }, undefined, state);
    const own = new FileContext(path, options);
    for (const c of [ctx, capture, own]) {
      c.container = dataset.container;
      c.readProblems = dataset.problems;
    }
    const wholeFile = groups.wholeFile.filter((r) => !ctx.isOff(r.code)).map((r) => r.create(ctx));
    const perRecord = groups.perRecord.filter((r) => !ctx.isOff(r.code)).map((r) => r.create(capture));
    const fingerprint = needsFingerprint(ctx, groups.wholeFile);
    const stats = emptyStats();
    const placed: KeptRecord[] = [];
    const unplaced = new Map<string, KeptRecord[]>();
    let checked = 0, reused = 0;
    const records = dataset.forEachRecord((rec) => {
      if (rec.error) {
        visitRecord(ctx, stats, wholeFile, rec, undefined);
        for (const v of perRecord) v.invalidRecord?.(rec);
        for (const f of capture.findings.splice(0)) own.add(f);
        return;
      }
      const before = this.take(rec);
      let view: RecordView;
      let found: Finding[];
      if (before) {
        reused++;
        view = buildRecordView(rec, { fingerprint: false });
        view.fingerprint = before.fingerprint;
        view.cache = before.cache;
        // Copies even where the record did not move: a caller may change the findings it gets.
        found = before.own.map((f) => movedFinding(f, rec.line - before.line, path));
      } else {
        checked++;
        view = buildRecordView(rec, { fingerprint });
        for (const v of perRecord) v.record?.(view);
        found = capture.findings.splice(0);
      }
      visitRecord(ctx, stats, wholeFile, rec, view);
      for (const f of found) own.add(f);
      // The training strings point into the parsed record: a rule that needs them again collects them again.
      view.cache.strings = undefined;
      const source = rec.sourceText ?? rec.text;
      const entry: KeptRecord = { offset: rec.offset, length: source.length, line: rec.line, column: rec.column, fingerprint: view.fingerprint, cache: view.cache, own: found };
      if (rec.sourceText !== undefined) {
        entry.csv = { value: rec.value as Record<string, unknown>, text: rec.text };
        entry.csvLines = rec.span.endLine - rec.line;
      }
      if (rec.offset !== undefined) placed.push(entry);
      else addTo(unplaced, source, entry);
    });
    reportReadProblems(own, dataset.problems);
    for (const v of wholeFile) v.finish?.();
    stats.records = records;
    this.placed = placed;
    this.unplaced = unplaced;
    this.prevText = text;
    this.lastLint = { checked, reused };
    return fileResult({ ctx, stats, records, container: dataset.container, problems: dataset.problems }, own);
  }

  /**
   * Notes where `text` differs from the previous lint's text, and sets up the lookups of the kept records: by place for
   * those outside the changed span, by text for the few inside it. With no previous text (or another BOM) nothing is kept.
   */
  private diffFrom(text: string): void {
    const prev = this.prevText;
    this.prevText = undefined; // not held while this lint runs: the caller holds `text`
    this.keptByText = this.unplaced;
    if (prev === undefined || (prev.charCodeAt(0) === 0xfeff) !== (text.charCodeAt(0) === 0xfeff)) {
      this.same = this.sameEnd = this.textEnd = 0;
      this.placed = [];
      this.keptByText = new Map();
      return;
    }
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0; // offsets count from after it
    const most = Math.min(prev.length, text.length);
    const p = commonPrefix(prev, text);
    this.same = p - bom;
    this.sameEnd = Math.min(commonSuffix(prev, text, most - p), most - p);
    this.delta = text.length - prev.length;
    this.textEnd = text.length - bom;
    const changedEnd = prev.length - bom - this.sameEnd; // of the changed span in the previous text
    for (let i = this.firstEndingAfter(this.same); i < this.placed.length && this.placed[i].offset! < changedEnd; i++) {
      const k = this.placed[i];
      addTo(this.keptByText, prev.slice(bom + k.offset!, bom + k.offset! + k.length), k);
    }
  }

  /** Index of the first placed record that ends after `offset` (placed records do not overlap: ends ascend too). */
  private firstEndingAfter(offset: number): number {
    let lo = 0, hi = this.placed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.placed[mid].offset! + this.placed[mid].length <= offset) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /**
   * The kept record at the same place before, for a record of `length` characters at `offset` of the new text that lies
   * wholly before the changed span or wholly after it (shifted by the edit); undefined inside it.
   */
  private byPlace(offset: number, length: number): KeptRecord | undefined {
    let before: number;
    if (offset + length <= this.same) before = offset;
    else if (offset >= this.textEnd - this.sameEnd) before = offset - this.delta;
    else return undefined;
    const k = this.placedAt(before);
    return k?.length === length ? k : undefined;
  }

  /** The kept record that started at `offset` of the previous text, unless taken already. */
  private placedAt(offset: number): KeptRecord | undefined {
    const k = this.placed[this.firstEndingAfter(offset)];
    return k?.offset === offset && !k.taken ? k : undefined;
  }

  /**
   * The CSV row read before at `start` of `csv` (the text after any BOM), when the header, the row and its line break
   * are all unchanged: the reader takes its extent instead of scanning it (KnownCsvRows). A row that ended where the
   * edit begins does not count: typing there may lengthen it.
   */
  private knownRow(start: number, csv: string): KnownCsvRow | undefined {
    if (this.same <= this.csvHeaderEnd) return undefined; // the header may have changed: every row is read
    const after = start >= this.textEnd - this.sameEnd;
    if (!after && start >= this.same) return undefined;
    const k = this.placedAt(after ? start - this.delta : start);
    if (k?.csvLines === undefined) return undefined;
    const end = start + k.length;
    const c = csv.charCodeAt(end);
    const newline = end === csv.length ? 0 : c === 0x0a ? 1 : c === 0x0d && csv.charCodeAt(end + 1) === 0x0a ? 2 : -1;
    if (newline < 0 || (!after && end + newline > this.same)) return undefined;
    return { length: k.length, lines: k.csvLines, newline: newline as 0 | 1 | 2 };
  }

  /**
   * The kept record this record is a copy of, taken so that a second copy is checked anew: by place, else by text (the
   * records inside the changed span, and those without an offset). Its start column must match: findings are moved by
   * lines only.
   */
  private take(rec: SourceRecord): KeptRecord | undefined {
    const source = rec.sourceText ?? rec.text;
    const placed = rec.offset === undefined ? undefined : this.byPlace(rec.offset, source.length);
    if (placed?.column === rec.column) {
      placed.taken = true;
      return placed;
    }
    const list = this.keptByText.get(source);
    if (!list) return undefined;
    const i = list.findIndex((k) => k.column === rec.column);
    return i < 0 ? undefined : list.splice(i, 1)[0];
  }
}

function addTo(map: Map<string, KeptRecord[]>, key: string, k: KeptRecord): void {
  const list = map.get(key);
  if (list) list.push(k); else map.set(key, [k]);
}
