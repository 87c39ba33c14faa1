// Runs the mocha suites of test/host inside code-server's extension host.
// The workbench honours a `payload` URL parameter (with the smoke-test driver on) carrying the same
// extensionDevelopmentPath / extensionTestsPath that @vscode/test-electron passes on a desktop, and reports
// the outcome through window.codeAutomationExit(code).
//
// extensionDevelopmentPath is a throwaway runner extension with its own id, generated in the run folder: the
// extension under test (tunelab.tunelab) is therefore the one installed from the .vsix into the extensions
// dir, not the source tree. A suite checks that.
'use strict';
const fs = require('fs');
const path = require('path');
const { launchBrowser } = require('./browser');

const START_TIMEOUT_MS = 180000;

function writeRunnerExtension(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'e2e-runner', publisher: 'tunelab-e2e', version: '0.0.0', displayName: 'Tunelab e2e test runner',
    description: 'Carries extensionTestsPath; contributes nothing.', engines: { vscode: '^1.90.0' },
  }, null, 2));
  return dir;
}

function payloadUrl(server, folder, devPath, testsPath) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(testsPath)]];
  return `${server.base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function readResults(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return undefined; }
}

/**
 * @returns {{exitCode: number|string, results: object|undefined}} exitCode: 0 passed, 1 failed, 'timeout',
 *          'tests-never-started' (see the browser's console.log) or 'server-exited'.
 */
async function runHostSuites({ server, runDir, workspace, testsIndex, resultsFile, timeoutMs, log }) {
  const runnerExt = writeRunnerExtension(path.join(runDir, 'runner-extension'));
  const browser = await launchBrowser(path.join(runDir, 'browser-host'));
  let exitCode;
  let printed = 0;
  const printNew = (r) => {
    for (const t of r.tests.slice(printed)) log(`  ${t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip'} ${t.title}`);
    printed = r.tests.length;
  };
  let finished = false;
  try {
    let report;
    const exited = new Promise((r) => { report = r; });
    await browser.page.exposeFunction('codeAutomationExit', (code) => report(code));
    log(`host suites: opening the workbench on ${workspace}`);
    await browser.page.goto(payloadUrl(server, workspace, runnerExt, testsIndex));
    const started = Date.now();
    exitCode = await Promise.race([
      exited,
      (async () => {
        // Progress and liveness: print each finished test as the results file grows; stop if the server died.
        while (!finished && Date.now() - started < timeoutMs) {
          if (server.hasExited()) return 'server-exited';
          const r = readResults(resultsFile);
          // The reporter writes the file as soon as mocha starts; without it the tests never began.
          if (!r && Date.now() - started > START_TIMEOUT_MS) return 'tests-never-started';
          if (r) printNew(r);
          await new Promise((res) => setTimeout(res, 1000));
        }
        return 'timeout';
      })(),
    ]);
  } finally {
    finished = true;
    await browser.close();
  }
  const results = readResults(resultsFile);
  if (results) printNew(results);
  return { exitCode, results };
}

module.exports = { runHostSuites };
