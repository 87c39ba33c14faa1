/** Where each line of a text starts (lines end at `\n`), to turn offsets into 1-based lines and columns and back. */
import type { Position } from './types';

/** Line breaks (`\n`) in text[from, to). */
export function countNewlines(text: string, from: number, to: number): number {
  let k = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) k++;
  return k;
}

export class LineStarts {
  private readonly starts: number[];

  /**
   * The lines of text[from, to), the first of them (starting at `from`, which starts a line) numbered `firstLine`: a
   * part of a large text (a CSV row) is placed without going over the whole text.
   */
  constructor(text: string, from = 0, to = text.length, private readonly firstLine = 1) {
    this.starts = [from];
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get count(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + this.firstLine, column: offset - this.starts[lo] + 1 };
  }

  /** The offset of 1-based `line` and `column`; the line must exist. */
  offset(line: number, column: number): number {
    return this.starts[line - this.firstLine] + column - 1;
  }
}
