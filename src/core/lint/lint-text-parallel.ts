/**
 * A document's text linted on several threads, as the CLI lints a file (lint-parallel.ts): the editor's first look at
 * a large dataset, before its incremental session (lint-session.ts) is built. The text is written once into shared
 * memory as UTF-8, which the threads read without a copy. The findings are those of lintText on the same text.
 */
import { openDataset } from '../dataset/read';
import { isArrayOrCsv, lintFileParallel, lintInParts, ShardPool } from './lint-parallel';
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
    const role = { role: 'train' as const };
    const keep = opts.seeds?.summaries;
    return parts ? await lintInParts(path, buf, options, role, pool, { keep }) : await lintFileParallel(path, buf, options, role, pool, { keep });
  } finally {
    if (!opts.pool) await pool.close();
  }
}

/** False for text with an unpaired surrogate. */
function survivesUtf8(text: string): boolean {
  const s = text as string & { isWellFormed?: () => boolean };
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}
