// `tunelab lint`: options, the workspace's .tunelab/lint.json, serial or parallel lint, text or JSON output.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLintConfigDir, formatFindingsText, loadLintConfig, type LintConfig, type LintOptions } from '../core/lint/index';
import { readLintConfigFile } from '../core/lint/config';
import { lintFilesParallel } from '../core/lint/lint-parallel';
import { decodeParquetFiles, isParquet } from '../core/dataset/parquet';
import { detectTrainFiles } from '../core/dataset/split-files';
import { fatalEncodingProblem, invalidUtf8Problem, utf8BomLength } from '../core/dataset/encoding';
import { formatFindingsGithub } from '../core/lint/format-github';
import { formatFindingsSarif } from '../core/lint/format-sarif';
import { EVAL_FIXABLE_CODES, FIXABLE_CODES, fixText } from '../core/lint/fix-text';
import { evalLeakage, leakageThreshold, TrainingFeatures } from '../core/lint/leakage-training';
import { everyFindingOf } from '../core/lint/config';
import { LINT_CODES, type LintCode, type LintOutput, type Severity } from '../core/lint/types';
import { loadTokenizer } from '../core/tokenizer';
import { CliError, packageVersion, parseCommand, requireReadableFile } from './common';

const MAX_DEFAULT_JOBS = 8;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type LintFormat = typeof FORMATS[number];
const FAIL_ON = ['error', 'warning', 'info', 'none'] as const;
type FailOn = typeof FAIL_ON[number];

export const LINT_USAGE = `usage: tunelab lint [--format text|json|sarif|github] [--fail-on error|warning|info|none] [--eval FILE]...
                    [--max-tokens N] [--tokenizer DIR] [--config FILE] [--jobs N] FILE...
       tunelab lint --fix CODES --out FILE [options] FILE
       tunelab lint --eval EVAL --fix leakage --out FILE [options] FILE

Checks datasets and prints findings. --tokenizer names a model folder (tokenizer.json + tokenizer_config.json):
too-long then counts tokens exactly with its chat template; without it counts are estimates. --eval names held-out
files (checked for leakage from the training files); without it, an eval or test file named with its training file
(eval.jsonl with train.jsonl, foo_test.jsonl with foo_train.jsonl: as the editor pairs them) is checked so.
  --config FILE   lint settings (default: .tunelab/lint.json of the first folder upwards from the first FILE,
                  else from the current folder, that has one), e.g. {"rules": {"pii": "error"}}
  --jobs N        threads to lint with (default: the number of cores, at most ${MAX_DEFAULT_JOBS}); 1 lints on one thread
  --format        text (default), json, sarif (SARIF 2.1.0, for code scanning: GitHub's upload-sarif action), or
                  github (GitHub Actions annotations on the files' lines)
  --fail-on L     the lowest finding level that fails the run (exit 1): error (default), warning, info, or none
  --fix CODES     write a fixed copy of FILE to --out (FILE itself is never changed): the first fix of every finding
                  of these codes, comma-separated, or all (${FIXABLE_CODES.join(', ')}); duplicates are deleted
                  first, then the rest is edited (PII redacted with typed placeholders, markup stripped, mojibake
                  repaired, unknown roles mapped), until nothing more applies. Then the copy is linted and reported.
                  --fix leakage with one --eval file writes a copy of the eval file without its exact and near copies
                  of FILE's records (records that only share a 13-word span stay: the warning names them).
Exit code: 0 no finding at the --fail-on level or above, 1 such findings, 2 usage, unreadable file or bad settings.`;

