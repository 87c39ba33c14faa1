/**
 * Leakage in the editor: an eval document is compared with its training files at each edit. Reading the training
 * files again each time (parsing, word scan, MinHash) would cost about as much as linting them; TrainingFeatures keeps
 * what the comparison needs of each training record instead (content fingerprint, LSH band keys, word hashes: about
 * 4 bytes per word), so that a check costs the eval side plus one pass of rolling 13-gram hashes over the kept words.
 * The same LeakageIndex compares the same values as lintTrainAndEval, so the findings are the same.
 */
import { openDataset } from '../dataset/read';
import { byPosition } from './context';
import type { SourceRecord } from '../dataset/types';
import { RULES } from './rules';
import { EvalFeatureCache } from './leakage-eval-cache';
import type { LeakageIndex } from './leakage-index';
import type { LintInput } from './lint-files';
import { onlyCodes } from './config';
import { fileResult, inCodeOrder, runRules } from './lint-source';
import { recordFeatures, recordWords } from './record-features';
import { buildRecordView } from './record-view';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD } from './rules/near-duplicate';
import { IntList } from './text/int-list';
import { appendShingles, bandKeys, lshLayout, type LshLayout } from './text/minhash';
import type { FileLintResult, LintCode, LintOptions } from './types';

/** JSON Lines read per step by TrainingFeatures.read: some 15 ms of work. */
const SLICE_BYTES = 1 << 20;

/** The training records of one or more files, as LeakageIndex.compareTrain takes them, in file order. */
export class TrainingFeatures {
  private readonly paths: string[] = [];
  private readonly fileOf = new IntList();
  private readonly lines = new IntList();
  private readonly fingerprints: (string | undefined)[] = [];
  /** layout.bands keys per record (zeros for a record without words). */
  private readonly bands = new IntList();
  /** Where each record's word hashes end in `words`. */
  private readonly wordEnd = new IntList();
  private readonly words = new IntList();
  private readonly layout: LshLayout;

  constructor(readonly threshold: number) {
    this.layout = lshLayout(threshold);
  }

