#!/usr/bin/env node
// The lint's costliest pass, the near-duplicate word scan (src/core/lint/text/words.ts), in V8 against the same scan
// in C (word-scan.c, gcc -O2) on the same strings in the same run: what a native or WebAssembly rule engine could
// gain on this machine. Strings: the non-system message texts of the benchmark's generated chat file.
//   npx tsc -p tsconfig.test.json && node bench/lint/word-scan/word-scan.mjs [--mb 10] [--rounds 7]
// Prints the figures, then ONE JSON object as the last line. Needs gcc for the C side (skipped without it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const require = createRequire(import.meta.url);
const OUT = join(root, 'out');
let words, IntList, corpus;
try {
  ({ scanWords: words } = require(join(OUT, 'src/core/lint/text/words.js')));
  ({ IntList } = require(join(OUT, 'src/core/lint/text/int-list.js')));
  corpus = require(join(OUT, 'test/unit/support/lint-corpus.js'));
} catch {
  console.error('word-scan: build first: npx tsc -p tsconfig.test.json');
  process.exit(2);
}
const { values } = parseArgs({ options: { mb: { type: 'string', default: '10' }, rounds: { type: 'string', default: '7' } } });
const mb = Number(values.mb), rounds = Number(values.rounds);
if (!(mb > 0) || !(rounds >= 1)) {
  console.error('word-scan: --mb and --rounds must be positive numbers');
  process.exit(2);
}

const strings = trainingStrings(generated(mb));
const chars = strings.reduce((n, s) => n + s.length, 0);
console.log(`${strings.length} strings, ${chars} UTF-16 code units; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

const js = leastOf(rounds, () => {
  const out = new IntList(chars + 1);
  for (const s of strings) words(s, out);
  return { words: out.length, sum: sum(out.data, out.length) };
});
const read = leastOf(rounds, () => {
  let x = 0;
  for (const s of strings) for (let i = 0; i < s.length; i++) x = (x + s.charCodeAt(i)) | 0;
  return { sum: x >>> 0 };
});
const nsPerChar = (ms) => Math.round((ms * 1e6 / chars) * 100) / 100;
console.log(`JS scanWords           ${js.ms.toFixed(1).padStart(7)} ms  ${nsPerChar(js.ms)} ns/char  (${js.words} words)`);
console.log(`JS read each char      ${read.ms.toFixed(1).padStart(7)} ms  ${nsPerChar(read.ms)} ns/char  (charCodeAt, summed)`);

const c = native(strings);
const figures = { strings: strings.length, chars, jsMs: round(js.ms), jsNsPerChar: nsPerChar(js.ms), jsReadNsPerChar: nsPerChar(read.ms) };
if (c) {
  if (c.words !== js.words || c.sum !== js.sum) {
    console.error(`word-scan: the C scan disagrees with the JS one (${c.words} words, sum ${c.sum} against ${js.words}, ${js.sum})`);
    process.exit(1);
  }
  console.log(`C word-scan (gcc -O2)  ${c.ms.toFixed(1).padStart(7)} ms  ${nsPerChar(c.ms)} ns/char  (same words and hashes)`);
  console.log(`  JS / C: ${(js.ms / c.ms).toFixed(2)}×`);
  Object.assign(figures, { cMs: round(c.ms), cNsPerChar: nsPerChar(c.ms), jsOverC: Math.round((js.ms / c.ms) * 100) / 100 });
} else {
  console.log('C side skipped: no gcc');
}
console.log(JSON.stringify(figures));

function generated(size) {
  const dir = join(tmpdir(), 'tunelab-bench-lint');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `chat-${size}mb-seed1.jsonl`);
  if (!existsSync(path)) {
    writeFileSync(`${path}.part`, corpus.chatJsonl(size * 2 ** 20, 1));
    renameSync(`${path}.part`, path);
  }
  return path;
}

/** The texts the near-duplicate rule scans in the generated chat records: every non-system message. */
function trainingStrings(path) {
  const out = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line);
    for (const m of r.messages ?? []) if (m.role !== 'system' && typeof m.content === 'string') out.push(m.content);
  }
  return out;
}

function leastOf(n, f) {
  let best;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = f();
    const ms = performance.now() - t;
    if (!best || ms < best.ms) best = { ...r, ms };
  }
  return best;
}

function sum(a, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + a[i]) | 0;
  return s >>> 0;
}

/** The strings as UTF-16LE separated by U+0000 (the generator's texts contain none), scanned by the C build. */
function native(list) {
  if (spawnSync('gcc', ['--version']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-word-scan-'));
  try {
    const exe = join(dir, 'word-scan');
    execFileSync('gcc', ['-O2', '-o', exe, join(here, 'word-scan.c')]);
    const input = join(dir, 'strings.u16');
    writeFileSync(input, Buffer.from(list.join('\0') + '\0', 'utf16le'));
    const r = JSON.parse(execFileSync(exe, [input], { encoding: 'utf8' }));
    return { words: r.words, sum: r.sum, ms: r.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x) { return Math.round(x * 10) / 10; }
