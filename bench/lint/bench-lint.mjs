#!/usr/bin/env node
// Lint throughput on a generated chat JSONL file:
//   npx tsc -p tsconfig.test.json && npm run bench:lint -- [--mb 200] [--jobs N] [--repeat 3] [--seed 1] [--session-mb 50] [--formats-mb 50] [--rules] [--no-eval]
// The file (clean chat records with 1% exact and 1% near duplicates, test/unit/support/lint-corpus.ts) is generated
// once into $TMPDIR/tunelab-bench-lint/ and reused. Measured:
//   parse floor      read + split the Buffer on 0x0A + JSON.parse of each line, single-threaded, in this process
//   lint, 1 job      `tunelab lint --format json --jobs 1 FILE` (every rule; too-long estimates, no tokenizer) as a
//                    child process: wall time, CPU time of all its threads, peak RSS
//   lint, N jobs     the same with --jobs N (default: the cores, at most 8)
//   near-duplicate   in this process, CPU time of lintFiles with only near-duplicate on minus with every rule off: the
//                    rule's own single-core throughput
//   session          createLintSession on a --session-mb file: the first update, then one-line edits (median)
//   per rule         (--rules) each rule alone minus every rule off
//   train + eval     (unless --no-eval) --eval with a 5% eval file: the extra time of the leakage check (child, N jobs)
//   formats          the --formats-mb file's records as a JSON array (indented as json.dump writes it) and as a CSV file
//                    with a `messages` column: 1 job and N jobs each (child), outputs compared (0 skips)
// Times are the least of --repeat runs. Prints the figures, then ONE JSON object as the last line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
// TUNELAB_BENCH_OUT: another build's output folder (an A/B comparison of two builds).
const OUT = process.env.TUNELAB_BENCH_OUT ?? join(root, 'out');
const CLI = join(OUT, 'src/cli.js');
let lint, corpus;
try {
  lint = require(join(OUT, 'src/core/lint/index.js'));
  corpus = require(join(OUT, 'test/unit/support/lint-corpus.js'));
  if (!existsSync(CLI)) throw new Error('no CLI');
} catch {
  console.error('bench-lint: build first: npx tsc -p tsconfig.test.json');
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' }, jobs: { type: 'string' }, repeat: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' },
    'session-mb': { type: 'string', default: '50' }, 'formats-mb': { type: 'string', default: '50' }, rules: { type: 'boolean' }, 'no-eval': { type: 'boolean' },
  },
});
const mb = Number(values.mb), repeat = Number(values.repeat), seed = Number(values.seed), sessionMb = Number(values['session-mb']), formatsMb = Number(values['formats-mb']);
const jobs = values.jobs === undefined ? Math.min(availableParallelism(), 8) : Number(values.jobs);
if (!(mb > 0) || !(repeat >= 1) || !(jobs >= 1) || !(sessionMb >= 0) || !(formatsMb >= 0)) {
  console.error('bench-lint: --mb, --repeat, --jobs must be positive numbers');
  process.exit(2);
}

