// Spawns the built CLI (tsc output out/src/cli.js, the same source esbuild bundles to dist/cli.js).
// Nothing here trains: every train case is refused before the trainer would start.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, type CliResult } from './support/run-cli';

const NO_PYTHON = '/nonexistent/tunelab-test/python3';

function tunelab(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return runCli(args, { cwd: opts.cwd, timeoutMs: 30_000, env: { TUNELAB_PYTHON: NO_PYTHON, ...opts.env } });
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-cli-'));
const chat = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

/** A workspace with a clean dataset and a folder that passes for a model (nothing loads it: no train case gets that far). */
function workspace(): { ws: string; data: string; model: string } {
  const ws = tmp();
  const data = path.join(ws, 'train.jsonl');
  fs.writeFileSync(data, [chat('What is the capital of France?', 'Paris.'), chat('What colour is the sky on a clear day?', 'Blue.'),
    chat('How many legs does a spider have?', 'Eight.')].join('\n') + '\n');
  const model = path.join(ws, 'model');
  fs.mkdirSync(model);
  fs.writeFileSync(path.join(model, 'config.json'), '{"model_type": "llama"}');
  fs.writeFileSync(path.join(model, 'model.safetensors'), '');
  fs.writeFileSync(path.join(model, 'tokenizer.json'), '{}');
  return { ws, data, model };
}

const noRunFolder = (ws: string): void => assert.equal(fs.existsSync(path.join(ws, '.tunelab')), false, 'no run folder was created');

test('usage errors exit 2 with the usage text', async () => {
  const none = await tunelab([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^usage: tunelab <command>/);
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['lint', '--bogus', 'x.jsonl'], /Unknown option '--bogus'[\s\S]*usage: tunelab lint/],
    [['lint'], /name at least one dataset file/],
    [['lint', '--format', 'xml', 'x.jsonl'], /--format must be text, json, sarif or github \(got "xml"\)/],
    [['lint', '--max-tokens', 'many', 'x.jsonl'], /--max-tokens must be a positive integer/],
    [['train', 'a.jsonl', 'b.jsonl'], /train takes one dataset/],
    [['train', '--set'], /argument missing|requires? .*argument/i],
    [['runs', '--format', 'yaml'], /--format must be text or json/],
    [['eval'], /name one run/],
    [['doctor', 'extra'], /doctor takes no arguments/],
  ];
  const results = await Promise.all(cases.map(([args]) => tunelab(args)));
  cases.forEach(([args, message], i) => {
    const r = results[i];
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^tunelab: /, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  });
});

test('--help prints each command\'s usage and exits 0', async () => {
  const commands = ['lint', 'train', 'eval', 'runs', 'doctor', 'demo'];
  const results = await Promise.all(commands.map((command) => tunelab([command, '--help'])));
  commands.forEach((command, i) => {
    assert.equal(results[i].code, 0, command);
    assert.match(results[i].stdout, new RegExp(`^usage: tunelab ${command}`), command);
  });
  assert.match(results[commands.indexOf('train')].stdout, /--set key=value/);
  const top = await tunelab(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /demo\s+lint, train and evaluate/);
});

test('lint on a bad file exits 1 and prints the JSON shape of the lint interface', async () => {
  const file = path.join(tmp(), 'bad.jsonl');
  fs.writeFileSync(file, `${chat('Hi?', 'Hello.')}\n{"messages": [\n${JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] })}\n`);
  const r = await tunelab(['lint', '--format', 'json', file]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.files, [{ path: file, records: 3, format: 'chat' }]);
  assert.equal(typeof out.stats, 'object');
  const invalid = out.diagnostics.find((d: { code: string }) => d.code === 'invalid-json');
  assert.ok(invalid, 'invalid-json finding');
  assert.equal(invalid.path, file);
  assert.equal(invalid.line, 2);
  assert.equal(invalid.severity, 'error');
  for (const d of out.diagnostics) {
    for (const k of ['line', 'column', 'endLine', 'endColumn']) assert.ok(Number.isInteger(d[k]) && d[k] >= 1, `${k} is 1-based`);
    assert.ok(Array.isArray(d.related));
    assert.equal(typeof d.message, 'string');
  }
  assert.ok(out.diagnostics.some((d: { code: string; line: number }) => d.code === 'missing-assistant' && d.line === 3));
});

