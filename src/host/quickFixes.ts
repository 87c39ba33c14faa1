// Quick fixes from the fixes core lint findings carry; applied as one undoable WorkspaceEdit each.
import * as vscode from 'vscode';
import type { Finding, LintCode } from '../core/lint';
import { findingRange, type DatasetDiagnostics } from './datasetDiagnostics';

/** Codes whose fix cannot lose information the user meant to keep (an exact duplicate, a misspelt role). */
const PREFERRED_FIX_CODES: ReadonlySet<LintCode> = new Set<LintCode>(['duplicate', 'unknown-role']);

export class DatasetQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: DatasetDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.diagnostics.findingsFor(doc);
    if (!findings) return []; // stale: the text changed since the lint, and a relint is on its way
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'tunelab') continue;
      const finding = findings.find((f) => matches(f, diagnostic));
      for (const fix of finding?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, findingRange(e), e.newText);
        action.isPreferred = finding!.fixes!.length === 1 && PREFERRED_FIX_CODES.has(finding!.code);
        actions.push(action);
      }
    }
    return actions;
  }
}

function matches(f: Finding, d: vscode.Diagnostic): boolean {
  return f.code === d.code && f.message === d.message && findingRange(f).isEqual(d.range);
}
