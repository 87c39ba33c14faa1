// Quick fixes: the fixes core lint findings carry, each finding's alone or all of one code in the file at once, and
// two text clean-ups of string values (trim whitespace, NFC-normalise) for a line or the whole file. Each is one
// WorkspaceEdit, so one undo takes it back.
import * as vscode from 'vscode';
import type { Finding, LintCode, TextEdit } from '../core/lint';
import { findingRange, isCsvDocument, isDatasetDocument, type DatasetDiagnostics } from './datasetDiagnostics';
import { fixAllOfCode } from '../core/lint/fix-all';
import { PARQUET_ROWS_SCHEME } from './parquetRows';
import { STRING_CLEANUPS, stringValueEdits, stringValueEditsInText, type StringCleanup, type StringTransform } from './stringValueFixes';

/** Codes whose fix cannot lose information the user meant to keep (an exact duplicate, a misspelt role). */
const PREFERRED_FIX_CODES: ReadonlySet<LintCode> = new Set<LintCode>(['duplicate', 'unknown-role']);

const CLEANUPS: { id: StringCleanup; line: string; file: string; csvRow: string }[] = [
  {
    id: 'trim', line: 'Trim whitespace around the strings of this line', file: 'Trim whitespace around every string in this file',
    csvRow: 'Trim whitespace around the cells of this row',
  },
  { id: 'nfc', line: 'NFC-normalise the strings of this line', file: 'NFC-normalise every string in this file', csvRow: 'NFC-normalise the cells of this row' },
];

/**
 * Fix-all of a code with more findings than the lint keeps (maxFindingsPerCode): the findings past the limit are
 * looked for only when the user picks it.
 */
class FixAllBeyondLimitAction extends vscode.CodeAction {
  constructor(title: string, readonly doc: vscode.TextDocument, readonly code: LintCode) {
    super(title, vscode.CodeActionKind.QuickFix);
  }
}

/** A file-wide clean-up whose edits are worked out only when the user picks it (a large file takes a moment). */
class FileCleanupAction extends vscode.CodeAction {
  constructor(title: string, readonly doc: vscode.TextDocument, readonly transform: StringTransform) {
    super(title, vscode.CodeActionKind.QuickFix);
  }
}

/** A clean-up of every cell of a CSV file, worked out by the lint worker when the user picks it. */
class CsvFileCleanupAction extends vscode.CodeAction {
  constructor(title: string, readonly doc: vscode.TextDocument, readonly cleanup: StringCleanup) {
    super(title, vscode.CodeActionKind.QuickFix);
  }
}

export function toWorkspaceEdit(uri: vscode.Uri, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(uri, findingRange(e), e.newText);
  return edit;
}

