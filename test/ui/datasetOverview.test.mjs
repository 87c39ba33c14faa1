// UI: the dataset overview through the real workbench in Chromium: open a dataset, click the status bar item that
// names its format and record count, check the overview's figures, open Fix All's list of codes, click a finding's
// line number and see the editor go to that record; an eval file's overview names its leakage check.
import assert from 'node:assert';
import { e2eEnv, findFrame, poll, quickOpen, screenshot, useWorkbench } from './workbench.mjs';

/** The cursor's line as the status bar shows it ("Ln 3, Col 1"). */
async function cursorLine(page) {
  const text = await page.locator('#status\\.editor\\.selection').innerText().catch(() => '');
  const m = /Ln (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

suite('dataset overview (UI)', function () {
  const env = e2eEnv();
  const workbench = useWorkbench(env, 'failed-overview');

  test('shows counts, token percentiles and findings; clicking a finding reveals its record', async () => {
    const page = workbench.page;
    await quickOpen(page, 'dup.jsonl');
    // The duplicate's squiggle: the extension host has the document (and its editor) before the command runs there.
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 30000 });
    // The status bar names the detected format and the record count; a click on it opens the overview.
    const status = page.locator('.statusbar-item', { hasText: 'chat · 3 records' });
    await status.first().waitFor({ timeout: 30000 });
    await status.first().click();
    const frame = await findFrame(page, '#overview-status');
    await poll('the overview to fill in', 60000, async () =>
      ((await frame.locator('#overview-status').getAttribute('data-state')) === 'ready' ? true : undefined));
    assert.match(await frame.locator('#overview-title').innerText(), /dup\.jsonl/);
    assert.match(await frame.locator('#formats-table').innerText(), /chat\s+3/);
    assert.match(await frame.locator('#roles-table').innerText(), /user\s+3/);
    const stats = await frame.locator('#token-stats').innerText();
    assert.match(stats, /p10 .*p50 .*p90 /, stats);
    assert.ok(Number(await frame.locator('#histogram').getAttribute('data-bins')) >= 1, 'the histogram has no bins');
    assert.match(await frame.locator('#clusters').innerText(), /2 identical records: lines 1, 3/);
    const link = frame.locator('.finding-group[data-code="duplicate"] .record-link[data-line="3"]');
    assert.strictEqual(await link.count(), 1, 'no link to line 3 under the duplicate findings');
    await screenshot(page, env.screenshots, 'dataset-overview.png');
    // Fix All… is offered (a duplicate has a fix) and opens the list of codes to fix in the workbench; left unpicked here.
    const fixAll = frame.locator('#fix-all-button');
    assert.strictEqual(await fixAll.isVisible(), true, 'no Fix All button');
    await fixAll.click();
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'duplicate' });
    await pick.first().waitFor({ timeout: 20000 });
    assert.match(await pick.first().innerText(), /duplicate[\s\S]*1 finding[\s\S]*delete the later copies/);
    await page.keyboard.press('Escape');
    await link.click();
    const line = await poll('the editor to show line 3', 20000, async () => ((await cursorLine(page)) === 3 ? 3 : undefined));
    assert.strictEqual(line, 3);
    const active = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label');
    assert.match(String(active), /dup\.jsonl/, `the active tab is ${active}`);
  });

  test('an eval file\'s overview says which training file its records were checked against for leakage', async () => {
    const page = workbench.page;
    await quickOpen(page, 'eval.jsonl');
    const status = page.locator('.statusbar-item', { hasText: 'chat · 8 records' });
    await status.first().waitFor({ timeout: 30000 });
    await status.first().click();
    // The first test's overview may still be open: the frame whose title names eval.jsonl.
    const frame = await poll('the eval file\'s overview', 60000, async () => {
      for (const f of page.frames()) {
        const title = await f.locator('#overview-title').innerText({ timeout: 200 }).catch(() => '');
        if (/eval\.jsonl/.test(title) && (await f.locator('#overview-status').getAttribute('data-state').catch(() => '')) === 'ready') return f;
      }
      return undefined;
    });
    const check = frame.locator('#leakage-check');
    assert.strictEqual(await check.isVisible(), true, 'no leakage line on an eval file');
    assert.match(await check.innerText(), /^Checked for leakage from train\.jsonl \(48 training records\): no eval record leaks\.$/);
  });
});
