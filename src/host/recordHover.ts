// Hover on a dataset record: its token count with the training model's tokenizer (the open training form's model,
// else the default model; a labelled estimate when that tokenizer cannot be loaded) and the rendered chat template.
// Counting runs in the lint worker: loading a tokenizer takes seconds and must not stall the editor.
import * as vscode from 'vscode';
import { isDatasetDocument } from './datasetDiagnostics';
import type { Linter } from './linter';
import { recordHoverMarkdown } from './recordHoverText';

/** Lines longer than this get no hover: tokenizing them would take seconds (the too-long finding covers them). */
const MAX_HOVER_LINE = 200_000;

export class RecordHoverProvider implements vscode.HoverProvider {
  constructor(private readonly linter: Linter, private readonly modelDir: (doc: vscode.TextDocument) => string | undefined,
    private readonly log: vscode.LogOutputChannel) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!isDatasetDocument(doc)) return undefined;
    const line = doc.lineAt(position.line);
    const text = line.text.trim();
    // A record of its own on the line (JSONL); lines inside pretty-printed arrays get no hover.
    if (!text.startsWith('{') || line.text.length > MAX_HOVER_LINE) return undefined;
    try {
      const info = await this.linter.recordTokens(text.replace(/,$/, ''), this.modelDir(doc));
      const md = new vscode.MarkdownString(recordHoverMarkdown(info));
      return new vscode.Hover(md, line.range);
    } catch (err) {
      this.log.warn(`record hover: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}
