/**
 * Parquet datasets, read with hyparquet (+ hyparquet-compressors for ZSTD, gzip, Brotli, LZ4), including nested
 * chat columns (list<struct<role, content>>) as Hugging Face `datasets` writes them. hyparquet only reads
 * asynchronously, while the lint reads files synchronously, so a Parquet file is decoded first (decodeParquet) into
 * JSONL bytes, one row per line: line N of the result is row N, the position findings report. The bytes are
 * tagged so openDataset shows the file as `parquet` and reports decode failures.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

export interface DecodedTable { container: 'parquet'; problem?: string }

const decoded = new WeakMap<Buffer, DecodedTable>();

/** What decodeParquet made `buf` from, or undefined for a file read as is. */
export function decodedTable(buf: Buffer | string): DecodedTable | undefined {
  return typeof buf === 'string' ? undefined : decoded.get(buf);
}

export function isParquet(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x41 && buf[2] === 0x52 && buf[3] === 0x31;
}

/** JSONL bytes of a Parquet file's rows (see the module comment); a file that cannot be decoded gives empty bytes tagged with the reason. */
export async function decodeParquet(file: Buffer): Promise<Buffer> {
  let out: Buffer;
  let problem: string | undefined;
  try {
    const ab = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const rows = await parquetReadObjects({ file: ab, compressors });
    out = Buffer.concat(rows.map((row) => Buffer.from(`${JSON.stringify(row, jsonValue)}\n`)));
  } catch (e) {
    out = Buffer.alloc(0);
    problem = `the Parquet file cannot be read (${(e as Error).message}); check that it is complete, or convert it to JSONL`;
  }
  decoded.set(out, { container: 'parquet', problem });
  return out;
}

/**
 * A Parquet file's rows as JSONL text to show in an editor, or why not: it is not Parquet, cannot be decoded, or its
 * rows (or the file itself: JSONL is almost always larger) take more than `maxBytes`.
 */
export async function parquetRowsText(file: Buffer, maxBytes: number): Promise<{ text: string } | { problem: string }> {
  const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
  const tooLarge = (n: number): { problem: string } => ({
    problem: `its rows take ${n === file.length ? 'more than ' : ''}${mb(n)} MiB as JSON Lines, more than an editor can show (${mb(maxBytes)} MiB); `
      + 'check it with "Tunelab: Lint Dataset" or `tunelab lint`, which read any size',
  });
  if (!isParquet(file)) return { problem: 'it is not a Parquet file (it does not start with PAR1)' };
  if (file.length > maxBytes) return tooLarge(file.length);
  const rows = await decodeParquet(file);
  const problem = decodedTable(rows)?.problem;
  if (problem) return { problem };
  if (rows.length > maxBytes) return tooLarge(rows.length);
  return { text: rows.toString('utf8') };
}

/** JSON for the values Parquet has and JSON has not: 64-bit integers, dates, binary columns. */
function jsonValue(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(v);
    } catch {
      return `<${v.length} bytes>`;
    }
  }
  return v;
}

/** Decoded Parquet files by path, for lintFiles' `tables` option. */
export type DecodedTables = ReadonlyMap<string, Buffer>;

/**
 * Decodes the Parquet files among `paths` (by content, whatever their extension); unreadable files are left to the
 * lint's own read. Only a Parquet file is read whole here: for the others the magic number is enough (reading a
 * 200 MB JSONL file twice cost the CLI 0.2-0.4 s, measured A/B).
 */
export async function decodeParquetFiles(paths: readonly string[]): Promise<DecodedTables> {
  const out = new Map<string, Buffer>();
  for (const path of new Set(paths)) {
    let buf: Buffer;
    try {
      if (!isParquet(fileStart(path, 4))) continue;
      buf = readFileSync(path);
    } catch {
      continue;
    }
    if (isParquet(buf)) out.set(path, await decodeParquet(buf));
  }
  return out;
}

/** The first `n` bytes of a file (fewer when it is shorter). */
function fileStart(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(n);
    return head.subarray(0, readSync(fd, head, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** `input` with Parquet bytes decoded (decodeParquet); other input as it is. */
export async function decodedIfParquet(input: Buffer | string): Promise<Buffer | string> {
  return typeof input !== 'string' && isParquet(input) ? decodeParquet(input) : input;
}
