/**
 * `tunelab lint --format github`: one GitHub Actions workflow command per finding (`::error file=…,line=…::message`),
 * which the Actions runner turns into annotations on the file's lines in the pull request; the summary line follows
 * as plain text. Escaping as the runner reads it: `%`, CR and LF in every value, and `:` and `,` in properties too.
 */
import { summaryLine } from './format-text';
import type { Diagnostic, LintOutput, Severity } from './types';

const COMMANDS: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatFindingsGithub(output: LintOutput): string {
  const lines = output.diagnostics.map((d) => `::${COMMANDS[d.severity]} ${properties(d)}::${escapeData(d.message)}`);
  for (const e of output.ioErrors) lines.push(`::error file=${escapeProperty(e.path)},title=${escapeProperty('tunelab: unreadable file')}::${escapeData(`cannot read the file: ${e.message}`)}`);
  lines.push(summaryLine(output));
  return lines.join('\n') + '\n';
}

function properties(d: Diagnostic): string {
  const props: [string, string | number][] = [['file', d.path], ['line', d.line], ['endLine', d.endLine]];
  // The runner takes columns only for a span on one line.
  if (d.line === d.endLine) props.push(['col', d.column], ['endColumn', d.endColumn]);
  props.push(['title', `tunelab ${d.code}`]);
  return props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
}

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
