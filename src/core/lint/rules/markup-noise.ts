/**
 * markup-noise: HTML tags and entities, and scraped page boilerplate, in the strings that reach training. The fix
 * strips the tags and decodes the entities (the whole string is rewritten, so the JSON stays valid).
 */
import type { LintRule } from '../context';
import { stringLabel, type TrainingString } from '../training-text';
import { plural } from './describe';
import { findBoilerplate, findMarkup, stripMarkup } from './markup';
import { reportStringFindings, type StringFinding } from './string-finding';
import { textHints } from './text-hints';

export const markupNoiseRule: LintRule = {
  code: 'markup-noise',
  create: (ctx) => ({
    record(r) {
      reportStringFindings(ctx, r, markupFindings);
    },
  }),
};

const NONE: StringFinding[] = [];

function markupFindings(s: TrainingString): StringFinding[] {
  const items = findMarkup(s.text);
  const boilerplate = findBoilerplate(s.text, textHints(s));
  if (!items.length && !boilerplate.length) return NONE;
  const out: StringFinding[] = [];
  if (items.length) {
    const tags = items.filter((i) => i.kind === 'tag');
    const entities = items.length - tags.length;
    const counts = [tags.length && plural(tags.length, 'HTML tag'), entities && `${entities} HTML ${entities === 1 ? 'entity' : 'entities'}`]
      .filter(Boolean).join(' and ');
    const { start, end } = items[0];
    out.push({
      code: 'markup-noise', severity: 'warning', start, end,
      message: `${counts} in ${stringLabel(s)} (first: ${clip(s.text.slice(start, end))}): scraped markup teaches the model to write it`,
      fix: { title: tags.length ? 'Strip HTML tags and decode entities' : 'Decode HTML entities', text: stripMarkup(s.text, items), whole: true },
    });
  }
  if (boilerplate.length) {
    const [start, end] = boilerplate[0];
    out.push({
      code: 'markup-noise', severity: 'warning', start, end,
      message: `scraped web page boilerplate in ${stringLabel(s)}: "${clip(s.text.slice(start, end))}"${boilerplate.length > 1 ? ` and ${boilerplate.length - 1} more` : ''}; remove it`,
    });
  }
  return out;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
