// `tunelab`: lint datasets, train, evaluate, list runs, check the environment, run the demo.
// Bundled by esbuild.mjs to dist/cli.js. Exit codes: 0 success, 1 the job failed (lint errors, failed
// run), 2 bad usage or an environment/input problem found before anything started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { bundledModelDir, DEMO_SETTINGS, sampleData } from './core/bundled';
import { completeConfig, parseAssignment, validateConfig, type ConfigProblem, type RunConfig } from './core/config';
import type { TrainerEvent } from './core/events';
import { formatDoctorReport, formatEvalTable, formatEventLine, formatRunsTable, formatStepLine } from './core/format';
import { CliError, formatOption, packageRoot, packageVersion, parseCommand, requireReadableFile, resolveRun, type Options } from './cli/common';
import { estimateCommand, ESTIMATE_USAGE } from './cli/estimate';
import { exportCommand, EXPORT_USAGE } from './cli/export';
import { lintCommand, lintSettings, LINT_USAGE } from './cli/lint';
import { decodeParquetFiles } from './core/dataset/parquet';
import { formatFindingsText, gateOptions, lintFiles } from './core/lint/index';
import {
  checkTrainingPackages, pythonMissingMessage, resolvePython, runDoctor, startTrainer, startTrainerInBackground, trainerRoot,
  type PythonSource,
} from './core/python';
import { processCount } from './core/launch';
import { formatDuration, writeReport } from './core/report';
import {
  CONFIG_FILE, createRun, listRuns, readEvalMetrics, readEvents, runsRoot, summarizeRun, TRAINER_LOG_FILE, type RunSummary,
} from './core/runs';

const USAGE: Record<string, string> = {
  main: `usage: tunelab <command> [options]

commands:
  lint FILE...        check fine-tuning datasets (JSONL, JSON, CSV, Parquet); --fix writes a fixed copy
  train [DATASET]     fine-tune a model with LoRA on a dataset
  eval RUN            score the base and the fine-tuned model of a run; writes its report
  runs                list the runs of a workspace
  doctor              check Python, torch, CUDA and the trainer's packages
  export RUN          check a run's adapter for vLLM/llama.cpp; --merge writes a merged model
  estimate RUN        the GPU memory a run needs, next to the GPUs found
  demo                lint, train and evaluate the bundled model on the bundled samples

Run \`tunelab <command> --help\` for a command's options.`,
  lint: LINT_USAGE,
  export: EXPORT_USAGE,
  estimate: ESTIMATE_USAGE,
  train: `usage: tunelab train [DATASET] [--eval FILE] [--model DIR] [--config FILE.json] [--set key=value]...
                     [--workspace DIR] [--follow | --no-follow] [--processes N]
       tunelab train --resume RUN [--workspace DIR] [--processes N]

Fine-tunes MODEL (default: the bundled tunelab-tiny-llama) with LoRA on DATASET (JSONL).
  --eval FILE        held-out data for eval loss (default: eval_fraction of DATASET)
  --config FILE      settings as a JSON object with config.json keys (e.g. {"lora_r": 16})
  --set key=value    one setting, after --config (e.g. --set learning_rate=1e-4 --set epochs=2)
  --workspace DIR    where .tunelab/runs/ is (default: the current folder)
  --no-follow        start the trainer in the background and return at once
  --resume RUN       continue RUN (a run id or folder) from its latest checkpoint, with its config.json;
                     every setting that differs from the checkpoint's is reported by name
  --processes N      trainer processes (default: one per CUDA GPU; more than 1 launches torchrun)
The dataset is linted first; error findings stop the run. Ctrl-C stops after saving a checkpoint
(twice: cancel at once). Exit code: 0 completed, 1 failed, 2 bad settings or environment, 130 stopped.`,
  eval: `usage: tunelab eval RUN [--workspace DIR]

Scores the base model and the fine-tuned adapter of RUN (a run id or a run folder) on its eval data,
writes eval/metrics.json and eval/report.html.`,
  runs: `usage: tunelab runs [--workspace DIR] [--format text|json]

Lists the runs under DIR/.tunelab/runs, newest first.`,
  doctor: `usage: tunelab doctor [--format text|json]

Checks the Python that training would use (TUNELAB_PYTHON, then ~/.cache/tunelab/venv, then python3):
its version, torch, CUDA, GPUs and their memory, bf16, transformers, peft; prints the command that
installs whatever is missing. Exit code 0 when everything is there, 1 otherwise.`,
  demo: `usage: tunelab demo [--workspace DIR]

Lints samples/train.jsonl and samples/eval.jsonl, fine-tunes the bundled model on them, writes the
report, and exits 1 unless the fine-tuned eval loss is below the base model's. Runs go under
DIR/.tunelab/runs (default: the current folder).`,
};

