// `tunelab lint` as a child process: the workspace's .tunelab/lint.json, --config, --jobs (same output as one job).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chatJsonl } from './support/lint-corpus';
import { runCli, type CliResult } from './support/run-cli';


function tunelab(args: string[], cwd?: string): Promise<CliResult> {
  return runCli(args, { cwd, timeoutMs: 60_000 });
}

const chat = (q: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

/** ws/.tunelab/lint.json (when given) and ws/data/train.jsonl with an email address in it. */
function workspace(config?: string): { ws: string; data: string } {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-lintcli-'));
  if (config !== undefined) {
    fs.mkdirSync(path.join(ws, '.tunelab'));
    fs.writeFileSync(path.join(ws, '.tunelab', 'lint.json'), config);
  }
  fs.mkdirSync(path.join(ws, 'data'));
  const data = path.join(ws, 'data', 'train.jsonl');
  fs.writeFileSync(data, [chat('Write to me at jo.doe@example.com please.', 'Sure, I will.'), chat('What is 2 + 2?', 'Four.')].join('\n') + '\n');
  return { ws, data };
}

const piiSeverities = (r: CliResult): string[] => JSON.parse(r.stdout).diagnostics.filter((d: { code: string }) => d.code === 'pii').map((d: { severity: string }) => d.severity);

test('lint reads .tunelab/lint.json of the nearest folder upwards from the dataset, or from the current folder; --config overrides it', async () => {
  const plain = workspace();
  const none = await tunelab(['lint', '--format', 'json', plain.data], plain.ws);
  assert.deepEqual(piiSeverities(none), ['warning']);

  const { ws, data } = workspace('{"rules": {"pii": "error", "too-few-records": "off"}}');
  const fromFile = await tunelab(['lint', '--format', 'json', data], os.tmpdir());
  assert.equal(fromFile.code, 1, fromFile.stderr);
  assert.deepEqual(piiSeverities(fromFile), ['error']);
  assert.ok(!JSON.parse(fromFile.stdout).diagnostics.some((d: { code: string }) => d.code === 'too-few-records'));

  // a dataset outside any workspace: the current folder's settings
  const fromCwd = await tunelab(['lint', '--format', 'json', plain.data], ws);
  assert.deepEqual(piiSeverities(fromCwd), ['error']);

  const other = path.join(ws, 'quiet.json');
  fs.writeFileSync(other, '{"rules": {"pii": "off"}}');
  const overridden = await tunelab(['lint', '--format', 'json', '--config', other, data], plain.ws);
  assert.equal(overridden.code, 0, overridden.stderr);
  assert.deepEqual(piiSeverities(overridden), []);
});

test('a malformed lint config stops the lint with exit 2 and says what to fix; a missing --config file too', async () => {
  const bad = workspace('{"rules": {"pii": "loud", "near-duplicates": "off"}}');
  const r = await tunelab(['lint', bad.data]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad lint settings in .*lint\.json/);
  assert.match(r.stderr, /rule "pii" is set to "loud"; use one of "error", "warning", "info", "off"/);
  assert.match(r.stderr, /unknown rule "near-duplicates".*did you mean "near-duplicate"/);
  assert.equal(r.stdout, '');

  const broken = workspace('{"rules": {"pii": "error"');
  const r2 = await tunelab(['lint', broken.data]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /lint\.json is not valid JSON/);

  const r3 = await tunelab(['lint', '--config', path.join(broken.ws, 'nope.json'), broken.data]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /--config: file not found/);
});

test('lint --jobs: the same JSON output with 1 and 3 jobs on a 2 MB file; --jobs must be a positive integer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-jobs-'));
  const file = path.join(dir, 'big.jsonl');
  fs.writeFileSync(file, chatJsonl(2 * 2 ** 20, 11) + '{"messages": [{"role": "user", "content": "call 555-867-5309"}]}\n{broken\n');
  const one = await tunelab(['lint', '--format', 'json', '--jobs', '1', file]);
  const three = await tunelab(['lint', '--format', 'json', '--jobs', '3', file]);
  assert.equal(one.code, 1, one.stderr);
  const out = JSON.parse(one.stdout);
  assert.ok(out.diagnostics.length > 20, `${out.diagnostics.length} findings`);
  assert.ok(['duplicate', 'near-duplicate', 'invalid-json', 'missing-assistant'].every((c) => out.stats.findingsByCode[c] > 0), JSON.stringify(out.stats.findingsByCode));
  assert.equal(three.stdout, one.stdout);
  assert.equal(three.code, one.code);
  const bad = await tunelab(['lint', '--jobs', '0', file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--jobs must be a positive integer \(got "0"\)/);
});

test('lint pairs an eval or test file named with its training file, as the editor does: its records are checked for leakage; --eval names them instead', async () => {
  const { ws, data } = workspace();
  try {
    const leaked = chat('What is 2 + 2?', 'Four.');
    const dir = path.dirname(data);
    fs.writeFileSync(path.join(dir, 'test.jsonl'), [chat('Name a primary colour.', 'Blue.'), leaked].join('\n') + '\n');
    const leaks = (r: CliResult): string[] => JSON.parse(r.stdout).diagnostics.filter((d: { code: string }) => d.code === 'leakage')
      .map((d: { path: string; line: number; related: { path: string; line: number }[] }) => `${path.basename(d.path)}:${d.line} <- ${path.basename(d.related[0].path)}:${d.related[0].line}`);
    // the test split named before the training file: still checked, and listed after it
    const paired = await tunelab(['lint', '--format', 'json', 'data/test.jsonl', 'data/train.jsonl'], ws);
    assert.deepEqual(leaks(paired), ['test.jsonl:2 <- train.jsonl:2']);
    assert.deepEqual(JSON.parse(paired.stdout).files.map((f: { path: string }) => f.path), ['data/train.jsonl', 'data/test.jsonl']);
    assert.match(paired.stderr, /^tunelab: data\/test\.jsonl is checked for leakage from data\/train\.jsonl \(paired by name; --eval names eval files instead\)$/m);
    assert.equal(paired.code, 1, 'an exact copy is an error');
    // alone, or with --eval naming another file, it is a dataset like any other
    const alone = await tunelab(['lint', '--format', 'json', 'data/test.jsonl'], ws);
    assert.deepEqual([leaks(alone), alone.stderr], [[], '']);
    const named = await tunelab(['lint', '--format', 'json', '--eval', 'data/train.jsonl', 'data/test.jsonl'], ws);
    assert.deepEqual(leaks(named), ['train.jsonl:2 <- test.jsonl:2'], 'the files as --eval names them');
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
