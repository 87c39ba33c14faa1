// Builds the extension host bundle, the CLI, and the browser bundles of the webview panels.
import { build } from 'esbuild';
import { readdirSync, existsSync, mkdirSync, copyFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'warning' };

const webviewEntries = existsSync('webview')
  ? readdirSync('webview').filter((f) => /^[a-z][\w-]*Panel\.ts$|^main-[\w-]+\.ts$/.test(f)).map((f) => `webview/${f}`)
  : [];

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
  // Lints of open datasets run in this worker thread, off the extension host's main thread.
  build({ ...common, entryPoints: ['src/host/lintWorker.ts'], outfile: 'dist/lintWorker.js', platform: 'node', format: 'cjs', target: 'node20' }),
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } }),
  webviewEntries.length && build({ ...common, entryPoints: webviewEntries, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022' }),
]);

// Codicons font for the webviews (vscode-elements uses it for icons).
mkdirSync('dist/media', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) {
  const src = `node_modules/@vscode/codicons/dist/${f}`;
  if (existsSync(src)) copyFileSync(src, `dist/media/${f}`);
}
