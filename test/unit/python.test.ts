import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainerEvent } from '../../src/core/events';
import {
  checkTrainingPackages, resolvePython, runDoctor, startTrainer, trainerRoot, tunelabVenvPython, type TrainerProcess,
} from '../../src/core/python';
import { summarizeRun } from '../../src/core/runs';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-python-'));
// Any Python 3 runs the process-handling fixtures below; CI sets TUNELAB_PYTHON to the trainer's venv.
const PYTHON = process.env.TUNELAB_PYTHON || 'python3';

function executable(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}

test('resolvePython order: setting, Python extension, TUNELAB_PYTHON, Tunelab venv, python3 on PATH', () => {
  const cache = tmp();
  const bin = tmp();
  const pathPython = executable(path.join(bin, 'python3'));
  const env: NodeJS.ProcessEnv = { TUNELAB_CACHE: cache, PATH: bin, TUNELAB_PYTHON: '/opt/py/bin/python' };
  assert.deepEqual(resolvePython({ setting: ' /s/python ', pythonExtension: '/ext/python', env }), { python: '/s/python', source: 'setting' });
  assert.deepEqual(resolvePython({ setting: '', pythonExtension: '/ext/python', env }), { python: '/ext/python', source: 'python-extension' });
  assert.deepEqual(resolvePython({ env }), { python: '/opt/py/bin/python', source: 'TUNELAB_PYTHON' });
  delete env.TUNELAB_PYTHON;
  assert.deepEqual(resolvePython({ env }), { python: pathPython, source: 'PATH' }, 'no venv yet');
  const venvPython = executable(path.join(cache, 'venv', 'bin', 'python'));
  assert.equal(tunelabVenvPython(env), venvPython, 'the venv lives under TUNELAB_CACHE');
  assert.deepEqual(resolvePython({ env }), { python: venvPython, source: 'tunelab-venv' });
  assert.deepEqual(resolvePython({ env: { TUNELAB_CACHE: tmp(), PATH: tmp() } }), { python: 'python3', source: 'PATH' }, 'nothing found: the bare name');
  assert.equal(tunelabVenvPython({ HOME: '/home/u' }).startsWith(path.join(os.homedir(), '.cache', 'tunelab', 'venv')), true);
  assert.equal(trainerRoot('/ext'), path.join('/ext', 'trainer'));
});

/** A stand-in `tunelab_trainer` package: it exercises process handling (pipes, signals, stdin) without torch. */
function fixtureTrainer(): string {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'tunelab_trainer'));
  fs.writeFileSync(path.join(dir, 'tunelab_trainer', '__init__.py'), '');
  fs.writeFileSync(path.join(dir, 'tunelab_trainer', '__main__.py'), `
import json, os, signal, sys, time
mode = os.environ.get("FIXTURE_MODE", "")
command = sys.argv[1]
if command == "doctor":
    print("a stray line before the JSON")
    print(json.dumps({"python": "3.11.7", "executable": sys.executable, "torch": "2.5.0", "cuda": True,
        "gpus": [{"name": "NVIDIA H100 80GB HBM3", "memory_gb": 79.1}], "bf16": True, "transformers": "4.46.0",
        "peft": None, "accelerate": "1.0.0", "missing": ["peft"], "fix": "python -m pip install peft==0.13.0", "ok": False}))
    sys.exit(0)
run_dir = sys.argv[sys.argv.index("--run-dir") + 1]
def emit(event):
    event["time"] = time.time()
    sys.stdout.write(json.dumps(event) + "\\n")
    sys.stdout.flush()
def stopped(*_):
    emit({"type": "done", "status": "stopped", "adapter_path": run_dir + "/adapter", "base_eval_loss": None,
          "base_perplexity": None, "eval_loss": None, "perplexity": None, "steps": 1, "duration_s": 0.1})
    sys.exit(0)
if mode == "stubborn":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "sigterm":
    signal.signal(signal.SIGTERM, stopped)
sys.stderr.write("loading model (stderr)\\n")
sys.stderr.flush()
line = json.dumps({"type": "log", "level": "info", "message": os.environ["PYTHONPATH"].split(os.pathsep)[0], "time": 1.0})
sys.stdout.write(line[:9]); sys.stdout.flush(); time.sleep(0.05)
sys.stdout.write(line[9:] + "\\nnot an event\\n"); sys.stdout.flush()
emit({"type": "step", "step": 1, "total_steps": 2, "epoch": 0.5, "loss": 2.0, "lr": 0.001, "grad_norm": 1.0, "tokens": 10, "tokens_per_s": 5.0})
if mode == "fail":
    emit({"type": "error", "kind": "data", "message": "no valid records", "hint": "fix the dataset"})
    sys.exit(1)
if mode == "ticker":
    while True:
        sys.stderr.write("tick %f\\n" % time.time())
        sys.stderr.flush()
        time.sleep(0.05)
if mode == "stdin":
    for text in sys.stdin:
        if text.strip() == "stop":
            stopped()
while True:
    time.sleep(0.05)
`);
  return dir;
}

