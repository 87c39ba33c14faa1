// Hover on a dataset record (a JSONL line, a CSV row, a record of a JSON array): its token count with the training
// model's tokenizer (the open training form's model, else the default model; a labelled estimate when that tokenizer
// cannot be loaded) and the rendered chat template.
// Counting runs in the lint worker: loading a tokenizer takes seconds and must not stall the editor.
import * as vscode from 'vscode';
import type { Span } from '../core/dataset/types';
import { isCsvDocument, isDatasetDocument } from './datasetDiagnostics';
import { UnknownDocumentError, type Linter } from './linter';
import { recordHoverMarkdown } from './recordHoverText';
import { MAX_HOVER_RECORD_CHARS } from './recordTokens';

export class RecordHoverProvider implements vscode.HoverProvider {
  constructor(private readonly linter: Linter, private readonly modelDir: (doc: vscode.TextDocument) => string | undefined,
    private readonly log: vscode.LogOutputChannel) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!isDatasetDocument(doc)) return undefined;
    const line = doc.lineAt(position.line);
    if (line.text.length > MAX_HOVER_RECORD_CHARS) return undefined;
    const text = line.text.trim();
    try {
      // A record of its own on the line (JSONL, or an array written one record per line): counted from the line.
      if (!isCsvDocument(doc) && text.startsWith('{') && /\},?$/.test(text)) {
        const info = await this.linter.recordTokens(text.replace(/,$/, ''), this.modelDir(doc));
        return new vscode.Hover(new vscode.MarkdownString(recordHoverMarkdown(info)), line.range);
      }
      // A CSV row, or a record spanning lines: the worker finds it in its copy (reading the whole text takes a while).
      const found = await this.linter.recordTokensAt(doc.uri.toString(), position.line + 1, this.modelDir(doc));
      return found && new vscode.Hover(new vscode.MarkdownString(recordHoverMarkdown(found.info)), rangeOf(found.span));
    } catch (err) {
      if (!(err instanceof UnknownDocumentError)) this.log.warn(`record hover: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}

function rangeOf(s: Span): vscode.Range {
  return new vscode.Range(s.line - 1, s.column - 1, s.endLine - 1, s.endColumn - 1);
}
