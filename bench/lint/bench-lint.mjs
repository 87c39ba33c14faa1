#!/usr/bin/env node
// Lint throughput on a generated chat JSONL file.
//   npx tsc -p tsconfig.test.json && node bench/lint/bench-lint.mjs --mb 50 [--seed 1] [--repeat 3] [--no-rules] [--no-eval]
// Generates clean chat records (1% exact and 1% near duplicates; see test/unit/support/lint-corpus.ts) into a temp
// dir, then measures, as the least CPU time (user + system) of --repeat runs, which other processes on a shared
// machine disturb much less than wall time:
//   parse floor        read + split on \n + JSON.parse of every line (what any linter pays)
//   no rules           lintFiles with every rule off: the reader and the record views
//   all rules          lintFiles([file]) with default options (wall time too)
//   per rule           lintFiles with only that rule on, minus "no rules" (skip with --no-rules)
//   near-dup in context  duplicate + near-duplicate minus duplicate alone: they share the content fingerprint
//   train + eval       lintFiles([file], {evalFiles: [5% eval file with copies]}) minus all rules: indexing the eval file,
//                      comparing every training record with it, linting the eval file (skip with --no-eval)
// Prints the figures, then one JSON object as the last line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
let lint, corpus;
try {
  lint = require(join(root, 'out/src/core/lint/index.js'));
  corpus = require(join(root, 'out/test/unit/support/lint-corpus.js'));
} catch {
  console.error('bench-lint: build first: npx tsc -p tsconfig.test.json');
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '50' }, seed: { type: 'string', default: '1' }, repeat: { type: 'string', default: '3' },
    'no-rules': { type: 'boolean' }, 'no-eval': { type: 'boolean' },
  },
});
const mb = Number(values.mb), repeat = Number(values.repeat), seed = Number(values.seed);
if (!(mb > 0) || !(repeat >= 1)) { console.error('bench-lint: --mb and --repeat must be positive numbers'); process.exit(2); }

const dir = mkdtempSync(join(tmpdir(), 'tunelab-bench-lint-'));
try {
  const file = join(dir, 'train.jsonl');
  const text = corpus.chatJsonl(mb * 2 ** 20, seed);
  writeFileSync(file, text);
  const mib = Buffer.byteLength(text) / 2 ** 20;
  const lines = text.split('\n').filter(Boolean);
  console.log(`${mib.toFixed(1)} MiB, ${lines.length} chat records; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('CPU time, least of', repeat, 'runs');

  const off = Object.fromEntries(lint.LINT_CODES.map((c) => [c, 'off']));
  const only = (...codes) => ({ severity: { ...off, ...Object.fromEntries(codes.map((c) => [c, 'warning'])) } });
  // Differences under NOISE_MS are within the run-to-run spread: shown as such, with no rate.
  const NOISE_MS = 20;
  const rate = (ms) => (ms < NOISE_MS ? null : round(mib / (ms / 1000)));
  const row = (label, ms, extra = '') => console.log(`${label.padEnd(22)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${
    ms < NOISE_MS ? '  (within noise)' : `${String(rate(ms)).padStart(7)} MiB/s`}${extra}`);

  lint.lintFiles([file]); // warm-up: compile the rules before anything is timed
  const parse = best(() => parseFloor(readFileSync(file)));
  row('parse floor', parse.cpu);
  const none = best(() => lint.lintFiles([file], only()));
  row('no rules', none.cpu);
  const all = best(() => lint.lintFiles([file]));
  row('all rules', all.cpu, `  (wall ${(all.wall / 1000).toFixed(2)} s; ${all.out.stats.findings} findings: ${JSON.stringify(all.out.stats.findingsByCode)})`);

  const perRule = {};
  let nearInContext;
  if (!values['no-rules']) {
    for (const code of lint.LINT_CODES) {
      if (code === 'leakage') continue;
      const r = best(() => lint.lintFiles([file], { ...only(code), maxTokens: code === 'too-long' ? 2048 : undefined }));
      const own = Math.max(r.cpu - none.cpu, 0);
      perRule[code] = { ms: Math.round(own), mibPerS: rate(own) };
      row(`  ${code}`, own);
    }
    const dupOnly = best(() => lint.lintFiles([file], only('duplicate')));
    const both = best(() => lint.lintFiles([file], only('duplicate', 'near-duplicate')));
    const own = Math.max(both.cpu - dupOnly.cpu, 0);
    nearInContext = { ms: Math.round(own), mibPerS: rate(own) };
    row('near-dup in context', own, '  (with duplicate on, as by default)');
  }

  let leakage;
  if (!values['no-eval']) {
    const evalFile = join(dir, 'eval.jsonl');
    const evalLines = [...corpus.chatJsonl(mb * 0.05 * 2 ** 20, seed + 1).split('\n').filter(Boolean), ...lines.filter((_, i) => i % 997 === 0)];
    writeFileSync(evalFile, evalLines.join('\n') + '\n');
    const r = best(() => lint.lintFiles([file], { evalFiles: [evalFile] }));
    const own = Math.max(r.cpu - all.cpu, 0);
    leakage = { ms: Math.round(own), mibPerS: rate(own), evalRecords: evalLines.length, findings: r.out.stats.findingsByCode.leakage ?? 0 };
    row('train + eval', own, `  (extra for ${evalLines.length} eval records: indexed, compared with every training record, linted; ${leakage.findings} leakage findings)`);
  }

  console.log(JSON.stringify({
    mib: round(mib), records: lines.length, node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, load: loadavg().map(round),
    timing: `least CPU time of ${repeat} runs`,
    parseFloor: { ms: Math.round(parse.cpu), mibPerS: rate(parse.cpu) }, noRules: { ms: Math.round(none.cpu), mibPerS: rate(none.cpu) },
    allRules: { ms: Math.round(all.cpu), mibPerS: rate(all.cpu), wallMs: Math.round(all.wall) }, perRule, nearDuplicateInContext: nearInContext, leakage,
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The least CPU time (and the wall time of that run) of `repeat` runs of f. */
function best(f) {
  let out;
  for (let i = 0; i < repeat; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    const result = f();
    const d = process.cpuUsage(c0), wall = performance.now() - t0, cpu = (d.user + d.system) / 1000;
    if (!out || cpu < out.cpu) out = { cpu, wall, out: result };
  }
  return out;
}

/** What the reader does at the least: split the Buffer on \n, decode each line, JSON.parse it. */
function parseFloor(buf) {
  let n = 0;
  for (let s0 = 0; s0 < buf.length;) {
    const nl = buf.indexOf(0x0a, s0);
    const e = nl === -1 ? buf.length : nl;
    if (e > s0) { JSON.parse(buf.toString('utf8', s0, e)); n++; }
    if (nl === -1) break;
    s0 = nl + 1;
  }
  return n;
}
function round(x) { return Math.round(x * 10) / 10; }
