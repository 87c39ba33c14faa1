// What every `tunelab` subcommand shares: its usage errors, argument parsing, --format, files and runs named
// on the command line. A CliError is printed as `tunelab: message` with its exit code (main in src/cli.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_FILE, runsRoot } from '../core/runs';

/** A failure with a message for the user and no stack trace; exit code 2 (usage) unless said otherwise. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with -h/--help added; its errors become usage errors followed by `usage`. */
export function parseCommand<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n\n${usage}`);
  }
}

export function formatOption(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new CliError(`--format must be text or json (got "${value}")`);
}

/** The absolute path of a file the user named, or a CliError that says why it cannot be used. */
export function requireReadableFile(file: string, what: string): string {
  const abs = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new CliError(`${what} not found: ${file}`);
  }
  if (!stat.isFile()) throw new CliError(`${what} is not a file: ${file}`);
  try {
    fs.accessSync(abs, fs.constants.R_OK);
  } catch {
    throw new CliError(`${what} cannot be read (permission denied): ${file}`);
  }
  return abs;
}

/** A run named by id (in the workspace's runs folder) or by folder: the folder that holds its config.json. */
export function resolveRun(run: string, workspace: string): string {
  const candidates = [path.resolve(run), path.join(runsRoot(workspace), run)];
  const dir = candidates.find((d) => fs.existsSync(path.join(d, CONFIG_FILE)));
  if (!dir) throw new CliError(`no run "${run}": give a run id from \`tunelab runs\` or a run folder (one that holds config.json)`);
  return dir;
}

/** The folder holding package.json (the repo, or the installed extension): trainer/, models/ and samples/ are there. */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'tunelab') return dir;
    } catch {
      // keep looking upwards
    }
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..');
  }
}

/** Tunelab's version, from its package.json. */
export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
}