const out = (text: string): void => { process.stdout.write(text + '\n'); };
const err = (text: string): void => { process.stderr.write(text + '\n'); };


function parse<O extends Options>(command: string, args: string[], options: O) {
  return parseCommand(args, options, USAGE[command]);
}

// ---------------------------------------------------------------------------------------------- lint

/**
 * Lints the data of a run before training; returns a one-line summary per file, throws on error findings. The run
 * goes in too (gateOptions): too-few-records weighs its epochs, too-long its max_seq_length with the model's tokenizer.
 */
async function lintBeforeTraining(config: Pick<RunConfig, 'train_file' | 'eval_file' | 'epochs' | 'effective_batch_size' | 'max_seq_length' | 'model'>): Promise<string[]> {
  const { train_file: trainFile, eval_file: evalFile } = config;
  // The same settings as `tunelab lint` (the workspace's .tunelab/lint.json), so the gate and the linter agree.
  const settings = lintSettings(undefined, trainFile);
  const run = { epochs: config.epochs, effectiveBatchSize: config.effective_batch_size, maxSeqLength: config.max_seq_length, model: config.model };
  const files = evalFile ? [trainFile, evalFile] : [trainFile];
  // The trainer reads Parquet too: the gate lints its rows, as `tunelab lint` does.
  const tables = await decodeParquetFiles(files);
  const output = lintFiles(files, { ...gateOptions(settings.options, run), evalFiles: evalFile ? [evalFile] : [], tables });
  const lines = output.files.map((f) => {
    const mine = output.diagnostics.filter((d) => d.path === f.path);
    const count = (s: string): number => mine.filter((d) => d.severity === s).length;
    return `${f.path}: ${f.records} records (${f.format}), ${count('error')} errors, ${count('warning')} warnings`;
  });
  if (output.ioErrors.length) throw new CliError(output.ioErrors.map((e) => `cannot read ${e.path}: ${e.message}`).join('\n'));
  const errors = output.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    process.stderr.write(formatFindingsText({ ...output, diagnostics: errors }));
    throw new CliError(`the dataset has ${errors.length} error finding${errors.length === 1 ? '' : 's'} (above): `
      + 'fix them and train again; `tunelab lint FILE` shows every finding', 1);
  }
  for (const f of output.files) {
    if (f.records === 0) throw new CliError(`${f.path} holds no records: a dataset needs at least one JSON object per line`, 1);
  }
  // What this run's settings make of the data (`tunelab lint` alone does not know them).
  for (const d of output.diagnostics) if (d.code === 'too-few-records' && d.severity !== 'info') lines.push(`${d.path}: warning: ${d.message}`);
  return lines;
}

// --------------------------------------------------------------------------------------------- train