export class DatasetQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: DatasetDiagnostics) {}

  async provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    if (doc.uri.scheme === PARQUET_ROWS_SCHEME) return actions; // a read-only view of a Parquet file's rows
    const csv = isCsvDocument(doc);
    if (csv && !isDatasetDocument(doc)) return actions; // a spreadsheet, not a dataset
    const findings = this.diagnostics.findingsFor(doc);
    // Without current findings (the text changed since the lint, and a relint is on its way) only the clean-ups apply.
    if (findings) actions.push(...this.findingFixes(doc, findings, context), ...this.fixEverything(doc, context));
    actions.push(...(csv ? await this.csvCleanups(doc, range) : this.cleanups(doc, range)));
    return actions;
  }

  async resolveCodeAction(action: vscode.CodeAction): Promise<vscode.CodeAction> {
    if (action instanceof CsvFileCleanupAction && !action.edit) {
      const edits = await this.diagnostics.stringEdits(action.doc, action.cleanup);
      if (edits) action.edit = toWorkspaceEdit(action.doc.uri, edits);
    }
    if (action instanceof FileCleanupAction && !action.edit) {
      action.edit = toWorkspaceEdit(action.doc.uri, stringValueEditsInText(action.doc.getText(), action.transform));
    }
    if (action instanceof FixAllBeyondLimitAction && !action.edit) {
      const findings = await this.diagnostics.allFindingsOf(action.doc, action.code);
      const all = findings && fixAllOfCode(findings, action.code);
      // The text changed while it was linted: no edit (positions would be off); the next lint offers it again.
      if (all) action.edit = toWorkspaceEdit(action.doc.uri, all.edits);
    }
    return action;
  }

  private findingFixes(doc: vscode.TextDocument, findings: Finding[], context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const fixAllOffered = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'tunelab') continue;
      const finding = findings.find((f) => matches(f, diagnostic));
      if (!finding?.fixes?.length) continue;
      for (const fix of finding.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.edit = toWorkspaceEdit(doc.uri, fix.edits);
        action.isPreferred = finding.fixes.length === 1 && PREFERRED_FIX_CODES.has(finding.code);
        actions.push(action);
      }
      if (fixAllOffered.has(finding.code)) continue;
      fixAllOffered.add(finding.code);
      const shown = findings.filter((f) => f.code === finding.code).length;
      const found = this.diagnostics.foundOf(doc, finding.code);
      if (found > shown) {
        const action = new FixAllBeyondLimitAction(`${finding.fixes[0].title}: all ${found} ${finding.code} findings in this file`, doc, finding.code);
        action.diagnostics = [diagnostic];
        actions.push(action);
        continue;
      }
      const all = fixAllOfCode(findings, finding.code);
      if (!all) continue;
      const action = new vscode.CodeAction(`${finding.fixes[0].title}: all ${all.fixed} ${finding.code} findings in this file`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.edit = toWorkspaceEdit(doc.uri, all.edits);
      actions.push(action);
    }
    return actions;
  }

  /** With findings of two or more fixable codes in the file: the command that fixes the codes the user ticks, at once. */
  private fixEverything(doc: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!context.diagnostics.some((d) => d.source === 'tunelab')) return [];
    const codes = this.diagnostics.fixableCounts(doc).map((c) => c.code);
    if (codes.length < 2) return [];
    const action = new vscode.CodeAction(`Fix all dataset problems in this file (${codes.join(', ')})…`, vscode.CodeActionKind.QuickFix);
    action.command = { command: 'tunelab.fixAllDatasetProblems', title: action.title, arguments: [doc.uri] };
    return [action];
  }

  private cleanups(doc: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const line = doc.lineAt(Math.min(range.start.line, doc.lineCount - 1));
    if (line.text.length > 1_000_000) return actions; // one huge line: the too-long finding speaks for it
    for (const c of CLEANUPS) {
      const edits = stringValueEdits(line.text, line.lineNumber + 1, STRING_CLEANUPS[c.id]);
      if (!edits.length) continue;
      const action = new vscode.CodeAction(c.line, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(doc.uri, edits);
      actions.push(action, new FileCleanupAction(c.file, doc, STRING_CLEANUPS[c.id]));
    }
    return actions;
  }

  /**
   * The clean-ups of a CSV row: the JSON ones would rewrite a line's quoted fields as JSON strings. The row under
   * the cursor (it may span lines) is found and cleaned by the lint worker, on its copy, off the editor's thread.
   */
  private async csvCleanups(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    const line = Math.min(range.start.line, doc.lineCount - 1) + 1;
    // Asked together, and not waited for long: a worker busy linting a large CSV must not hold up the finding fixes.
    const asked = Promise.all(CLEANUPS.map((c) => this.diagnostics.stringEdits(doc, c.id, line))).catch(() => undefined);
    const answers = await withinMs(CLEANUP_WAIT_MS, asked);
    for (const [k, c] of CLEANUPS.entries()) {
      const edits = answers?.[k];
      if (!edits?.length) continue;
      const action = new vscode.CodeAction(c.csvRow, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(doc.uri, edits);
      actions.push(action, new CsvFileCleanupAction(c.file, doc, c.id));
    }
    return actions;
  }
}

/** How long the CSV clean-ups may delay the quick-fix list; past it they are left out this time. */
const CLEANUP_WAIT_MS = 250;

function withinMs<T>(ms: number, p: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function matches(f: Finding, d: vscode.Diagnostic): boolean {
  return f.code === d.code && f.message === d.message && findingRange(f).isEqual(d.range);
}
