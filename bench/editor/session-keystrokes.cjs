// Random keystrokes on a large JSON array or CSV file, as the lint worker takes them (edit() then lint(), or update()
// with the whole text when the session does not hold it): the time of each, how many took over 200 ms, and the last
// result checked equal to a full lint. Keystrokes come in five places, as typing does; they include quotes and
// brackets that change how the rest of the file reads. OUTDIR=OTHER/out runs another build's session (an A/B).
// Usage: npx tsc -p tsconfig.test.json && node bench/editor/session-keystrokes.cjs FILE [SEED] [STEPS]
const path = require('node:path');
const fs = require('node:fs');
const out = process.env.OUTDIR ?? path.join(__dirname, '..', '..', 'out');
const { createLintSession, lintText } = require(`${out}/src/core/lint/index.js`);

const [file, seedArg = '4', stepsArg = '100'] = process.argv.slice(2);
let seed = Number(seedArg);
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) | 0) >>> 0) / 2 ** 32;
const keys = /\.csv$/i.test(file)
  ? [',', '"', '""', '\n', '\r\n', ' ', 'x', '[', '{"role": "user", "content": "hi"}', '\n\n', '']
  : [',', ']', '[', '{', '}', '"', '\\', ' ', '\n', 'x', '  ', '},\n  {', '"role": "user"', ''];
let text = fs.readFileSync(file, 'utf8');
const session = createLintSession(file);
session.update(text);
const times = [];
let result;
for (let step = 1; step <= Number(stepsArg); step++) {
  const at = Math.floor(((step % 5) / 5 + random() * 0.001) * text.length);
  const cut = random() < 0.4 ? Math.floor(random() * Math.min(12, text.length - at)) : 0;
  const key = keys[Math.floor(random() * keys.length)];
  text = text.slice(0, at) + key + text.slice(at + cut);
  const t = performance.now();
  const took = session.holdsText && session.edit([{ offset: at, length: cut, text: key }]);
  result = took ? session.lint() : session.update(text);
  times.push(performance.now() - t);
}
if (JSON.stringify(result) !== JSON.stringify(lintText(file, text))) throw new Error('the session\'s last result differs from a full lint');
const sorted = [...times].sort((a, b) => a - b);
const figures = {
  file: path.basename(file), steps: times.length, totalMs: Math.round(times.reduce((a, b) => a + b, 0)),
  medianMs: Math.round(sorted[sorted.length >> 1]), over200ms: times.filter((x) => x > 200).length, maxMs: Math.round(sorted[sorted.length - 1]),
};
console.log(JSON.stringify(figures));
