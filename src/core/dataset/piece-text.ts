/**
 * A large document's text held in pieces, so that an edit copies the piece it falls in instead of the whole text. In
 * the lint worker a 50 MB JSON array or CSV document was one string, made again at every keystroke: about 40 ms of
 * copying per edit, and a heap that grew by the text's size each time until a full collection (1.4 GB for a 50 MB
 * CSV file over a dozen edits). Readers take a flat window of it (slice) around what they read.
 */
import { countNewlines } from './line-starts';
import { firstIndexWhere } from './sorted-search';

/** Pieces are cut at this many characters; an edit that makes one over twice as long cuts it again. */
const PIECE = 1 << 16;

export class PieceText {
  /** Offset of each piece, then the length: starts[pieces.length] === length. */
  private readonly starts: number[];
  /** Newlines before each piece, then the total. */
  private readonly newlines: number[];
  /** The whole text as one string, once asked for (or the string it was made of). */
  private flat: string | undefined;

  /** `lines`: each piece's newlines (counted once per piece, not per edit). */
  private constructor(private readonly pieces: string[], private readonly lines: number[], flat?: string) {
    this.flat = flat;
    this.starts = [0];
    this.newlines = [0];
    for (let k = 0; k < pieces.length; k++) {
      this.starts.push(this.starts[k] + pieces[k].length);
      this.newlines.push(this.newlines[k] + lines[k]);
    }
  }

  /** Cut into pieces that share `text`'s storage (no copy); toString() gives `text` itself. */
  static of(text: string): PieceText {
    const pieces = cut(text);
    return new PieceText(pieces, pieces.map(newlinesIn), text);
  }

  get length(): number {
    return this.starts[this.pieces.length];
  }

  toString(): string {
    return (this.flat ??= this.pieces.join(''));
  }

  /** Text [from, to): a slice of one piece when it lies in one (no copy), else the parts joined. */
  slice(from: number, to: number): string {
    from = Math.max(0, Math.min(from, this.length));
    to = Math.max(from, Math.min(to, this.length));
    if (this.flat !== undefined) return this.flat.slice(from, to);
    const a = this.pieceAt(from), b = this.pieceAt(Math.max(from, to - 1));
    if (a === b) return this.pieces[a].slice(from - this.starts[a], to - this.starts[a]);
    let s = this.pieces[a].slice(from - this.starts[a]);
    for (let k = a + 1; k < b; k++) s += this.pieces[k];
    return s + this.pieces[b].slice(0, to - this.starts[b]);
  }

  /** Newlines in [0, offset). */
  newlinesBefore(offset: number): number {
    offset = Math.max(0, Math.min(offset, this.length));
    const k = this.pieceAt(offset);
    return this.newlines[k] + countNewlines(this.pieces[k] ?? '', 0, offset - this.starts[k]);
  }

  /** Newlines in [from, to). */
  countNewlines(from: number, to: number): number {
    return to <= from ? 0 : this.newlinesBefore(to) - this.newlinesBefore(from);
  }

  /** The offset of the line that holds `offset`: just after the last newline before it, or 0. */
  lineStart(offset: number): number {
    for (let k = this.pieceAt(Math.min(offset, this.length)); k >= 0; k--) {
      const p = this.pieces[k];
      if (!p) continue;
      const at = Math.min(offset - this.starts[k], p.length);
      const nl = at > 0 ? p.lastIndexOf('\n', at - 1) : -1;
      if (nl !== -1) return this.starts[k] + nl + 1;
    }
    return 0;
  }

  /** The text with [offset, offset + length) replaced by `text`: a new PieceText sharing the unchanged pieces. */
  edit(offset: number, length: number, text: string): PieceText {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.length)) {
      throw new RangeError(`edit at ${offset}+${length} is outside the text (${this.length} characters)`);
    }
    if (!this.pieces.length) return PieceText.of(text);
    const a = this.pieceAt(offset), b = this.pieceAt(offset + length === offset ? offset : offset + length - 1);
    let joined = this.pieces[a].slice(0, offset - this.starts[a]) + text;
    joined += b === a ? this.pieces[a].slice(offset + length - this.starts[a]) : this.pieces[b].slice(offset + length - this.starts[b]);
    // Cut again only when it grew much (a paste): a typed character keeps one piece, copied once.
    const made = joined.length > 2 * PIECE ? cut(joined) : joined.length ? [joined] : [];
    return new PieceText([...this.pieces.slice(0, a), ...made, ...this.pieces.slice(b + 1)],
      [...this.lines.slice(0, a), ...made.map(newlinesIn), ...this.lines.slice(b + 1)]);
  }

  /** Index of the piece holding `offset`; the last one for the text's end. */
  private pieceAt(offset: number): number {
    return Math.max(firstIndexWhere(this.pieces.length, (k) => this.starts[k] > offset) - 1, 0);
  }
}

function newlinesIn(piece: string): number {
  return countNewlines(piece, 0, piece.length);
}

function cut(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += PIECE) pieces.push(text.slice(i, i + PIECE));
  return pieces;
}

/**
 * A flat part of a text `total` characters long: `text` is its characters [base, base + text.length). A reader that
 * needs what lies past it throws WINDOW_TOO_SMALL, and the caller tries again with a wider one.
 */
export interface TextWindow {
  text: string;
  base: number;
  total: number;
}

export const WINDOW_TOO_SMALL: unique symbol = Symbol('window too small');

export function wholeWindow(text: string): TextWindow {
  return { text, base: 0, total: text.length };
}
