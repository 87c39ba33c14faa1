// End-to-end launcher: the packaged tunelab.vsix in a real VS Code (code-server) driven by Chromium.
//   node test/e2e/run.js [--vsix FILE] [--only host|ui]
// Needs: scripts/setup-e2e.sh (toolchain), the vsix (scripts/package-vsix.sh), the host suites compiled to
// out/test/host (test/e2e/run.sh does both), and env TUNELAB_PYTHON (the trainer's Python).
// Everything a run writes goes to test-output/e2e/<timestamp>/ (profile, XDG dirs, TMPDIR, logs, workspaces).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const cs = require('./codeServer');
const { runHostSuites } = require('./hostSuites');
const { createWorkspace } = require('./workspace');

const REPO = path.resolve(__dirname, '..', '..');
const HOST_TIMEOUT_MS = 10 * 60000;
const UI_TIMEOUT_MS = 8 * 60000;

const T0 = Date.now();
const log = (msg) => console.log(`[e2e ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s] ${msg}`);

function parseArgs(argv) {
  const opts = { vsix: path.join(REPO, 'tunelab.vsix'), only: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vsix') opts.vsix = path.resolve(argv[++i]);
    else if (argv[i] === '--only') opts.only = argv[++i];
    else throw new Error(`unknown argument ${argv[i]} (usage: run.js [--vsix FILE] [--only host|ui])`);
  }
  if (opts.only && !['host', 'ui'].includes(opts.only)) throw new Error(`--only takes host or ui, not ${opts.only}`);
  return opts;
}

function timestamp() {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*/, '');
}

function userSettings(python) {
  return {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': 'off',
    'workbench.enableExperiments': false,
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'tunelab.pythonPath': python,
  };
}

/** Trainers the extension started detached outlive code-server; stop those of our workspaces by their pid file. */
function stopLeftoverTrainers(workspaces) {
  for (const ws of workspaces) {
    const runs = path.join(ws, '.tunelab', 'runs');
    if (!fs.existsSync(runs)) continue;
    for (const id of fs.readdirSync(runs)) {
      const pidFile = path.join(runs, id, 'pid');
      const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0;
      if (!pid) continue;
      // A pid file can outlive its process and the number be reused: only signal a live tunelab trainer.
      let cmdline = '';
      try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
      if (!cmdline.includes('tunelab_trainer')) continue;
      log(`stopping trainer ${pid} left running by run ${id}`);
      try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    }
  }
}

/** Keeps the newest `keep` run folders (their names sort by time); each holds a browser profile and logs. */
function pruneOldRuns(root, keep) {
  if (!fs.existsSync(root)) return;
  const runs = fs.readdirSync(root).filter((n) => /^\d{8}-\d{6}$/.test(n)).sort();
  for (const n of runs.slice(0, Math.max(0, runs.length - keep))) fs.rmSync(path.join(root, n), { recursive: true, force: true });
}

/** Runs the UI suites (mocha in a Node child process) against the running server. */
function runUiSuites({ server, runDir, workspace }) {
  const resultsFile = path.join(runDir, 'ui-results.json');
  const files = fs.readdirSync(path.join(REPO, 'test', 'ui')).filter((f) => f.endsWith('.test.mjs')).sort()
    .map((f) => path.join('test', 'ui', f));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--ui', 'tdd',
      '--timeout', '300000', '--reporter', path.join(__dirname, 'resultsReporter.js'), '--reporter-option', `output=${resultsFile}`,
      // TUNELAB_E2E_GREP picks tests by title, as it does for the host suites.
      ...(process.env.TUNELAB_E2E_GREP ? ['--grep', process.env.TUNELAB_E2E_GREP] : []), ...files],
    { cwd: REPO, stdio: 'inherit', env: { ...process.env, TUNELAB_E2E_URL: server.base, TUNELAB_E2E_WORKSPACE: workspace,
      TUNELAB_E2E_BROWSER_DIR: path.join(runDir, 'browser-ui'), TUNELAB_E2E_SCREENSHOTS: path.join(REPO, 'test-output', 'ui') } });
    const timer = setTimeout(() => { log(`UI suites still running after ${UI_TIMEOUT_MS / 1000} s: killing them`); child.kill('SIGKILL'); }, UI_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let results;
      try { results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch { /* none */ }
      resolve({ exitCode: signal ? signal : code, results });
    });
  });
}

