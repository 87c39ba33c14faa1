/** Shapes shared by the dataset readers. Lines and columns are 1-based; columns count UTF-16 code units. */

export type DatasetFormat = 'chat' | 'sharegpt' | 'instruction' | 'prompt-completion' | 'text' | 'empty' | 'unknown';

/** The format of one record: never 'empty'; 'unknown' for non-objects and objects without known fields. */
export type RecordFormat = Exclude<DatasetFormat, 'empty'>;

/** How the records are laid out in the file. */
export type DatasetContainer =
  | 'jsonl'          // one JSON value per line
  | 'json-array'     // one JSON array of records
  | 'json-sequence'  // JSON values one after another, some spanning several lines (pretty-printed "JSONL")
  | 'csv'            // a header row and one record per row (records carry a map back to the cells)
  | 'parquet';       // rows of a Parquet file, decoded first (read-only; line N is row N)

/**
 * How offsets and edits in a record's text reach the file, for records whose text is built from another syntax
 * (a CSV row's cells).
 */
export interface RecordFileMap {
  /** The file position of an offset in the record's text. */
  position(offset: number): Position;
  /** The file edit for replacing record text [start, end) with `newText` (JSON); undefined when the file's syntax cannot take it. */
  edit(start: number, end: number, newText: string): (Span & { newText: string }) | undefined;
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
  /** Set when `text` was built from the file (a CSV row): positions and edits go through it. */
  fileMap?: RecordFileMap;
  /** A CSV row's text as written in the file (`text` is built from its cells: two ways of quoting give one `text`). */
  sourceText?: string;
  /**
   * Where the record's text as written (a CSV row's `sourceText`) starts in the text read, in UTF-16 units after any
   * byte order mark; set for JSON arrays, pretty-printed records and CSV, not for JSONL read line by line from bytes.
   */
  offset?: number;
}

/** A problem with the file as a whole, found while reading. */
export interface ReadProblem {
  kind: 'binary' | 'utf16' | 'utf32' | 'invalid-utf8' | 'multi-line-records' | 'array-syntax' | 'record-too-large' | 'csv-syntax' | 'parquet';
  message: string;
  span: Span;
  /** The file cannot be read as records at all (binary, UTF-16): nothing else is checked. */
  fatal: boolean;
}
