// `tunelab train --resume RUN`: refused cleanly before any Python starts when RUN or the flags are wrong.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.js');

function tunelab(args: string[], cwd: string): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, TUNELAB_PYTHON: '/nonexistent/tunelab-test/python3' },
  });
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
  return { code: r.status, stderr: r.stderr };
}

test('--resume names the run to continue and takes no new settings', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-resume-'));
  const unknown = tunelab(['train', '--resume', 'no-such-run'], ws);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no run "no-such-run": give a run id from `tunelab runs` or a run folder/);

  const mixed = tunelab(['train', '--resume', 'some-run', 'data.jsonl', '--set', 'epochs=2'], ws);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /--resume continues a run with its own config\.json: edit that file to change settings/);

  // A completed run is not resumed (before any Python starts).
  const runDir = path.join(ws, '.tunelab', 'runs', '20260101-000000-data');
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'config.json'), '{}');
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), `${JSON.stringify({ type: 'done', status: 'completed', time: 1 })}\n`);
  const completed = tunelab(['train', '--resume', '20260101-000000-data'], ws);
  assert.equal(completed.code, 2);
  assert.match(completed.stderr, /run 20260101-000000-data has already completed: start a new run/);

  const help = spawnSync(process.execPath, [CLI, 'train', '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /--resume RUN\s+continue RUN/);
  assert.match(help.stdout, /--processes N/);
});
