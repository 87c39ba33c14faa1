// Writes the editor benchmark's dataset: clean chat records (1% exact, 1% near duplicates) from the lint corpus
// generator, with one invalid record near the end so that the whole file's diagnostics are recognisable.
//   node bench/editor/generate.mjs OUT [MB] [jsonl|array|csv]      (needs `npx tsc -p tsconfig.test.json` first)
// array: a JSON array, indented by 2 as json.dump(indent=2) writes it; csv: a `messages` column of JSON.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chatJsonl } = require('../../out/test/unit/support/lint-corpus.js');
const [out, mb = '47', format = 'jsonl'] = process.argv.slice(2);
if (!out || !['jsonl', 'array', 'csv'].includes(format)) throw new Error('usage: node bench/editor/generate.mjs OUT [MB] [jsonl|array|csv]');
// VS Code does not hand documents over 50 MiB to extensions: stay under that.
const bytes = Math.round(Number(mb) * 1e6);
const lines = chatJsonl(bytes - 100, 7).split('\n');
const invalid = '{"messages": [{"role": "user", "content": "cut off"}], }';
let text;
if (format === 'jsonl') {
  lines.splice(lines.length - 3, 0, '{"messages": [{"role": "user", "content": "cut off"');
  text = lines.join('\n');
} else {
  // The same records, as many as fit in `bytes` written this way.
  const pieces = [];
  let size = 100;
  for (const line of lines.filter((l) => l.trim())) {
    const messages = JSON.parse(line).messages;
    const piece = format === 'array'
      ? `  ${JSON.stringify({ messages }, null, 2).replace(/\n/g, '\n  ')}`
      : `"${JSON.stringify(messages).replace(/"/g, '""')}"`;
    size += Buffer.byteLength(piece) + 2;
    if (size > bytes) break;
    pieces.push(piece);
  }
  pieces.splice(pieces.length - 2, 0, format === 'array' ? `  ${invalid}` : '"[]",an extra field');
  text = format === 'array' ? `[\n${pieces.join(',\n')}\n]\n` : `messages\n${pieces.join('\n')}\n`;
}
writeFileSync(out, text);
console.log(`${out}: ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB, ${text.split('\n').length} lines`);
