// Hover on a dataset record (a JSONL line, a CSV row, a record of a JSON array): its token count with the training
// model's tokenizer (the open training form's model, else the default model; a labelled estimate when that tokenizer
// cannot be loaded) and the rendered chat template.
// Counting runs in the lint worker: loading a tokenizer takes seconds and must not stall the editor.
import * as vscode from 'vscode';
import { recordAtLine } from '../core/dataset/read';
import { documentChars, isDatasetDocument } from './datasetDiagnostics';
import type { Linter } from './linter';
import { recordHoverMarkdown } from './recordHoverText';

/** Lines longer than this get no hover: tokenizing them would take seconds (the too-long finding covers them). */
const MAX_HOVER_LINE = 200_000;
/** CSV rows and multi-line records are found by reading the whole text: past this size the hover would lag. */
const MAX_HOVER_DOC_CHARS = 20_000_000;

export class RecordHoverProvider implements vscode.HoverProvider {
  constructor(private readonly linter: Linter, private readonly modelDir: (doc: vscode.TextDocument) => string | undefined,
    private readonly log: vscode.LogOutputChannel) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!isDatasetDocument(doc)) return undefined;
    const record = recordAt(doc, position.line);
    if (!record) return undefined;
    try {
      const info = await this.linter.recordTokens(record.json, this.modelDir(doc));
      const md = new vscode.MarkdownString(recordHoverMarkdown(info));
      return new vscode.Hover(md, record.range);
    } catch (err) {
      this.log.warn(`record hover: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}

/**
 * The record under the pointer as JSON text, and its range: a JSONL line at once; a CSV row, or a record of a JSON
 * array or of pretty-printed JSONL spanning lines, found by reading the whole text.
 */
function recordAt(doc: vscode.TextDocument, lineNumber: number): { json: string; range: vscode.Range } | undefined {
  const line = doc.lineAt(lineNumber);
  if (line.text.length > MAX_HOVER_LINE) return undefined;
  const text = line.text.trim();
  const csv = /\.csv$/i.test(doc.fileName);
  if (!csv && text.startsWith('{') && /\},?$/.test(text)) return { json: text.replace(/,$/, ''), range: line.range };
  if (documentChars(doc) > MAX_HOVER_DOC_CHARS) return undefined;
  const rec = recordAtLine(doc.getText(), doc.fileName, lineNumber + 1);
  if (!rec || rec.text.length > MAX_HOVER_LINE) return undefined;
  const s = rec.span;
  return { json: JSON.stringify(rec.value), range: new vscode.Range(s.line - 1, s.column - 1, s.endLine - 1, s.endColumn - 1) };
}
