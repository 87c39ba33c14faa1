// What the lint worker does when a large document opens: a threaded lint (lintTextParallel, 2 threads), then the
// incremental session's first update, built from the threads' seeds or (the baseline, in the same run) from
// nothing; then one-line edits on the seeded session. Runs alternate to share the machine's state.
// Usage: node --expose-gc bench/editor/session-seeded.cjs FILE.jsonl [runs]   (OUTDIR: a build's output folder, default
// out/; --expose-gc adds the session's heap)
const fs = require('node:fs');
const path = require('node:path');
const { createLintSession, lintTextParallel } = require((process.env.OUTDIR ?? path.join(__dirname, '..', '..', 'out')) + '/src/core/lint/index.js');

async function main() {
  const file = process.argv[2];
  const runs = Number(process.argv[3] ?? 3);
  const text = fs.readFileSync(file, 'utf8');
  const figures = { threadedMs: [], seededFirstUpdateMs: [], plainFirstUpdateMs: [], seededEditMs: [], sessionHeapMb: [] };
  for (let k = 0; k < runs; k++) {
    const seeds = { summaries: [] };
    let t = performance.now();
    const threaded = await lintTextParallel(file, text, {}, { jobs: 2, seeds });
    figures.threadedMs.push(performance.now() - t);
    t = performance.now();
    let seeded = createLintSession(file, {}, seeds);
    const a = seeded.update(text);
    figures.seededFirstUpdateMs.push(performance.now() - t);
    if (seeded.lastUpdate.linesSeeded === 0) throw new Error('no line was seeded');
    t = performance.now();
    const b = createLintSession(file).update(text);
    figures.plainFirstUpdateMs.push(performance.now() - t);
    if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(a) !== JSON.stringify(threaded)) throw new Error('the results differ');
    const mid = text.indexOf('\n', text.length >> 1);
    t = performance.now();
    seeded.edit([{ offset: mid, length: 0, text: ',' }]);
    seeded.lint();
    figures.seededEditMs.push(performance.now() - t);
    if (global.gc) {
      // The session's own heap: with it and without it, the threads' summaries gone (run with node --expose-gc).
      seeds.summaries.length = 0;
      global.gc();
      const withSession = process.memoryUsage().heapUsed;
      seeded = undefined;
      global.gc();
      figures.sessionHeapMb.push((withSession - process.memoryUsage().heapUsed) / 1e6);
    }
  }
  const least = (xs) => (xs.length ? Math.round(Math.min(...xs)) : undefined);
  console.log(JSON.stringify({ file: path.basename(file), runs, ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, least(v)])), all: figures }));
}
main().catch((e) => { console.error(e); process.exit(1); });
