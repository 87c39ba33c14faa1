// Entry point VS Code calls (extensionTestsPath): runs every *.test.js next to this file with mocha, tdd UI.
// Results go to the file named by TUNELAB_E2E_RESULTS (the launcher reads it); the promise settles the
// workbench's codeAutomationExit (0 = passed).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // The reporter lives in the source tree (plain JS): out/test/host -> test/e2e.
  const reporter = path.resolve(__dirname, '..', '..', '..', 'test', 'e2e', 'resultsReporter.js');
  const mocha = new Mocha({ ui: 'tdd', timeout: 60000, color: false, reporter,
    reporterOptions: { output: process.env.TUNELAB_E2E_RESULTS },
    // TUNELAB_E2E_GREP runs only the suites whose titles match (e.g. "editor"), for a quick check.
    grep: process.env.TUNELAB_E2E_GREP || undefined });
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host tests failed`)) : resolve()));
  });
}
