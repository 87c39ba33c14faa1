// `tunelab export RUN [--merge] [--out DIR]`: checks a run's adapter against what vLLM and llama.cpp load and,
// with --merge, writes base + adapter as one transformers model (python -m tunelab_trainer export, trainer/tunelab_trainer/export.py).
import * as path from 'node:path';
import { pythonMissingMessage, resolvePython, runTrainerModule, trainerRoot } from '../core/python';
import { CliError, formatOption, parseCommand, resolveRun } from './common';

export const EXPORT_USAGE = `usage: tunelab export RUN [--merge] [--out DIR] [--workspace DIR] [--format text|json]

Checks the adapter of RUN (a run id or folder) against what vLLM and llama.cpp's convert_lora_to_gguf.py load.
  --merge          also fold the adapter into the base model's weights and write one model (safetensors and
                   tokenizer) that transformers, vLLM and llama.cpp's convert_hf_to_gguf.py load. Prefix and
                   prompt tuning add tokens rather than weight changes, so they cannot be merged.
  --out DIR        folder for the merged model (default: RUN/merged); it must be new or empty
  --workspace DIR  where .tunelab/runs/ is (default: the current folder)
Exit code: 0 done, 1 the export failed, 2 usage.`;

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
  const { values, positionals } = parseCommand(args, {
    merge: { type: 'boolean' }, out: { type: 'string' }, workspace: { type: 'string' }, format: { type: 'string' },
  }, EXPORT_USAGE);
  if (values.help) {
    process.stdout.write(EXPORT_USAGE + '\n');
    return 0;
  }
  const format = formatOption(values.format);
  if (positionals.length !== 1) throw new CliError(`name one run\n\n${EXPORT_USAGE}`);
  if (values.out !== undefined && !values.merge) throw new CliError('--out is the folder of the merged model: add --merge');
  const runDir = resolveRun(positionals[0], path.resolve(values.workspace ?? '.'));

  const { python } = resolvePython({ env: process.env });
  const trainerArgs = ['export', '--run-dir', runDir, ...(values.merge ? ['--merge'] : []), ...(values.out ? ['--out', path.resolve(values.out)] : [])];
  if (values.merge) process.stderr.write(`merging ${path.basename(runDir)} into its base model (loads the whole model into memory)…\n`);
  const r = await runTrainerModule(python, trainerRoot(packageRoot), trainerArgs);
  if (r.spawnError) throw new CliError(pythonMissingMessage(python));
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