interface Captured { events: TrainerEvent[]; stderr: string; code: Promise<number | null> }

function capture(proc: TrainerProcess): Captured {
  const c = { events: [] as TrainerEvent[], stderr: '', code: new Promise<number | null>((resolve) => proc.onExit(resolve)) };
  proc.onEvent((e) => c.events.push(e));
  proc.onStderr((t) => { c.stderr += t; });
  return c;
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('startTrainer: events from split stdout writes, stderr to trainer.log, PYTHONPATH, pid file, stop via stdin', async () => {
  const trainerDir = fixtureTrainer();
  const runDir = path.join(tmp(), 'run');
  const proc = startTrainer({ python: PYTHON, trainerDir, runDir, command: 'train', env: { FIXTURE_MODE: 'stdin' }, detached: true });
  const c = capture(proc);
  await waitFor(() => c.events.some((e) => e.type === 'step'));
  assert.equal(fs.readFileSync(path.join(runDir, 'pid'), 'utf8').trim(), String(proc.pid), 'pid file while running');
  assert.deepEqual(c.events.map((e) => e.type), ['log', 'step'], 'the log line written in two pieces arrives once, whole');
  assert.equal(c.events[0].type === 'log' && c.events[0].message, trainerDir, 'PYTHONPATH starts with the trainer folder');
  proc.stop();
  assert.equal(await c.code, 0);
  assert.deepEqual(c.events.map((e) => e.type), ['log', 'step', 'done']);
  assert.equal(c.events[2].type === 'done' && c.events[2].status, 'stopped');
  assert.match(c.stderr, /not an event/, 'stray stdout text is passed on, not lost');
  assert.match(fs.readFileSync(path.join(runDir, 'trainer.log'), 'utf8'), /loading model \(stderr\)/);
  assert.equal(fs.existsSync(path.join(runDir, 'pid')), false, 'pid file removed at exit');
});

test('stop() falls back to SIGTERM when stdin is not read', async () => {
  const proc = startTrainer({ python: PYTHON, trainerDir: fixtureTrainer(), runDir: path.join(tmp(), 'run'), command: 'train',
    env: { FIXTURE_MODE: 'sigterm' }, stopGraceMs: 100 });
  const c = capture(proc);
  await waitFor(() => c.events.some((e) => e.type === 'step'));
  proc.stop();
  assert.equal(await c.code, 0);
  assert.equal(c.events.at(-1)?.type, 'done');
});

test('cancel() sends SIGINT, then SIGKILL to a trainer that ignores it', async () => {
  const proc = startTrainer({ python: PYTHON, trainerDir: fixtureTrainer(), runDir: path.join(tmp(), 'run'), command: 'train',
    env: { FIXTURE_MODE: 'stubborn' }, detached: true, cancelGraceMs: 150 });
  const c = capture(proc);
  await waitFor(() => c.events.some((e) => e.type === 'step'));
  const t0 = Date.now();
  proc.cancel();
  assert.equal(await c.code, null, 'killed by a signal');
  assert.ok(Date.now() - t0 >= 140, 'SIGKILL came after the grace period');
});

test('a failing trainer reports its error event and exit code; onExit after exit still fires', async () => {
  const proc = startTrainer({ python: PYTHON, trainerDir: fixtureTrainer(), runDir: path.join(tmp(), 'run'), command: 'eval', env: { FIXTURE_MODE: 'fail' } });
  const c = capture(proc);
  assert.equal(await c.code, 1);
  const last = c.events.at(-1);
  assert.equal(last?.type === 'error' && last.message, 'no valid records');
  assert.equal(await new Promise((resolve) => proc.onExit(resolve)), 1);
});

test('startTrainer with a missing interpreter exits with a message naming the fix', async () => {
  const runDir = path.join(tmp(), 'run');
  const proc = startTrainer({ python: '/nonexistent/python3', trainerDir: fixtureTrainer(), runDir, command: 'train' });
  const c = capture(proc);
  assert.equal(await c.code, null);
  assert.match(c.stderr, /Python not found: \/nonexistent\/python3.*TUNELAB_PYTHON/s);
  assert.match(fs.readFileSync(path.join(runDir, 'trainer.log'), 'utf8'), /Python not found/);
});

test('runDoctor reads the trainer\'s JSON report', async () => {
  const r = await runDoctor(PYTHON, fixtureTrainer());
  assert.equal(r.ok, false);
  assert.equal(r.pythonVersion, '3.11.7');
  assert.equal(r.torch, '2.5.0');
  assert.equal(r.cuda, true);
  assert.deepEqual(r.gpus, [{ name: 'NVIDIA H100 80GB HBM3', memory_gb: 79.1 }]);
  assert.equal(r.bf16, true);
  assert.equal(r.peft, undefined);
  assert.deepEqual(r.missing, ['peft']);
  assert.equal(r.fix, 'python -m pip install peft==0.13.0');
});

test('runDoctor never throws: a missing Python and a missing trainer package are reported', async () => {
  const missing = await runDoctor('/nonexistent/bin/python3', fixtureTrainer());
  assert.equal(missing.ok, false);
  assert.deepEqual(missing.missing, ['python']);
  assert.match(missing.error ?? '', /Python not found: \/nonexistent\/bin\/python3 .*set TUNELAB_PYTHON/);
  const noPackage = await runDoctor(PYTHON, tmp());
  assert.equal(noPackage.ok, false);
  assert.match(noPackage.error ?? '', /trainer package was not found/);
});

test('checkTrainingPackages names what is missing and the pip command', async () => {
  const trainerDir = tmp();
  fs.mkdirSync(path.join(trainerDir, 'present_pkg'));
  fs.writeFileSync(path.join(trainerDir, 'present_pkg', '__init__.py'), '');
  const r = await checkTrainingPackages(PYTHON, trainerDir, { packages: ['present_pkg', 'tunelab_absent_pkg'] });
  assert.deepEqual(r.missing, ['tunelab_absent_pkg']);
  assert.equal(r.ok, false);
  assert.ok(r.fix?.endsWith(`-m pip install -r ${path.join(trainerDir, 'requirements.txt')}`), r.fix);
  assert.deepEqual(await checkTrainingPackages(PYTHON, trainerDir, { packages: ['present_pkg'] }), { ok: true, missing: [] });
  const noPython = await checkTrainingPackages('/nonexistent/python', trainerDir);
  assert.deepEqual(noPython.missing, ['python']);
  assert.match(noPython.error ?? '', /Python not found/);
});

test('a detached trainer outlives the process that started it and keeps writing trainer.log', async () => {
  const trainerDir = fixtureTrainer();
  const runDir = path.join(tmp(), 'run');
  // The parent starts the trainer detached, waits for its first step, and exits (as a reloading window does).
  const parent = spawnSync(process.execPath, ['-e', `
    const { startTrainer } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'core', 'python.js'))});
    const p = startTrainer({ python: ${JSON.stringify(PYTHON)}, trainerDir: ${JSON.stringify(trainerDir)}, runDir: ${JSON.stringify(runDir)},
      command: 'train', env: { FIXTURE_MODE: 'ticker' }, detached: true });
    p.onEvent((e) => { if (e.type === 'step') process.exit(0); });
  `], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(parent.status, 0, parent.stderr);
  const pid = Number(fs.readFileSync(path.join(runDir, 'pid'), 'utf8'));
  try {
    const ticks = (): number => (fs.readFileSync(path.join(runDir, 'trainer.log'), 'utf8').match(/^tick /gm) ?? []).length;
    const afterParent = ticks();
    await waitFor(() => ticks() >= afterParent + 3);
    assert.equal(summarizeRun(runDir).status, 'running', 'pid file + live process, no terminal event');
  } finally {
    process.kill(-pid, 'SIGKILL');
  }
  await waitFor(() => summarizeRun(runDir).status === 'interrupted');
});