test('lint of a clean file exits 0; an unreadable file exits 2', async () => {
  const { data } = workspace();
  const clean = await tunelab(['lint', data]);
  assert.equal(clean.code, 0, clean.stdout);
  assert.match(clean.stdout, /3 records/);
  const missing = await tunelab(['lint', path.join(tmp(), 'nope.jsonl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^tunelab: dataset not found: .*nope\.jsonl/);
});

test('train with out-of-range values lists every problem, exits 2 and creates no run folder', async () => {
  const { ws, data, model } = workspace();
  const r = await tunelab(['train', data, '--model', model, '--workspace', ws, '--set', 'lora_r=0', '--set', 'learning_rate=2', '--set', 'effective_batch_size=10']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the run settings have 3 problems/);
  assert.match(r.stderr, /- lora_r must be an integer from 1 to 1024 \(got 0\)/);
  assert.match(r.stderr, /- learning_rate must be greater than 0 and at most 1 \(got 2\)/);
  assert.match(r.stderr, /- effective_batch_size \(10\) must be a multiple of micro_batch_size \(4\)/);
  assert.match(r.stderr, /no run was started/);
  noRunFolder(ws);
});

test('train rejects unknown settings with a "did you mean", from --set and from --config', async () => {
  const { ws, data, model } = workspace();
  const fromSet = await tunelab(['train', data, '--model', model, '--workspace', ws, '--set', 'learning_rat=0.001']);
  assert.equal(fromSet.code, 2);
  assert.match(fromSet.stderr, /unknown setting "learning_rat": did you mean "learning_rate"\?/);
  const configFile = path.join(ws, 'run.json');
  fs.writeFileSync(configFile, JSON.stringify({ lora_rank: 16, epochs: 0 }));
  const fromFile = await tunelab(['train', data, '--model', model, '--workspace', ws, '--config', configFile]);
  assert.equal(fromFile.code, 2);
  assert.match(fromFile.stderr, /did you mean "lora_r"/);
  assert.match(fromFile.stderr, /epochs must be greater than 0 and at most 1000 \(got 0\)/);
  fs.writeFileSync(configFile, '{"lora_r": 16,');
  const broken = await tunelab(['train', data, '--model', model, '--workspace', ws, '--config', configFile]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /run\.json is not valid JSON/);
  noRunFolder(ws);
});

test('train with a nonexistent model path says so', async () => {
  const { ws, data } = workspace();
  const r = await tunelab(['train', data, '--model', 'no/such/model', '--workspace', ws], { cwd: ws });
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`model folder not found: ${path.join(ws, 'no', 'such', 'model').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  noRunFolder(ws);
});

test('train refuses a dataset with error findings, and one without records', async () => {
  const { ws, model } = workspace();
  const bad = path.join(ws, 'bad.jsonl');
  fs.writeFileSync(bad, `${chat('Hi?', 'Hello.')}\nnot json at all\n`);
  const r = await tunelab(['train', bad, '--model', model, '--workspace', ws]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.jsonl:2:\d+: error invalid-json/);
  assert.match(r.stderr, /the dataset has 1 error finding/);
  const empty = path.join(ws, 'empty.jsonl');
  fs.writeFileSync(empty, '\n\n');
  const e = await tunelab(['train', empty, '--model', model, '--workspace', ws]);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /holds no records|error/);
  noRunFolder(ws);
});

test('the training gate weighs the run\'s epochs: too few examples seen is said with the steps (an error here, by lint.json)', async () => {
  const { ws, model } = workspace();
  const data = path.join(ws, 'few.jsonl');
  fs.writeFileSync(data, [chat('What colour is grass?', 'Green.'), chat('How many legs does a spider have?', 'Eight.')].join('\n') + '\n');
  fs.mkdirSync(path.join(ws, '.tunelab'));
  fs.writeFileSync(path.join(ws, '.tunelab', 'lint.json'), '{"rules": {"too-few-records": "error"}}');
  const r = await tunelab(['train', data, '--model', model, '--workspace', ws, '--set', 'epochs=4', '--set', 'effective_batch_size=8', '--set', 'micro_batch_size=4']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error too-few-records: 2 records × 4 epochs: training sees 8 examples in 4 optimizer steps \(effective batch 8\)/);
  assert.match(r.stderr, /add records: even 25 epochs would show the model 50$/m);
  assert.equal(fs.existsSync(path.join(ws, '.tunelab', 'runs')), false, 'no run folder was created');
});

test('the training gate uses the workspace .tunelab/lint.json, as `tunelab lint` does', async () => {
  const { ws, model } = workspace();
  const data = path.join(ws, 'pii.jsonl');
  fs.writeFileSync(data, [chat('Mail me at jane.doe@gmail.com please.', 'Done.'), chat('What colour is grass?', 'Green.'),
    chat('How many legs does a spider have?', 'Eight.')].join('\n') + '\n');
  const lint = await tunelab(['lint', data], { cwd: ws });
  assert.match(lint.stdout, /warning pii/, 'an e-mail address is a pii warning by default');
  fs.mkdirSync(path.join(ws, '.tunelab'));
  fs.writeFileSync(path.join(ws, '.tunelab', 'lint.json'), '{"rules": {"pii": "error"}}');
  const r = await tunelab(['train', data, '--model', model, '--workspace', ws]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error pii/);
  assert.match(r.stderr, /the dataset has 1 error finding/);
  assert.equal(fs.existsSync(path.join(ws, '.tunelab', 'runs')), false, 'no run folder was created');
  fs.writeFileSync(path.join(ws, '.tunelab', 'lint.json'), '{"rules": {"pii": "loud"}}');
  const bad = await tunelab(['train', data, '--model', model, '--workspace', ws]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad lint settings in .*lint\.json/);
});

test('the training gate counts tokens against the run\'s max_seq_length with the model\'s own tokenizer and chat template', async () => {
  const { ws } = workspace();
  const model = path.join(__dirname, '..', '..', '..', 'models', 'tunelab-tiny-llama');
  const data = path.join(ws, 'long.jsonl');
  const long = 'The river rises in the northern hills and runs south through three old market towns. '.repeat(8);
  fs.writeFileSync(data, [chat('What colour is grass?', 'Green.'), chat('Tell me about the river.', long), chat('How many legs does a spider have?', 'Eight.')].join('\n') + '\n');
  fs.mkdirSync(path.join(ws, '.tunelab'));
  fs.writeFileSync(path.join(ws, '.tunelab', 'lint.json'), '{"rules": {"too-long": "error"}}');
  const r = await tunelab(['train', data, '--model', model, '--workspace', ws, '--set', 'max_seq_length=64']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /long\.jsonl:2:1: error too-long: the record is \d+ tokens \(tokenizer of tunelab-tiny-llama, chat template applied\), over the limit of 64 tokens/);
  assert.doesNotMatch(r.stderr, /long\.jsonl:[13]:1: error too-long/);
  // lint.json's own maxTokens wins over the run's
  fs.writeFileSync(path.join(ws, '.tunelab', 'lint.json'), '{"rules": {"too-long": "error"}, "maxTokens": 100000}');
  const wide = await tunelab(['train', data, '--model', model, '--workspace', ws, '--set', 'max_seq_length=64']);
  assert.doesNotMatch(wide.stderr, /too-long/);
});

test('the training gate lints a Parquet dataset by its rows (the trainer reads Parquet), with row numbers', async () => {
  const { ws, model } = workspace();
  const data = path.join(ws, 'chat.parquet');
  fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'datasets', 'chat.parquet'), data);
  fs.mkdirSync(path.join(ws, '.tunelab'));
  fs.writeFileSync(path.join(ws, '.tunelab', 'lint.json'), '{"rules": {"role-order": "error"}}');
  const r = await tunelab(['train', data, '--model', model, '--workspace', ws]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /chat\.parquet:5:1: error role-order: the conversation starts with an assistant turn/);
  assert.doesNotMatch(r.stderr, /not JSON text/);
  assert.equal(fs.existsSync(path.join(ws, '.tunelab', 'runs')), false, 'no run folder was created');
});

test('train without a usable Python says what to install or set, before creating a run folder', async () => {
  const { ws, data, model } = workspace();
  const r = await tunelab(['train', data, '--model', model, '--workspace', ws]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`tunelab: Python not found: ${NO_PYTHON} could not be started.*TUNELAB_PYTHON`, 's'));
  noRunFolder(ws);
});

test('doctor with TUNELAB_PYTHON pointing to a nonexistent file says Python is missing', async () => {
  const text = await tunelab(['doctor']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /problem: Python not found: \/nonexistent\/tunelab-test\/python3 could not be started/);
  assert.match(text.stdout, /Install Python 3\.10 or newer.*set TUNELAB_PYTHON/s);
  const json = await tunelab(['doctor', '--format', 'json']);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  assert.equal(report.ok, false);
  assert.equal(report.source, 'TUNELAB_PYTHON');
  assert.equal(report.python, NO_PYTHON);
  assert.deepEqual(report.missing, ['python']);
});

test('runs lists the runs of a workspace with status, steps and eval losses', async () => {
  const { ws } = workspace();
  const empty = await tunelab(['runs', '--workspace', ws]);
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /no runs in .*\.tunelab/);
  const dir = path.join(ws, '.tunelab', 'runs', '20250102-030405-train');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), '{}');
  fs.writeFileSync(path.join(dir, 'events.jsonl'), [
    { type: 'step', step: 6, total_steps: 6, epoch: 3, loss: 1.2, lr: 0, grad_norm: 1, tokens: 10, tokens_per_s: 5, time: 2 },
    { type: 'done', status: 'completed', adapter_path: '/a', base_eval_loss: 2.5, base_perplexity: 12.18, eval_loss: 1.25, perplexity: 3.49,
      steps: 6, duration_s: 1, time: 3 },
  ].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const text = await tunelab(['runs', '--workspace', ws]);
  assert.match(text.stdout, /^RUN\s+STATUS\s+STEPS\s+BASE LOSS\s+TUNED LOSS\n20250102-030405-train\s+completed\s+6\/6\s+2\.5000\s+1\.2500$/m);
  const [run] = JSON.parse((await tunelab(['runs', '--workspace', ws, '--format', 'json'])).stdout);
  assert.equal(run.id, '20250102-030405-train');
  assert.equal(run.status, 'completed');
  assert.equal(run.evalLoss, 1.25);
});

test('eval of an unknown run names the fix', async () => {
  const { ws } = workspace();
  const r = await tunelab(['eval', 'nope', '--workspace', ws]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no run "nope": give a run id from `tunelab runs` or a run folder/);
});
