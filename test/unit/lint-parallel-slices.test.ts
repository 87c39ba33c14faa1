// The parallel lint cuts a file into many slices that the threads take one after another, the main thread merging
// their summaries in file order as they come (src/core/lint/lint-parallel.ts splitByRecords). Wherever the cuts
// fall, and whichever thread fails, the output must be the serial lint's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintFiles, lintFilesParallel } from '../../src/core/lint';
import { cutLines, MIN_PARALLEL_BYTES, sliceStarts } from '../../src/core/lint/lint-parallel';
import { BandHeads } from '../../src/core/lint/text/band-heads';
import { chatJsonl, makeCorpus, rng } from './support/lint-corpus';

/** A chat file with what a slice boundary could break: CRLF, lines that are not objects, blank lines, non-ASCII, and duplicates and near-duplicates far apart. */
function awkwardFile(): string {
  const corpus = makeCorpus(31, 300);
  const chat = corpus.files.find((f) => f.role === 'train' && f.name.endsWith('.jsonl'))!;
  const lines = [...chat.lines, ...chatJsonl(60_000, 4).split('\n').filter(Boolean)];
  lines.splice(5, 0, '[1, 2]', '', '{broken', '"a string"', '{"instruction": "Add 2 and 3.", "output": "5"}');
  lines.splice(40, 0, '  {"messages": [{"role": "user", "content": "indented naïve café 東京 😀"}, {"role": "assistant", "content": "ok"}]}');
  lines.push(lines[12], lines[300]);
  return lines.map((l, i) => (i % 3 === 0 ? l + '\r' : l)).join('\n'); // some CRLF, no line break at the end
}

