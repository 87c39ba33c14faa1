// The editor session on its own (no VS Code, no worker): the first update of a file, then edits in its middle
// (append `,` to a line, then remove it), each timed two ways: `edit` (the change event given to the session, which
// holds the text, then lint(): what the lint worker does) and `update` (the whole new text, built as a change event
// would build it, compared by the session). Checks the last result against a full lint. Needs `npx tsc -p tsconfig.test.json`. Usage: node bench/editor/session-update.mjs FILE.jsonl [edits]
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createLintSession, lintText } = require('../../out/src/core/lint/index.js');
const { isDeepStrictEqual } = require('node:util');

const file = process.argv[2];
const edits = Number(process.argv[3] ?? 10);
if (!file || !fs.existsSync(file)) throw new Error('usage: node bench/editor/session-update.mjs FILE.jsonl [edits]');
let text = fs.readFileSync(file, 'utf8');
const session = createLintSession(file);
let t = performance.now();
let result = session.update(text);
const out = { bytes: Buffer.byteLength(text), records: result.records, findings: result.findings.length, firstUpdateMs: performance.now() - t, edits: [] };
const mid = text.indexOf('\n', text.length >> 1);
for (let k = 0; k < edits; k++) {
  const way = k % 2 === 0 ? 'edit' : 'update';
  for (const [offset, length, insert] of [[mid, 0, ','], [mid, 1, '']]) {
    // As the worker applied a change event before (core/dataset/text-changes.ts): a new string from slices.
    const next = text.slice(0, offset) + insert + text.slice(offset + length);
    t = performance.now();
    if (way === 'edit') {
      if (!session.edit([{ offset, length, text: insert }])) throw new Error('the session no longer holds the text');
      result = session.lint();
    } else {
      result = session.update(next);
    }
    const ms = performance.now() - t;
    out.edits.push({ way, insert: insert !== '', ms: Math.round(ms * 10) / 10, checked: session.lastUpdate.linesChecked });
    text = next;
  }
}
for (const way of ['edit', 'update']) {
  const ms = out.edits.slice(2).filter((e) => e.way === way).map((e) => e.ms).sort((a, b) => a - b); // the first edit warms up
  out[`${way}MedianMs`] = ms[Math.floor(ms.length / 2)];
  out[`${way}MaxMs`] = ms[ms.length - 1];
}
t = performance.now();
const full = lintText(file, text);
out.fullLintMs = performance.now() - t;
out.equalsFullLint = isDeepStrictEqual(result, full);
console.log(JSON.stringify(out));
