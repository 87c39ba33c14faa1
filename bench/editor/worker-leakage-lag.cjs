// How long another document's lint waits in the lint worker while an eval document's training file is read for its
// leakage check (the first check, or after the training file changed). The worker reads the training file a slice
// of lines at a time and answers other documents between slices (trainingFeaturesCache.ts). Uses the real worker
// (out/src/host/lintWorker.js); OUTDIR=another build's out/ runs that build's worker (an A/B of two commits).
// Usage: npx tsc -p tsconfig.test.json && node bench/editor/worker-leakage-lag.cjs [TRAIN_MB]   (default 50)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const out = process.env.OUTDIR ?? path.join(__dirname, '..', '..', 'out');
const { Linter } = require(`${out}/src/host/linter.js`);
const { cleanChat, cleanChatLines, rng } = require(`${out}/test/unit/support/lint-corpus.js`);

const trainMb = Number(process.argv[2] ?? 50);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-leakage-lag-'));
const r = rng(3);
const lines = cleanChatLines(r, trainMb * 1e6);
const trainPath = path.join(dir, 'train.jsonl');
fs.writeFileSync(trainPath, lines.join('\n') + '\n');
const evalText = lines.slice(0, 200).join('\n') + '\n';
const small = Array.from({ length: 50 }, () => JSON.stringify(cleanChat(r))).join('\n') + '\n';
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** While the eval document's check reads the training file, lints the small document every 20 ms: their wait times. */
async function run(refs) {
  const linter = new Linter(path.join(out, 'src', 'host', 'lintWorker.js'), log);
  try {
    linter.syncDocument('small', path.join(dir, 'small.jsonl'), 1, small);
    linter.syncDocument('eval', path.join(dir, 'eval.jsonl'), 1, evalText);
    await linter.lintDocument('small');
    await linter.lintDocument('eval', {}, false); // the eval document's own lint: its session is built
    const t0 = performance.now();
    let done = false;
    const check = linter.lintDocument('eval', {}, true, refs).then((a) => { done = true; return a; });
    const waits = [];
    while (!done) {
      const t = performance.now();
      await linter.lintDocument('small');
      waits.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const a = await check;
    return { checkMs: performance.now() - t0, waits, leakage: a.result.stats.findingsByCode.leakage ?? 0, records: a.leakage?.trainingRecords };
  } finally {
    linter.dispose();
  }
}

(async () => {
  const sliced = await run([{ path: trainPath }]);
  const fmt = (xs) => `max ${Math.round(Math.max(...xs))} ms, median ${Math.round([...xs].sort((a, b) => a - b)[xs.length >> 1])} ms over ${xs.length} lints`;
  console.log(`training file ${trainMb} MB (${sliced.records} records); eval document 200 records, ${sliced.leakage} leakage findings`);
  console.log(`first leakage check (reading the training file): ${Math.round(sliced.checkMs)} ms`);
  console.log(`another document's lint meanwhile: ${fmt(sliced.waits)}`);
  console.log(JSON.stringify({ trainMb, checkMs: Math.round(sliced.checkMs), otherLintMaxMs: Math.round(Math.max(...sliced.waits)), otherLints: sliced.waits.length }));
  fs.rmSync(dir, { recursive: true, force: true });
})();