function readConfigFile(file: string): Record<string, unknown> {
  const abs = requireReadableFile(file, 'config file');
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(abs, 'utf8'));
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${file} must hold a JSON object of settings`);
  const settings = value as Record<string, unknown>;
  // Paths in a config file are relative to the file, as a reader of the file would expect.
  for (const key of ['model', 'train_file', 'eval_file']) {
    if (typeof settings[key] === 'string' && settings[key] !== '') settings[key] = path.resolve(path.dirname(abs), settings[key] as string);
  }
  return settings;
}

interface TrainingRequest {
  dataset?: string;
  evalFile?: string;
  model?: string;
  configFile?: string;
  sets: string[];
  defaults?: Partial<RunConfig>;
  /** How to fix a bad setting, in this command's terms. */
  fixHint?: string;
}

/** Defaults, then the config file, then the flags; every problem at once. */
function buildConfig(root: string, req: TrainingRequest): RunConfig {
  const settings: Record<string, unknown> = { ...(req.defaults ?? {}), ...(req.configFile ? readConfigFile(req.configFile) : {}) };
  if (req.dataset !== undefined) settings.train_file = path.resolve(req.dataset);
  if (req.evalFile !== undefined) settings.eval_file = path.resolve(req.evalFile);
  if (req.model !== undefined) settings.model = path.resolve(req.model);
  const problems: ConfigProblem[] = [];
  for (const assignment of req.sets) {
    const parsed = parseAssignment(assignment);
    if ('error' in parsed) problems.push({ field: assignment, message: `--set ${parsed.error}` });
    else settings[parsed.key] = typeof parsed.value === 'string' && ['model', 'train_file', 'eval_file'].includes(parsed.key)
      ? path.resolve(parsed.value) : parsed.value;
  }
  if (settings.train_file === undefined) {
    throw new CliError(`name the dataset to train on: tunelab train DATASET.jsonl (or train_file in --config)\n\n${USAGE.train}`);
  }
  if (settings.model === undefined) settings.model = requireBundledModel(root);
  const config = completeConfig(settings as Partial<RunConfig> & { model: string; train_file: string });
  problems.push(...validateConfig(config, { checkPaths: true }));
  if (problems.length) {
    const list = problems.map((p) => `  - ${p.message}`).join('\n');
    throw new CliError(`the run settings have ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${list}\n`
      + `${req.fixHint ?? 'Fix them with --set key=value, --model, or in the --config file'}; no run was started.`);
  }
  return config;
}

function requireBundledModel(root: string): string {
  const dir = bundledModelDir(root);
  if (!fs.existsSync(path.join(dir, 'config.json'))) {
    throw new CliError(`the bundled model is missing (${dir}): give a model with --model DIR, `
      + `or build it in a Tunelab checkout with \`python3 scripts/make_bundled_model.py\``);
  }
  return dir;
}

/** Python that can train, or a CliError saying what to install. */
async function trainingPython(trainerDir: string): Promise<{ python: string; source: PythonSource }> {
  const resolved = resolvePython({ env: process.env });
  const check = await checkTrainingPackages(resolved.python, trainerDir);
  if (check.missing.includes('python')) throw new CliError(pythonMissingMessage(resolved.python));
  if (check.error) throw new CliError(`cannot use ${resolved.python} (from ${resolved.source}): ${check.error}`);
  if (!check.ok) {
    throw new CliError(`${resolved.python} (from ${resolved.source}) lacks the Python packages ${check.missing.join(', ')}. `
      + `Install them with:\n  ${check.fix}\n(or set TUNELAB_PYTHON to a Python that has them; \`tunelab doctor\` checks)`);
  }
  return resolved;
}

interface TrainingResult { summary: RunSummary; exitCode: number; reportPath?: string }

/** Starts the trainer and prints its progress until it exits; Ctrl-C asks it to stop with a checkpoint. */
async function followTraining(python: string, trainerDir: string, runDir: string, launch: TrainLaunch = {}): Promise<TrainingResult> {
  err('starting the trainer (loading torch and the model takes a few seconds)');
  const proc = startTrainer({ python, trainerDir, runDir, command: 'train', detached: true, ...launch });
  // The trainer has its own process group, so the terminal's Ctrl-C reaches only us: we turn it into stop.
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      endProgress();
      err('stopping: finishing this step and saving a checkpoint and the adapter (Ctrl-C again cancels at once)');
      proc.stop();
    } else {
      err('cancelling');
      proc.cancel();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const tty = process.stderr.isTTY;
  let progressOpen = false;
  const endProgress = (): void => {
    if (progressOpen) process.stderr.write('\n');
    progressOpen = false;
  };
  let failure: string | undefined;
  let lastStderr = '';
  proc.onEvent((e: TrainerEvent) => {
    if (e.type === 'step' && tty) {
      process.stderr.write(`\r\x1b[K${formatStepLine(e)}`);
      progressOpen = true;
      return;
    }
    const line = formatEventLine(e);
    if (!line) return;
    endProgress();
    if (e.type === 'error') failure = line;
    else err(line);
  });
  proc.onStderr((text) => { lastStderr = (lastStderr + text).slice(-4000); });
  const code = await new Promise<number | null>((resolve) => proc.onExit(resolve));
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  endProgress();

  const summary = summarizeRun(runDir);
  const reportPath = readEvents(runDir).length ? writeReport(runDir) : undefined;
  if (summary.status === 'completed' || summary.status === 'stopped') return { summary, reportPath, exitCode: summary.status === 'completed' ? 0 : 130 };
  if (failure) err(failure);
  else {
    const tail = lastStderr.trim().split('\n').slice(-8).join('\n');
    err(`the trainer exited with code ${code ?? 'none (killed)'} without finishing${tail ? `; its last output:\n${tail}` : ''}`);
  }
  return { summary, reportPath, exitCode: 1 };
}

