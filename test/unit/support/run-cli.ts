// Runs the built CLI (out/src/cli.js) as a child process, the way a user does, and checks that whatever it
// prints on failure is a message, never a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', '..', 'src', 'cli.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, TUNELAB_DEBUG: '', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace in stderr:\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}
