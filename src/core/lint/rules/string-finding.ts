/**
 * The pattern that pii and markup-noise share: look for something in each training string of a record, and report
 * each match at its range in the source line (raw offsets, so escapes such as \n or \u00e9 are accounted for), with
 * a fix that replaces the match, or the whole string, and keeps the JSON valid.
 */
import type { FileContext, RecordView } from '../context';
import { StringLocation } from '../string-location';
import { trainingStrings, type TrainingString } from '../training-text';
import type { LintCode, Severity } from '../types';

export interface StringFinding {
  code: LintCode;
  severity: Severity;
  message: string;
  /** Decoded offsets of the match in the string's text; end exclusive. */
  start: number;
  end: number;
  /** Replaces [start, end) with `text` (decoded text, escaped here), or the whole string when `whole`. */
  fix?: { title: string; text: string; whole?: boolean };
}

/** Calls `find` on each training string of `r` and reports what it returns at the matches' source ranges. */
export function reportStringFindings(ctx: FileContext, r: RecordView, find: (s: TrainingString) => StringFinding[]): void {
  for (const s of trainingStrings(r)) {
    const found = find(s);
    if (!found.length) continue;
    const loc = StringLocation.find(r.source, s.path);
    if (!loc) continue;
    for (const f of found) {
      const edit = f.fix && (f.fix.whole ? loc.replaceWith(f.fix.text) : loc.edit(f.start, f.end, JSON.stringify(f.fix.text).slice(1, -1)));
      ctx.report({
        code: f.code, severity: f.severity, span: loc.span(f.start, f.end), message: f.message,
        fixes: f.fix && edit ? [{ title: f.fix.title, edits: [edit] }] : undefined,
      });
    }
  }
}
