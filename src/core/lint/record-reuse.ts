/**
 * Re-linting an editor document that is not plain JSONL (a JSON array, pretty-printed records, a CSV file), which the
 * incremental session (lint-session.ts) cannot hold line by line. The text is read again in full at each edit, but a
 * record whose source text is unchanged keeps its per-record findings (moved to its new line) and what the whole-file
 * rules worked out for it before (content fingerprint, shingles and MinHash signature, LSH band slots, answer key):
 * only the records an edit changed are checked again. The result equals lintSource's.
 */
import { openDataset } from '../dataset/read';
import type { SourceRecord } from '../dataset/types';
import { FileContext, type RecordCache, type RecordView } from './context';
import { movedFinding } from './finding-lines';
import { emptyStats, fileResult, needsFingerprint, reportReadProblems, visitRecord } from './lint-source';
import { buildRecordView } from './record-view';
import { ruleGroups } from './rule-groups';
import type { FileLintResult, Finding, LintOptions } from './types';

/** What is kept of a valid record between lints. */
interface KeptRecord {
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
  /** Kept records by source text (a CSV row's, else the record's); several when it repeats (exact duplicates). */
  private kept = new Map<string, KeptRecord[]>();
  /** The CSV header of the last lint: a row's record follows from it and the row, so another header forgets them all. */
  private csvHeader: string | undefined;
  /** The interned keys the whole-file rules keep between lints (FileContext.kept), which the views' caches refer to. */
  private readonly state = new Map<string, unknown>();
  /** Records checked by the last lint, and taken from the previous one; for tests. */
  lastLint = { checked: 0, reused: 0 };

  constructor(private readonly path: string, private readonly options: LintOptions) {}

  lint(text: string): FileLintResult {
    const { path, options, state } = this;
    const groups = ruleGroups(options, false);
    const dataset = openDataset(text, path, { csvReuse: (row, header) => (header === this.csvHeader ? this.kept.get(row)?.[0].csv : undefined) });
    if (dataset.csvHeader !== this.csvHeader) this.kept.clear();
    this.csvHeader = dataset.csvHeader;
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
    const next = new Map<string, KeptRecord[]>();
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
      const entry: KeptRecord = { line: rec.line, column: rec.column, fingerprint: view.fingerprint, cache: view.cache, own: found };
      if (rec.sourceText !== undefined) entry.csv = { value: rec.value as Record<string, unknown>, text: rec.text };
      const key = rec.sourceText ?? rec.text;
      const list = next.get(key);
      if (list) list.push(entry); else next.set(key, [entry]);
    });
    reportReadProblems(own, dataset.problems);
    for (const v of wholeFile) v.finish?.();
    stats.records = records;
    this.kept = next;
    this.lastLint = { checked, reused };
    return fileResult({ ctx, stats, records, container: dataset.container, problems: dataset.problems }, own);
  }

  /**
   * The kept record with this record's source text and start column, taken so that a copy of it is checked anew. A
   * CSV row's record text is not compared: building it flat would cost more than the rest of the lookup.
   */
  private take(rec: SourceRecord): KeptRecord | undefined {
    const list = this.kept.get(rec.sourceText ?? rec.text);
    if (!list) return undefined;
    const i = list.findIndex((k) => k.column === rec.column);
    return i < 0 ? undefined : list.splice(i, 1)[0];
  }
}
