// `tunelab export RUN [--merge] [--out DIR]`: checks a run's adapter against what vLLM and llama.cpp load and,
// with --merge, writes base + adapter as one transformers model (python -m tunelab_trainer export, trainer/tunelab_trainer/export.py).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pythonMissingMessage, resolvePython, trainerRoot } from '../core/python';
import { CONFIG_FILE, runsRoot } from '../core/runs';

export const EXPORT_USAGE = `usage: tunelab export RUN [--merge] [--out DIR] [--workspace DIR] [--format text|json]

Checks the adapter of RUN (a run id or folder) against what vLLM and llama.cpp's convert_lora_to_gguf.py load.
  --merge          also fold the adapter into the base model's weights and write one model (safetensors and
                   tokenizer) that transformers, vLLM and llama.cpp's convert_hf_to_gguf.py load. Prefix and
                   prompt tuning add tokens rather than weight changes, so they cannot be merged.
  --out DIR        folder for the merged model (default: RUN/merged); it must be new or empty
  --workspace DIR  where .tunelab/runs/ is (default: the current folder)
Exit code: 0 done, 1 the export failed, 2 usage.`;

/** A usage problem: printed as `tunelab: message`, exit code 2 (see main in src/cli.ts). */
class ExportUsageError extends Error {
  readonly exitCode = 2;
}

export interface ConventionNote { tool: string; level: 'error' | 'warning'; message: string }
export interface ExportResult { type: 'export'; path: string | null; method?: string; dtype?: string; adapter: string; conventions: ConventionNote[] }
interface TrainerError { type: 'error'; kind: string; message: string; hint: string }

/** What the trainer's JSON says, for people. */
export function formatExportResult(result: ExportResult): string {
  const lines: string[] = [];
  if (result.path) lines.push(`merged model (${result.method}, ${result.dtype}): ${result.path}`);
  lines.push(`adapter: ${result.adapter}`);
  if (!result.conventions.length) lines.push('loads in PEFT, vLLM and llama.cpp (convert_lora_to_gguf.py) as it is');
  for (const note of result.conventions) lines.push(`${note.level} (${note.tool}): ${note.message}`);
  return lines.join('\n');
}

function resolveRun(run: string, workspace: string): string {
  const candidates = [path.resolve(run), path.join(runsRoot(workspace), run)];
  const dir = candidates.find((d) => fs.existsSync(path.join(d, CONFIG_FILE)));
  if (!dir) throw new ExportUsageError(`no run "${run}": give a run id from \`tunelab runs\` or a run folder (one that holds config.json)`);
  return dir;
}

function runTrainer(python: string, trainerDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; spawnError?: Error }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
    env.PYTHONPATH = env.PYTHONPATH ? `${trainerDir}${path.delimiter}${env.PYTHONPATH}` : trainerDir;
    const child = spawn(python, ['-m', 'tunelab_trainer', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (spawnError) => resolve({ code: null, stdout, stderr, spawnError }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lastJson(stdout: string): ExportResult | TrainerError | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && 'type' in value) return value as ExportResult | TrainerError;
    } catch {
      // not JSON
    }
  }
  return undefined;
}

export async function exportCommand(args: string[], packageRoot: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { merge: { type: 'boolean' }, out: { type: 'string' }, workspace: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new ExportUsageError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n\n${EXPORT_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(EXPORT_USAGE + '\n');
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ExportUsageError(`--format must be text or json (got "${format}")`);
  if (positionals.length !== 1) throw new ExportUsageError(`name one run\n\n${EXPORT_USAGE}`);
  if (values.out !== undefined && !values.merge) throw new ExportUsageError('--out is the folder of the merged model: add --merge');
  const runDir = resolveRun(positionals[0], path.resolve(values.workspace ?? '.'));

  const { python } = resolvePython({ env: process.env });
  const trainerArgs = ['export', '--run-dir', runDir, ...(values.merge ? ['--merge'] : []), ...(values.out ? ['--out', path.resolve(values.out)] : [])];
  if (values.merge) process.stderr.write(`merging ${path.basename(runDir)} into its base model (loads the whole model into memory)…\n`);
  const r = await runTrainer(python, trainerRoot(packageRoot), trainerArgs);
  if (r.spawnError) throw new ExportUsageError(pythonMissingMessage(python));
  const result = lastJson(r.stdout);
  if (!result) {
    const tail = r.stderr.trim().split('\n').slice(-5).join('\n');
    process.stderr.write(`tunelab: the export failed (exit code ${r.code ?? 'none'})${tail ? `:\n${tail}` : ''}\n`);
    return 1;
  }
  if (format === 'json') process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (result.type === 'error') {
    if (format === 'text') process.stderr.write(`tunelab: ${result.message}\n${result.hint}\n`);
    return 1;
  }
  if (format === 'text') process.stdout.write(formatExportResult(result) + '\n');
  return 0;
}
