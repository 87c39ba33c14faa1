// UI: a large dataset shown in the real workbench gets Tunelab's offer to turn off VS Code's whole-document scans
// (merge-conflict after every edit, link detection on open); clicking the offer's button writes exactly those
// settings to the workspace's .vscode/settings.json, link detection for JSON Lines only. A large JSON array gets the
// offer to edit it in Tunelab's JSON Dataset mode, away from VS Code's JSON language features, and then to always
// open it so (files.associations).
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { e2eEnv, poll, quickOpen, runCommand, screenshot, useWorkbench } from './workbench.mjs';

/** Distinct chat records of made-up words (a seeded generator: no duplicates, no near-duplicates) up to `bytes`. */
function largeDataset(bytes, asArray = false) {
  let s = 0x2545f491;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) | 0) >>> 0) / 2 ** 32;
  const syllables = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vel', 'dor', 'ni', 'pa', 'que', 'zi', 'mor', 'tan', 'le', 'bu'];
  const word = () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syllables[Math.floor(rand() * syllables.length)]).join('');
  const sentence = (n) => Array.from({ length: n }, word).join(' ');
  const lines = [];
  let size = 0;
  while (size < bytes) {
    const line = JSON.stringify({ messages: [{ role: 'user', content: `${sentence(12)}?` }, { role: 'assistant', content: `${sentence(40)}.` }] });
    lines.push(line);
    size += line.length + 1;
  }
  return asArray ? `[\n${lines.join(',\n')}\n]\n` : lines.join('\n') + '\n';
}

suite('large dataset settings (UI)', function () {
  const env = e2eEnv();
  const file = path.join(env.workspace, 'large.jsonl');
  const arrayFile = path.join(env.workspace, 'large-array.json');
  const settingsFile = path.join(env.workspace, '.vscode', 'settings.json');
  let settingsBefore;

  suiteSetup(function () {
    this.timeout(60000);
    settingsBefore = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
    fs.writeFileSync(file, largeDataset(21_000_000));
    fs.writeFileSync(arrayFile, largeDataset(21_000_000, true));
  });
  const workbench = useWorkbench(env, 'failed-large');
  suiteTeardown(() => {
    fs.rmSync(file, { force: true });
    fs.rmSync(arrayFile, { force: true });
    if (settingsBefore === undefined) fs.rmSync(settingsFile, { force: true });
    else fs.writeFileSync(settingsFile, settingsBefore);
  });

  /** Opens a large file and waits for Tunelab's offer about it (a notification starting `starts`). */
  async function offerFor(name, starts) {
    const page = workbench.page;
    await quickOpen(page, name, 90000);
    // VS Code in a browser asks before showing a file this large (workbench.editorLargeFileConfirmation).
    const openAnyway = page.locator('.monaco-button', { hasText: 'Open Anyway' });
    if (await openAnyway.waitFor({ timeout: 5000 }).then(() => true, () => false)) await openAnyway.click();
    // The offer is a notification: a toast for some seconds, then in the notification centre until answered.
    const offer = page.locator('.notification-list-item', { hasText: starts }).first();
    await poll('the offer to show', 90000, async () => {
      if (await offer.isVisible()) return true;
      await runCommand(page, 'Notifications: Show Notifications');
      return (await offer.isVisible()) ? true : undefined;
    }, 2000);
    return offer;
  }

  test('a 21 MB dataset: the offer names the settings; its button turns them off in the workspace', async function () {
    this.timeout(240000);
    const page = workbench.page;
    const offer = await offerFor('large.jsonl', 'large.jsonl is 21 MB');
    const text = await offer.innerText();
    assert.match(text, /merge-conflict\.decorators\.enabled/);
    assert.match(text, /for jsonl files editor\.links, editor\.unicodeHighlight\.ambiguousCharacters and editor\.unicodeHighlight\.invisibleCharacters/);
    await screenshot(page, env.screenshots, 'large-dataset-offer.png');
    await offer.locator('.monaco-button', { hasText: 'Turn Off in This Workspace' }).click();
    const written = await poll('the workspace settings to be written', 30000, async () => {
      if (!fs.existsSync(settingsFile)) return undefined;
      try {
        const json = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
        // Written one setting after another: wait for the last.
        return json['[jsonl]']?.['editor.unicodeHighlight.invisibleCharacters'] === false ? json : undefined;
      } catch {
        return undefined; // being written
      }
    });
    assert.strictEqual(written['merge-conflict.decorators.enabled'], false);
    assert.strictEqual(written['merge-conflict.codeLens.enabled'], false);
    assert.strictEqual(written['[jsonl]']['editor.links'], false);
    assert.strictEqual(written['[jsonl]']['editor.unicodeHighlight.ambiguousCharacters'], false);
    assert.strictEqual(written['editor.links'], undefined, 'link detection stays on for other files');
    assert.strictEqual(written['editor.unicodeHighlight.ambiguousCharacters'], undefined, 'so does Unicode highlighting');
  });

  test('a 21 MB JSON array: the offer to edit it as a JSON Dataset switches the editor to that mode', async function () {
    this.timeout(240000);
    const page = workbench.page;
    // The scans were answered in this workspace (above): the offer is about the JSON language features alone.
    const offer = await offerFor('large-array.json', 'large-array.json is');
    assert.match(await offer.innerText(), /JSON language features (also )?parse the whole file (again )?after every edit/);
    await offer.locator('.monaco-button', { hasText: 'Edit as JSON Dataset' }).click();
    const mode = page.locator('[id="status.editor.mode"]');
    await poll('the language mode to show JSON Dataset', 60000, async () => ((await mode.innerText().catch(() => '')).includes('JSON Dataset') ? true : undefined));
    await screenshot(page, env.screenshots, 'large-dataset-json-mode.png');
    // Then: always open it so? The answer adds it to files.associations in the workspace's settings.
    const always = page.locator('.notification-list-item', { hasText: 'open large-array.json as a JSON Dataset every time' }).first();
    // The newest notification is at the top of the notification centre's list, which shows only the rows in view:
    // scrolled up until it is there.
    const centre = page.locator('.notifications-center');
    await poll('the offer to always open it so', 30000, async () => {
      if (await always.isVisible()) return true;
      if (await centre.isVisible()) {
        await centre.hover();
        await page.mouse.wheel(0, -3000);
      } else {
        await runCommand(page, 'Notifications: Show Notifications');
      }
      return undefined;
    }, 1000);
    await always.locator('.monaco-button', { hasText: 'Always for This File' }).click();
    const written = await poll('files.associations to be written', 30000, async () => {
      try {
        const json = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
        return json['files.associations']?.['**/large-array.json'] === 'json-dataset' ? json : undefined;
      } catch {
        return undefined;
      }
    });
    assert.deepStrictEqual(written['files.associations'], { '**/large-array.json': 'json-dataset' });
  });
});
