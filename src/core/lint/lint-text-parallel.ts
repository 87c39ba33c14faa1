/**
 * A document's text linted on several threads, as the CLI lints a file (lint-parallel.ts): the editor's first look at
 * a large dataset, before its incremental session (lint-session.ts) is built. The text is written once into shared
 * memory as UTF-8, which the threads read without a copy. The findings are those of lintText on the same text.
 */
import { openDataset } from '../dataset/read';
import type { FileRole } from './leakage-index';
import { lintTrainAndEval, pairPlan, type LintInput } from './lint-files';
import { isArrayOrCsv, lintFileParallel, lintInParts, ShardPool } from './lint-parallel';
import { lintSource } from './lint-source';
import type { LintSeeds } from './session-seeds';
import type { FileLintResult, LintOptions } from './types';

export interface TextParallelOptions {
  /** Threads in all, this one included. */
  jobs: number;
  /** Started threads to use (jobs - 1 of them), left running: a caller that saw the document coming starts them early. */
  pool?: ShardPool;
  /**
   * The script the pool's threads run: one that loads lint-parallel.ts, whose shard handler then serves them (default:
   * this module's file, which is the bundle itself once bundled).
   */
  workerScript?: string;
  /**
   * Filled with what the threads worked out per record, for createLintSession to start from without doing it again;
   * left empty where the text was not linted by slices.
   */
  seeds?: LintSeeds;
  /** The file's role (default: a training file on its own); a training file's records then go to its leakage index. */
  role?: FileRole;
}

/**
 * lintText(path, text, options) on `jobs` threads; undefined where the threads would not read the text as lintText
 * does, or would not help: one thread, text that UTF-8 cannot carry unchanged (an unpaired surrogate becomes U+FFFD),
 * a leading U+FEFF (a file's bytes read it as a byte order mark), JSONL that is not plain (problems reading it), or
 * a JSON array or CSV file whose records cannot be cut into parts (lint-parallel.ts lintInParts).
 */
export async function lintTextParallel(path: string, text: string, options: LintOptions, opts: TextParallelOptions): Promise<FileLintResult | undefined> {
  if (opts.jobs < 2 || !survivesUtf8(text) || text.charCodeAt(0) === 0xfeff) return undefined;
  const buf = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(text)));
  buf.write(text);
  return lintBytesParallel(path, buf, options, opts);
}

/**
 * The same for a document's UTF-8 bytes already in shared memory (a file read into a SharedArrayBuffer): lintText of
 * their text, without decoding and encoding them again. The caller vouches that the bytes are the text's UTF-8
 * (no byte order mark).
 */
export async function lintBytesParallel(path: string, buf: Buffer, options: LintOptions, opts: TextParallelOptions): Promise<FileLintResult | undefined> {
  if (opts.jobs < 2 || !(buf.buffer instanceof SharedArrayBuffer)) return undefined;
  const parts = isArrayOrCsv(path, buf);
  if (!parts) {
    const opened = openDataset(buf, path);
    if (opened.container !== 'jsonl' || opened.problems.length) return undefined;
  }
  const pool = opts.pool ?? new ShardPool(opts.jobs - 1, opts.workerScript ?? __filename);
  try {
    const role = opts.role ?? { role: 'train' as const };
    const keep = opts.seeds?.summaries;
    return parts ? await lintInParts(path, buf, options, role, pool, { keep }) : await lintFileParallel(path, buf, options, role, pool, { keep });
  } finally {
    if (!opts.pool) await pool.close();
  }
}

/**
 * lintTrainAndEval with the training file on `jobs` threads when it is at least `minChars` long (the check before a
 * training run, on a large dataset: the leakage comparison is done in the merge, as `tunelab lint --eval` does it);
 * the same results.
 */
export async function lintTrainAndEvalParallel(train: LintInput, held: LintInput, options: LintOptions, opts: TextParallelOptions & { minChars: number }):
  Promise<{ train: FileLintResult; eval: FileLintResult }> {
  const plan = pairPlan(train, held, options);
  if (!plan) return lintTrainAndEval(train, held, options);
  const results: FileLintResult[] = [];
  for (const f of plan.files) {
    const input = f.load()!;
    let result: FileLintResult | undefined;
    if (f.role.role === 'train' && input.length >= opts.minChars) {
      // A file's bytes go to shared memory as they are (a byte order mark included: the threads read it as the file).
      result = typeof input === 'string' ? await lintTextParallel(f.path, input, plan.options, { ...opts, role: f.role })
        : await lintBytesParallel(f.path, sharedCopy(input), plan.options, { ...opts, role: f.role });
    }
    results.push(result ?? lintSource(f.path, input, plan.options, f.role));
  }
  return { train: results[0], eval: results[1] };
}

function sharedCopy(bytes: Buffer): Buffer {
  const buf = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(buf);
  return buf;
}

/** False for text with an unpaired surrogate. */
function survivesUtf8(text: string): boolean {
  const s = text as string & { isWellFormed?: () => boolean };
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}
