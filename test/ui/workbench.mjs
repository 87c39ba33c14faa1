// Driving the code-server workbench from Chromium: command palette, webview frames, views.
// Used by the UI suites; the launcher (test/e2e/run.js) passes the server URL and workspace in the environment.
import fs from 'node:fs';
import path from 'node:path';
import browserModule from '../e2e/browser.js';

export function e2eEnv() {
  const need = (k) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set: run the UI suites through test/e2e/run.js`);
    return v;
  };
  return {
    url: need('TUNELAB_E2E_URL'),
    workspace: need('TUNELAB_E2E_WORKSPACE'),
    browserDir: need('TUNELAB_E2E_BROWSER_DIR'),
    screenshots: need('TUNELAB_E2E_SCREENSHOTS'),
  };
}

/** Opens the workspace in a fresh browser profile and waits for the workbench. */
export async function openWorkbench(env) {
  const browser = await browserModule.launchBrowser(env.browserDir);
  await browser.page.goto(`${env.url}/?folder=${encodeURIComponent(env.workspace)}`);
  await browser.page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  // The status bar is drawn once the workbench has restored; the palette is not reliable before.
  await browser.page.waitForSelector('.statusbar', { timeout: 60000 });
  return browser;
}

/**
 * The mocha hooks of a suite that drives one workbench: opened with Tunelab's view container shown (after the suite's
 * hooks registered before this call), a screenshot named `failedShot`-<title> of each failed test, closed at the end
 * (before the suite's teardown hooks registered after this call). `page` is the workbench page once it is open.
 */
export function useWorkbench(env, failedShot) {
  let browser;
  suiteSetup(async function () {
    this.timeout(150000);
    browser = await openWorkbench(env);
    await waitForViewContainer(browser.page, 'Tunelab');
  });
  teardown(async function () {
    await screenshotIfFailed(this.currentTest, browser?.page, env.screenshots, failedShot);
  });
  suiteTeardown(async () => {
    if (browser) await browser.close();
  });
  return { get page() { return browser.page; } };
}

/** Waits until the activity bar shows a view container (its extension is registered in the workbench). */
export async function waitForViewContainer(page, title, timeoutMs = 90000) {
  await page.locator(`.activitybar .action-label[aria-label^="${title}"]`).first().waitFor({ state: 'attached', timeout: timeoutMs });
}

/** Runs a command through F1 by its palette title, e.g. "Tunelab: Open Training Panel". */
export async function runCommand(page, title) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('F1');
    if (await input.waitFor({ state: 'visible', timeout: 10000 }).then(() => true, () => false)) break;
  }
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  // Contributed commands appear once the extension host has registered the extension: retype until then.
  const deadline = Date.now() + 30000;
  for (;;) {
    await input.fill('');
    await input.fill(`>${title}`);
    if (await row.waitFor({ timeout: 5000 }).then(() => true, () => false)) break;
    if (Date.now() > deadline) throw new Error(`the command palette has no "${title}"`);
  }
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
}

/** Opens a workspace file through Quick Open, as a user would. */
export async function quickOpen(page, name, timeoutMs = 15000) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: timeoutMs });
}

/** The webview frame that holds `selector` (webviews are iframes two levels deep: walk every frame). */
export async function findFrame(page, selector, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const found = await frame.$(selector).then((h) => h !== null, () => false);
      if (found) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame with ${selector} after ${timeoutMs / 1000} s`);
}

/** Polls `probe` (async) until it returns something other than undefined. */
export async function poll(what, timeoutMs, probe, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function screenshot(page, dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  await page.screenshot({ path: file });
  return file;
}

/** For a mocha teardown: a failed test leaves a picture of the workbench as it was, named after the test. */
export async function screenshotIfFailed(currentTest, page, dir, prefix) {
  if (currentTest?.state !== 'failed' || !page) return;
  const name = `${prefix}-${currentTest.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}.png`;
  console.log(`      screenshot: ${await screenshot(page, dir, name).catch((e) => e.message)}`);
}
