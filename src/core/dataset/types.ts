/** Shapes shared by the dataset readers. Lines and columns are 1-based; columns count UTF-16 code units. */

export type DatasetFormat = 'chat' | 'sharegpt' | 'instruction' | 'prompt-completion' | 'text' | 'empty' | 'unknown';

/** The format of one record: never 'empty'; 'unknown' for non-objects and objects without known fields. */
export type RecordFormat = Exclude<DatasetFormat, 'empty'>;

/** How the records are laid out in the file. */
export type DatasetContainer =
  | 'jsonl'          // one JSON value per line
  | 'json-array'     // one JSON array of records
  | 'json-sequence'  // JSON values one after another, some spanning several lines (pretty-printed "JSONL")
  | 'csv'            // a header row and one record per row (read-only: findings carry no fixes)
  | 'parquet';       // rows of a Parquet file, decoded first (read-only; line N is row N)

/** Containers whose records are converted from another layout: findings point at the row and carry no fixes. */
export function isTableContainer(c: DatasetContainer): boolean {
  return c === 'csv' || c === 'parquet';
}

export interface Position { line: number; column: number }

/** Range with an exclusive end, like an editor selection. */
export interface Span { line: number; column: number; endLine: number; endColumn: number }

export interface JsonSyntaxProblem {
  /** JSON.parse's own words, without its "at position N" and source excerpt. */
  reason: string;
  /** UTF-16 offset in the record's text where parsing failed. */
  offset: number;
}

export interface SourceRecord {
  /** 0-based position among the file's records (blank lines are not records). */
  index: number;
  /** Source text of the record: for JSONL the whole line without its line break. */
  text: string;
  /** Where `text` starts; for JSONL column 1 of the line. */
  line: number;
  column: number;
  /** The record itself without surrounding blanks (exclusive end). */
  span: Span;
  /** Byte offsets of `text` in the file (after any BOM counts as offset 3). */
  byteOffset: number;
  byteEnd: number;
  /** A line break follows the record in the file (JSONL). */
  newlineAfter: boolean;
  /** Parsed value; absent when `error` is set. */
  value?: unknown;
  error?: JsonSyntaxProblem;
}

/** A problem with the file as a whole, found while reading. */
export interface ReadProblem {
  kind: 'binary' | 'utf16' | 'utf32' | 'invalid-utf8' | 'multi-line-records' | 'array-syntax' | 'record-too-large' | 'csv-syntax' | 'parquet';
  message: string;
  span: Span;
  /** The file cannot be read as records at all (binary, UTF-16): nothing else is checked. */
  fatal: boolean;
}
