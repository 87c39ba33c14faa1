// PieceText against a plain string: random edits (typed characters, deletions across pieces, pastes larger than a
// piece), every read equal to the same read of the string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PieceText } from '../../src/core/dataset/piece-text';
import { countNewlines } from '../../src/core/dataset/line-starts';
import { rng } from './support/lint-corpus';

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

test('PieceText: every read equals the same read of the edited string, over 3,000 random edits', () => {
  const r = rng(5);
  const words = ['a', 'record', '\n', '\r\n', 'é', '\ud83d\ude00', '  ', '{"k": 1},\n'];
  const make = (n: number): string => Array.from({ length: n }, () => words[Math.floor(r() * words.length)]).join('');
  let text = make(60_000); // about 200,000 characters: a few pieces
  let pieces = PieceText.of(text);
  assert.equal(pieces.toString(), text);
  for (let n = 0; n < 3000; n++) {
    const at = Math.floor(r() * (text.length + 1));
    const kind = r();
    // Mostly typing; now and then a deletion that may cross pieces, or a paste of over two pieces' worth.
    const cut = kind < 0.6 ? 0 : kind < 0.95 ? Math.floor(r() * Math.min(200_000 * r(), text.length - at + 1)) : 0;
    const put = kind < 0.95 ? make(Math.floor(r() * 4)) : make(40_000);
    const before = pieces;
    pieces = pieces.edit(at, cut, put);
    text = text.slice(0, at) + put + text.slice(at + cut);
    if (text.length < 1000) { // deleted nearly all: grow it again
      const more = make(50_000);
      pieces = pieces.edit(text.length, 0, more);
      text += more;
    }
    assert.equal(pieces.length, text.length);
    assert.notEqual(before, pieces, 'an edit makes a new text');
    for (let k = 0; k < 4; k++) {
      const a = Math.floor(r() * (text.length + 1)), b = Math.min(text.length, a + Math.floor(r() * 300_000 * r()));
      assert.equal(pieces.slice(a, b), text.slice(a, b), `slice ${a}-${b}`);
      assert.equal(pieces.newlinesBefore(a), countNewlines(text, 0, a), `newlines before ${a}`);
      assert.equal(pieces.countNewlines(a, b), countNewlines(text, a, b), `newlines ${a}-${b}`);
      assert.equal(pieces.lineStart(b), lineStartOf(text, b), `line start of ${b}`);
    }
  }
  assert.equal(pieces.toString(), text);
});

test('PieceText: an edit leaves the text it was made from as it was', () => {
  const text = 'line one\nline two\n'.repeat(20_000);
  const first = PieceText.of(text);
  const second = first.edit(100_000, 5, 'X\nY');
  assert.equal(first.toString(), text);
  assert.equal(first.newlinesBefore(text.length), 40_000);
  assert.equal(second.toString(), text.slice(0, 100_000) + 'X\nY' + text.slice(100_005));
  assert.throws(() => first.edit(text.length, 1, ''), /outside the text/);
});
