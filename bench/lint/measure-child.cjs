/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS wrapper that loads the CommonJS CLI */
// Runs `node SCRIPT ARGS...` in this process and prints its peak RSS and CPU time to stderr on exit, in the format of
// `/usr/bin/time -f "TUNELAB_RUSAGE %M %U %S"` (KB, seconds): bench-lint.mjs uses it where /usr/bin/time is missing.
// process.resourceUsage() covers every thread of the process, the lint workers included.
const path = require('node:path');
const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], path.resolve(script), ...args];
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`TUNELAB_RUSAGE ${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
});
const cli = require(path.resolve(script));
cli.main(args).then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`${e.message}\n`); process.exitCode = 2; });
