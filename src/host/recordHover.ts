// Hover on a dataset record: its token count with the training model's tokenizer (the open training form's model,
// else the default model; a labelled estimate when that tokenizer cannot be loaded) and the rendered chat template.
// Counting runs in the lint worker: loading a tokenizer takes seconds and must not stall the editor.
import * as vscode from 'vscode';
import { csvRecordAtLine } from '../core/dataset/csv';
import { documentChars, isDatasetDocument } from './datasetDiagnostics';
import type { Linter } from './linter';
import { recordHoverMarkdown } from './recordHoverText';

/** Lines longer than this get no hover: tokenizing them would take seconds (the too-long finding covers them). */
const MAX_HOVER_LINE = 200_000;
/** CSV files are read whole to find the row under the pointer: past this size the hover would lag. */
const MAX_HOVER_CSV_CHARS = 20_000_000;

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

/** The record under the pointer as JSON text, and its range: a JSONL line, or a CSV row (which may span lines). */
function recordAt(doc: vscode.TextDocument, lineNumber: number): { json: string; range: vscode.Range } | undefined {
  if (/\.csv$/i.test(doc.fileName)) {
    if (documentChars(doc) > MAX_HOVER_CSV_CHARS) return undefined;
    const rec = csvRecordAtLine(doc.getText(), lineNumber + 1);
    if (!rec || rec.text.length > MAX_HOVER_LINE) return undefined;
    const s = rec.span;
    return { json: JSON.stringify(rec.value), range: new vscode.Range(s.line - 1, s.column - 1, s.endLine - 1, s.endColumn - 1) };
  }
  const line = doc.lineAt(lineNumber);
  const text = line.text.trim();
  // A record of its own on the line (JSONL); lines inside pretty-printed arrays get no hover.
  if (!text.startsWith('{') || line.text.length > MAX_HOVER_LINE) return undefined;
  return { json: text.replace(/,$/, ''), range: line.range };
}
