// What the status bar says of the active dataset: its detected format and record count, with every format's count
// in the tooltip. No `vscode`: tested with node:test.
import type { DatasetFormat, FileLintResult } from '../core/lint';

const FORMAT_LABELS: Record<DatasetFormat, string> = {
  chat: 'chat (messages)',
  sharegpt: 'ShareGPT (conversations)',
  instruction: 'instruction (Alpaca)',
  'prompt-completion': 'prompt-completion',
  text: 'raw text',
  empty: 'empty',
  unknown: 'no known format',
};

export function formatLabel(format: DatasetFormat): string {
  return FORMAT_LABELS[format] ?? format;
}

/** `provisional`: the counts are the last whole lint's (the file is being re-checked after an edit). */
export function datasetStatus(result: FileLintResult, provisional = false): { text: string; tooltip: string } {
  const n = result.stats.records;
  const records = `${n.toLocaleString('en-US')} record${n === 1 ? '' : 's'}`;
  const text = `$(database) ${result.format === 'empty' ? 'empty dataset' : `${result.format} · ${records}`}`;
  const formats = Object.entries(result.stats.formats).filter(([, c]) => c).sort((a, b) => b[1] - a[1]);
  const lines = [`Tunelab: ${formatLabel(result.format)} dataset, ${records}${result.stats.invalidRecords ? ` (${result.stats.invalidRecords.toLocaleString('en-US')} not valid JSON)` : ''}.`];
  if (formats.length > 1) {
    lines.push(`Formats: ${formats.map(([f, c]) => `${f} ${c.toLocaleString('en-US')}`).join(', ')}; records of another format than the file's get a schema finding.`);
  }
  if (provisional) lines.push('Re-checking after an edit: these counts are from before it.');
  lines.push('Click for the dataset overview.');
  return { text, tooltip: lines.join('\n') };
}
