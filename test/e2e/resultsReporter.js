// Mocha reporter used by both the extension-host suites and the UI suites: spec-style lines on the console
// plus a results file the launcher reads (the extension host's console only reaches the browser console).
// Results file: {"tests":[{"title","state":"passed"|"failed","duration","error"?}], "passes", "failures", "done"}
// written after every test, so a suite that hangs or crashes still leaves what it got through.
'use strict';
const fs = require('fs');
const Mocha = require('mocha');
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const output = (options.reporterOption || options.reporterOptions || {}).output || process.env.TUNELAB_E2E_RESULTS;
    const results = { tests: [], passes: 0, failures: 0, done: false };
    const save = () => { if (output) fs.writeFileSync(output, JSON.stringify(results, null, 1)); };
    save();
    runner.on(EVENT_TEST_PASS, (test) => {
      results.tests.push({ title: test.fullTitle(), state: 'passed', duration: test.duration });
      results.passes++; save();
    });
    runner.on(EVENT_TEST_FAIL, (test, err) => {
      // A failing hook is reported as a test too: its title says which hook.
      results.tests.push({ title: test.fullTitle(), state: 'failed', duration: test.duration,
        error: String((err && (err.stack || err.message)) || err).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 8).join('\n') });
      results.failures++; save();
    });
    runner.on(EVENT_TEST_PENDING, (test) => { results.tests.push({ title: test.fullTitle(), state: 'pending' }); save(); });
    runner.on(EVENT_RUN_END, () => { results.done = true; save(); });
  }
}

module.exports = ResultsReporter;
