// `tunelab lint`: options, the workspace's .tunelab/lint.json, serial or parallel lint, text or JSON output.
import * as os from 'node:os';
import * as path from 'node:path';
import { findLintConfigDir, formatFindingsText, loadLintConfig, type LintConfig, type LintOptions } from '../core/lint/index';
import { readLintConfigFile } from '../core/lint/config';
import { lintFilesParallel } from '../core/lint/lint-parallel';
import { decodeParquetFiles } from '../core/dataset/parquet';
import { loadTokenizer } from '../core/tokenizer';
import { CliError, formatOption, parseCommand, requireReadableFile } from './common';

const MAX_DEFAULT_JOBS = 8;

export const LINT_USAGE = `usage: tunelab lint [--format text|json] [--eval FILE]... [--max-tokens N] [--tokenizer DIR]
                    [--config FILE] [--jobs N] FILE...

Checks datasets and prints findings. --tokenizer names a model folder (tokenizer.json + tokenizer_config.json):
too-long then counts tokens exactly with its chat template; without it counts are estimates. --eval names held-out
files (checked for leakage from the training files).
  --config FILE   lint settings (default: .tunelab/lint.json of the first folder upwards from the first FILE,
                  else from the current folder, that has one), e.g. {"rules": {"pii": "error"}}
  --jobs N        threads to lint with (default: the number of cores, at most ${MAX_DEFAULT_JOBS}); 1 lints on one thread
Exit code: 0 no error finding, 1 error findings, 2 usage, unreadable file or bad settings.`;

export async function lintCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    format: { type: 'string' }, eval: { type: 'string', multiple: true }, 'max-tokens': { type: 'string' }, tokenizer: { type: 'string' },
    config: { type: 'string' }, jobs: { type: 'string' },
  }, LINT_USAGE);
  if (values.help) {
    process.stdout.write(LINT_USAGE + '\n');
    return 0;
  }
  const format = formatOption(values.format);
  if (positionals.length === 0) throw new CliError(`name at least one dataset file\n\n${LINT_USAGE}`);
  const maxTokens = positiveInteger('--max-tokens', values['max-tokens']);
  const jobs = positiveInteger('--jobs', values.jobs) ?? Math.min(os.availableParallelism(), MAX_DEFAULT_JOBS);
  // Checked here for a clear message; passed on as typed, so findings show the paths the user gave.
  for (const f of positionals) requireReadableFile(f, 'dataset');
  const evalFiles = values.eval ?? [];
  for (const f of evalFiles) requireReadableFile(f, 'eval file');
  const tokenizer = values.tokenizer === undefined ? undefined : path.resolve(values.tokenizer);
  if (tokenizer !== undefined) {
    // Loaded here (and cached for the lint) so a wrong folder is a usage error, not a finding on every file.
    try { loadTokenizer(tokenizer); } catch (e) { throw new CliError(`--tokenizer: ${(e as Error).message}`); }
  }
  const config = lintSettings(values.config, positionals[0]);
  const options: LintOptions = { ...config.options };
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  if (tokenizer !== undefined) options.tokenizer = tokenizer;

  const tables = await decodeParquetFiles([...positionals, ...evalFiles]); // hyparquet reads asynchronously only
  const output = await lintFilesParallel(positionals, { ...options, evalFiles, jobs, tables });
  if (format === 'json') process.stdout.write(JSON.stringify(output, null, 2) + '\n');
  else process.stdout.write(formatFindingsText(output));
  if (output.ioErrors.length) return 2;
  return output.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
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
