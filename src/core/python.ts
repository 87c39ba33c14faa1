// The Python side: which interpreter runs the trainer, whether it has what the trainer needs,
// and the trainer child process. Every spawn takes an argument array, never a shell.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter, parseEventLine, type TrainerEvent } from './events';
import { PID_FILE, tailFile, TRAINER_LOG_FILE } from './runs';
import { trainerArgs } from './launch';

const isWindows = process.platform === 'win32';

/** The folder put on PYTHONPATH so that `python -m tunelab_trainer` finds the package. */
export function trainerRoot(extensionOrRepoRoot: string): string {
  return path.join(extensionOrRepoRoot, 'trainer');
}

/** Tunelab's cache folder: $TUNELAB_CACHE, else ~/.cache/tunelab. */
export function tunelabCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TUNELAB_CACHE || path.join(os.homedir(), '.cache', 'tunelab');
}

/** The interpreter of the virtual environment scripts/python-env.sh creates. */
export function tunelabVenvPython(env: NodeJS.ProcessEnv = process.env): string {
  const venv = path.join(tunelabCacheDir(env), 'venv');
  return isWindows ? path.join(venv, 'Scripts', 'python.exe') : path.join(venv, 'bin', 'python');
}

export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const exts = isWindows ? (env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      try {
        if (fs.statSync(candidate).isFile()) {
          fs.accessSync(candidate, fs.constants.X_OK);
          return candidate;
        }
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export type PythonSource = 'setting' | 'python-extension' | 'TUNELAB_PYTHON' | 'tunelab-venv' | 'PATH';

/**
 * The interpreter, in order: the editor setting, the Python extension's environment, $TUNELAB_PYTHON,
 * Tunelab's venv (if it exists), python3 on PATH. Existence of the first three is checked by the doctor,
 * which then says what to fix, rather than silently falling through to another Python.
 */
export function resolvePython(opts: { setting?: string; pythonExtension?: string; env?: NodeJS.ProcessEnv } = {}):
  { python: string; source: PythonSource } {
  const env = opts.env ?? process.env;
  if (opts.setting?.trim()) return { python: opts.setting.trim(), source: 'setting' };
  if (opts.pythonExtension?.trim()) return { python: opts.pythonExtension.trim(), source: 'python-extension' };
  if (env.TUNELAB_PYTHON?.trim()) return { python: env.TUNELAB_PYTHON.trim(), source: 'TUNELAB_PYTHON' };
  const venv = tunelabVenvPython(env);
  if (fs.existsSync(venv)) return { python: venv, source: 'tunelab-venv' };
  const name = isWindows ? 'python' : 'python3';
  return { python: findOnPath(name, env) ?? name, source: 'PATH' };
}

/** What to tell someone whose Python could not be started. */
export function pythonMissingMessage(python: string): string {
  return `Python not found: ${python} could not be started. Install Python 3.10 or newer `
    + '(Debian/Ubuntu: sudo apt-get install python3 python3-venv; macOS: brew install python; Windows: https://www.python.org/downloads/), '
    + 'or set TUNELAB_PYTHON (the tunelab.pythonPath setting in the editor) to the full path of a Python interpreter.';
}

/** The pip command that installs the trainer's requirements into `python`. */
export function pipInstallCommand(python: string, trainerDir: string): string {
  return `${quoteArg(python)} -m pip install -r ${quoteArg(path.join(trainerDir, 'requirements.txt'))}`;
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function trainerEnv(trainerDir: string, env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const base = { ...process.env, ...env };
  return {
    ...base,
    PYTHONPATH: base.PYTHONPATH ? `${trainerDir}${path.delimiter}${base.PYTHONPATH}` : trainerDir,
    PYTHONUNBUFFERED: '1',
    PYTHONIOENCODING: 'utf-8',
  };
}

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

function runPython(python: string, args: string[], opts: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<PythonResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child: ChildProcess;
    try {
      child = spawn(python, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      resolve({ code: null, stdout, stderr, spawnError: err as NodeJS.ErrnoException, timedOut });
      return;
    }
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, spawnError: err, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/**
 * `python -m tunelab_trainer ARGS` to completion with the trainer on PYTHONPATH (no shell), collecting its
 * output; never rejects: a missing Python comes back as spawnError, a timeout as timedOut.
 */
export function runTrainerModule(
  python: string, trainerDir: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<PythonResult> {
  return runPython(python, ['-m', 'tunelab_trainer', ...args], { env: trainerEnv(trainerDir, opts.env), timeoutMs: opts.timeoutMs });
}

function failureText(python: string, r: PythonResult, what: string, timeoutMs: number): string {
  if (r.spawnError) {
    return r.spawnError.code === 'ENOENT' || r.spawnError.code === 'EACCES' || r.spawnError.code === 'ENOTDIR'
      ? pythonMissingMessage(python)
      : `could not start ${python}: ${r.spawnError.message}`;
  }
  if (r.timedOut) return `${what} did not finish within ${Math.round(timeoutMs / 1000)} s (${python})`;
  const lastLines = r.stderr.trim().split('\n').slice(-3).join(' | ');
  return `${what} failed with exit code ${r.code}${lastLines ? `: ${lastLines}` : ''}`;
}

export interface DoctorReport {
  ok: boolean;
  python?: string;
  pythonVersion?: string;
  torch?: string;
  cuda?: boolean;
  cudaVersion?: string;
  gpus: { name: string; memory_gb: number }[];
  bf16?: boolean;
  transformers?: string;
  peft?: string;
  accelerate?: string;
  missing: string[];
  fix?: string;
  error?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Runs `python -m tunelab_trainer doctor` and reads its JSON. Never throws: failures land in `error` and `fix`. */
export async function runDoctor(python: string, trainerDir: string, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<DoctorReport> {
  const timeoutMs = opts.timeoutMs ?? 120_000; // importing torch the first time can take a while
  const r = await runPython(python, ['-m', 'tunelab_trainer', 'doctor'], { env: trainerEnv(trainerDir, opts.env), timeoutMs });
  const report: DoctorReport = { ok: false, python, gpus: [], missing: [] };
  const json = lastJsonObject(r.stdout);
  if (!json) {
    report.error = failureText(python, r, 'the environment check (python -m tunelab_trainer doctor)', timeoutMs);
    if (r.spawnError) report.missing = ['python'];
    else if (/No module named '?tunelab_trainer/.test(r.stderr)) report.error = `the trainer package was not found in ${trainerDir}`;
    else report.fix = pipInstallCommand(python, trainerDir);
    return report;
  }
  report.pythonVersion = str(json.python);
  report.torch = str(json.torch);
  if (typeof json.cuda === 'boolean') report.cuda = json.cuda;
  else if (str(json.cuda)) [report.cuda, report.cudaVersion] = [true, json.cuda as string];
  else if (json.cuda === null) report.cuda = false;
  report.gpus = Array.isArray(json.gpus)
    ? json.gpus.filter((g): g is { name: string; memory_gb: number } => typeof g === 'object' && g !== null && typeof g.name === 'string')
    : [];
  if (typeof json.bf16 === 'boolean') report.bf16 = json.bf16;
  report.transformers = str(json.transformers);
  report.peft = str(json.peft);
  report.accelerate = str(json.accelerate);
  report.missing = Array.isArray(json.missing) ? json.missing.filter((m): m is string => typeof m === 'string') : [];
  report.fix = str(json.fix) ?? (report.missing.length ? pipInstallCommand(python, trainerDir) : undefined);
  if (str(json.error)) report.error = json.error as string;
  report.ok = report.missing.length === 0 && !report.error;
  return report;
}

function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v: unknown = JSON.parse(lines[i]);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not JSON
    }
  }
  try {
    const v: unknown = JSON.parse(stdout); // pretty-printed over several lines
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // none
  }
  return undefined;
}

/** The packages training needs. */
export const TRAINING_PACKAGES = ['torch', 'transformers', 'peft'] as const;

export interface PackageCheck { ok: boolean; missing: string[]; fix?: string; error?: string }

/**
 * A quick check, before a run folder is made, that the training packages are installed. It finds them
 * without importing (importing torch + peft takes seconds); the trainer imports them itself and reports
 * a broken install as an `environment` error with the fix.
 */
export async function checkTrainingPackages(python: string, trainerDir: string,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; packages?: readonly string[] } = {}): Promise<PackageCheck> {
  const script = [
    'import importlib.util, json',
    `print(json.dumps({"missing": [n for n in ${JSON.stringify(opts.packages ?? TRAINING_PACKAGES)} if importlib.util.find_spec(n) is None]}))`,
  ].join('\n');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const r = await runPython(python, ['-c', script], { env: trainerEnv(trainerDir, opts.env), timeoutMs });
  const json = lastJsonObject(r.stdout);
  if (!json || !Array.isArray(json.missing)) {
    return { ok: false, missing: r.spawnError ? ['python'] : [], error: failureText(python, r, 'the package check', timeoutMs) };
  }
  const missing = json.missing.filter((m): m is string => typeof m === 'string');
  return missing.length ? { ok: false, missing, fix: pipInstallCommand(python, trainerDir) } : { ok: true, missing };
}

export interface TrainerProcess {
  pid: number | undefined;
  runDir: string;
  onEvent(cb: (e: TrainerEvent) => void): void;
  onStderr(cb: (text: string) => void): void;
  onExit(cb: (code: number | null) => void): void; // after the last event and stderr
  /** Ask for a checkpoint and a clean exit (`stop` on stdin; SIGTERM if it has not exited after a grace period). */
  stop(): void;
  /** Stop at once (SIGINT; SIGKILL if it has not exited after a grace period). */
  cancel(): void;
}

export interface StartTrainerOptions {
  python: string;
  trainerDir: string;
  runDir: string;
  command: 'train' | 'eval';
  env?: NodeJS.ProcessEnv;
  /** Own process group, so the trainer outlives the editor window or terminal that started it. */
  detached?: boolean;
  /** train: continue from the latest checkpoint (`--resume`). */
  resume?: boolean;
  /** train: processes to launch; more than 1 runs torchrun, one process per GPU (see launch.ts). */
  processes?: number;
  /** Grace periods in ms before stop() escalates to SIGTERM and cancel() to SIGKILL. */
  stopGraceMs?: number;
  cancelGraceMs?: number;
}

/**
 * Starts `python -m tunelab_trainer <command> --run-dir DIR`. Events are parsed from stdout (the trainer
 * also appends them to events.jsonl itself); stderr is appended to trainer.log and passed to onStderr.
 * For `train`, the pid file holds the child's pid while it runs.
 */
export function startTrainer(opts: StartTrainerOptions): TrainerProcess {
  const eventListeners: ((e: TrainerEvent) => void)[] = [];
  const stderrListeners: ((text: string) => void)[] = [];
  const exitListeners: ((code: number | null) => void)[] = [];
  let exited = false;
  let exitCode: number | null = null;
  const timers: NodeJS.Timeout[] = [];

  fs.mkdirSync(opts.runDir, { recursive: true });
  const logFile = path.join(opts.runDir, TRAINER_LOG_FILE);
  const emitStderr = (text: string): void => {
    for (const cb of stderrListeners) cb(text);
  };
  // stderr goes straight to trainer.log (see spawnTrainer); onStderr listeners get it by following the file.
  const stderrDecoder = new StringDecoder('utf8');
  const logTail = tailFile(logFile, (chunk) => emitStderr(stderrDecoder.write(chunk)), { fromEnd: true, pollMs: 250 });
  const child = spawnTrainer(opts, 'pipe');

  const stdoutLines = new LineSplitter((line) => {
    const event = parseEventLine(line);
    if (event) for (const cb of eventListeners) cb(event);
    else if (line.trim()) emitStderr(line + '\n'); // stray output: show it, do not lose it
  });
  child.stdout?.on('data', (chunk: Buffer) => stdoutLines.push(chunk));
  child.stdin?.on('error', () => { /* the trainer exited before reading stdin */ });

  const finish = (code: number | null): void => {
    if (exited) return;
    exited = true;
    exitCode = code;
    for (const t of timers) clearTimeout(t);
    stdoutLines.flush();
    logTail.poll(); // the last of stderr reaches the listeners before the exit does
    logTail.dispose();
    if (opts.command === 'train') removePidFileIfOurs(path.join(opts.runDir, PID_FILE), child.pid);
    for (const cb of exitListeners) cb(code);
  };
  child.on('error', (err: NodeJS.ErrnoException) => {
    const text = err.code === 'ENOENT' ? pythonMissingMessage(opts.python) : `could not start the trainer: ${err.message}`;
    try {
      fs.appendFileSync(logFile, text + '\n');
    } catch {
      // the run folder went away
    }
    finish(null);
  });
  child.on('close', (code) => finish(code));

  const signal = (sig: NodeJS.Signals): void => {
    if (exited || child.pid === undefined) return;
    try {
      // SIGKILL goes to the whole group, so that helper processes the trainer started die too.
      if (sig === 'SIGKILL' && opts.detached && !isWindows) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(fn, ms);
    t.unref();
    timers.push(t);
  };

  return {
    pid: child.pid,
    runDir: opts.runDir,
    onEvent: (cb) => { eventListeners.push(cb); },
    onStderr: (cb) => { stderrListeners.push(cb); },
    onExit: (cb) => {
      if (exited) cb(exitCode);
      else exitListeners.push(cb);
    },
    stop: () => {
      if (exited) return;
      if (child.stdin?.writable) child.stdin.write('stop\n');
      later(opts.stopGraceMs ?? 30_000, () => signal('SIGTERM'));
    },
    cancel: () => {
      if (exited) return;
      signal('SIGINT');
      later(opts.cancelGraceMs ?? 5_000, () => signal('SIGKILL'));
    },
  };
}

/**
 * Spawns the trainer with its stderr appended to trainer.log by the OS, not through a pipe to us, so that
 * the log stays complete after this process goes away (a detached trainer outlives a window reload).
 * For `train`, writes the pid file.
 */
function spawnTrainer(opts: StartTrainerOptions, pipes: 'pipe' | 'ignore'): ChildProcess {
  const logFd = fs.openSync(path.join(opts.runDir, TRAINER_LOG_FILE), 'a');
  try {
    const child = spawn(opts.python, trainerArgs(opts), {
      env: trainerEnv(opts.trainerDir, opts.env),
      stdio: [pipes, pipes, logFd],
      detached: opts.detached ?? false,
      windowsHide: true,
    });
    if (opts.command === 'train' && child.pid !== undefined) fs.writeFileSync(path.join(opts.runDir, PID_FILE), `${child.pid}\n`);
    return child;
  } finally {
    fs.closeSync(logFd);
  }
}

/**
 * Starts `python -m tunelab_trainer train` in its own process group with no pipes to this process, so it
 * keeps training after the caller exits. Events reach events.jsonl (the trainer writes it); stderr goes
 * to trainer.log. Returns the pid, which is also in the pid file; stop it with SIGTERM.
 */
export function startTrainerInBackground(opts: Omit<StartTrainerOptions, 'command' | 'detached'>): number | undefined {
  fs.mkdirSync(opts.runDir, { recursive: true });
  const child = spawnTrainer({ ...opts, command: 'train', detached: true }, 'ignore');
  child.on('error', () => { /* reported by the caller through the missing pid */ });
  child.unref();
  return child.pid;
}

function removePidFileIfOurs(pidFile: string, pid: number | undefined): void {
  try {
    if (fs.readFileSync(pidFile, 'utf8').trim() === String(pid)) fs.unlinkSync(pidFile);
  } catch {
    // already gone
  }
}
