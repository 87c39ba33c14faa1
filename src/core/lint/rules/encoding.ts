/**
 * encoding (per record): mojibake, control characters, U+FFFD and unpaired surrogates in the strings that reach
 * training. One finding per string, at its first issue; the fix repairs mojibake, drops control characters and lone
 * surrogates, and NFC-normalises. U+FFFD marks text that was lost when the data was decoded: it cannot be repaired,
 * and in a file that is not valid UTF-8 the file-level finding already covers it.
 */
import type { LintRule } from '../context';
import { StringLocation } from '../string-location';
import { stringLabel, trainingStrings } from '../training-text';
import { findEncodingIssues, repairText, type EncodingIssue } from './text-encoding';
import { mayHaveEncodingIssues, textHints } from './text-hints';

const WHAT: Record<EncodingIssue['kind'], string> = {
  mojibake: 'mojibake (UTF-8 text decoded as Windows-1252 or Latin-1, e.g. "Ã©" for "é")',
  control: 'control characters',
  replacement: 'U+FFFD replacement characters (text lost in an earlier decoding)',
  surrogate: 'unpaired UTF-16 surrogates (broken \\ud800-style escapes)',
};

export const encodingRule: LintRule = {
  code: 'encoding',
  create(ctx) {
    const badUtf8 = ctx.readProblems.some((p) => p.kind === 'invalid-utf8');
    return {
      record(r) {
        for (const s of trainingStrings(r)) {
          const issues = findEncodingIssues(s.text, !badUtf8, mayHaveEncodingIssues(textHints(s), s.text));
          if (!issues.length) continue;
          const loc = StringLocation.find(r.source, s.path);
          if (!loc) continue;
          const kinds = [...new Set(issues.map((i) => i.kind))];
          const first = issues[0];
          const repaired = repairText(s.text);
          const edit = repaired !== s.text ? loc.replaceWith(repaired) : undefined;
          ctx.report({
            code: 'encoding', severity: 'warning', span: loc.span(first.start, first.end),
            message: `${kinds.map((k) => WHAT[k]).join('; ')} in ${stringLabel(s)}`,
            fixes: edit ? [{ title: 'Repair the text encoding', edits: [edit] }] : undefined,
          });
        }
      },
    };
  },
};
