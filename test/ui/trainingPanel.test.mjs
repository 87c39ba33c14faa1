// UI: the training panel through the real workbench in Chromium, as a user drives it: the command palette,
// the form (method picker, fields per method, problems before Start), Start with DoRA, the live loss chart,
// and the run in the Runs view. Screenshots go to test-output/ui/.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { e2eEnv, findFrame, poll, runCommand, screenshot, useWorkbench } from './workbench.mjs';

// Small enough for two CPU cores with the bundled tiny model.
const TINY = { epochs: '1', max_steps: '4', effective_batch_size: '8', micro_batch_size: '8', max_seq_length: '128' };
const TRAIN_TIMEOUT_MS = 3 * 60000;

suite('training panel (UI)', function () {
  const env = e2eEnv();
  let panel;
  let runId;

  const workbench = useWorkbench(env, 'failed');

  test('"Tunelab: Open Training Panel" from the command palette shows the run form', async () => {
    await runCommand(workbench.page, 'Tunelab: Open Training Panel');
    panel = await findFrame(workbench.page, '#start-button');
    assert.ok(await panel.locator('#loss-chart').count(), 'the panel has no #loss-chart');
    const model = await panel.locator('#field-model').evaluate((el) => el.value);
    assert.ok(String(model).includes('tunelab-tiny-llama'), `the model field should default to the bundled model, shows "${model}"`);
  });

  test('the method picker shows the fields each method uses, and problems block Start before it is pressed', async function () {
    if (!panel) this.skip();
    const hidden = (key) => panel.locator(`#row-${key}`).evaluate((el) => el.hidden);
    const shown = async (keys) => Object.fromEntries(await Promise.all(keys.map(async (k) => [k, !(await hidden(k))])));
    const METHOD_FIELDS = ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules', 'num_virtual_tokens', 'prompt_init_text'];
    const pick = async (label) => {
      // Open the dropdown and click the option, as a user does.
      await panel.locator('#field-method').click();
      await panel.locator('#field-method [role=option]', { hasText: label }).click();
    };
    const expectShown = async (method, keys) => {
      const want = Object.fromEntries(METHOD_FIELDS.map((k) => [k, keys.includes(k)]));
      await poll(`the fields of ${method}`, 10000, async () => (JSON.stringify(await shown(METHOD_FIELDS)) === JSON.stringify(want) ? true : undefined));
    };
    await pick('Prompt tuning');
    await expectShown('prompt', ['num_virtual_tokens', 'prompt_init_text']);
    await pick('IA3');
    await expectShown('ia3', []);
    // Prefix tuning with gradient checkpointing is refused; with no training file yet, both problems show at once.
    await pick('Prefix tuning');
    await expectShown('prefix', ['num_virtual_tokens']);
    await panel.locator('#field-train_file input').fill('');
    await panel.locator('#field-gradient_checkpointing').click();
    const problems = await poll('both problems next to their fields', 10000, async () => {
      const texts = await Promise.all(['train_file', 'gradient_checkpointing'].map((k) => panel.locator(`#problem-${k}:not([hidden])`).innerText().catch(() => '')));
      return texts.every((t) => t.trim()) ? texts : undefined;
    });
    assert.match(problems[1], /method prefix does not work with gradient_checkpointing/);
    assert.strictEqual(await panel.locator('#start-button').evaluate((el) => el.disabled), true, 'Start must wait for the problems to be fixed');
    await screenshot(workbench.page, env.screenshots, 'training-form-problems.png');
    await panel.locator('#field-gradient_checkpointing').click();
    await pick('DoRA');
    await expectShown('dora', ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules']);
    await poll('the gradient checkpointing problem to go', 10000, async () => ((await panel.locator('#problem-gradient_checkpointing').evaluate((el) => el.hidden)) ? true : undefined));
    await panel.locator('#field-micro_batch_size input').fill('8');
    assert.match(await panel.locator('#accumulation').innerText(), /Gradient accumulation: 4 micro-batches of 8/);
  });

  test('Start on a dataset with lint errors is refused on the page, saying which errors and where', async function () {
    if (!panel) this.skip();
    await panel.locator('#field-train_file input').fill(path.join(env.workspace, 'bad.jsonl'));
    await panel.locator('#field-eval_file input').fill('');
    await panel.locator('#start-button').click();
    const text = await poll('the refusal on the page', 60000, async () => {
      const t = await panel.locator('#error:not([hidden])').innerText().catch(() => '');
      return t.trim() ? t : undefined;
    });
    assert.match(text, /bad\.jsonl has \d+ errors? to fix before training \(.*invalid-json ×1.*\)\. First: line 2/, text);
    const runs = path.join(env.workspace, '.tunelab', 'runs');
    assert.ok(!fs.existsSync(runs) || fs.readdirSync(runs).length === 0, 'a refused start must not create a run folder');
  });

  test('Start trains (DoRA, picked above) with the form values and draws the loss curve live', async function () {
    this.timeout(TRAIN_TIMEOUT_MS + 60000);
    if (!panel) this.skip();
    const fields = { train_file: path.join(env.workspace, 'train.jsonl'), eval_file: path.join(env.workspace, 'eval.jsonl'), ...TINY };
    for (const [key, value] of Object.entries(fields)) {
      // Type into the text field's own <input> (inside its shadow root), as a user would.
      await panel.locator(`#field-${key} input`).fill(value);
    }
    // A valid form gets the trainer's GPU memory estimate under it before Start.
    const estimate = await poll('the GPU memory estimate', 60000, async () => {
      const t = await panel.locator('#estimate:not([hidden])').innerText().catch(() => '');
      return /needs about|no estimate/.test(t) ? t : undefined;
    });
    assert.match(estimate, /^GPU memory: needs about [\d.]+ [KMG]B/, estimate);
    await panel.locator('#start-button').click();
    const points = (frame) => frame.locator('#loss-chart').getAttribute('data-points').then(Number, () => 0);
    const state = (frame) => frame.locator('#status').getAttribute('data-state').catch(() => '');
    try {
      await poll('#loss-chart data-points >= 2', TRAIN_TIMEOUT_MS, async () => {
        // A refused start shows problems next to the fields or a notice; say what they are instead of waiting.
        const refusal = await panel.locator('.problem:not([hidden]), #problems:not([hidden]), #error:not([hidden])').allInnerTexts();
        if ((await state(panel)) === 'failed' || refusal.some((t) => t.trim())) {
          throw new Error(`the run did not start or failed: ${refusal.map((t) => t.trim()).filter(Boolean).join(' | ')}`);
        }
        return (await points(panel)) >= 2 ? true : undefined;
      }, 1000);
      // Let it finish so the screenshot shows the whole curve and the Runs view a finished run.
      const final = await poll('the run to end', TRAIN_TIMEOUT_MS, async () => {
        const s = await state(panel);
        return ['completed', 'stopped', 'failed', 'interrupted'].includes(s) ? s : undefined;
      }, 1000);
      const detail = await panel.locator('#error').innerText().catch(() => '');
      assert.strictEqual(final, 'completed', `run ended ${final} ${detail}`);
      assert.ok((await points(panel)) >= 4, 'one loss point per optimizer step (max_steps 4)');
    } finally {
      const file = await screenshot(workbench.page, env.screenshots, 'training-panel.png');
      console.log(`      screenshot: ${file}`);
    }
    const runs = path.join(env.workspace, '.tunelab', 'runs');
    const ids = fs.existsSync(runs) ? fs.readdirSync(runs) : [];
    assert.strictEqual(ids.length, 1, `expected one run folder in ${runs}, found ${ids.join(', ') || 'none'}`);
    runId = ids[0];
    const config = JSON.parse(fs.readFileSync(path.join(runs, runId, 'config.json'), 'utf8'));
    assert.strictEqual(config.method, 'dora', 'the method picked in the form reaches the run');
  });

  test('the Runs view lists the run', async function () {
    if (!runId) this.skip();
    const page = workbench.page;
    await runCommand(page, 'Tunelab: Refresh Runs');
    await runCommand(page, 'Focus on Runs View');
    const stem = runId.replace(/^\d{8}-\d{6}-/, '');
    const row = await poll(`a row for ${runId} in the Runs view`, 30000, async () => {
      const rows = page.locator('.pane-body .monaco-list-row');
      for (const r of await rows.all()) {
        const text = `${await r.innerText().catch(() => '')} ${await r.getAttribute('aria-label').catch(() => '')}`;
        if (text.includes(runId) || text.includes(stem)) return text.replace(/\s+/g, ' ').trim();
      }
      return undefined;
    });
    const file = await screenshot(page, env.screenshots, 'runs-view.png');
    console.log(`      Runs view row: "${row}"; screenshot: ${file}`);
    assert.ok(!/failed|interrupted/i.test(row), `the run shows as ${row}`);
  });
});
