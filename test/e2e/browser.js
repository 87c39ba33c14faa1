// Debian's Chromium driven by playwright-core (no browser download). Shared by the launcher and the UI suites.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/**
 * A fresh browser profile under `dir` (launch() refuses --user-data-dir; a persistent context is the equivalent).
 * Browser console lines are collected and written to `<dir>/console.log` when the context closes.
 */
async function launchBrowser(dir, { viewport = { width: 1400, height: 900 } } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: process.env.TUNELAB_CHROMIUM || '/usr/bin/chromium', headless: true, viewport, args: CHROMIUM_ARGS,
    // Chromium's crash database and caches follow XDG, not --user-data-dir: keep them in the run folder too.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_CACHE_HOME: path.join(dir, 'xdg-cache') },
  });
  const page = context.pages()[0] || await context.newPage();
  const lines = [];
  page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  const close = async () => {
    fs.writeFileSync(path.join(dir, 'console.log'), lines.join('\n') + '\n');
    await Promise.race([context.close(), new Promise((r) => setTimeout(r, 15000))]);
  };
  return { context, page, close };
}

module.exports = { launchBrowser, CHROMIUM_ARGS };