function printOutcome(result: TrainingResult): void {
  const { summary: s } = result;
  const done = readEvents(s.dir).filter((e) => e.type === 'done').pop(); // the last: a resumed run may have stopped before
  const duration = done?.type === 'done' ? ` in ${formatDuration(done.duration_s)}` : '';
  out(`\nrun ${s.status}${duration}${s.step !== undefined ? ` (${s.step} step${s.step === 1 ? '' : 's'})` : ''}`);
  if (s.baseEvalLoss !== undefined || s.evalLoss !== undefined) out(formatEvalTable(s));
  out(`run folder: ${s.dir}`);
  if (done?.type === 'done' && done.adapter_path) out(`adapter:    ${done.adapter_path}`);
  if (result.reportPath) out(`report:     ${result.reportPath}`);
  if (s.status !== 'completed' && s.status !== 'stopped') out(`log:        ${path.join(s.dir, TRAINER_LOG_FILE)}`);
}

async function startRun(root: string, config: RunConfig, workspace: string, follow: boolean, processes?: string): Promise<TrainingResult | undefined> {
  const trainerDir = trainerRoot(root);
  const { python } = await trainingPython(trainerDir);
  const launch = { processes: await trainerProcesses(python, trainerDir, config.device, processes) };
  const run = createRun(workspace, config);
  err(`run ${run.id}: ${run.dir}`);
  if (!follow) {
    const pid = startTrainerInBackground({ python, trainerDir, runDir: run.dir, ...launch });
    if (pid === undefined) throw new CliError(pythonMissingMessage(python));
    out(`training in the background (pid ${pid}); follow it with \`tunelab runs --workspace ${workspace}\``);
    out(`run folder: ${run.dir}`);
    return undefined;
  }
  return followTraining(python, trainerDir, run.dir, launch);
}

interface TrainLaunch { resume?: boolean; processes?: number }

