import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeExtension, poll, readEvents, sleep, workspaceDir, workspaceFile } from './helpers';

// Small enough to finish in well under a minute on two CPU cores with the bundled tiny model.
const TINY = { epochs: 1, max_steps: 4, effective_batch_size: 8, micro_batch_size: 8, max_seq_length: 128 };
const RUN_TIMEOUT_MS = 5 * 60000;

async function pollAsync<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

interface RunsApi { runsProvider?: vscode.TreeDataProvider<unknown> }

suite('training run', function () {
  this.timeout(RUN_TIMEOUT_MS + 60000);
  let runId: string;
  let runDir: string;

  test('Train on This Dataset with autoStart runs the trainer to completion with the bundled model', async () => {
    const ext = await activeExtension();
    const python = vscode.workspace.getConfiguration('tunelab').get<string>('pythonPath');
    assert.strictEqual(python, process.env.TUNELAB_PYTHON, 'tunelab.pythonPath should be the Python the launcher seeded');
    const returned = await vscode.commands.executeCommand<unknown>('tunelab.trainOnDataset', workspaceFile('train.jsonl'),
      { autoStart: true, overrides: TINY });
    if (typeof returned !== 'string') {
      // Say why: the command refuses datasets with lint errors and configs that do not validate.
      const api = ext.exports as { lintNow?: (u: vscode.Uri) => Promise<readonly vscode.Diagnostic[]> } | undefined;
      const errors = (await api?.lintNow?.(workspaceFile('train.jsonl')) ?? [])
        .filter((d) => d.severity === vscode.DiagnosticSeverity.Error).slice(0, 3).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
      const model = path.join(ext.extensionPath, 'models', 'tunelab-tiny-llama', 'config.json');
      assert.fail(`tunelab.trainOnDataset should return the run id, returned ${JSON.stringify(returned)}; `
        + `train.jsonl lint errors: ${errors.join('; ') || 'none'}; bundled model ${fs.existsSync(model) ? 'present' : 'missing'}`);
    }
    runId = returned as string;
    runDir = path.join(workspaceDir(), '.tunelab', 'runs', runId);
    assert.ok(fs.existsSync(path.join(runDir, 'config.json')), `no config.json in ${runDir}`);

    const config = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
    for (const [k, v] of Object.entries(TINY)) assert.strictEqual(config[k], v, `config.json ${k}`);
    assert.strictEqual(fs.realpathSync(config.model), fs.realpathSync(path.join(ext.extensionPath, 'models', 'tunelab-tiny-llama')),
      'the default model should be the one bundled in the installed extension');

    const last = await poll(`the run ${runId} to end`, RUN_TIMEOUT_MS, () => {
      const evs = readEvents(runDir);
      const end = evs.find((e) => e.type === 'done' || e.type === 'error');
      return end ? evs : undefined;
    }, 1000);
    const terminal = last[last.length - 1];
    const log = () => { try { return fs.readFileSync(path.join(runDir, 'trainer.log'), 'utf8').slice(-1500); } catch { return ''; } };
    assert.strictEqual(terminal.type, 'done', `events.jsonl ends with ${JSON.stringify(terminal)}\ntrainer.log:\n${log()}`);
    assert.strictEqual(terminal.status, 'completed');
    const steps = last.filter((e) => e.type === 'step');
    assert.strictEqual(steps.length, TINY.max_steps, 'one step event per optimizer step');
    assert.ok(steps.every((s) => typeof s.loss === 'number' && Number.isFinite(s.loss)), 'every step has a finite loss');
    for (const f of ['adapter_config.json', 'adapter_model.safetensors']) {
      assert.ok(fs.existsSync(path.join(runDir, 'adapter', f)), `adapter/${f} missing`);
    }
  });

  test('the finished run is listed in the Runs view', async function () {
    if (!runId) this.skip();
    const ext = await activeExtension();
    const provider = (ext.exports as RunsApi | undefined)?.runsProvider;
    assert.ok(provider, 'activate() does not export { runsProvider }: the Runs view cannot be inspected');
    await vscode.commands.executeCommand('tunelab.refreshRuns');
    const deadline = Date.now() + 15000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      const roots = (await provider.getChildren()) ?? [];
      const items = await Promise.all(roots.map((r) => provider.getTreeItem(r)));
      seen = items.map((i) => [typeof i.label === 'string' ? i.label : i.label?.label, i.description, i.tooltip, i.id]
        .filter((x) => typeof x === 'string').join(' '));
      const mine = items.find((i, n) => seen[n].includes(runId) || i.id === runId);
      if (mine) {
        assert.ok(!/running/i.test(String(mine.contextValue ?? '')), `finished run shown as ${mine.contextValue}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.fail(`run ${runId} not in the Runs view; items: ${JSON.stringify(seen)}`);
  });

  test('a stopped run with a checkpoint is resumable in the Runs view, and Resume Run trains it to completion', async function () {
    const ext = await activeExtension();
    const provider = (ext.exports as RunsApi | undefined)?.runsProvider;
    assert.ok(provider, 'activate() does not export { runsProvider }');
    const LONG = { ...TINY, max_steps: 40, save_every: 2 };
    // The previous test's trainer may still be exiting after its done event (one run at a time): retry briefly.
    const id = await pollAsync('tunelab.trainOnDataset to start a run', 20000, async () => {
      const r = await vscode.commands.executeCommand<unknown>('tunelab.trainOnDataset', workspaceFile('train.jsonl'), { autoStart: true, overrides: LONG });
      return typeof r === 'string' ? r : undefined;
    }, 1000);
    const dir = path.join(workspaceDir(), '.tunelab', 'runs', id as string);
    const log = () => { try { return fs.readFileSync(path.join(dir, 'trainer.log'), 'utf8').slice(-1500); } catch { return ''; } };
    await poll(`a checkpoint of ${id as string}`, RUN_TIMEOUT_MS, () => readEvents(dir).find((e) => e.type === 'checkpoint' || e.type === 'done' || e.type === 'error'), 500);
    assert.strictEqual(await vscode.commands.executeCommand('tunelab.stopRun', id), true, 'tunelab.stopRun should stop the training run');
    const stopped = await poll(`${id as string} to stop`, RUN_TIMEOUT_MS, () => readEvents(dir).find((e) => e.type === 'done' || e.type === 'error'), 500);
    assert.strictEqual(stopped.type, 'done', `expected done(stopped), got ${JSON.stringify(stopped)}\n${log()}`);
    assert.strictEqual(stopped.status, 'stopped');
    const stoppedAt = stopped.steps as number;
    assert.ok(stoppedAt < LONG.max_steps, `the run finished (${stoppedAt} steps) before it could be stopped`);

    await vscode.commands.executeCommand('tunelab.refreshRuns');
    const item = await pollAsync('the run to show as resumable', 15000, async () => {
      for (const r of (await provider.getChildren()) ?? []) {
        const i = await provider.getTreeItem(r);
        if (i.label === id && /\.resumable$/.test(String(i.contextValue))) return i;
      }
      return undefined;
    }, 500);
    assert.strictEqual(item.contextValue, 'run.stopped.resumable');

    // The trainer may still be exiting right after its done event: the command refuses a busy manager, so retry briefly.
    const resumed = await pollAsync('tunelab.resumeRun to start', 20000, async () => {
      const r = await vscode.commands.executeCommand<unknown>('tunelab.resumeRun', id);
      return typeof r === 'string' ? r : undefined;
    }, 1000);
    assert.strictEqual(resumed, id);
    const events = await poll(`the resumed ${id as string} to end`, RUN_TIMEOUT_MS, () => {
      const evs = readEvents(dir);
      const ends = evs.filter((e) => e.type === 'done' || e.type === 'error');
      return ends.length >= 2 ? evs : undefined;
    }, 1000);
    const resume = events.find((e) => e.type === 'resume');
    assert.ok(resume, `no resume event\n${log()}`);
    assert.ok(Array.isArray(resume.changed), 'the resume event lists the changed settings');
    const end = events[events.length - 1];
    assert.strictEqual(end.type, 'done', `${JSON.stringify(end)}\n${log()}`);
    assert.strictEqual(end.status, 'completed');
    assert.strictEqual(end.steps, LONG.max_steps);
    const after = events.slice(events.indexOf(resume)).filter((e) => e.type === 'step').map((e) => e.step as number);
    assert.ok(after.length > 0 && after[0] > (resume.step as number) - 1 && after[0] <= stoppedAt + 1, `steps after the resume: ${after.slice(0, 5).join(',')}`);
  });
});
