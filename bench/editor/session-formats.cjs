// What the lint worker does per edit of a document that is not plain JSONL: a pretty-printed JSON array (Alpaca
// style) and a CSV file with a JSON `messages` column, made from the clean chat records of the lint corpus. For each,
// five one-word edits spread over the file: the session's edit() and lint() (what the worker does: the text held in
// pieces), its update() with the whole edited text (what the worker did before 2026-11-29 10:00), and a full lint of
// the same text, in the same run; then the heap the session keeps.
// Usage: npx tsc -p tsconfig.test.json && node --expose-gc bench/editor/session-formats.cjs [MB]   (default 16)
const path = require('node:path');
const out = process.env.OUTDIR ?? path.join(__dirname, '..', '..', 'out');
const { createLintSession, lintText } = require(`${out}/src/core/lint/index.js`);
const { cleanChat, rng } = require(`${out}/test/unit/support/lint-corpus.js`);

const mb = Number(process.argv[2] ?? 16);
const r = rng(1);
const records = [];
for (let size = 0; size < mb * 1e6;) {
  const rec = cleanChat(r);
  records.push(rec);
  size += JSON.stringify(rec).length; // as JSONL: the array and the CSV come out larger
}
const alpaca = records.map((rec) => {
  const user = rec.messages.find((m) => m.role === 'user'), answer = rec.messages.filter((m) => m.role === 'assistant').pop();
  return { instruction: user.content, input: '', output: answer.content };
});
const docs = [
  ['array.json', `${JSON.stringify(alpaca, null, 4)}\n`],
  ['chat.csv', ['messages', ...records.map((rec) => `"${JSON.stringify(rec.messages).replace(/"/g, '""')}"`)].join('\n') + '\n'],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const results = {};
for (const [name, text] of docs) {
  const session = createLintSession(name);
  let t = performance.now();
  session.update(text);
  const first = performance.now() - t;
  const edit = [], update = [], full = [];
  for (let k = 0; k < 5; k++) {
    const at = text.indexOf(' the ', Math.floor(text.length * (0.1 + 0.2 * k)));
    const edited = `${text.slice(0, at)} zebra${text.slice(at)}`;
    t = performance.now();
    if (!session.edit([{ offset: at, length: 0, text: ' zebra' }])) throw new Error(`${name}: the session did not take the edit`);
    const byEdit = session.lint();
    edit.push(performance.now() - t);
    session.update(text);
    t = performance.now();
    const got = session.update(edited);
    update.push(performance.now() - t);
    t = performance.now();
    const want = lintText(name, edited);
    full.push(performance.now() - t);
    if (JSON.stringify(got) !== JSON.stringify(want) || JSON.stringify(byEdit) !== JSON.stringify(want)) throw new Error(`${name}: the session's result differs from a full lint`);
    session.update(text);
  }
  let heapMb;
  if (global.gc) {
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const held = createLintSession(name);
    held.update(text);
    global.gc();
    heapMb = Math.round((process.memoryUsage().heapUsed - before) / 1e6);
    held.update(''); // keeps `held` alive up to here
  }
  results[name] = {
    mb: +(text.length / 1e6).toFixed(1), records: records.length, firstUpdateMs: Math.round(first),
    editMs: edit.map(Math.round), updateMs: update.map(Math.round), fullLintMs: full.map(Math.round), speedUp: +(median(full) / median(edit)).toFixed(2), heapMb,
  };
  console.log(`${name.padEnd(11)} ${results[name].mb} MB: edit() ${results[name].editMs.join(', ')} ms; update(text) ${results[name].updateMs.join(', ')} ms; full lint ${results[name].fullLintMs.join(', ')} ms; `
    + `median ${results[name].speedUp}x faster; first update ${results[name].firstUpdateMs} ms${heapMb === undefined ? '' : `; session heap ${heapMb} MB`}`);
}
console.log(JSON.stringify(results));