test('parallel lint with a slice per line: the serial output at every cut point (CRLF, lines that are not objects, 2 and 3 threads)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-slices-'));
  try {
    const file = join(dir, 'awkward.jsonl');
    writeFileSync(file, awkwardFile());
    const serial = lintFiles([file]);
    const codes = Object.keys(serial.stats.findingsByCode);
    for (const c of ['duplicate', 'near-duplicate', 'invalid-json', 'schema']) assert.ok(codes.includes(c), `${c} in ${codes}`);
    for (const jobs of [2, 3]) {
      for (const sliceBytes of [1, 2000]) {
        const parallel = await lintFilesParallel([file], { jobs, minParallelBytes: 0, sliceBytes });
        assert.deepStrictEqual(parallel, serial, `jobs ${jobs}, slices of ${sliceBytes} bytes`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parallel lint: a worker that dies after its first slice still gives the serial output, for that file and the next', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-slices-'));
  try {
    const files = [join(dir, 'chat.jsonl'), join(dir, 'missing.jsonl'), join(dir, 'next.jsonl')];
    writeFileSync(files[0], awkwardFile());
    writeFileSync(files[2], chatJsonl(40_000, 9));
    const serial = lintFiles(files);
    assert.equal(serial.ioErrors.length, 1);
    const workerScript = join(__dirname, 'support', 'failing-shard-worker.js');
    for (const jobs of [2, 3]) {
      const parallel = await lintFilesParallel(files, { jobs, minParallelBytes: 0, sliceBytes: 1000, workerScript });
      assert.deepStrictEqual(parallel, serial, `jobs ${jobs}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parallel lint with eval files: the training file\'s records are compared in the merge, and compared afresh when a dying worker sends the lint back to one thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-slices-'));
  try {
    const train = join(dir, 'train.jsonl'), held = join(dir, 'eval.jsonl');
    const text = chatJsonl(40_000, 9);
    writeFileSync(train, text);
    // Copies of training records from the start, the middle and the end, an edited copy, and records of their own.
    const lines = text.split('\n').filter(Boolean);
    const edited = lines[25].replace(/"content":"/g, '"content":"Well, ');
    writeFileSync(held, [lines[3], lines[Math.floor(lines.length / 2)], lines[lines.length - 2], edited, ...chatJsonl(3_000, 10).split('\n').filter(Boolean).slice(0, 5)].join('\n') + '\n');
    const serial = lintFiles([train], { evalFiles: [held] });
    assert.ok((serial.stats.findingsByCode.leakage ?? 0) >= 4, JSON.stringify(serial.stats.findingsByCode));
    for (const workerScript of [undefined, join(__dirname, 'support', 'failing-shard-worker.js')]) {
      for (const jobs of [2, 3]) {
        const parallel = await lintFilesParallel([train], { evalFiles: [held], jobs, minParallelBytes: 0, sliceBytes: 1000, workerScript });
        assert.deepStrictEqual(parallel, serial, `jobs ${jobs}, ${workerScript ?? 'the lint\'s own workers'}`);
      }
    }
    // The training file went by slices of records, as it does without eval files (not by rules split between threads).
    const log = join(dir, 'tasks.log');
    writeFileSync(log, '');
    process.env.TUNELAB_TEST_TASK_LOG = log;
    try {
      await lintFilesParallel([train], { evalFiles: [held], jobs: 2, minParallelBytes: 0, sliceBytes: 1000, workerScript: join(__dirname, 'support', 'part-noting-shard-worker.js') });
    } finally {
      delete process.env.TUNELAB_TEST_TASK_LOG;
    }
    const tasks = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(tasks[0], 'slices none', tasks.join('; ')); // the training file's task; the eval file's comes after
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parallel lint: the process waits for a worker that dies late, though an idle pool does not keep it alive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-slices-'));
  try {
    const file = join(dir, 'chat.jsonl');
    writeFileSync(file, chatJsonl(40_000, 3));
    const serial = lintFiles([file]);
    const workerScript = join(__dirname, 'support', 'slow-shard-worker.js');
    // Nothing else holds the event loop open here: were the busy worker not counted, the test would end unfinished.
    for (let run = 0; run < 3; run++) {
      const parallel = await lintFilesParallel([file], { jobs: 2, minParallelBytes: 0, sliceBytes: 10_000, workerScript });
      assert.deepStrictEqual(parallel, serial);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('slices: many more than threads, shorter towards the end, so that no thread waits long for the last one', () => {
  for (const [bytes, threads] of [[200 << 20, 2], [200 << 20, 3], [1 << 20, 2], [10_000, 2]]) {
    const starts = sliceStarts(bytes, threads);
    const sizes = starts.map((s, k) => (starts[k + 1] ?? bytes) - s);
    assert.equal(starts[0], 0);
    assert.ok(sizes.every((n) => n > 0 && n <= 4 << 20), `${bytes}: slices of 1 to 4 MiB`);
    assert.ok(starts.length >= 4 * threads, `${bytes}: ${starts.length} slices`);
    assert.ok(sizes.at(-1)! * 8 <= sizes[0] || sizes.at(-1)! <= (4 << 20) / 64, `${bytes}: the last slice is short`);
  }
  const buf = Buffer.from(chatJsonl(50_000, 2));
  const ranges = cutLines(buf, sliceStarts(buf.length, 2, 1));
  assert.equal(ranges.length, buf.toString().split('\n').filter(Boolean).length); // one per line
});

test('BandHeads: the newest earlier record per band and key, as a map per band gives it, while the tables grow', () => {
  const bands = 3;
  const heads = new BandHeads(bands, 10); // far too small: it grows many times
  const maps = Array.from({ length: bands }, () => new Map<number, number>());
  const r = rng(5);
  for (let id = 0; id < 100_000; id++) {
    for (let b = 0; b < bands; b++) {
      const key = r() < 0.3 ? Math.imul(id % 977, 0x9e3779b1) : (r() * 2 ** 32) | 0; // repeated keys, and fresh ones
      const want = maps[b].get(key) ?? -1;
      maps[b].set(key, id);
      assert.equal(heads.swap(b, key, id), want, `record ${id}, band ${b}`);
    }
  }
});

test('BandHeads.chain: a batch of records per band gives what swap gives one by one (keys repeated within a batch, tables growing)', () => {
  const bands = 4;
  const heads = new BandHeads(bands, 10);
  const maps = Array.from({ length: bands }, () => new Map<number, number>());
  const r = rng(6);
  let first = 0;
  for (let batch = 0; batch < 300; batch++) {
    // A batch of `rows` rows of keys, of which `count` are chained, in order: some rows are left out, as the merge
    // leaves out exact duplicates.
    const rows = 1 + Math.floor(r() * 150);
    const keys = new Int32Array(rows * bands);
    for (let k = 0; k < keys.length; k++) keys[k] = r() < 0.4 ? Math.imul(Math.floor(r() * 50), 0x9e3779b1) : (r() * 2 ** 32) | 0;
    const records = Int32Array.from({ length: rows }, (_, k) => k).filter(() => r() < 0.8);
    const out = new Int32Array((first + records.length) * bands).fill(-7);
    for (let b = 0; b < bands; b++) heads.chain(b, keys, records, records.length, bands, out, first);
    for (let j = 0; j < records.length; j++) {
      for (let b = 0; b < bands; b++) {
        const key = keys[records[j] * bands + b];
        assert.equal(out[(first + j) * bands + b], maps[b].get(key) ?? -1, `batch ${batch}, record ${first + j}, band ${b}`);
        maps[b].set(key, first + j);
      }
    }
    first += records.length;
  }
});

test('parallel lint: files under the size where threads pay off are linted here, without starting a thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-slices-'));
  // Counts the threads lint-parallel.ts starts (it looks Worker up on the module at each start).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('node:worker_threads') as { Worker: typeof import('node:worker_threads').Worker };
  const original = threads.Worker;
  let started = 0;
  threads.Worker = class extends original {
    constructor(...args: ConstructorParameters<typeof original>) {
      super(...args);
      started++;
    }
  };
  try {
    const small = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    writeFileSync(small[0], chatJsonl(2_000_000, 3)); // over the 1 MB that was the threshold before
    writeFileSync(small[1], chatJsonl(300_000, 4));
    assert.ok(MIN_PARALLEL_BYTES > 2_000_000);
    assert.deepStrictEqual(await lintFilesParallel(small, { jobs: 3 }), lintFiles(small));
    assert.equal(started, 0, 'no thread for small files');
    assert.deepStrictEqual(await lintFilesParallel(small, { jobs: 3, minParallelBytes: 1_000_000 }), lintFiles(small));
    assert.equal(started, 2, 'two threads, started for the first file large enough, and used for both');
    // Shards each under the threshold but over a quarter of it: threads when they add up to the threshold, not before.
    const shards = [0, 1, 2].map((k) => join(dir, `train-0000${k}-of-00003.jsonl`));
    shards.forEach((f, k) => writeFileSync(f, chatJsonl(1_500_000, 10 + k)));
    started = 0;
    assert.deepStrictEqual(await lintFilesParallel(shards.slice(0, 2), { jobs: 3, minParallelBytes: 4_000_000 }), lintFiles(shards.slice(0, 2)));
    assert.equal(started, 0, 'two shards of 1.5 MB: 3 MB in all, under 4 MB');
    assert.deepStrictEqual(await lintFilesParallel(shards, { jobs: 3, minParallelBytes: 4_000_000 }), lintFiles(shards));
    assert.equal(started, 2, 'three shards of 1.5 MB: 4.5 MB in all');
  } finally {
    threads.Worker = original;
    rmSync(dir, { recursive: true, force: true });
  }
});
