// The workspace the suites open: a small train/eval split taken from samples/, plus datasets with known faults.
'use strict';
const fs = require('fs');
const path = require('path');

const TRAIN_RECORDS = 48;
const EVAL_RECORDS = 8;

function firstLines(file, n) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).slice(0, n);
}

/** Chat records made here when samples/ is not there (yet): the suites need data, not this exact data. */
function madeUpRecords(n, offset) {
  const lines = [];
  for (let i = offset; i < offset + n; i++) {
    lines.push(JSON.stringify({ messages: [
      { role: 'user', content: `What is ${i} plus ${i + 1}?` },
      { role: 'assistant', content: `${i} plus ${i + 1} is ${2 * i + 1}.` },
    ] }));
  }
  return lines;
}

function createWorkspace(dir, repoRoot) {
  fs.mkdirSync(dir, { recursive: true });
  const samples = path.join(repoRoot, 'samples');
  const sampleTrain = ['train.jsonl', 'sample-train.jsonl'].map((f) => path.join(samples, f)).find(fs.existsSync);
  const sampleEval = ['eval.jsonl', 'sample-eval.jsonl'].map((f) => path.join(samples, f)).find(fs.existsSync);
  const train = sampleTrain ? firstLines(sampleTrain, TRAIN_RECORDS) : madeUpRecords(TRAIN_RECORDS, 0);
  const evalLines = sampleEval ? firstLines(sampleEval, EVAL_RECORDS) : madeUpRecords(EVAL_RECORDS, 1000);
  fs.writeFileSync(path.join(dir, 'train.jsonl'), train.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'eval.jsonl'), evalLines.join('\n') + '\n');

  // Line 2 is not JSON (a trailing comma): the lint must say `invalid-json` on line 2.
  const good = madeUpRecords(2, 5000);
  fs.writeFileSync(path.join(dir, 'bad.jsonl'), [good[0], good[1].replace(/}$/, ',}'), madeUpRecords(1, 6000)[0]].join('\n') + '\n');
  // Line 3 repeats line 1: the lint must say `duplicate` on line 3 with related information pointing at line 1.
  const d = madeUpRecords(2, 7000);
  fs.writeFileSync(path.join(dir, 'dup.jsonl'), [d[0], d[1], d[0]].join('\n') + '\n');
  return { dir, source: sampleTrain ? 'samples/' : 'generated records (samples/ missing)' };
}

module.exports = { createWorkspace };
