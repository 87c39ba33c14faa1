// Messages between src/host/linter.ts and its worker, src/host/lintWorker.ts.
import type { FileLintResult, LintOptions } from '../core/lint';

export interface LintRequest {
  id: number;
  path: string;
  /** Editor text, or the file's bytes (then encoding problems are found too). */
  input: string | Uint8Array;
  options?: LintOptions;
}

export type LintResponse = { id: number; result: FileLintResult } | { id: number; error: string };