/** --processes N, else one process per CUDA GPU that doctor sees (torchrun when more than one). */
async function trainerProcesses(python: string, trainerDir: string, device: string, flag?: string): Promise<number> {
  if (flag !== undefined) {
    const n = Number(flag);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--processes must be a whole number of at least 1 (got ${flag})`);
    return n;
  }
  if (device !== 'auto' && device !== 'cuda') return 1;
  const n = processCount(await runDoctor(python, trainerDir), device);
  if (n > 1) err(`${n} CUDA GPUs: launching ${n} trainer processes with torchrun (same effective batch)`);
  return n;
}

/** `tunelab train --resume RUN`: the run's own config.json, its latest checkpoint, changed settings reported by the trainer. */
async function resumeRun(run: string, workspace: string, processes?: string): Promise<TrainingResult> {
  const runDir = resolveRun(run, workspace);
  const status = summarizeRun(runDir).status;
  if (status === 'completed') throw new CliError(`run ${path.basename(runDir)} has already completed: start a new run to train further`);
  if (status === 'running') throw new CliError(`run ${path.basename(runDir)} is still running: stop it first (or wait for it)`);
  const config = JSON.parse(fs.readFileSync(path.join(runDir, CONFIG_FILE), 'utf8')) as RunConfig;
  const trainerDir = trainerRoot(packageRoot());
  const { python } = await trainingPython(trainerDir);
  err(`resuming run ${path.basename(runDir)}: ${runDir}`);
  const launch = { resume: true, processes: await trainerProcesses(python, trainerDir, config.device ?? 'auto', processes) };
  return followTraining(python, trainerDir, runDir, launch);
}

async function trainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('train', args, {
    eval: { type: 'string' }, model: { type: 'string' }, config: { type: 'string' }, set: { type: 'string', multiple: true },
    workspace: { type: 'string' }, follow: { type: 'boolean' }, 'no-follow': { type: 'boolean' },
    resume: { type: 'string' }, processes: { type: 'string' },
  });
  if (values.help) return help('train');
  if (values.resume !== undefined) {
    if (positionals.length || values.eval || values.model || values.config || values.set) {
      throw new CliError('--resume continues a run with its own config.json: edit that file to change settings, '
        + 'and give no dataset, --eval, --model, --config or --set');
    }
    const result = await resumeRun(values.resume, path.resolve(values.workspace ?? '.'), values.processes);
    printOutcome(result);
    return result.exitCode;
  }
  if (positionals.length > 1) throw new CliError(`train takes one dataset (got ${positionals.length}: ${positionals.join(' ')})\n\n${USAGE.train}`);
  const root = packageRoot();
  const config = buildConfig(root, { dataset: positionals[0], evalFile: values.eval, model: values.model, configFile: values.config, sets: values.set ?? [] });
  const workspace = path.resolve(values.workspace ?? '.');
  for (const line of await lintBeforeTraining(config)) err(line);
  const result = await startRun(root, config, workspace, !values['no-follow'], values.processes);
  if (!result) return 0;
  printOutcome(result);
  return result.exitCode;
}

// ---------------------------------------------------------------------------------------------- eval

async function evalCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('eval', args, { workspace: { type: 'string' } });
  if (values.help) return help('eval');
  if (positionals.length !== 1) throw new CliError(`name one run\n\n${USAGE.eval}`);
  const runDir = resolveRun(positionals[0], path.resolve(values.workspace ?? '.'));
  const trainerDir = trainerRoot(packageRoot());
  const { python } = await trainingPython(trainerDir);
  err(`evaluating ${path.basename(runDir)} (base model and fine-tuned adapter)…`);
  const metricsFile = path.join(runDir, 'eval', 'metrics.json');
  const before = fs.existsSync(metricsFile) ? fs.statSync(metricsFile).mtimeMs : undefined;
  const proc = startTrainer({ python, trainerDir, runDir, command: 'eval' });
  let failure: string | undefined;
  let lastStderr = '';
  proc.onEvent((e) => {
    const line = formatEventLine(e);
    if (e.type === 'error') failure = line;
    else if (line && e.type !== 'step') err(line);
  });
  proc.onStderr((text) => { lastStderr = (lastStderr + text).slice(-4000); });
  const code = await new Promise<number | null>((resolve) => proc.onExit(resolve));
  const metrics = readEvalMetrics(runDir);
  const fresh = fs.existsSync(metricsFile) && fs.statSync(metricsFile).mtimeMs !== before;
  if (code !== 0 || !metrics || !fresh) {
    const tail = lastStderr.trim().split('\n').slice(-8).join('\n');
    throw new CliError(failure ?? `evaluation failed (exit code ${code ?? 'none'})${tail ? `:\n${tail}` : ''}`, 1);
  }
  const reportPath = writeReport(runDir);
  out(formatEvalTable({
    baseEvalLoss: metrics.base?.eval_loss, evalLoss: metrics.tuned?.eval_loss,
    basePerplexity: metrics.base?.perplexity, perplexity: metrics.tuned?.perplexity,
  }));
  out(`${metrics.eval_records} eval records, ${metrics.eval_tokens} scored tokens`);
  out(`metrics: ${metricsFile}`);
  out(`report:  ${reportPath}`);
  return 0;
}

// ---------------------------------------------------------------------------------------------- runs

function runsCommand(args: string[]): number {
  const { values, positionals } = parse('runs', args, { workspace: { type: 'string' }, format: { type: 'string' } });
  if (values.help) return help('runs');
  if (positionals.length) throw new CliError(`runs takes no arguments (got ${positionals.join(' ')})\n\n${USAGE.runs}`);
  const format = formatOption(values.format);
  const workspace = path.resolve(values.workspace ?? '.');
  const runs = listRuns(workspace);
  if (format === 'json') out(JSON.stringify(runs, null, 2));
  else if (runs.length === 0) out(`no runs in ${runsRoot(workspace)}`);
  else out(formatRunsTable(runs));
  return 0;
}

// -------------------------------------------------------------------------------------------- doctor

async function doctorCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('doctor', args, { format: { type: 'string' } });
  if (values.help) return help('doctor');
  if (positionals.length) throw new CliError(`doctor takes no arguments (got ${positionals.join(' ')})\n\n${USAGE.doctor}`);
  const format = formatOption(values.format);
  const { python, source } = resolvePython({ env: process.env });
  const report = await runDoctor(python, trainerRoot(packageRoot()));
  if (format === 'json') out(JSON.stringify({ ...report, source }, null, 2));
  else out(formatDoctorReport(report, source));
  return report.ok ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------- demo

async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('demo', args, { workspace: { type: 'string' } });
  if (values.help) return help('demo');
  if (positionals.length) throw new CliError(`demo takes no arguments (got ${positionals.join(' ')})\n\n${USAGE.demo}`);
  const root = packageRoot();
  const samples = sampleData(root);
  const workspace = path.resolve(values.workspace ?? '.');
  for (const file of [samples.train, samples.eval]) {
    if (!fs.existsSync(file)) throw new CliError(`the bundled sample data is missing (${file}): reinstall Tunelab or run scripts/make_sample_data.py`);
  }
  const config = buildConfig(root, {
    dataset: samples.train, evalFile: samples.eval, model: requireBundledModel(root), sets: [], defaults: DEMO_SETTINGS,
    fixHint: 'Fix DEMO_SETTINGS in src/core/bundled.ts',
  });

  out('1/3 lint');
  for (const line of await lintBeforeTraining(config)) out(`  ${line}`);
  out(`2/3 train: ${path.basename(config.model)}, LoRA r ${config.lora_r}, alpha ${config.lora_alpha}, learning rate ${config.learning_rate}, `
    + `${config.epochs} epochs, batch ${config.effective_batch_size} (micro ${config.micro_batch_size}), ${config.max_seq_length} tokens max`);
  const result = await startRun(root, config, workspace, true);
  if (!result) return 1;
  out('3/3 result: base model vs fine-tuned on the eval data');
  printOutcome(result);
  if (result.exitCode !== 0) return result.exitCode;
  const { baseEvalLoss: base, evalLoss: tuned } = result.summary;
  if (base === undefined || tuned === undefined) {
    err('tunelab: the run finished without base and fine-tuned eval losses, so the demo cannot show an improvement');
    return 1;
  }
  if (!(tuned < base)) {
    err(`tunelab: the fine-tuned eval loss ${tuned.toFixed(4)} is not below the base model's ${base.toFixed(4)}`);
    return 1;
  }
  out(`\nfine-tuning lowered the eval loss from ${base.toFixed(4)} to ${tuned.toFixed(4)}`);
  return 0;
}

// ---------------------------------------------------------------------------------------------- main

function help(command: string): number {
  out(USAGE[command]);
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number> | number> = {
  lint: lintCommand, train: trainCommand, eval: evalCommand, runs: runsCommand, doctor: doctorCommand, demo: demoCommand,
  export: (args) => exportCommand(args, packageRoot()),
  estimate: (args) => estimateCommand(args, packageRoot()),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    err(USAGE.main);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') return help(rest[0] && USAGE[rest[0]] ? rest[0] : 'main');
  if (command === '--version') {
    out(packageVersion());
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new CliError(`unknown command "${command}"\n\n${USAGE.main}`);
  return run(rest);
}

// Not in lint worker threads, which load this bundle for its lint code (src/core/lint/lint-parallel.ts).
if (require.main === module && isMainThread) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      if (e instanceof CliError) {
        err(`tunelab: ${e.message}`);
        process.exitCode = e.exitCode;
      } else {
        err(`tunelab: ${e instanceof Error ? e.message : String(e)}`);
        if (process.env.TUNELAB_DEBUG) err(e instanceof Error ? e.stack ?? '' : '');
        process.exitCode = 2;
      }
    },
  );
}
