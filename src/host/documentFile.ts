// A large document's text read by the lint worker from its file instead of sent by the extension host: building
// and posting 50 MB of text blocked the host's main thread about 0.15 s, and the worker waited about 0.25 s more
// before it could lint (measured alone, at idle); in the editor benchmark the first diagnostics came sooner, the
// whole file's no sooner (bench/editor/RESULTS.md). Taken only when the file's bytes match what the host sees of the
// document; pure (no `vscode`), for the worker and the host.
import { isUtf8 } from 'node:buffer';
import { readShared } from '../core/lint/lint-parallel';

/** What the host tells of a document, cheaply: its line count and some lines (their length and start). */
export interface DocumentFacts {
  lineCount: number;
  samples: LineSample[];
}
export interface LineSample { line: number; length: number; head: string }

const SAMPLE_LINES = 64;
const SAMPLE_HEAD_CHARS = 4096;

/** The first and last lines and lines spread between them: `lineText(i)` is the document's line i (0-based). */
export function documentFacts(lineCount: number, lineText: (line: number) => string): DocumentFacts {
  const lines = new Set<number>();
  for (let i = 0; i < Math.min(8, lineCount); i++) lines.add(i).add(lineCount - 1 - i);
  for (let k = 0; k < SAMPLE_LINES - 16 && lineCount > 0; k++) lines.add(Math.floor(((k + 0.5) * lineCount) / (SAMPLE_LINES - 16)));
  const samples = [...lines].sort((a, b) => a - b).map((line) => {
    const text = lineText(line);
    return { line, length: text.length, head: text.slice(0, SAMPLE_HEAD_CHARS) };
  });
  return { lineCount, samples };
}

/**
 * The file's bytes in shared memory when they are the UTF-8 of the document's text as far as `facts` tell: valid
 * UTF-8 without a byte order mark or carriage returns (VS Code would have changed those), as many lines, and every
 * sampled line equal. Otherwise `why` says what differed, and the host sends the text instead.
 */
export function readDocumentFile(path: string, facts: DocumentFacts): { bytes?: Buffer; why?: string } {
  let bytes: Buffer;
  try {
    bytes = readShared(path);
  } catch (err) {
    return { why: `unreadable: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { why: 'byte order mark' };
  if (bytes.indexOf(13) !== -1) return { why: 'carriage returns' };
  if (!isUtf8(bytes)) return { why: 'not UTF-8' };
  const wanted = new Map(facts.samples.map((s) => [s.line, s]));
  let line = 0;
  for (let start = 0; ; line++) {
    const nl = bytes.indexOf(10, start);
    const end = nl === -1 ? bytes.length : nl;
    const sample = wanted.get(line);
    if (sample) {
      const text = bytes.toString('utf8', start, end);
      if (text.length !== sample.length || !text.startsWith(sample.head)) return { why: `line ${line + 1} differs` };
    }
    if (nl === -1) break;
    start = nl + 1;
  }
  if (line + 1 !== facts.lineCount) return { why: `${line + 1} lines, the document has ${facts.lineCount}` };
  return { bytes };
}
