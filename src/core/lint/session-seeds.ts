/**
 * What a threaded lint of a document (lint-text-parallel.ts) already worked out per record, handed to the editor's
 * incremental session (lint-session.ts) so that building it does not do that work a second time: per valid record, its
 * per-record findings and schema's field checks, content fingerprint, final-answer key, text length, near-duplicate
 * shingles and band keys, and its format and roles. The session neither parses the lines seeded here nor runs a rule
 * on them. Built from the slices' summaries (shard-summary.ts) of that very text.
 */
import { hex64 } from '../dataset/canonical';
import { movedFinding } from './finding-lines';
import { shapeFromKey, type RecordShape } from './record-counts';
import { answerKeyText } from './rules/answer-skew';
import { HAS_ANSWER, HAS_FINGERPRINT, HAS_SIGNATURE, type ShardSummary } from './shard-summary';
import type { Finding } from './types';

/**
 * What a threaded lint hands an editor session: its slices' summaries, filled by lintTextParallel (`seeds`) and read by
 * createLintSession.
 */
export interface LintSeeds { summaries: ShardSummary[] }

/** One record's seed; findings with line numbers relative to the record's line (line 1), as the session keeps them. */
export interface LineSeed {
  /** Column of the record's first character: the session checks that it reads the line as the threads did. */
  column: number;
  fingerprint: string | undefined;
  /** answer-skew's key, as the session writes it; undefined: no answer. */
  answer: string | undefined;
  length: number;
  /** Band keys (one per band); undefined: no words. */
  bandKeys: Int32Array | undefined;
  shingles: Int32Array;
  own: Finding[];
  schema: Finding[];
  /** Its format and roles: the session need not parse the line. */
  shape: RecordShape;
}

export class SessionSeeds {
  /** Per file line (1-based): 1 + the index of its summary; 0: no seed. */
  private readonly shardOf: Int32Array;
  /** Per file line: the record's index in its summary. */
  private readonly indexOf: Int32Array;
  private readonly findingsAt = new Map<number, Finding[]>();
  /** One shape object per distinct shape: most records of a file share a few. */
  private readonly shapes = new Map<string, RecordShape>();
  private readonly bands: number;

  /**
   * `summaries`: every slice's, in file order, made with no per-code limit (every per-record finding is there), with
   * their near-duplicate arrays kept and with shapes (lint-parallel.ts `keep`); `bands`: the LSH layout's band count.
   */
  constructor(private readonly path: string, private readonly summaries: readonly ShardSummary[], lines: number, bands: number) {
    this.bands = bands;
    this.shardOf = new Int32Array(lines + 2);
    this.indexOf = new Int32Array(lines + 2);
    summaries.forEach((s, k) => {
      if (!s.shapes) throw new Error('session seeds: a summary without shapes');
      for (let i = 0; i < s.valid; i++) {
        const line = s.spans[4 * i];
        // One record starts on a line (a session holds a JSON array record by record only then).
        if (line < this.shardOf.length) { this.shardOf[line] = k + 1; this.indexOf[line] = i; }
      }
      // A finding belongs to the valid record whose lines hold it (a JSON array's or CSV file's record may span several);
      // both come in file order. The findings of invalid records (on no valid record's lines) are not seeds.
      let i = 0;
      for (const f of s.findings.findings) {
        while (i < s.valid && s.spans[4 * i + 2] < f.line) i++;
        if (i === s.valid || s.spans[4 * i] > f.line) continue;
        const start = s.spans[4 * i];
        const list = this.findingsAt.get(start);
        if (list) list.push(f); else this.findingsAt.set(start, [f]);
      }
    });
  }

  /** The seed of the record on file line `line` (1-based), if the threads read one there. */
  at(line: number): LineSeed | undefined {
    const k = line < this.shardOf.length ? this.shardOf[line] - 1 : -1;
    if (k < 0) return undefined;
    const s = this.summaries[k], i = this.indexOf[line];
    const flags = s.flags[i];
    const own: Finding[] = [], schema: Finding[] = [];
    for (const f of this.findingsAt.get(line) ?? []) (f.code === 'schema' ? schema : own).push(movedFinding(f, 1 - line, this.path));
    const b = this.bands;
    return {
      column: s.spans[4 * i + 1],
      fingerprint: flags & HAS_FINGERPRINT ? hex64(s.fingerprints[2 * i], s.fingerprints[2 * i + 1]) : undefined,
      answer: flags & HAS_ANSWER ? answerKeyText([s.answers[2 * i], s.answers[2 * i + 1]]) : undefined,
      length: s.lengths.length > i ? s.lengths[i] : -1,
      bandKeys: flags & HAS_SIGNATURE ? s.bandKeys.subarray(b * i, b * i + b) : undefined,
      shingles: s.offsets.length > i + 1 ? s.shingles.subarray(s.offsets[i], s.offsets[i + 1]) : EMPTY,
      own,
      schema,
      shape: this.shape(s.shapes!.keys[s.shapes!.of[i]]),
    };
  }

  private shape(key: string): RecordShape {
    let shape = this.shapes.get(key);
    if (!shape) this.shapes.set(key, (shape = shapeFromKey(key)));
    return shape;
  }
}

const EMPTY = new Int32Array(0);