export async function lintCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    format: { type: 'string' }, eval: { type: 'string', multiple: true }, 'max-tokens': { type: 'string' }, tokenizer: { type: 'string' },
    config: { type: 'string' }, jobs: { type: 'string' }, 'fail-on': { type: 'string' }, fix: { type: 'string' }, out: { type: 'string' },
  }, LINT_USAGE);
  if (values.help) {
    process.stdout.write(LINT_USAGE + '\n');
    return 0;
  }
  const format = choice<LintFormat>('--format', values.format, FORMATS) ?? 'text';
  const failOn = choice<FailOn>('--fail-on', values['fail-on'], FAIL_ON) ?? 'error';
  if (positionals.length === 0) throw new CliError(`name at least one dataset file\n\n${LINT_USAGE}`);
  const maxTokens = positiveInteger('--max-tokens', values['max-tokens']);
  const jobs = positiveInteger('--jobs', values.jobs) ?? Math.min(os.availableParallelism(), MAX_DEFAULT_JOBS);
  // Checked here for a clear message; passed on as typed, so findings show the paths the user gave.
  for (const f of positionals) requireReadableFile(f, 'dataset');
  const evalFiles = values.eval ?? [];
  for (const f of evalFiles) requireReadableFile(f, 'eval file');
  const fix = fixRequest(values.fix, values.out, positionals, evalFiles);
  const tokenizer = values.tokenizer === undefined ? undefined : path.resolve(values.tokenizer);
  if (tokenizer !== undefined) {
    // Loaded here (and cached for the lint) so a wrong folder is a usage error, not a finding on every file.
    try { loadTokenizer(tokenizer); } catch (e) { throw new CliError(`--tokenizer: ${(e as Error).message}`); }
  }
  const config = lintSettings(values.config, positionals[0]);
  const options: LintOptions = { ...config.options };
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  if (tokenizer !== undefined) options.tokenizer = tokenizer;

  let files = positionals, evals = evalFiles;
  if (!evalFiles.length && !fix) {
    evals = pairedEvalFiles(positionals);
    for (const e of evals) {
      const train = detectTrainFiles(e).map((t) => positionals.find((p) => path.resolve(p) === path.resolve(t)));
      process.stderr.write(`tunelab: ${e} is checked for leakage from ${train.join(', ')} (paired by name; --eval names eval files instead)\n`);
    }
  }
  if (fix) {
    process.stderr.write(fixFile(fix, options) + '\n');
    // The report is of the copy: in place of the dataset, or of the eval file.
    if (fix.training) evals = [fix.out]; else files = [fix.out];
  }
  const tables = await decodeParquetFiles([...files, ...evals]); // hyparquet reads asynchronously only
  const output = await lintFilesParallel(files, { ...options, evalFiles: evals, jobs, tables });
  process.stdout.write(formatOutput(output, format));
  if (output.ioErrors.length) return 2;
  return fails(output, failOn) ? 1 : 0;
}

/**
 * The eval or test files among `files` whose training files (found by name, as the editor pairs them) are all among
 * `files` too: linted as eval files, checked for leakage from those.
 */
function pairedEvalFiles(files: string[]): string[] {
  const given = new Set(files.map((f) => path.resolve(f)));
  return files.filter((f) => {
    const train = detectTrainFiles(f);
    return train.length > 0 && train.every((t) => given.has(path.resolve(t)));
  });
}

function formatOutput(output: LintOutput, format: LintFormat): string {
  switch (format) {
    case 'json': return JSON.stringify(output, null, 2) + '\n';
    case 'sarif': return JSON.stringify(formatFindingsSarif(output, { version: packageVersion() }), null, 2) + '\n';
    case 'github': return formatFindingsGithub(output);
    case 'text': return formatFindingsText(output);
  }
}

const MAX_FIX_BYTES = 256 * 2 ** 20;

interface FixRequest {
  codes: LintCode[];
  out: string;
  /** The file fixed: the dataset, or for leakage the eval file (linted with the dataset). */
  target: string;
  training?: string;
}

/** --fix and --out, checked: codes that have fixes, one dataset, an output path that is not an input. */
function fixRequest(fix: string | undefined, out: string | undefined, files: string[], evalFiles: string[]): FixRequest | undefined {
  if (fix === undefined) {
    if (out !== undefined) throw new CliError('--out names the fixed copy that --fix writes: give --fix CODES too');
    return undefined;
  }
  const names = fix.split(',').map((c) => c.trim()).filter(Boolean);
  const codes = names.includes('all') ? [...FIXABLE_CODES] : names as LintCode[];
  const unknown = codes.filter((c) => !LINT_CODES.includes(c));
  if (unknown.length) throw new CliError(`--fix: unknown code${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}; codes with fixes: ${FIXABLE_CODES.join(', ')}, or all; leakage with --eval`);
  if (codes.some((c) => EVAL_FIXABLE_CODES.includes(c))) return leakageFixRequest(codes, out, files, evalFiles);
  const unfixable = codes.filter((c) => !FIXABLE_CODES.includes(c));
  if (unfixable.length) throw new CliError(`--fix: ${unfixable.join(', ')} ha${unfixable.length > 1 ? 've' : 's'} no automatic fix (the finding says what to do); codes with fixes: ${FIXABLE_CODES.join(', ')}`);
  if (!codes.length) throw new CliError(`--fix needs codes: ${FIXABLE_CODES.join(', ')}, or all`);
  if (files.length !== 1) throw new CliError('--fix writes the fixed copy of one dataset: name one FILE');
  return { codes: FIXABLE_CODES.filter((c) => codes.includes(c)), out: outPath(out, [...files, ...evalFiles]), target: files[0] };
}

/** --fix leakage: the eval file is the one fixed, against the one training file. */
function leakageFixRequest(codes: LintCode[], out: string | undefined, files: string[], evalFiles: string[]): FixRequest {
  if (codes.some((c) => !EVAL_FIXABLE_CODES.includes(c))) {
    throw new CliError('--fix leakage writes a fixed copy of the eval file: fix the training file\'s codes in another run');
  }
  if (files.length !== 1 || evalFiles.length !== 1) throw new CliError('--fix leakage needs one training FILE and one --eval file: the copy written is of the eval file');
  return { codes: [...EVAL_FIXABLE_CODES], out: outPath(out, [...files, ...evalFiles]), target: evalFiles[0], training: files[0] };
}