const file = generated(mb, seed);
const mib = statSync(file).size / 2 ** 20;
const rate = (ms) => round(mib / (ms / 1000));
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`${mib.toFixed(1)} MiB (${file}); node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`least of ${repeat} runs`);

const parse = best(() => inProcess(() => parseFloor(readFileSync(file))), (r) => r.wallMs);
console.log(`parse floor            ${secs(parse.wallMs).padStart(8)} wall  ${String(rate(parse.wallMs)).padStart(6)} MiB/s  (CPU ${secs(parse.cpuMs)})`);
const one = best(() => child(['--jobs', '1', file]), (r) => r.wallMs);
row('lint, 1 job', one);
const many = best(() => child(['--jobs', String(jobs), file]), (r) => r.wallMs);
row(`lint, ${jobs} jobs`, many);
console.log(`  ${jobs} jobs / parse floor: ${(many.wallMs / parse.wallMs).toFixed(2)}×   1 job / parse floor: ${(one.wallMs / parse.wallMs).toFixed(2)}×   speed-up ${(one.wallMs / many.wallMs).toFixed(2)}×`);
if (one.stdout !== many.stdout) console.log('  WARNING: the outputs of 1 job and N jobs differ');

const off = Object.fromEntries(lint.LINT_CODES.map((c) => [c, 'off']));
const only = (...codes) => ({ severity: { ...off, ...Object.fromEntries(codes.map((c) => [c, 'warning'])) } });
lint.lintFiles([file], only('near-duplicate')); // warm-up: compile before timing
const none = best(() => inProcess(() => lint.lintFiles([file], only())), (r) => r.cpuMs);
const near = best(() => inProcess(() => lint.lintFiles([file], only('near-duplicate'))), (r) => r.cpuMs);
const nearOwn = Math.max(near.cpuMs - none.cpuMs, 1);
console.log(`near-duplicate alone   ${secs(nearOwn).padStart(8)} CPU   ${String(rate(nearOwn)).padStart(6)} MiB/s  (its own CPU time on one core: only near-duplicate on, minus every rule off)`);

const perRule = {};
if (values.rules) {
  for (const code of lint.LINT_CODES) {
    if (code === 'leakage') continue;
    const r = best(() => inProcess(() => lint.lintFiles([file], { ...only(code), maxTokens: code === 'too-long' ? 2048 : undefined })), (x) => x.cpuMs);
    const own = Math.max(r.cpuMs - none.cpuMs, 0);
    perRule[code] = { cpuMs: Math.round(own), mibPerS: own < 20 ? null : rate(own) };
    console.log(`  ${code.padEnd(20)} ${secs(own).padStart(8)} CPU   ${own < 20 ? '(within noise)' : `${rate(own)} MiB/s`}`);
  }
}

let session;
if (sessionMb > 0) session = sessionBench(generated(sessionMb, seed));

let leakage;
if (!values['no-eval']) {
  const evalFile = join(dirname(file), `eval-${mb}mb-seed${seed}.jsonl`);
  if (!existsSync(evalFile)) {
    const lines = corpus.chatJsonl(mb * 0.05 * 2 ** 20, seed + 1).split('\n').filter(Boolean);
    const train = readFileSync(file, 'utf8').split('\n').filter((_, i) => i % 997 === 0 && _);
    writeFileSync(evalFile, [...lines, ...train].join('\n') + '\n');
  }
  const r = best(() => child(['--jobs', String(jobs), '--eval', evalFile, file]), (x) => x.wallMs);
  const findings = JSON.parse(r.stdout).stats.findingsByCode.leakage ?? 0;
  leakage = { wallMs: Math.round(r.wallMs), extraMs: Math.round(r.wallMs - many.wallMs), findings, maxRssMb: r.maxRssMb };
  console.log(`train + 5% eval        ${secs(r.wallMs).padStart(8)} wall  (+${secs(r.wallMs - many.wallMs)} for indexing, comparing and linting the eval file; ${findings} leakage findings; peak RSS ${r.maxRssMb} MB)`);
}

const formats = formatsMb > 0 ? formatsBench(generated(formatsMb, seed)) : undefined;

const summary = (r) => ({ wallMs: Math.round(r.wallMs), cpuMs: Math.round(r.cpuMs), mibPerS: rate(r.wallMs), maxRssMb: r.maxRssMb });
console.log(JSON.stringify({
  mib: round(mib), file, node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, load: loadavg().map(round), repeat,
  parseFloor: { wallMs: Math.round(parse.wallMs), cpuMs: Math.round(parse.cpuMs), mibPerS: rate(parse.wallMs) },
  lint1: summary(one), lintN: { jobs, ...summary(many) },
  ratioToParseFloor: { jobsN: round2(many.wallMs / parse.wallMs), jobs1: round2(one.wallMs / parse.wallMs) },
  speedUp: round2(one.wallMs / many.wallMs), sameOutput: one.stdout === many.stdout,
  findings: JSON.parse(many.stdout).stats.findingsByCode,
  nearDuplicate: { cpuMs: Math.round(nearOwn), mibPerS: rate(nearOwn) }, perRule: values.rules ? perRule : undefined, session, leakage, formats,
}));

/**
 * The records of a JSONL file as a JSON array and as a CSV file (made once, next to it), each linted with 1 job and with
 * N: JSON arrays and CSV files are cut into parts at line starts between records, as JSONL at line breaks.
 */
function formatsBench(jsonl) {
  const out = {};
  for (const [format, ext] of [['array', 'json'], ['csv', 'csv']]) {
    const path = jsonl.replace(/\.jsonl$/, `.${format}.${ext}`);
    if (!existsSync(path)) {
      const values = readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const text = format === 'array'
        ? `[\n${values.map((v) => '  ' + JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')).join(',\n')}\n]\n`
        : `messages\n${values.map((v) => `"${JSON.stringify(v.messages).replace(/"/g, '""')}"`).join('\n')}\n`;
      writeFileSync(`${path}.part`, text);
      renameSync(`${path}.part`, path);
    }
    const size = statSync(path).size / 2 ** 20;
    const a = best(() => child(['--jobs', '1', path]), (r) => r.wallMs);
    const b = best(() => child(['--jobs', String(jobs), path]), (r) => r.wallMs);
    const same = a.stdout === b.stdout;
    console.log(`${format.padEnd(5)} ${size.toFixed(1)} MiB     1 job ${secs(a.wallMs)}, ${jobs} jobs ${secs(b.wallMs)} (speed-up ${(a.wallMs / b.wallMs).toFixed(2)}×; peak RSS ${a.maxRssMb} / ${b.maxRssMb} MB)${same ? '' : '  WARNING: the outputs differ'}`);
    out[format] = { mib: round(size), jobs1WallMs: Math.round(a.wallMs), jobsNWallMs: Math.round(b.wallMs), speedUp: round2(a.wallMs / b.wallMs), sameOutput: same };
  }
  return out;
}

