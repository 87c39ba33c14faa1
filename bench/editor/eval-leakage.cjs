// What the lint worker does per edit of an eval document open next to its training file: compare the eval records with
// the training records' kept features (leakage-training.ts), against reading the training file again for each edit
// (lintTrainAndEval, the way the launch check compares them), in the same run; both must give the same eval findings.
// The training file is chat JSONL made from the lint corpus's clean records; the eval file takes 2% of its records
// as exact copies, 2% with one word changed, and fresh records for the rest.
// Usage: npx tsc -p tsconfig.test.json && node --expose-gc bench/editor/eval-leakage.cjs [TRAIN_MB] [EVAL_RECORDS]   (default 50, 1000)
const path = require('node:path');
const out = process.env.OUTDIR ?? path.join(__dirname, '..', '..', 'out');
const { EvalFeatureCache, evalLeakage, lintSource, lintTrainAndEval, TrainingFeatures, withLeakage } = require(`${out}/src/core/lint/index.js`);
const { cleanChat, cleanChatLines, rng } = require(`${out}/test/unit/support/lint-corpus.js`);

const trainMb = Number(process.argv[2] ?? 50);
const evalRecords = Number(process.argv[3] ?? 1000);
const r = rng(7);
const train = cleanChatLines(r, trainMb * 1e6);
const trainBytes = Buffer.from(train.join('\n') + '\n');
const held = [];
for (let i = 0; i < evalRecords; i++) {
  const k = i % 50;
  if (k === 0) held.push(train[Math.floor(r() * train.length)]);
  else if (k === 1) held.push(train[Math.floor(r() * train.length)].replace(' the ', ' a '));
  else held.push(JSON.stringify(cleanChat(r)));
}
const trainInput = { path: '/data/train.jsonl', input: trainBytes };
const evalPath = '/data/eval.jsonl';
const options = {};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

let t = performance.now();
let heapBefore;
if (global.gc) { global.gc(); heapBefore = process.memoryUsage(); }
const features = TrainingFeatures.of([trainInput], 0.8);
const readMs = performance.now() - t;
let keptMb;
if (global.gc) {
  global.gc();
  const after = process.memoryUsage();
  keptMb = Math.round((after.heapUsed + after.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 1e6);
}

const kept = [], reread = [];
const evalFeatures = new EvalFeatureCache(); // kept from one edit to the next, as the lint worker keeps them
evalLeakage(evalPath, held.join('\n') + '\n', features, options, evalFeatures); // the document's first check
let leaks = 0;
let evalText = held.join('\n') + '\n';
for (let k = 0; k < 5; k++) {
  // one edit: a word added to a record spread over the file
  const at = evalText.indexOf(' the ', Math.floor(evalText.length * (0.1 + 0.2 * k)));
  evalText = `${evalText.slice(0, at)} zebra${evalText.slice(at)}`;
  t = performance.now();
  const got = withLeakage(lintSource(evalPath, evalText, options), evalLeakage(evalPath, evalText, features, options, evalFeatures));
  kept.push(performance.now() - t);
  t = performance.now();
  const want = lintTrainAndEval(trainInput, { path: evalPath, input: evalText }, options).eval;
  reread.push(performance.now() - t);
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error('the kept features give other findings than reading the training file');
  leaks = got.stats.findingsByCode.leakage ?? 0;
}
const result = {
  trainMb: +(trainBytes.length / 1e6).toFixed(1), trainRecords: features.records, evalRecords, leakageFindings: leaks,
  readMs: Math.round(readMs), keptMb, keptFeaturesMb: Math.round(features.bytes / 1e6),
  editMs: kept.map(Math.round), rereadMs: reread.map(Math.round), speedUp: +(median(reread) / median(kept)).toFixed(1),
};
console.log(`training file ${result.trainMb} MB (${result.trainRecords} records), eval file ${evalRecords} records, ${leaks} leakage findings`);
console.log(`read the training features once: ${result.readMs} ms, ${result.keptFeaturesMb} MB kept (heap and buffers: ${keptMb ?? '?'} MB)`);
console.log(`per edit: kept features ${result.editMs.join(' / ')} ms; reading the training file again ${result.rereadMs.join(' / ')} ms; ${result.speedUp}x`);
console.log(JSON.stringify(result));
