// The session's one-line edits (edit + lint, what the lint worker does per change event), median and p90 of 120,
// after its first update. OUTDIR: a build's output folder (default out/), to compare two builds.
// Usage: OUTDIR=/path/to/out node bench/editor/session-edits.cjs FILE.jsonl
const fs = require('node:fs');
const { createLintSession } = require((process.env.OUTDIR ?? require('node:path').join(__dirname, '..', '..', 'out')) + '/src/core/lint/index.js');
const text = fs.readFileSync(process.argv[2], 'utf8');
const s = createLintSession(process.argv[2]);
let t = performance.now();
s.update(text);
const first = performance.now() - t;
const mid = text.indexOf('\n', text.length >> 1);
const times = [];
for (let k = 0; k < 60; k++) for (const [offset, length, insert] of [[mid, 0, ','], [mid, 1, '']]) {
  t = performance.now(); s.edit([{ offset, length, text: insert }]); s.lint(); times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ build: process.env.OUTDIR, firstUpdateMs: Math.round(first), editMedianMs: +times[60].toFixed(1), editP90Ms: +times[108].toFixed(1) }));
