/**
 * `tunelab lint --format sarif`: the findings as a SARIF 2.1.0 log, the format code-scanning services read (GitHub's
 * upload-sarif action, Azure DevOps, SonarQube), so a dataset gate in CI shows its findings on the file's lines.
 * Columns are UTF-16 code units with an exclusive end, as in SARIF (`columnKind` utf16CodeUnits), so they carry over
 * as they are.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { RULE_SUMMARIES } from './rule-summaries';
import { LINT_CODES, type LintOutput, type Severity } from './types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVELS: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifTool { version: string; informationUri?: string }

export function formatFindingsSarif(output: LintOutput, tool: SarifTool): Log {
  const rules: ReportingDescriptor[] = LINT_CODES.map((code) => ({ id: code, shortDescription: { text: RULE_SUMMARIES[code] } }));
  const ruleIndex = new Map(LINT_CODES.map((code, i) => [code, i]));
  const results: Result[] = output.diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: ruleIndex.get(d.code),
    level: LEVELS[d.severity],
    message: { text: d.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: fileUri(d.path) },
        region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
      },
    }],
    ...(d.related.length && {
      relatedLocations: d.related.map((r, id) => ({
        id,
        message: { text: r.message },
        physicalLocation: { artifactLocation: { uri: fileUri(r.path) }, region: { startLine: r.line } },
      })),
    }),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'Tunelab', ...(tool.informationUri && { informationUri: tool.informationUri }), version: tool.version, rules } },
      columnKind: 'utf16CodeUnits',
      invocations: [{
        executionSuccessful: output.ioErrors.length === 0,
        toolExecutionNotifications: output.ioErrors.map((e) => ({
          level: 'error',
          message: { text: `cannot read the file: ${e.message}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(e.path) } } }],
        })),
      }],
      results,
    }],
  };
}

/**
 * A path as the user gave it, as a SARIF artifact URI: relative paths stay relative (code scanning resolves them from
 * the checkout's root), with `/` separators and each segment percent-encoded; absolute paths become file: URLs.
 */
export function fileUri(p: string): string {
  if (path.isAbsolute(p) || path.win32.isAbsolute(p)) return pathToFileURL(p).href;
  return p.split(/[\\/]/).map(encodeURIComponent).join('/');
}
