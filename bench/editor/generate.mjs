// Writes the editor benchmark's dataset: clean chat records (1% exact, 1% near duplicates) from the lint corpus
// generator, with one invalid line near the end so that the first diagnostics are recognisable.
//   node bench/editor/generate.mjs OUT.jsonl [MB]      (needs `npx tsc -p tsconfig.test.json` first)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chatJsonl } = require('../../out/test/unit/support/lint-corpus.js');
const [out, mb = '47'] = process.argv.slice(2);
if (!out) throw new Error('usage: node bench/editor/generate.mjs OUT.jsonl [MB]');
// VS Code does not hand documents over 50 MiB to extensions: stay under that.
const bytes = Math.round(Number(mb) * 1e6);
const text = chatJsonl(bytes - 100, 7);
const lines = text.split('\n');
lines.splice(lines.length - 3, 0, '{"messages": [{"role": "user", "content": "cut off"');
writeFileSync(out, lines.join('\n'));
console.log(`${out}: ${(Buffer.byteLength(lines.join('\n')) / 1e6).toFixed(1)} MB, ${lines.length - 1} lines`);
