// Drives the bundled lint worker (dist/lintWorker.js, after `node esbuild.mjs`; DIST=OTHER/dist for another build's)
// from a plain Node main thread with the messages the editor sends: open a document, lint it, then EDITS times put a
// `,` at the end of a line (spread from 30% to 70% of the file) and take it away, each change linted. Prints each
// edit's round trip, the worker's lint and its applying of the edit (`editMs`), the main thread's longest timer lag,
// and the process's peak RSS over the edits (the worker's heap included), sampled every 10 ms.
// Usage: node bench/editor/worker-lag.mjs FILE [EDITS]     (FILE: .jsonl, .json or .csv)
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const [file, edits = '3'] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
const dist = process.env.DIST ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const w = new Worker(path.resolve(dist, 'lintWorker.js'));
let id = 0; const pend = new Map();
w.on('message', (m) => { const p = pend.get(m.id); if (p) { pend.delete(m.id); p(m); } });
const ask = (q) => new Promise((r) => { const i = ++id; pend.set(i, r); w.postMessage({ ...q, id: i }); });
let last = performance.now(), lag = 0, rss = 0;
setInterval(() => { const n = performance.now(); lag = Math.max(lag, n - last - 10); last = n; rss = Math.max(rss, process.memoryUsage.rss()); }, 10);
const round = (x) => Math.round(x);
(async () => {
  let t = performance.now(); lag = 0;
  w.postMessage({ type: 'open', doc: 'd', path: path.resolve(file), version: 1, text });
  const r1 = await ask({ type: 'lintDoc', doc: 'd' });
  console.log(`first lint ${round(performance.now() - t)} ms; worker ${round(r1.value.ms)} ms; lag ${round(lag)} ms`);
  rss = 0;
  let version = 2;
  const figures = [];
  for (let k = 0; k < Number(edits); k++) {
    const at = text.indexOf('\n', Math.floor(text.length * (0.3 + (0.4 * k) / Number(edits))));
    for (const change of [{ offset: at, length: 0, text: ',' }, { offset: at, length: 1, text: '' }]) {
      lag = 0; t = performance.now();
      w.postMessage({ type: 'edit', doc: 'd', version: version++, changes: [change] });
      const r = await ask({ type: 'lintDoc', doc: 'd' });
      const f = { roundTripMs: round(performance.now() - t), workerLintMs: round(r.value.ms), workerEditMs: round(r.value.editMs ?? 0), lagMs: round(lag) };
      figures.push(f);
      console.log(`${change.length ? 'mend' : 'edit'} ${f.roundTripMs} ms; worker: lint ${f.workerLintMs} ms, edit ${f.workerEditMs} ms; lag ${f.lagMs} ms`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const summary = { file: path.basename(file), edits: figures.length, medianRoundTripMs: median(figures.map((f) => f.roundTripMs)),
    maxRoundTripMs: Math.max(...figures.map((f) => f.roundTripMs)), peakRssMb: round(rss / 1048576) };
  console.log(JSON.stringify(summary));
  process.exit(0);
})();