/** --out, given and none of the inputs. */
function outPath(out: string | undefined, inputs: string[]): string {
  if (out === undefined) throw new CliError('--fix needs --out FILE: the fixed copy is written there, and the dataset is left as it is');
  if (inputs.some((f) => path.resolve(f) === path.resolve(out))) throw new CliError('--out must not be one of the datasets: the fixed copy never replaces the original');
  return out;
}

/** Writes the fixed copy of the request's file to its `out`; returns the line that says what was fixed. */
function fixFile(fix: FixRequest, options: LintOptions): string {
  const { target: file, out, codes, training } = fix;
  const bytes = fs.readFileSync(file);
  // The text is held whole, with a copy per pass: past this, split the file or fix it with jq and friends.
  if (bytes.length > MAX_FIX_BYTES) throw new CliError(`--fix holds the whole text in memory: ${file} is ${Math.round(bytes.length / 2 ** 20)} MiB, over ${MAX_FIX_BYTES / 2 ** 20} MiB; split it and fix the parts`);
  if (isParquet(bytes)) throw new CliError(`--fix cannot edit a Parquet file (${file}): convert it to JSONL first (in VS Code: open it, then Save As)`);
  // A file that is not UTF-8 would come back with U+FFFD in place of its bytes: the encoding finding says how to fix it.
  const bomBytes = utf8BomLength(bytes);
  if (fatalEncodingProblem(bytes) || invalidUtf8Problem(bytes, bomBytes)) {
    throw new CliError(`--fix: ${file} is not UTF-8 text; run \`tunelab lint ${file}\` to see why, and re-save it as UTF-8 first`);
  }
  const text = bytes.toString('utf8');
  const bom = bomBytes ? '\uFEFF' : '';
  const trainingBytes = training === undefined ? undefined : fs.readFileSync(training);
  if (trainingBytes && isParquet(trainingBytes)) throw new CliError(`--fix leakage reads the training file as text: convert ${training} to JSONL first`);
  // The training file is read once for all passes (leakage-training.ts), not again for each.
  let features: TrainingFeatures | undefined;
  const result = fixText(file, text.slice(bom.length), codes, options, trainingBytes === undefined ? undefined : (t, o) => {
    const leakageOnly = everyFindingOf(o, ['leakage']);
    features ??= TrainingFeatures.of([{ path: training!, input: trainingBytes }], leakageThreshold(leakageOnly));
    return evalLeakage(file, t, features, leakageOnly).findings;
  });
  try {
    fs.writeFileSync(out, bom + result.text);
  } catch (e) {
    throw new CliError(`--out: cannot write ${out}: ${(e as Error).message}`);
  }
  const counts = Object.entries(result.fixed).map(([code, n]) => `${code} ${n}`);
  const total = Object.values(result.fixed).reduce((a, b) => a + (b ?? 0), 0);
  return total
    ? `tunelab: fixed ${total} finding${total === 1 ? '' : 's'} (${counts.join(', ')}) in ${result.passes} pass${result.passes === 1 ? '' : 'es'}; wrote ${out}; its findings follow`
    : `tunelab: nothing to fix for ${codes.join(', ')}; wrote an unchanged copy to ${out}; its findings follow`;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether a finding at the --fail-on level or above was found; every finding counts, those past the per-code limit too. */
function fails(output: LintOutput, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  const by = output.stats.findingsBySeverity;
  return (Object.keys(by) as Severity[]).some((s) => by[s] > 0 && RANK[s] >= RANK[failOn]);
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new CliError(`${flag} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]} (got "${value}")`);
}

/**
 * The lint settings: --config FILE, else the .tunelab/lint.json of the nearest folder upwards from the first dataset
 * file, else from the current folder; none found: the defaults. A file with problems stops the lint (exit 2) with
 * each problem, so that a gate in CI never runs with settings other than those written.
 */
export function lintSettings(configFlag: string | undefined, firstFile: string, cwd = process.cwd()): LintConfig {
  let config: LintConfig | undefined;
  if (configFlag !== undefined) {
    config = readLintConfigFile(path.resolve(cwd, configFlag));
    if (!config.found) throw new CliError(`--config: file not found: ${configFlag}`);
  } else {
    const dir = findLintConfigDir(path.dirname(path.resolve(cwd, firstFile))) ?? findLintConfigDir(cwd);
    config = dir === undefined ? undefined : loadLintConfig(dir);
  }
  if (!config) return { path: '', found: false, options: {}, problems: [] };
  if (config.problems.length) {
    throw new CliError(`bad lint settings in ${config.path}; fix the file or pass --config with another one:\n`
      + config.problems.map((p) => `  - ${p}`).join('\n'));
  }
  return config;
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a positive integer (got "${value}")`);
  return n;
}
