/** The CLI's text output: one `path:line:col: severity code: message` line per finding, then a summary line. */
import { plural } from './rules/describe';
import type { LintOutput } from './types';

export function formatFindingsText(output: LintOutput): string {
  const lines = output.diagnostics.map((d) => `${d.path}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
  for (const e of output.ioErrors) lines.push(`${e.path}: error: cannot read the file: ${e.message}`);
  lines.push(summaryLine(output));
  return lines.join('\n') + '\n';
}

/** The last line of every output format but JSON: files, records, formats and findings by severity. */
export function summaryLine(output: LintOutput): string {
  const s = output.stats;
  const formats = Object.entries(s.formats).map(([f, n]) => `${f} ${n}`).join(', ');
  let line = `${plural(s.files, 'file')}, ${plural(s.records, 'record')}${formats ? ` (${formats})` : ''}`;
  if (s.emptyFiles) line += `, ${plural(s.emptyFiles, 'empty file')}`;
  if (output.ioErrors.length) line += `, ${plural(output.ioErrors.length, 'unreadable file')}`;
  const { error, warning, info } = s.findingsBySeverity;
  const counts = [error && plural(error, 'error'), warning && plural(warning, 'warning'), info && `${info} info`].filter(Boolean);
  return `${line}: ${counts.length ? counts.join(', ') : 'no problems found'}`;
}
