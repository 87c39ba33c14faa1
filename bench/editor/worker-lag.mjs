// Drives the bundled lint worker (dist/lintWorker.js, after `node esbuild.mjs`) from a plain Node main thread with the
// messages the editor sends: open a document, lint it, then edit-and-lint three times; prints times and the main
// thread's longest timer lag. Usage: node bench/editor/worker-lag.mjs FILE.jsonl
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const text = fs.readFileSync(process.argv[2], 'utf8');
const w = new Worker(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'lintWorker.js'));
let id = 0; const pend = new Map();
w.on('message', (m) => { const p = pend.get(m.id); pend.delete(m.id); p(m); });
const ask = (q) => new Promise((r) => { const i = ++id; pend.set(i, r); w.postMessage({ ...q, id: i }); });
let last = performance.now(), lag = 0;
setInterval(() => { const n = performance.now(); lag = Math.max(lag, n - last - 10); last = n; }, 10);
(async () => {
  let t = performance.now(); lag = 0;
  w.postMessage({ type: 'open', doc: 'd', path: '/x.jsonl', version: 1, text });
  const r1 = await ask({ type: 'lintDoc', doc: 'd' });
  console.log('first', (performance.now() - t).toFixed(0), 'ms; worker', r1.value.ms.toFixed(0), 'lag', lag.toFixed(0));
  const mid = text.indexOf('\n', text.length >> 1);
  for (let k = 0; k < 3; k++) {
    lag = 0; t = performance.now();
    w.postMessage({ type: 'edit', doc: 'd', version: 2 + 2 * k, changes: [{ offset: mid, length: 0, text: ',' }] });
    const r = await ask({ type: 'lintDoc', doc: 'd' });
    console.log('edit', (performance.now() - t).toFixed(0), 'ms; worker', r.value.ms.toFixed(0), 'incremental', r.value.incremental, 'lag', lag.toFixed(0));
    w.postMessage({ type: 'edit', doc: 'd', version: 3 + 2 * k, changes: [{ offset: mid, length: 1, text: '' }] });
    await ask({ type: 'lintDoc', doc: 'd' });
  }
  process.exit(0);
})();