  /** Reads the training files in order (their bytes, or an editor's text), as lintFiles would read them. */
  static of(sources: readonly LintInput[], threshold: number): TrainingFeatures {
    const steps = TrainingFeatures.read(sources, threshold);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * `of` in steps, for a reader that answers other questions meanwhile (the lint worker): it pauses after each slice of
   * about `sliceBytes` of JSON Lines (a line is never cut); a JSON array or CSV file is read in one step.
   */
  static *read(sources: readonly LintInput[], threshold: number, sliceBytes = SLICE_BYTES): Generator<void, TrainingFeatures> {
    const features = new TrainingFeatures(threshold);
    for (const s of sources) yield* features.add(s, sliceBytes);
    return features;
  }

  private *add(source: LintInput, sliceBytes: number): Generator<void> {
    const file = this.paths.push(source.path) - 1;
    const keys = new Int32Array(this.layout.bands);
    const add = (rec: SourceRecord, linesBefore: number): void => {
      if (rec.error) return;
      const r = buildRecordView(rec);
      const words = recordWords(r);
      const { signature } = recordFeatures(r);
      if (signature.length) bandKeys(signature, this.layout, keys);
      else keys.fill(0);
      this.fileOf.push(file);
      this.lines.push(linesBefore + rec.span.line);
      this.fingerprints.push(r.fingerprint);
      this.bands.append(keys);
      this.words.append(words);
      this.wordEnd.push(this.words.length);
    };
    const whole = openDataset(source.input, source.path);
    if (whole.problems.some((p) => p.fatal)) return; // no records, as lintFiles reads it
    if (whole.container !== 'jsonl' && whole.container !== 'parquet') {
      whole.forEachRecord((rec) => add(rec, 0));
      return;
    }
    // JSON Lines (a Parquet file's rows are decoded into them) is read a slice of lines at a time.
    const bytes = typeof source.input === 'string' ? Buffer.from(source.input, 'utf8') : source.input;
    let linesBefore = 0;
    for (let from = 0; from < bytes.length;) {
      const nl = bytes.indexOf(0x0a, Math.min(bytes.length, from + sliceBytes));
      const to = nl === -1 ? bytes.length : nl + 1;
      openDataset(bytes.subarray(from, to), source.path, { jsonl: true }).forEachRecord((rec) => add(rec, linesBefore));
      for (let i = bytes.indexOf(0x0a, from); i !== -1 && i < to; i = bytes.indexOf(0x0a, i + 1)) linesBefore++;
      from = to;
      yield;
    }
  }

  get records(): number {
    return this.lines.length;
  }

  /** Memory kept, in bytes: the typed arrays, and about 40 bytes per fingerprint string. */
  get bytes(): number {
    return 4 * (this.fileOf.data.length + this.lines.data.length + this.bands.data.length + this.wordEnd.data.length + this.words.data.length)
      + 40 * this.fingerprints.length;
  }

  /** Compares every kept training record, in file order, with the eval records of `index`, as addTrain would. */
  compareWith(index: LeakageIndex): void {
    const n = this.layout.bands;
    const words = this.words.data, wordEnd = this.wordEnd.data, bands = this.bands.data;
    let current = words.subarray(0, 0);
    const scratch = new IntList();
    // Only a near-copy candidate needs the training record's shingles: worked out from its words when asked.
    const shingles = (): Int32Array => {
      scratch.clear();
      appendShingles(current, current.length, scratch);
      return scratch.toArray();
    };
    const keys = new Int32Array(n); // a copy, not a view per record: views cost an allocation each
    for (let t = 0, from = 0; t < this.records; t++) {
      const to = wordEnd[t];
      current = words.subarray(from, to);
      for (let b = 0; b < n; b++) keys[b] = bands[t * n + b];
      index.compareTrain(this.paths[this.fileOf.data[t]], this.lines.data[t], this.fingerprints[t], to > from ? keys : undefined, current, shingles);
      from = to;
    }
  }
}

/**
 * The options an eval file's own lint runs under where it is linted apart from its training files (the editor's
 * session): as lintFiles lints an eval file, without too-few-records (a small eval set is normal).
 */
export function evalFileOptions(options: LintOptions): LintOptions {
  return { ...options, severity: { ...options.severity, 'too-few-records': 'off' } };
}

/** The near-copy threshold a lint under `options` compares with. */
export function leakageThreshold(options: LintOptions): number {
  return options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
}

/**
 * The leakage findings of an eval file (its bytes, or an editor's text) against kept training features: the eval side of
 * lintTrainAndEval with every other rule off. `training` must have been read at leakageThreshold(options). The text is
 * read once: the records indexed are then visited by the leakage rule.
 */
export function evalLeakage(evalPath: string, evalInput: Buffer | string, training: TrainingFeatures, options: LintOptions = {},
  cache = new EvalFeatureCache()): FileLintResult {
  if (training.threshold !== leakageThreshold(options)) throw new Error(`training features read at threshold ${training.threshold}, not ${leakageThreshold(options)}`);
  const dataset = openDataset(evalInput, evalPath);
  const records: SourceRecord[] = [];
  dataset.forEachRecord((rec) => { records.push(rec); });
  const checked = options.severity?.leakage !== 'off' ? cache.check(records, training) : undefined;
  const read = { ...dataset, forEachRecord: (cb: (rec: SourceRecord) => void) => { records.forEach(cb); return records.length; } };
  return fileResult(runRules(evalPath, read, RULES, onlyCodes(options, ['leakage']), { role: 'eval', matches: checked?.matches, evalFileId: 0 },
    (rec) => checked?.views.get(rec)));
}

/** `base` (a lint without the training files) with the leakage findings of evalLeakage added, as one lint gives them. */
export function withLeakage(base: FileLintResult, leakage: FileLintResult): FileLintResult {
  const found = leakage.stats.findingsByCode.leakage ?? 0;
  if (!found) return base;
  const leaks = leakage.findings.filter((f) => f.code === 'leakage');
  const bySeverity = { ...base.stats.findingsBySeverity };
  for (const s of ['error', 'warning', 'info'] as const) bySeverity[s] += leakage.stats.findingsBySeverity[s];
  // Fatal read problems are reported even with their rule off; `base` has them already.
  for (const f of leakage.findings) if (f.code !== 'leakage') bySeverity[f.severity]--;
  const byCode = inCodeOrder(new Map([...Object.entries(base.stats.findingsByCode) as [LintCode, number][], ['leakage', found]]));
  return {
    ...base,
    findings: [...base.findings, ...leaks].sort(byPosition),
    stats: { ...base.stats, findingsByCode: byCode, findingsBySeverity: bySeverity },
  };
}