/** The generated file of `size` MiB, made once and kept in the temp dir. */
function generated(size, s) {
  const dir = join(tmpdir(), 'tunelab-bench-lint');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `chat-${size}mb-seed${s}.jsonl`);
  if (!existsSync(path)) {
    console.log(`generating ${path} ...`);
    writeFileSync(`${path}.part`, corpus.chatJsonl(size * 2 ** 20, s));
    renameSync(`${path}.part`, path);
  }
  return path;
}

/** `tunelab lint --format json ARGS` in a child process under /usr/bin/time when present (peak RSS), else a wrapper. */
function child(args) {
  const argv = [CLI, 'lint', '--format', 'json', ...args];
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', 'TUNELAB_RUSAGE %M %U %S', process.execPath, ...argv], { maxBuffer: 1 << 30, encoding: 'utf8' })
    : spawnSync(process.execPath, [join(root, 'bench/lint/measure-child.cjs'), ...argv], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  const m = /TUNELAB_RUSAGE (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 && r.status !== 1 || !m) {
    console.error(`bench-lint: the lint failed (exit ${r.status}):\n${r.stderr}`);
    process.exit(1);
  }
  return { wallMs, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, maxRssMb: Math.round(Number(m[1]) / 1024), stdout: r.stdout };
}

function row(label, r) {
  console.log(`${label.padEnd(22)} ${secs(r.wallMs).padStart(8)} wall  ${String(rate(r.wallMs)).padStart(6)} MiB/s  (CPU of all threads ${secs(r.cpuMs)}; peak RSS ${r.maxRssMb} MB)`);
}

function inProcess(f) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const out = f();
  const d = process.cpuUsage(c0);
  return { wallMs: performance.now() - t0, cpuMs: (d.user + d.system) / 1000, out };
}

/** The least by `key` of `repeat` runs. */
function best(f, key) {
  let out;
  for (let i = 0; i < repeat; i++) {
    const r = f();
    if (!out || key(r) < key(out)) out = r;
  }
  return out;
}

/** The editor's incremental session: first update, then one-line edits spread over the file (median wall and CPU). */
function sessionBench(path) {
  const text = readFileSync(path, 'utf8');
  const sizeMib = Buffer.byteLength(text) / 2 ** 20;
  const s = lint.createLintSession('bench.jsonl');
  const first = inProcess(() => s.update(text));
  const lines = text.split('\n');
  const edits = [];
  for (let k = 0; k < 7; k++) {
    const i = Math.floor(((k + 0.5) / 7) * (lines.length - 2));
    lines[i] = lines[i].replace('"content":"', '"content":"Well, ');
    const next = lines.join('\n');
    edits.push(inProcess(() => s.update(next)));
  }
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const wall = median(edits.map((e) => e.wallMs)), cpu = median(edits.map((e) => e.cpuMs));
  console.log(`session, ${sizeMib.toFixed(0)} MiB: first update ${secs(first.wallMs)}; one-line edit ${Math.round(wall)} ms wall, ${Math.round(cpu)} ms CPU (median of ${edits.length}; ${s.lastUpdate.linesChecked} record re-read, ${s.lastUpdate.linesReused} from the cache)`);
  return { mib: round(sizeMib), firstUpdateMs: Math.round(first.wallMs), editWallMs: Math.round(wall), editCpuMs: Math.round(cpu), edits: edits.length };
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
function round2(x) { return Math.round(x * 100) / 100; }