/** Counts a suite run: its tests, plus one failure when it did not finish on its own. */
function tally(name, run, summary) {
  const tests = (run.results && run.results.tests) || [];
  summary.passed += tests.filter((t) => t.state === 'passed').length;
  const failed = tests.filter((t) => t.state === 'failed');
  summary.failed += failed.length;
  summary.skipped += tests.filter((t) => t.state === 'pending').length;
  for (const t of failed) summary.failures.push(`${name}: ${t.title}\n      ${t.error.replace(/\n/g, '\n      ')}`);
  const finished = run.results && run.results.done;
  if (!finished || (run.exitCode !== 0 && failed.length === 0)) {
    summary.failed++;
    summary.failures.push(`${name}: did not finish cleanly (exit ${run.exitCode}${finished ? '' : ', results incomplete'})`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const python = process.env.TUNELAB_PYTHON;
  if (!python) throw new Error('set TUNELAB_PYTHON to the Python that runs the trainer (scripts/python-env.sh prints it)');
  if (!fs.existsSync(opts.vsix)) throw new Error(`${opts.vsix} not found: run scripts/package-vsix.sh first`);
  const testsIndex = path.join(REPO, 'out', 'test', 'host', 'index.js');
  if (opts.only !== 'ui' && !fs.existsSync(testsIndex)) throw new Error(`${testsIndex} not found: compile with npx tsc -p test/host`);
  const tc = cs.toolchain();

  pruneOldRuns(path.join(REPO, 'test-output', 'e2e'), 4);
  const runDir = path.join(REPO, 'test-output', 'e2e', timestamp());
  const prof = cs.profile(runDir);
  log(`run folder ${path.relative(REPO, runDir)}`);
  // `tunelab.pythonPath` is machine-scoped: a remote workbench (code-server is one) reads those from the
  // server's Machine settings, not from User settings. Seed both.
  fs.writeFileSync(path.join(prof.userData, 'User', 'settings.json'), JSON.stringify(userSettings(python), null, 2));
  fs.mkdirSync(path.join(prof.userData, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(prof.userData, 'Machine', 'settings.json'), JSON.stringify({ 'tunelab.pythonPath': python }, null, 2));
  const hostWs = createWorkspace(path.join(runDir, 'ws-host'), REPO);
  const uiWs = createWorkspace(path.join(runDir, 'ws-ui'), REPO);
  log(`workspaces ready (data from ${hostWs.source})`);

  const hostResults = path.join(runDir, 'host-results.json');
  const env = cs.serverEnv(prof, { TUNELAB_E2E_RESULTS: hostResults, TUNELAB_E2E_EXTENSIONS_DIR: prof.extensions,
    TUNELAB_E2E_RUN_DIR: runDir });
  await cs.installExtension(tc, prof, opts.vsix, env);
  log(`installed ${path.relative(REPO, opts.vsix)} into ${path.relative(REPO, prof.extensions)}`);

  const summary = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const server = await cs.startServer(tc, prof, env);
  log(`code-server up at ${server.base} (pid ${server.child.pid})`);
  // The server runs in its own process group, so Ctrl-C does not reach it: stop it on the way out.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      log(`${sig}: stopping code-server`);
      cs.stopServer(server, 3000).finally(() => process.exit(130));
    });
  }
  try {
    if (opts.only !== 'ui') {
      log('extension-host suites (mocha in the extension host)');
      const host = await runHostSuites({ server, runDir, workspace: hostWs.dir, testsIndex, resultsFile: hostResults,
        timeoutMs: HOST_TIMEOUT_MS, log });
      log(`extension-host suites: codeAutomationExit=${host.exitCode}`);
      tally('host', host, summary);
    }
    if (opts.only !== 'host') {
      log('UI suites (Chromium against the workbench)');
      const ui = await runUiSuites({ server, runDir, workspace: uiWs.dir });
      log(`UI suites: exit ${ui.exitCode}`);
      tally('ui', ui, summary);
    }
  } finally {
    await cs.stopServer(server);
    log('code-server stopped');
    stopLeftoverTrainers([hostWs.dir, uiWs.dir]);
  }

  for (const f of summary.failures) console.log(`  FAILED ${f}`);
  console.log(`e2e: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped (logs: ${path.relative(REPO, runDir)})`);
  return summary.failed === 0 && summary.passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`e2e: ${err.message}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
